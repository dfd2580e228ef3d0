"""Child processes that die with their parent: no orphan servers after a crash, Ctrl-C or kill -9.

Each child runs in a session (and process group) of its own, so the SIGINT a terminal sends to its foreground
process group on Ctrl-C reaches only the process that started it, which then stops its children in the order
it chooses. The kernel still sends each child ``death_signal`` when its parent dies (PR_SET_PDEATHSIG), so
nothing is orphaned even when the parent is killed with SIGKILL.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

_log = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent(sig: int) -> Callable[[], None]:
    def preexec() -> None:  # runs in the child between fork and exec, after any setuid
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)

    return preexec


def spawn(
    argv: Sequence[str],
    *,
    log_file: Path,
    death_signal: int = signal.SIGTERM,
    user: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in a new session writing to ``log_file``; the kernel sends ``death_signal`` to it if the
    thread that started it dies (so start children from the main thread)."""
    log = log_file.open("ab")
    try:
        return subprocess.Popen(
            list(argv),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent(death_signal),
            start_new_session=True,
            user=user,
            env=env,
        )
    finally:
        log.close()


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
    """Ask the process to stop, kill it if it does not within ``timeout``."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        _log.warning("pid %s did not stop in %.0fs, killing it", proc.pid, timeout)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(5)


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log_file: Path, timeout: float = 30.0) -> None:
    """Wait until something accepts connections on 127.0.0.1:``port``; fail early if ``proc`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}: {_tail(log_file)}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing answered on 127.0.0.1:{port} within {timeout}s: {_tail(log_file)}")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
