"""``asinflow run``'s process supervision, like compose's ``restart: unless-stopped``.

Every service runs in its own process (and session: the terminal's Ctrl-C reaches only ``asinflow run``).
A service that exits for any reason (a crash, ``kill -9``, a non-zero exit) is started again after a delay
that doubles from ``initial_delay_s`` up to ``max_delay_s`` and falls back to ``initial_delay_s`` once the
process has stayed up ``stable_after_s``. ``run`` gives up only on a crash loop: when a service would need
more than ``max_restarts`` restarts within ``window_s`` seconds, ``poll`` raises ``CrashLoop``.

``poll`` starts processes, so call it from the main thread: the kernel stops a child when the thread that
started it ends (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from asinflow_runtime.embedded.processes import free_port, spawn
from asinflow_runtime.settings import InfraSettings

from asinflow_cli.roster import PROCESSES


@dataclass(frozen=True)
class RestartPolicy:
    max_restarts: int = 5
    window_s: float = 60.0
    initial_delay_s: float = 0.5
    max_delay_s: float = 30.0
    stable_after_s: float = 30.0

    def delay(self, attempt: int) -> float:
        """The wait before restart number ``attempt`` (1-based) of a run of quick exits."""
        return float(min(self.initial_delay_s * 2 ** (attempt - 1), self.max_delay_s))


class CrashLoop(RuntimeError):
    """A service exited too often in too short a time: ``run`` stops everything."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


@dataclass
class Child:
    name: str
    argv: list[str]
    log: Path
    http_port: int = 0  #: where it serves /livez, /readyz and /metrics; the same across restarts
    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    attempt: int = 0  # restarts since the process last stayed up ``stable_after_s``
    restart_at: float | None = None
    restarts: deque[float] = field(default_factory=deque)  # when it was restarted, within the window

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


class Supervisor:
    def __init__(
        self,
        settings: InfraSettings,
        log_dir: Path,
        policy: RestartPolicy | None = None,
        *,
        say: Callable[[str], None] | None = None,
        services: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.policy = policy or RestartPolicy()
        self.say = say or (lambda line: print(line, file=sys.stderr, flush=True))
        names = services if services is not None else [(s.name, s.module) for s in PROCESSES]
        self.children = {
            name: Child(name, [sys.executable, "-m", module], log_dir / f"{name}.log", free_port())
            for name, module in names
        }
        self.started_at = datetime.now(UTC)
        self.env = {**os.environ, **settings.as_env()}

    @property
    def names(self) -> list[str]:
        return list(self.children)

    @property
    def urls(self) -> dict[str, str]:
        """Where each service serves its endpoints."""
        return {name: child.url for name, child in self.children.items()}

    def start_all(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for child in self.children.values():
            self._start(child)

    def _start(self, child: Child) -> None:
        env = {**self.env, "ASINFLOW_HTTP_HOST": "127.0.0.1", "ASINFLOW_HTTP_PORT": str(child.http_port)}
        child.proc = spawn(child.argv, log_file=child.log, env=env)
        child.started = time.monotonic()
        child.restart_at = None

    def poll(self) -> None:
        """Notice exits, schedule restarts with backoff, start what is due; raises ``CrashLoop``."""
        now = time.monotonic()
        for child in self.children.values():
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts.append(now)
                    self._start(child)
                continue
            if child.proc is None or child.proc.poll() is None:
                continue
            while child.restarts and now - child.restarts[0] > self.policy.window_s:
                child.restarts.popleft()
            how = describe_exit(child.proc.returncode)
            if len(child.restarts) >= self.policy.max_restarts:
                raise CrashLoop(
                    child.name,
                    f"{child.name} {how} after {len(child.restarts)} restarts within "
                    f"{self.policy.window_s:g}s: crash loop, giving up; see {child.log}",
                )
            child.attempt = 1 if now - child.started >= self.policy.stable_after_s else child.attempt + 1
            delay = self.policy.delay(child.attempt)
            child.restart_at = now + delay
            self.say(
                f"{child.name} {how} (up {now - child.started:.1f}s); restarting in {delay:g}s "
                f"(attempt {child.attempt}; see {child.log})"
            )

    async def watch(self, interval: float = 0.2) -> None:
        """``poll`` forever (until cancelled, or a crash loop)."""
        while True:
            self.poll()
            await asyncio.sleep(interval)

    def stop_all(self, timeout: float = 20.0) -> None:
        """SIGTERM every service (its process group), wait up to ``timeout``, then SIGKILL what is left."""
        alive = [c.proc for c in self.children.values() if c.proc is not None and c.proc.poll() is None]
        for child in self.children.values():
            child.restart_at = None
        for proc in alive:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in alive:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"pid {proc.pid} did not stop within {timeout:g}s; killing it")
                _signal_group(proc, signal.SIGKILL)
                proc.wait(5)

    async def wait_ready(self, pool: asyncpg.Pool, timeout: float = 120.0) -> None:
        """Until every service has written a ready heartbeat since this run started. A service that exits
        meanwhile is restarted by ``watch``; only a crash loop ends the wait early."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(asyncpg.UndefinedTableError):
                rows = await pool.fetch(
                    "SELECT service FROM ops.service_heartbeat WHERE ready AND started_at >= $1 AND service = ANY($2)",
                    self.started_at,
                    self.names,
                )
                if len(rows) == len(self.children):
                    return
            await asyncio.sleep(0.2)
        raise TimeoutError(f"services not ready within {timeout:.0f}s; see {self.log_dir}/")


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Signal the process group the service leads (its own session), so nothing it started is left behind."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)
