"""Every input error of the `asinflow` command line is a message, never a traceback: bad arguments, values
out of the contracts' limits, files that are missing, binary, not UTF-8, not JSON. Each is caught before
anything is published (these run with no stack at all: an input error must not get as far as needing one).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from asinflow_cli.main import cli
from asinflow_contracts.limits import MAX_PROPOSAL_BYTES, MAX_QUANTITY
from click.testing import CliRunner

pytestmark = pytest.mark.unit

NO_STACK = {"KAFKA_BOOTSTRAP_SERVERS": None, "DATABASE_URL": None, "REDIS_URL": None}
PROPOSAL = {"seller_id": "S-1", "sku": "K-1", "title": "A lamp", "brand": "Lumo", "product_type": "LAMP"}


def files(folder: Path) -> None:
    (folder / "binary.dat").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.jsonl").write_bytes(json.dumps(PROPOSAL).encode() + b"\n" + b'{"title": "caf\xe9"}\n')
    big = dict(PROPOSAL, description="x" * (MAX_PROPOSAL_BYTES + 10))
    (folder / "big.jsonl").write_text(json.dumps(big) + "\n")
    huge = dict(PROPOSAL, description="x" * 1_100_000)  # over the broker's 1 MB message limit too
    (folder / "huge.jsonl").write_text(json.dumps(huge) + "\n")
    (folder / "not-json.jsonl").write_text("{not json\n")
    (folder / "registry-bad-data.jsonl").write_text(json.dumps({"event": "brand.registered", "data": {}}) + "\n")
    (folder / "registry-latin1.jsonl").write_bytes(b'{"event": "brand.registered", "data": {"brand": "Caf\xe9"}}\n')
    (folder / "evidence.json").write_text("[1, 2")
    (folder / "a-directory").mkdir()


# (arguments, exit codes accepted, a piece of the message)
CASES: list[tuple[list[str], set[int], str]] = [
    (["publish", "binary.dat"], {1}, "binary file"),
    (["publish", "big.jsonl"], {1}, "line 1: not published: the line is 262,"),
    (["publish", "huge.jsonl"], {1}, "a proposal is at most 262,144"),
    (["publish", "latin1.jsonl"], {1}, "line 2: not published: not JSON"),
    (["publish", "not-json.jsonl"], {1}, "line 1: not published: not JSON"),
    (["publish", "missing.jsonl"], {2}, "does not exist"),
    (["publish", "a-directory"], {2}, "is a directory"),
    (["publish", "--preview", "binary.dat"], {1}, "binary file"),
    (["inventory", "set", "", "", "1"], {1}, "invalid input: seller_id: String should have at least 1 character"),
    (["inventory", "set", "S", "SKU", "2147483648"], {2}, f"0<=x<={MAX_QUANTITY}"),
    (["inventory", "set", "S", "SKU", "-1"], {2}, "QUANTITY"),
    (["inventory", "set", "S", "SKU", "lots"], {2}, "is not a valid integer"),
    (["sales", "record", "S", "--units", "1", "--revenue", "NaN"], {2}, "must be an amount from 0 to"),
    (["sales", "record", "S", "--units", "1", "--revenue", "Infinity"], {2}, "must be an amount from 0 to"),
    (["sales", "record", "S", "--units", "1", "--revenue", "-1"], {2}, "must be an amount from 0 to"),
    (["sales", "record", "S", "--units", "1", "--revenue", "1e400"], {2}, "must be an amount from 0 to"),
    (["sales", "record", "S", "--units", "1", "--revenue", "0.00001"], {2}, "at most 4 decimal places"),
    (["sales", "record", "S", "--units", "1", "--revenue", "ten"], {2}, "is not an amount"),
    (["sales", "record", "S", "--units", "-1"], {2}, "--units"),
    (["sales", "record", "S", "--units", "1", "--day", "yesterday"], {2}, "--day"),
    (["sales", "record", "", "--units", "1"], {1}, "invalid input: seller_id"),
    (["brand", "load", "binary.dat"], {1}, "binary file"),
    (["brand", "load", "not-json.jsonl"], {1}, "not-json.jsonl:1: expected"),
    (["brand", "load", "registry-latin1.jsonl"], {1}, "registry-latin1.jsonl:1: not UTF-8 text"),
    (["brand", "load", "registry-bad-data.jsonl"], {1}, "registry-bad-data.jsonl:1: brand: Field required"),
    (["brand", "load", "a-directory"], {2}, "is a directory"),
    (["brand", "register", "", "--owner", "S"], {1}, "invalid input: brand"),
    (["brand", "prefix", "Acme", "12"], {2}, "is not a GS1 company prefix"),
    (["brand", "request", "Acme", "S", "--evidence", "evidence.json"], {2}, "evidence.json"),
    (["brand", "request", "Acme", "S", "--evidence", "binary.dat"], {2}, "binary.dat"),
    (["policy", "report", "--kind", "COUNTERFEIT", "--evidence", "e", "--reporter", "r"], {2}, "--seller"),
    (["policy", "report", "--asin", "B0", "--kind", "NOPE", "--evidence", "e", "--reporter", "r"], {2}, "--kind"),
    (["quota", "show", "S", "--at", "soon"], {2}, "--at"),
    (["dlq", "replay"], {2}, "--all"),
    (["run", "--feed", "binary.dat"], {1}, "binary file"),
    (["run", "--registry", "not-json.jsonl"], {1}, "not-json.jsonl:1: expected"),
    (["run", "--fresh", "--ephemeral"], {2}, "choose one"),
    (["run", "--max-restarts", "-1"], {2}, "--max-restarts"),
    (["report", "feed-1"], {1}, "not configured"),
]


@pytest.mark.parametrize(("args", "codes", "message"), CASES, ids=[" ".join(a)[:60] for a, _, _ in CASES])
def test_a_bad_invocation_gets_a_message_and_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], codes: set[int], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    files(tmp_path)
    result = CliRunner().invoke(cli, args, env=NO_STACK)
    output = result.output  # stdout and stderr
    assert result.exit_code in codes, (result.exit_code, output, result.exception)
    assert message in output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_id_check_reads_undecodable_stdin_as_a_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["id", "check"], input=b"036000291452\n\xff\xfe\n", env=NO_STACK)
    assert result.exit_code == 1
    assert "stdin line 2: not UTF-8 text" in result.output
    assert "Traceback" not in result.output
