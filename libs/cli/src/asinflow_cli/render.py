"""Plain-text rendering of reports and listings for the terminal."""

from __future__ import annotations

from typing import Any

from asinflow_contracts.state_machine import ListingState


def report_text(report: dict[str, Any]) -> str:
    lines = [f"Feed processing report: {report.get('batch_id') or '(no batch id)'}"]
    for item in report["items"]:
        issues = item["issues"]
        codes = ", ".join(f"{i['code']}" + (f"({i['amazon_code']})" if i.get("amazon_code") else "") for i in issues)
        asin = f" {item['asin']}" if item.get("asin") else ""
        lines.append(f"  {item['seller_id']:<10} {item['sku']:<28} {item['state']:<10}{asin} {codes}".rstrip())
        for issue in issues:
            if issue.get("severity") == "ERROR":
                lines.append(f"      {issue.get('attribute') or ''}: {issue['message']}")
    lines.append(summary_text(report))
    return "\n".join(lines)


def summary_text(summary: dict[str, Any]) -> str:
    counts = summary["by_state"]
    known = [state.value for state in ListingState]
    states = ", ".join(f"{state} {counts.get(state, 0)}" for state in [*known, *sorted(set(counts) - set(known))])
    codes = ", ".join(f"{k} {v}" for k, v in summary["by_code"].items()) or "none"
    head = (
        f"Summary: {summary['lines']} processed, {summary['accepted']} accepted, {summary['invalid']} invalid, "
        f"{summary['errors']} errors, {summary['warnings']} warnings"
    )
    return f"{head}\n  by state: {states}\n  by code:  {codes}"


def listing_text(view: dict[str, Any]) -> str:
    lines = [
        f"{view['seller_id']} / {view['sku']}  (listing {view['listing_id']}, version {view['version']})",
        f"  state: {view['state']}" + (f"   ASIN: {view['asin']}" if view.get("asin") else ""),
    ]
    if view["issues"]:
        lines.append("  issues:")
        for issue in view["issues"]:
            code = issue["code"] + (f" ({issue['amazon_code']})" if issue.get("amazon_code") else "")
            lines.append(f"    {issue['severity']} {code} {issue.get('attribute') or ''}: {issue['message']}")
            if issue.get("remedy"):
                lines.append(f"      what to do: {issue['remedy']}")
    activation = view.get("activation")
    if activation:
        yes = {True: "yes", False: "no"}
        lines.append(
            f"  buyable: {yes[activation['buyable']]}   discoverable: {yes[activation['discoverable']]}"
            f"   quantity: {activation['quantity']}"
        )
        for v in activation["open_violations"]:
            lines.append(f"  open violation {v['violation_id']}: {v['kind']} → {v['enforcement']} ({v['reporter']})")
        for r in activation["refusals"]:
            lines.append(f"  refused {r['at'][:19]} {r['attempted']} in state {r['state'] or '-'}: {r['reason']}")
    lines.append("  history:")
    for h in view["history"]:
        mark = "" if h["legal"] else f"   REFUSED: {h['error']}"
        lines.append(
            f"    v{h['version']} {h['at'][:19]} {h['event_type']}: {h['from'] or '-'} -> {h['to'] or '-'}{mark}"
        )
    return "\n".join(lines)
