"""E2E tests run the services as separate processes, the way users run them, on a stack of their own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from asinflow_cli.setup import initialise
from asinflow_runtime.db import create_pool
from asinflow_runtime.embedded import EmbeddedStack
from asinflow_runtime.embedded.processes import spawn, stop
from asinflow_runtime.settings import InfraSettings


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStack]:
    stack = EmbeddedStack(InfraSettings(kafka_bootstrap_servers=None, database_url=None, redis_url=None))
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
async def own_pool(own_stack: EmbeddedStack) -> AsyncIterator[asyncpg.Pool]:
    await initialise(own_stack.settings)
    assert own_stack.settings.database_url
    pool = await create_pool(own_stack.settings.database_url, max_size=3)
    yield pool
    await pool.close()


class ServiceProcess:
    """A service started with ``python -m`` that the test can kill and restart."""

    def __init__(self, module: str, settings: InfraSettings, log_dir: Path) -> None:
        self.module = module
        self.env = {
            **os.environ,
            **settings.as_env(),
            "ASINFLOW_CONSUMER_FETCH_MAX_WAIT_MS": "50",
            "ASINFLOW_CONSUMER_FETCH_MIN_BYTES": "1",
        }
        self.log = log_dir / f"{module}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = spawn([sys.executable, "-m", self.module], log_file=self.log, env=self.env)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, timeout=15)

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:]) if self.log.exists() else ""
