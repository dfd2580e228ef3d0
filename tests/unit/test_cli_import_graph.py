"""`libs/cli` imports no service package's internals (issue 13, item 3; docs/cli.md, "What the CLI may import").

The import graph is read statically: every module under ``libs/cli/src`` is parsed with ``ast`` and every import
statement is collected wherever it is (module level, inside functions, under ``TYPE_CHECKING``), together with
``importlib.import_module("…")`` calls on literal names. Each import of a service package must land on the public
surface below; anything else (adapters, handlers, stores, routes, previews, settings) is the service's own.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

CLI_SRC = Path(__file__).resolve().parents[2] / "libs" / "cli" / "src"

SERVICE_PACKAGES = (
    "asinflow_activation",
    "asinflow_brand_gating",
    "asinflow_catalog",
    "asinflow_creation_quota",
    "asinflow_duplicate_matching",
    "asinflow_identifier_validation",
    "asinflow_lifecycle_ledger",
    "asinflow_listings_api",
)

#: A service package's public surface (docs/cli.md): its ``app`` module (the ``SPEC``: name, schema, migrations,
#: topics, to start and migrate it), and the pure domain modules offline tools use. A name here covers its
#: submodules (``…domain.identifiers`` is a package).
PUBLIC_SURFACE = frozenset(
    {
        *(f"{package}.app" for package in SERVICE_PACKAGES),
        # `asinflow id check`: the GTIN rules, no listing and no decision
        "asinflow_identifier_validation.domain.identifiers",
        # `asinflow match fit|evaluate`: the matcher fitted and measured offline on a benchmark folder
        "asinflow_duplicate_matching.domain.magellan",
        "asinflow_duplicate_matching.domain.matcher",
        "asinflow_duplicate_matching.domain.training",
    }
)


@dataclass(frozen=True)
class Import:
    module: str  #: the CLI module that imports
    line: int
    target: str  #: what it imports, as a dotted name
    alternative: str | None = None  #: ``from X import n``: ``X.n`` (n may be a submodule or an attribute of X)


def _package_of(path: Path) -> str:
    parts = list(path.relative_to(CLI_SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_in(source: str, module: str, is_package: bool = False) -> list[Import]:
    """Every import in ``source`` (the code of ``module``), wherever it is written."""
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the importing module's package
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found += [Import(module, node.lineno, base, f"{base}.{alias.name}") for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Attribute, ast.Name))
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(module, node.lineno, node.args[0].value))
    return found


def cli_imports() -> list[Import]:
    found: list[Import] = []
    for path in sorted(CLI_SRC.rglob("*.py")):
        found += imports_in(path.read_text(), _package_of(path), path.name == "__init__.py")
    return found


def _public(name: str) -> bool:
    return any(name == allowed or name.startswith(f"{allowed}.") for allowed in PUBLIC_SURFACE)


def _of_a_service(name: str) -> bool:
    return name.partition(".")[0] in SERVICE_PACKAGES


def violations(found: list[Import]) -> list[str]:
    bad = []
    for imp in found:
        if not _of_a_service(imp.target):
            continue
        if _public(imp.target) or (imp.alternative is not None and _public(imp.alternative)):
            continue
        bad.append(f"{imp.module}:{imp.line} imports {imp.alternative or imp.target}")
    return bad


def test_the_cli_imports_only_the_services_public_surface() -> None:
    found = cli_imports()
    assert len({imp.module for imp in found}) > 20, "the walk found too few modules: is CLI_SRC right?"
    assert violations(found) == [], "libs/cli reaches into a service's internals; ask its routes (docs/cli.md)"


def test_the_cli_does_use_the_public_surface() -> None:
    """The walk sees the imports it must allow (else the test above would pass by seeing nothing)."""
    targets = {imp.target for imp in cli_imports()}
    assert "asinflow_lifecycle_ledger.app" in targets
    assert "asinflow_identifier_validation.domain.identifiers" in targets


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import asinflow_catalog.adapters.postgres", ["asinflow_catalog.adapters.postgres"]),
        ("from asinflow_lifecycle_ledger.adapters import queries", ["asinflow_lifecycle_ledger.adapters.queries"]),
        ("from asinflow_brand_gating import replay", ["asinflow_brand_gating.replay"]),
        (
            "def f():\n    from asinflow_creation_quota.config import QuotaSettings\n",
            ["asinflow_creation_quota.config.QuotaSettings"],
        ),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import asinflow_activation.handlers\n",
            ["asinflow_activation.handlers"],
        ),
        ("import importlib\nimportlib.import_module('asinflow_catalog.store')", ["asinflow_catalog.store"]),
        ("from asinflow_catalog.app import SPEC", []),
        ("from asinflow_catalog import app", []),
        ("from asinflow_identifier_validation.domain.identifiers.gtin import check", []),
        (
            "from asinflow_identifier_validation.domain.validation import decide",
            ["asinflow_identifier_validation.domain.validation.decide"],
        ),
        ("from asinflow_runtime.owners import Directory", []),
    ],
)
def test_the_walk_finds_every_kind_of_import(source: str, expected: list[str]) -> None:
    found = violations(imports_in(source, "asinflow_cli.commands.example"))
    assert [v.partition(" imports ")[2] for v in found] == expected


def test_relative_imports_resolve_against_the_package() -> None:
    [imp] = imports_in("from ..client import Client", "asinflow_cli.commands.example")
    assert imp.target == "asinflow_cli.client"
    [imp] = imports_in("from . import client", "asinflow_cli", is_package=True)
    assert imp.alternative == "asinflow_cli.client"
