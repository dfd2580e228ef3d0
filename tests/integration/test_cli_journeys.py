"""The ``asinflow`` command as a user runs it, against the running services."""

from __future__ import annotations

import json
import uuid

import pytest
from asinflow_contracts import topics

from tests.support.cli import asinflow
from tests.support.listings import SETTLED, proposal, publish_proposal, publish_raw, seller, wait_for, wait_for_state

pytestmark = pytest.mark.integration


def feed_lines(s: str, batch: str) -> list[str]:
    good = proposal(s, "GOOD-1", batch_id=batch)
    bad_checksum = proposal(s, "BAD-1", batch_id=batch, identifiers=[{"type": "UPC", "value": "036000291453"}])
    no_title = {k: v for k, v in proposal(s, "NOTITLE-1", batch_id=batch).items() if k != "title"}
    return [
        json.dumps(good),
        "this is not json",
        json.dumps(bad_checksum),
        "",
        json.dumps(no_title),
        json.dumps({"sku": "orphan"}),
    ]


async def test_publish_reports_bad_lines_by_number_and_publishes_the_rest(services, infra, pool, tmp_path) -> None:
    s, batch = seller(), f"feed-{uuid.uuid4().hex[:8]}"
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(feed_lines(s, batch)) + "\n")
    result = await asinflow("publish", str(feed), infra=infra)
    assert result.code == 1  # some lines could not be published
    assert "line 2: not published: not JSON" in result.err
    assert "line 5: sku 'NOTITLE-1' will be rejected SCHEMA_INVALID: title" in result.err
    assert "line 6: not published: cannot be tied to a listing: no seller_id" in result.err
    assert "published 3 of 5 lines; 2 not published" in result.out

    for sku in ("GOOD-1", "BAD-1", "NOTITLE-1"):
        await wait_for_state(pool, s, sku, SETTLED)
    report = await asinflow("report", batch, "--json", infra=infra)
    assert report.code == 0, report.err
    data = json.loads(report.out)
    assert data["lines"] == 3 and data["settled"] == 3
    assert data["by_state"] == {"active": 1, "rejected": 2}
    assert data["by_code"] == {"IDENTIFIER_INVALID_CHECKSUM": 1, "SCHEMA_INVALID": 1}
    assert {i["sku"]: i["state"] for i in data["items"]} == {
        "BAD-1": "rejected",
        "GOOD-1": "active",
        "NOTITLE-1": "rejected",
    }
    text = await asinflow("report", batch, infra=infra)
    assert "Summary: 3 processed, 1 accepted, 2 invalid, 2 errors, 0 warnings" in text.out


async def test_preview_prints_the_report_and_publishes_nothing(services, infra, pool, tmp_path) -> None:
    s, batch = seller(), f"preview-{uuid.uuid4().hex[:8]}"
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(feed_lines(s, batch)) + "\n")
    result = await asinflow("publish", str(feed), "--preview", "--json", infra=infra)
    data = json.loads(result.out)
    assert data["preview"] is True
    # every service's own preview, as the pipeline then decides (test_publish_reports_bad_lines_by_number…)
    assert data["by_state"] == {"active": 1, "rejected": 2}
    assert data["by_code"] == {"IDENTIFIER_INVALID_CHECKSUM": 1, "SCHEMA_INVALID": 1}
    assert {i["sku"]: i["result"] for i in data["items"]} == {
        "GOOD-1": "VALID",
        "BAD-1": "INVALID",
        "NOTITLE-1": "INVALID",
    }
    assert data["unreadable_lines"] == [2, 6]
    assert {i["sku"]: i["line"] for i in data["items"]} == {"GOOD-1": 1, "BAD-1": 3, "NOTITLE-1": 5}
    assert await pool.fetchval("SELECT count(*) FROM ledger.versions WHERE seller_id = $1", s) == 0


async def test_listing_show_gives_state_issues_and_history(services, infra, producer, pool) -> None:
    s = seller()
    await publish_proposal(producer, proposal(s, "SHOW-1", identifiers=[{"type": "EAN", "value": "2000000000008"}]))
    await wait_for_state(pool, s, "SHOW-1", {"rejected"})
    result = await asinflow("listing", "show", s, "SHOW-1", "--json", infra=infra)
    view = json.loads(result.out)
    assert view["state"] == "rejected"
    assert view["issues"][0]["code"] == "IDENTIFIER_NON_TRADE_PREFIX"
    assert [(h["from"], h["to"]) for h in view["history"]] == [(None, "proposed"), ("proposed", "rejected")]
    text = await asinflow("listing", "show", s, "SHOW-1", infra=infra)
    assert "state: rejected" in text.out and "what to do:" in text.out
    missing = await asinflow("listing", "show", s, "NO-SUCH-SKU", infra=infra)
    assert missing.code == 1 and "no listing" in missing.err


