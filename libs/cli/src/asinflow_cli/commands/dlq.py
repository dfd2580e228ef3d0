"""``asinflow dlq list`` / ``asinflow dlq replay``."""

from __future__ import annotations

import asyncio
import json
import sys

import click

from asinflow_cli import connect, stackfile
from asinflow_cli.dlq import Letter, read_letters


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


async def replay(letters: list[Letter]) -> None:
    settings = stackfile.resolve()
    async with connect.producer(settings) as producer:
        futures = [
            await producer.send(
                letter.info["dlq_original_topic"],
                letter.value,
                key=letter.key,
                headers=letter.original_headers(),
            )
            for letter in letters
        ]
        await asyncio.gather(*futures)


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
    wanted = [
        letter
        for letter in letters
        if (replay_all or letter.ref in refs or (reason and letter.info.get("dlq_reason") == reason))
    ]
    # Several services may have dead-lettered the same message: send each original message back once.
    chosen = list({letter.origin: letter for letter in reversed(wanted)}.values())
    unknown = set(refs) - {letter.ref for letter in letters}
    for ref in sorted(unknown):
        click.echo(f"no dead letter {ref}", err=True)
    asyncio.run(replay(chosen))
    click.echo(f"replayed {len(chosen)} dead letter(s)")
    sys.exit(1 if unknown else 0)
