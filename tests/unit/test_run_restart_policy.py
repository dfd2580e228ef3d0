"""`asinflow run`'s restart policy, with a controllable clock and fake processes: restart with doubling
delays, back to the first delay after the process stayed up, give up on N restarts within M seconds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from asinflow_cli import supervisor
from asinflow_cli.supervisor import CrashLoop, RestartPolicy, Supervisor, describe_exit
from asinflow_runtime.settings import InfraSettings

pytestmark = pytest.mark.unit


class FakeProc:
    def __init__(self) -> None:
        self.returncode: int | None = None
        self.pid = 0

    def poll(self) -> int | None:
        return self.returncode


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Supervisor, Clock, list[FakeProc], list[str]]:
    clock = Clock()
    procs: list[FakeProc] = []
    said: list[str] = []

    def spawn(argv: list[str], **_: Any) -> FakeProc:
        procs.append(FakeProc())
        return procs[-1]

    monkeypatch.setattr(supervisor, "spawn", spawn)
    monkeypatch.setattr(supervisor.time, "monotonic", clock)
    settings = InfraSettings(kafka_bootstrap_servers="k:1", database_url="postgresql://d", redis_url="redis://r")
    policy = RestartPolicy(max_restarts=3, window_s=60, initial_delay_s=0.5, max_delay_s=4, stable_after_s=30)
    sup = Supervisor(settings, tmp_path, policy, say=said.append, services=[("catalog", "asinflow_catalog")])
    sup.start_all()
    return sup, clock, procs, said


def crash(procs: list[FakeProc], code: int = -9) -> None:
    procs[-1].returncode = code


def test_delays_double_up_to_the_maximum() -> None:
    policy = RestartPolicy(initial_delay_s=0.5, max_delay_s=30)
    assert [policy.delay(n) for n in range(1, 9)] == [0.5, 1, 2, 4, 8, 16, 30, 30]


def test_exits_are_described_by_code_or_signal() -> None:
    assert describe_exit(1) == "exit code 1"
    assert describe_exit(0) == "exit code 0"
    assert describe_exit(-9) == "killed by SIGKILL"


def test_a_crashed_service_is_restarted_after_the_delay(world: Any) -> None:
    sup, clock, procs, said = world
    crash(procs)
    clock.now += 2
    sup.poll()
    assert said == [
        "catalog killed by SIGKILL (up 2.0s); restarting in 0.5s (attempt 1; see " + f"{sup.log_dir}/catalog.log)"
    ]
    assert len(procs) == 1
    clock.now += 0.4
    sup.poll()
    assert len(procs) == 1
    clock.now += 0.2
    sup.poll()
    assert len(procs) == 2 and procs[-1].returncode is None


def test_quick_exits_double_the_delay_and_a_stable_run_resets_it(world: Any) -> None:
    sup, clock, procs, said = world
    for expected in ("0.5s (attempt 1", "1s (attempt 2"):
        crash(procs, 1)
        clock.now += 1
        sup.poll()
        assert expected in said[-1]
        clock.now += 5
        sup.poll()
    clock.now += 31  # stays up: the next exit starts the delays over
    crash(procs, 1)
    sup.poll()
    assert "restarting in 0.5s (attempt 1" in said[-1]


def test_too_many_restarts_within_the_window_is_a_crash_loop(world: Any) -> None:
    sup, clock, procs, _ = world
    for _ in range(3):
        crash(procs, 1)
        sup.poll()
        clock.now += 5
        sup.poll()
    assert len(procs) == 4
    crash(procs, 1)
    with pytest.raises(CrashLoop) as raised:
        sup.poll()
    assert raised.value.name == "catalog"
    assert "catalog exit code 1 after 3 restarts within 60s: crash loop, giving up; see" in str(raised.value)


def test_restarts_older_than_the_window_do_not_count(world: Any) -> None:
    sup, clock, procs, _ = world
    for _ in range(6):
        crash(procs, 1)
        sup.poll()
        clock.now += 35  # a restart every 35 s: never 3 within 60 s
        sup.poll()
    assert len(procs) == 7
