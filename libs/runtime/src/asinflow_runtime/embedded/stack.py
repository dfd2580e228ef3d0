"""Start what is not configured, hand out the connection settings, stop it all cleanly (DESIGN §5)."""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO

from asinflow_runtime.embedded.servers import (
    Server,
    start_object_store,
    start_postgres,
    start_redis,
    start_tansu,
)
from asinflow_runtime.settings import InfraSettings

_log = logging.getLogger(__name__)


class DataDirInUse(RuntimeError):
    """Another process holds the data directory's lock."""


class EmbeddedStack:
    """A context manager: for each of broker, database and Redis whose URL is unset, start an embedded one.

    ``settings`` after ``start()`` names every server, embedded or configured.

    Without ``data_dir`` the stack is ephemeral: new servers in a temporary ``workdir``, durability settings
    off, nothing kept. With ``data_dir`` it is durable: PostgreSQL's cluster in ``data_dir/postgres``,
    Redis's append-only file in ``data_dir/redis``, the broker's topics, messages and committed offsets in
    ``data_dir/broker`` (an object store, see ``objectstore.py``); a restart carries on where the last one
    stopped, on new ports. One process at a time may use a data directory (``data_dir/lock``);
    ``fresh=True`` empties it first. Server logs go to ``workdir`` (kept when given).
    """

    def __init__(
        self,
        configured: InfraSettings | None = None,
        workdir: Path | None = None,
        *,
        data_dir: Path | None = None,
        fresh: bool = False,
    ) -> None:
        self.configured = configured if configured is not None else InfraSettings()
        self._workdir = workdir.resolve() if workdir is not None else None
        self._owns_workdir = workdir is None
        self._servers: list[Server] = []
        self.settings = self.configured
        self.data_dir = data_dir.resolve() if data_dir is not None else None
        self.fresh = fresh
        self._lock: IO[str] | None = None

    def server(self, name: str) -> Server:
        """The embedded server called ``name`` (kafka, postgres, redis)."""
        return next(s for s in self._servers if s.name == name)

    @property
    def embedded(self) -> list[str]:
        return [server.name for server in self._servers]

    def start(self) -> InfraSettings:
        """Start the servers: PostgreSQL first, then Redis, then the broker (and its object store)."""
        workdir = self._workdir or Path(tempfile.mkdtemp(prefix="asinflow-stack-"))
        workdir.mkdir(parents=True, exist_ok=True)
        self._workdir = workdir
        atexit.register(self.stop)
        values = self.configured.model_dump()
        try:
            if self.data_dir is not None and not all(values[key] for key, _, _ in self._starters()):
                self._lock_data_dir(self.data_dir)
            for key, name, starter in self._starters():
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

    def _starters(self) -> list[tuple[str, str, Callable[[Path], Server]]]:
        data = self.data_dir
        if data is None:
            return [
                ("database_url", "postgres", start_postgres),
                ("redis_url", "redis", start_redis),
                ("kafka_bootstrap_servers", "kafka", start_tansu),
            ]

        def broker(workdir: Path) -> Server:
            store = start_object_store(workdir, data / "broker")
            self._servers.append(store)  # stopped after the broker
            return start_tansu(workdir, object_store=store.url)

        return [
            ("database_url", "postgres", partial(start_postgres, data_dir=data / "postgres")),
            ("redis_url", "redis", partial(start_redis, data_dir=data / "redis")),
            ("kafka_bootstrap_servers", "kafka", broker),
        ]

    def _lock_data_dir(self, data: Path) -> None:
        data.mkdir(parents=True, exist_ok=True)
        lock = (data / "lock").open("a+")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "?"
            lock.close()
            raise DataDirInUse(
                f"{data} is in use by another process (pid {holder}): one `asinflow run` at a time per data "
                "directory; stop the other one first, or run this one in another directory"
            ) from None
        if self.fresh:
            for entry in data.iterdir():
                if entry.name != "lock":
                    shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        self._lock = lock

    def stop(self) -> None:
        """Stop the servers in the reverse order of their start: the broker first, PostgreSQL last."""
        while self._servers:
            server = self._servers.pop()
            try:
                server.stop()
            except Exception:  # keep stopping the others; the error is logged
                _log.exception("could not stop embedded %s", server.name)
        if self._owns_workdir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.truncate(0)
            self._lock.close()
            self._lock = None

    def __enter__(self) -> InfraSettings:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
