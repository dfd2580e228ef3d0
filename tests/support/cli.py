"""Run the installed ``asinflow`` command the way a user does, without blocking the test's event loop."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from asinflow_runtime.settings import InfraSettings

ASINFLOW = str(Path(sys.executable).parent / "asinflow")


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


async def asinflow(
    *args: str,
    infra: InfraSettings | None = None,
    stdin: str | None = None,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Result:
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "REDIS_URL")}
    if infra is not None:
        env.update(infra.as_env())
    proc = await asyncio.create_subprocess_exec(
        ASINFLOW,
        *args,
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode() if stdin else None), timeout)
    assert proc.returncode is not None
    return Result(proc.returncode, out.decode(), err.decode())
