"""``asinflow id check``: one JSON line per code; exit 0 when all are valid, 1 otherwise."""

from __future__ import annotations

import json
import sys

import click
from asinflow_identifier_validation.domain.identifiers import IdentifierError, check


def check_code(code: str) -> dict[str, object]:
    try:
        result = check(code)
    except IdentifierError as exc:
        return {
            "input": code,
            "valid": False,
            "kind": None,
            "gtin14": None,
            "error": {"code": exc.code, "message": str(exc)},
        }
    return {"input": code, "valid": True, "kind": result.kind, "gtin14": result.gtin14, "error": None}


def _stdin_codes() -> list[str]:
    codes = []
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise click.ClickException(f"stdin line {number}: not UTF-8 text ({exc.reason})") from None
        if line.strip():
            codes.append(line.rstrip("\r\n"))
    return codes


@click.command("check")
@click.argument("codes", nargs=-1)
def id_check(codes: tuple[str, ...]) -> None:
    """Check product codes (GTIN/UPC/EAN/JAN/ISBN); reads stdin, one a line, when none are given."""
    values = list(codes) if codes else _stdin_codes()
    all_valid = True
    for code in values:
        result = check_code(code)
        all_valid &= bool(result["valid"])
        click.echo(json.dumps(result, ensure_ascii=False))
    sys.exit(0 if all_valid else 1)


@click.group("id")
def id_group() -> None:
    """Product identifiers."""


id_group.add_command(id_check)
