"""``asinflow dlq list`` / ``asinflow dlq replay``."""

from __future__ import annotations

import asyncio
import json
import sys

import click
from asinflow_contracts.limits import MAX_MESSAGE_BYTES

from asinflow_cli import connect, stackfile
from asinflow_cli.dlq import Letter, kept_headers, kept_record, read_letters


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
    """Send each letter's original message back to its topic; a truncated letter's whole record comes from the
    stack's store. Returns the problems of the letters that could not be sent."""
    settings = stackfile.resolve()
    problems: list[str] = []
    async with connect.producer(settings) as producer, connect.database(settings) as pool:
        futures = []
        for letter in letters:
            key, value, headers = letter.key, letter.value, letter.original_headers()
            if letter.truncated:
                kept = await kept_record(pool, letter)
                if kept is None:
                    problems.append(f"{letter.ref}: the whole record was not kept; only its first bytes are here")
                    continue
                key, value, headers = kept["key"], bytes(kept["value"]), kept_headers(kept)
                if len(value) > MAX_MESSAGE_BYTES:
                    problems.append(
                        f"{letter.ref}: {len(value):,} bytes, above the {MAX_MESSAGE_BYTES:,}-byte limit; "
                        f"not replayed (`asinflow dlq show {letter.ref} --body` writes it out)"
                    )
                    continue
            futures.append(await producer.send(letter.info["dlq_original_topic"], value, key=key, headers=headers))
        await asyncio.gather(*futures)
    return problems


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
    problems = asyncio.run(replay(chosen))
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"replayed {len(chosen) - len(problems)} dead letter(s)")
    sys.exit(1 if unknown or problems else 0)
