"""``asinflow dlq list`` / ``asinflow dlq replay``."""

from __future__ import annotations

import asyncio
import json
import sys

import click
from asinflow_runtime import dead_letters

from asinflow_cli import connect, stackfile
from asinflow_cli.dlq import Letter, kept_record, read_letters


@click.group("dlq")
def dlq_group() -> None:
    """Dead letters: messages no service could read, with the reason."""


@dlq_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per line.")
def dlq_list(as_json: bool) -> None:
    """List every dead letter with its reason and origin."""
    settings = stackfile.resolve()
    assert settings.kafka_bootstrap_servers
    letters = asyncio.run(read_letters(settings.kafka_bootstrap_servers))
    for letter in letters:
        d = letter.as_dict()
        if as_json:
            click.echo(json.dumps(d, ensure_ascii=False))
        else:
            click.echo(
                f"{d['ref']}  {d['reason']} ({d['service']}) from {d['original_topic']}[{d['original_partition']}]"
                f"@{d['original_offset']}: {d['error']}"
            )
    if not as_json:
        click.echo(f"{len(letters)} dead letter(s)", err=True)


async def replay(letters: list[Letter]) -> list[str]:
    """Send each letter's original message back to its topic (``asinflow_runtime.dead_letters.replay``)."""
    settings = stackfile.resolve()
    async with connect.producer(settings) as producer, connect.database(settings) as pool:
        return await dead_letters.replay(producer, pool, letters)


@dlq_group.command("show")
@click.argument("ref")
@click.option("--body", is_flag=True, help="Write the original body (whole, even when the letter is truncated).")
def dlq_show(ref: str, body: bool) -> None:
    """One dead letter (REF as printed by `dlq list`): its reason and origin, or with --body its original body."""

    async def main() -> tuple[Letter | None, bytes | None]:
        settings = stackfile.resolve()
        assert settings.kafka_bootstrap_servers
        found = [x for x in await read_letters(settings.kafka_bootstrap_servers) if x.ref == ref]
        if not found:
            return None, None
        letter = found[0]
        if not (body and letter.truncated):
            return letter, letter.value
        async with connect.database(settings) as pool:
            kept = await kept_record(pool, letter)
        return letter, bytes(kept["value"]) if kept is not None else None

    letter, value = asyncio.run(main())
    if letter is None:
        raise click.ClickException(f"no dead letter {ref}")
    if body:
        if value is None:
            raise click.ClickException(f"{ref}: the whole record was not kept")
        sys.stdout.buffer.write(value)
        return
    click.echo(json.dumps(letter.as_dict(), indent=2, ensure_ascii=False))


@dlq_group.command("replay")
@click.argument("refs", nargs=-1)
@click.option("--all", "replay_all", is_flag=True, help="Replay every dead letter.")
@click.option("--reason", default=None, help="Only dead letters with this reason.")
def dlq_replay(refs: tuple[str, ...], replay_all: bool, reason: str | None) -> None:
    """Publish dead letters again to their original topic (REFS as printed by `dlq list`)."""
    if not refs and not replay_all and not reason:
        click.echo("name dead letters (topic:partition:offset), or use --all or --reason", err=True)
        sys.exit(2)
    settings = stackfile.resolve()
    assert settings.kafka_bootstrap_servers
    letters = asyncio.run(read_letters(settings.kafka_bootstrap_servers))
    chosen, unknown = dead_letters.chosen(letters, refs, every=replay_all, reason=reason)
    for ref in unknown:
        click.echo(f"no dead letter {ref}", err=True)
    problems = asyncio.run(replay(chosen))
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"replayed {len(chosen) - len(problems)} dead letter(s)")
    sys.exit(1 if unknown or problems else 0)
