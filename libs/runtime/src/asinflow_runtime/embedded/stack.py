"""Start what is not configured, hand out the connection settings, stop it all cleanly (DESIGN §5)."""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from asinflow_runtime.embedded.servers import Server, start_postgres, start_redis, start_tansu
from asinflow_runtime.settings import InfraSettings

_log = logging.getLogger(__name__)


class EmbeddedStack:
    """A context manager: for each of broker, database and Redis whose URL is unset, start an embedded one.

    ``settings`` after ``start()`` names every server, embedded or configured.
    """

    def __init__(self, configured: InfraSettings | None = None, workdir: Path | None = None) -> None:
        self.configured = configured if configured is not None else InfraSettings()
        self._workdir = workdir
        self._owns_workdir = workdir is None
        self._servers: list[Server] = []
        self.settings = self.configured

    def server(self, name: str) -> Server:
        """The embedded server called ``name`` (kafka, postgres, redis)."""
        return next(s for s in self._servers if s.name == name)

    @property
    def embedded(self) -> list[str]:
        return [server.name for server in self._servers]

    def start(self) -> InfraSettings:
        workdir = self._workdir or Path(tempfile.mkdtemp(prefix="asinflow-stack-"))
        workdir.mkdir(parents=True, exist_ok=True)
        self._workdir = workdir
        atexit.register(self.stop)
        values = self.configured.model_dump()
        starters: dict[str, tuple[str, Callable[[Path], Server]]] = {
            "kafka_bootstrap_servers": ("kafka", start_tansu),
            "database_url": ("postgres", start_postgres),
            "redis_url": ("redis", start_redis),
        }
        try:
            for key, (name, starter) in starters.items():
                if values[key]:
                    continue
                server_dir = workdir / name
                server_dir.mkdir(exist_ok=True)
                server = starter(server_dir)
                self._servers.append(server)
                values[key] = server.url
                _log.info("embedded %s on %s", name, server.url)
        except BaseException:
            self.stop()
            raise
        self.settings = InfraSettings(**values)
        return self.settings

    def stop(self) -> None:
        while self._servers:
            server = self._servers.pop()
            try:
                server.stop()
            except Exception:  # keep stopping the others; the error is logged
                _log.exception("could not stop embedded %s", server.name)
        if self._owns_workdir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> InfraSettings:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