async def test_id_check_prints_one_json_line_per_code_and_fails_on_any_invalid() -> None:
    ok = await asinflow("id", "check", "036000291452", "978-0-306-40615-7")
    assert ok.code == 0
    assert [json.loads(line)["gtin14"] for line in ok.out.splitlines()] == ["00036000291452", "09780306406157"]
    mixed = await asinflow("id", "check", stdin="4006381333931\n4006381333932\n")
    assert mixed.code == 1
    lines = [json.loads(line) for line in mixed.out.splitlines()]
    assert [line["valid"] for line in lines] == [True, False]
    assert lines[1]["error"]["code"] == "IDENTIFIER_INVALID_CHECKSUM"


async def test_status_reports_every_service_ready(services, api, infra) -> None:
    result = await asinflow("status", "--json", infra=infra)
    data = json.loads(result.out)
    assert result.code == 0, result.out
    assert {s["server"]: s["ok"] for s in data["servers"]} == {"kafka": True, "postgres": True, "redis": True}
    assert {s["service"] for s in data["services"] if s["ready"]} == {
        "identifier-validation",
        "lifecycle-ledger",
        "duplicate-matching",
        "brand-gating",
        "creation-quota",
        "catalog",
        "activation",
        "listings-api",
    }


async def test_dlq_list_shows_the_reason_and_replay_sends_it_back_once(services, infra, producer) -> None:
    marker = f"junk-{uuid.uuid4().hex}"
    await publish_raw(producer, f"{marker} is not json".encode(), key=marker.encode())

    async def mine() -> list[dict[str, object]]:
        listed = await asinflow("dlq", "list", "--json", infra=infra)
        return [r for r in map(json.loads, listed.out.splitlines()) if r["key"] == marker]

    for _ in range(100):  # both consumers of the topic dead-letter it, each naming itself
        if len(rows := await mine()) == 2:
            break
    assert {r["service"] for r in rows} == {"identifier-validation", "lifecycle-ledger"}
    assert {r["reason"] for r in rows} == {"not_json"}
    assert {r["original_topic"] for r in rows} == {topics.LISTING_PROPOSED}
    assert len({(r["original_partition"], r["original_offset"]) for r in rows}) == 1

    replayed = await asinflow("dlq", "replay", *(str(r["ref"]) for r in rows), infra=infra)
    assert replayed.code == 0 and "replayed 1 " in replayed.out  # one original message, sent back once
    for _ in range(100):  # still unreadable: back on the dead-letter topic (once per service), nothing lost
        if len(await mine()) == 4:
            break
    assert len(await mine()) == 4
    unknown = await asinflow("dlq", "replay", "nope:0:0", infra=infra)
    assert unknown.code == 1 and "no dead letter nope:0:0" in unknown.err


async def test_brand_exempt_grants_an_exemption_that_a_proposal_can_cite(services, infra, producer, pool) -> None:
    brand = f"Loomcraft {uuid.uuid4().hex[:6]}"
    result = await asinflow("brand", "exempt", brand, infra=infra)
    assert result.code == 0, result.err
    exemption_id = result.out.strip()
    s = seller()
    await publish_proposal(
        producer, proposal(s, "EX-1", brand=brand.upper(), identifiers=[], exemption_id=exemption_id)
    )
    await publish_proposal(
        producer, proposal(s, "EX-2", brand="Other Brand", identifiers=[], exemption_id=exemption_id)
    )
    assert await wait_for_state(pool, s, "EX-1", SETTLED) == "active"
    assert await wait_for_state(pool, s, "EX-2", SETTLED) == "rejected"


async def test_commands_without_a_stack_say_how_to_get_one(tmp_path) -> None:
    result = await asinflow("status", cwd=tmp_path)
    assert result.code != 0
    assert "asinflow run" in result.err
    assert "Traceback" not in result.err


async def test_publish_shows_progress_on_a_large_feed(services, infra, pool, tmp_path) -> None:
    s, batch = seller(), f"big-{uuid.uuid4().hex[:8]}"
    feed = tmp_path / "big.jsonl"
    feed.write_text("".join(json.dumps(proposal(s, f"BIG-{i:05d}", batch_id=batch)) + "\n" for i in range(1500)))
    result = await asinflow("publish", str(feed), infra=infra)
    assert result.code == 0, result.err
    assert "publishing: 500/1500 (33%)" in result.err and "publishing: 1500/1500 (100%)" in result.err
    assert "published 1500 of 1500 lines" in result.out
    # every line arrives; a new seller's weekly capacity (20) creates 20, the others wait throttled
    await wait_for(
        pool,
        "SELECT count(*) FROM ledger.versions WHERE batch_id = $1 AND state IN ('active', 'throttled')",
        batch,
        predicate=lambda n: n == 1500,
        timeout=60,
    )
    counts = dict(
        await pool.fetch("SELECT state, count(*) FROM ledger.versions WHERE batch_id = $1 GROUP BY state", batch)
    )
    assert counts == {"active": 20, "throttled": 1480}
