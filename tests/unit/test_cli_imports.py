"""`asinflow` starts in a fraction of a second: a command imports what it uses, nothing more (issue 15).

`asinflow --help` imports no command at all, `asinflow id check` only the identifier rules; the help still lists
every command with the first paragraph of its docstring, and errors still become one-line messages. Each run is
a fresh interpreter (what is already imported in this one proves nothing); none of this is timed.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from aiokafka.errors import KafkaConnectionError
from asinflow_cli import commands
from asinflow_cli.errors import user_message
from asinflow_cli.main import COMMANDS, Cli, cli
from asinflow_cli.publishing import NotApplied
from asinflow_cli.roster import ROSTER
from asinflow_cli.services import SERVICES
from asinflow_contracts.events import InventoryUpdated
from asinflow_runtime.settings import NotConfigured
from click.testing import CliRunner
from pydantic import ValidationError

pytestmark = pytest.mark.unit

#: Drivers and libraries no command needs just to start.
HEAVY = ("numpy", "redis", "aiokafka", "asyncpg", "faststream", "pydantic", "pydantic_settings", "asinflow_runtime")
SERVICE_PACKAGES = (
    "asinflow_activation",
    "asinflow_brand_gating",
    "asinflow_catalog",
    "asinflow_creation_quota",
    "asinflow_duplicate_matching",
    "asinflow_identifier_validation",
    "asinflow_lifecycle_ledger",
)

#: Runs the command as the installed `asinflow` script does and writes every module it imported to argv[1].
PROBE = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from asinflow_cli.main import cli
sys.argv = ["asinflow", *sys.argv[2:]]
sys.exit(cli())
"""


def imported_by(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args], capture_output=True, text=True, timeout=60, check=False
    )
    return done, set(json.loads(out.read_text()))


def packages(modules: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


def test_help_imports_no_command_service_or_driver(tmp_path: Path) -> None:
    done, modules = imported_by(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    assert not packages(modules) & {*HEAVY, *SERVICE_PACKAGES}, sorted(packages(modules) & {*HEAVY, *SERVICE_PACKAGES})
    assert not {m for m in modules if m.startswith("asinflow_cli.commands.")}
    assert not {m for m in modules if m.startswith("asinflow_") and not m.startswith("asinflow_cli")}
    listed = [line.split()[0] for line in done.stdout.partition("Commands:")[2].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)


def test_id_check_imports_the_identifier_rules_and_nothing_else(tmp_path: Path) -> None:
    done, modules = imported_by(tmp_path, "id", "check", "036000291452")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["gtin14"] == "00036000291452"
    assert not packages(modules) & {*HEAVY, *SERVICE_PACKAGES} - {"asinflow_identifier_validation"}
    rules = "asinflow_identifier_validation.domain.identifiers"
    parents = {"asinflow_identifier_validation", "asinflow_identifier_validation.domain"}  # empty __init__ files
    ours = {m for m in modules if m.startswith("asinflow_") and not m.startswith("asinflow_cli")}
    assert {m for m in ours - parents if m != rules and not m.startswith(f"{rules}.")} == set()
    assert {m for m in modules if m.startswith("asinflow_cli.commands.")} == {"asinflow_cli.commands.idcheck"}


def test_the_table_of_commands_matches_the_commands() -> None:
    for name, entry in COMMANDS.items():
        command = getattr(importlib.import_module(entry.module), entry.attribute)
        assert isinstance(command, click.Command)
        assert command.name == name
        first_paragraph = (command.help or "").partition("\n\n")[0]
        assert entry.help.split() == first_paragraph.split(), f"COMMANDS[{name!r}].help: copy the docstring's"


def test_help_reads_as_it_would_with_every_command_imported() -> None:
    lazy = Cli(cli.name, params=cli.params, help=cli.help, lazy_commands=COMMANDS)  # none of them imported yet
    eager = click.Group(cli.name, params=cli.params, help=cli.help)
    for name, entry in COMMANDS.items():
        eager.add_command(getattr(importlib.import_module(entry.module), entry.attribute), name)
    shown = CliRunner().invoke(lazy, ["--help"], prog_name="asinflow")
    assert shown.exit_code == 0
    assert shown.output == CliRunner().invoke(eager, ["--help"], prog_name="asinflow").output


def test_every_command_module_is_in_the_table() -> None:
    registered = {(entry.module, entry.attribute) for entry in COMMANDS.values()}
    for info in pkgutil.iter_modules(commands.__path__, f"{commands.__name__}."):
        module = importlib.import_module(info.name)
        defined = {
            name: value
            for name, value in vars(module).items()
            if isinstance(value, click.Command) and getattr(value.callback, "__module__", None) == info.name
        }
        nested = {
            id(sub) for value in defined.values() if isinstance(value, click.Group) for sub in value.commands.values()
        }
        top = {(info.name, name) for name, value in defined.items() if id(value) not in nested}
        assert top <= registered, f"add {sorted(top - registered)} to asinflow_cli.main.COMMANDS"


def test_the_roster_names_the_services_as_their_specs_do() -> None:
    assert [(s.name, s.module, s.schema) for s in ROSTER] == [
        (spec.name, module, spec.schema) for spec, module in SERVICES
    ]


def test_errors_a_user_can_act_on_are_one_line_the_rest_are_not_hidden() -> None:
    with pytest.raises(ValidationError) as invalid:
        InventoryUpdated.model_validate({"seller_id": "", "sku": "K", "quantity": 1, "update_id": "u"})
    assert user_message(NotConfigured("not configured: DATABASE_URL")) == "not configured: DATABASE_URL"
    assert user_message(NotApplied("not applied in time")) == "not applied in time"
    assert (user_message(invalid.value) or "").startswith("invalid input: seller_id:")
    not_text = UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    assert user_message(not_text) == "not UTF-8 text: invalid start byte at byte 0"
    assert user_message(FileNotFoundError(2, "No such file or directory", "feed.jsonl")) == (
        "feed.jsonl: No such file or directory"
    )
    for unreachable in (ConnectionRefusedError(111, "Connection refused"), KafkaConnectionError("no broker")):
        assert "cannot reach the stack" in (user_message(unreachable) or "")
    assert user_message(ValueError("a bug")) is None
    assert user_message(click.ClickException("already a message")) is None
