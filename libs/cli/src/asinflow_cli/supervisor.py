"""``asinflow run``'s process supervision: every service in its own process, stopped with the run."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from asinflow_runtime.embedded.processes import spawn, stop
from asinflow_runtime.settings import InfraSettings

from asinflow_cli.services import SERVICES


class Supervisor:
    def __init__(self, settings: InfraSettings, log_dir: Path) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.started_at = datetime.now(UTC)

    def start_all(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.settings.as_env()}
        for spec, module in SERVICES:
            self.procs[spec.name] = spawn(
                [sys.executable, "-m", module], log_file=self.log_dir / f"{spec.name}.log", env=env
            )

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            stop(proc, timeout=15)

    def dead(self) -> list[str]:
        return [name for name, proc in self.procs.items() if proc.poll() is not None]

    async def wait_ready(self, pool: asyncpg.Pool, timeout: float = 60.0) -> None:
        """Until every service has written a ready heartbeat since this run started."""
        deadline = time.monotonic() + timeout
        names = [spec.name for spec, _ in SERVICES]
        while time.monotonic() < deadline:
            if dead := self.dead():
                raise RuntimeError(f"service(s) exited: {dead}; see {self.log_dir}/")
            try:
                rows = await pool.fetch(
                    "SELECT service FROM ops.service_heartbeat WHERE ready AND started_at >= $1 AND service = ANY($2)",
                    self.started_at,
                    names,
                )
                if len(rows) == len(names):
                    return
            except asyncpg.UndefinedTableError:
                pass
            await asyncio.sleep(0.2)
        raise TimeoutError(f"services not ready within {timeout:.0f}s; see {self.log_dir}/")
