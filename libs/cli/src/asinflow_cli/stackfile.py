"""``.asinflow/stack.env``: how every ``asinflow`` command finds the stack a running ``asinflow run`` uses."""

from __future__ import annotations

import os
from pathlib import Path

from asinflow_runtime.embedded.processes import pid_alive
from asinflow_runtime.settings import InfraSettings

STATE_DIR = Path(".asinflow")
STACK_ENV = STATE_DIR / "stack.env"
KEYS = ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "REDIS_URL")


#: ``ASINFLOW_HTTP_<SERVICE>`` lines: where each service of a running ``asinflow run`` serves its endpoints.
HTTP_PREFIX = "ASINFLOW_HTTP_"


def write(settings: InfraSettings, pid: int, path: Path = STACK_ENV, http: dict[str, str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{k}={v}" for k, v in settings.as_env().items()] + [f"ASINFLOW_RUN_PID={pid}"]
    lines += [f"{HTTP_PREFIX}{name.upper().replace('-', '_')}={url}" for name, url in (http or {}).items()]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)


def read(path: Path = STACK_ENV) -> dict[str, str]:
    if not path.exists():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            values[key.strip()] = value.strip()
    return values


def remove(pid: int, path: Path = STACK_ENV) -> None:
    """Remove the file if it still describes the stack of ``pid``."""
    if read(path).get("ASINFLOW_RUN_PID") == str(pid):
        path.unlink(missing_ok=True)


def resolve() -> InfraSettings:
    """Environment variables first, then the stack file of a running ``asinflow run``; raises if incomplete."""
    from_file = read()
    pid = from_file.get("ASINFLOW_RUN_PID")
    if pid and not pid_alive(int(pid)):
        from_file = {}
    values = {k.lower(): os.environ.get(k) or from_file.get(k) for k in KEYS}
    return InfraSettings.model_validate(values).require_complete()


def service_urls(path: Path = STACK_ENV) -> dict[str, str]:
    """Each service's endpoint URL, from the stack file of a running ``asinflow run`` (empty otherwise)."""
    values = read(path)
    pid = values.get("ASINFLOW_RUN_PID")
    if not pid or not pid_alive(int(pid)):
        return {}
    return {
        key.removeprefix(HTTP_PREFIX).lower().replace("_", "-"): value
        for key, value in values.items()
        if key.startswith(HTTP_PREFIX) and key not in ("ASINFLOW_HTTP_HOST", "ASINFLOW_HTTP_PORT")
    }
