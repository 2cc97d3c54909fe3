"""The report as one self-contained HTML page: what a security lead opens from the bucket or a mail.

WriteReport stores it next to the report JSON (``reports/<workflow>/<execution>.html``); the CLI's
``report --format html`` renders the same page.

No script, no external stylesheet, font or image: the page must render from a mail attachment or
an S3 object without network access and without anything to trust. It shows first what to do (the
report's ``actions``: one line per fix, with the accounts it concerns), then the summary counts,
a Region x account matrix colored by status (hover a cell for its reason and detail), the FAILED
and SKIPPED rows with their reason and what to do about each, and the Region rows.
"""

from __future__ import annotations

from html import escape
from typing import Any

from tasks.actions import actions_of, row_action
from tasks.coverage_page import PAGE_CSS
from tasks.report import age_hours, any_organization

COLORS = {
    "ENABLED": "#2e7d32",
    "REMOVED": "#2e7d32",
    "NOT_A_MEMBER": "#607d8b",
    "PLANNED": "#1565c0",
    "SKIPPED": "#f9a825",
    "FAILED": "#c62828",
}
_OTHER = "#6d4c41"
_CSS = PAGE_CSS + ".muted{color:#757575}.nowrap td:nth-child(-n+3){white-space:nowrap}\n"


def _color(status: str | None) -> str:
    return COLORS.get(str(status), _OTHER)


def _table(headers: list[str], rows: list[list[str]], css: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _summary(report: dict[str, Any]) -> str:
    summary = report.get("summary", {})
    badges = "".join(
        f'<span class="badge" style="background:{_color(k)}">{escape(k)}: {int(v)}</span>'
        for k, v in summary.items()
        if k != "total"
    )
    return f"<p>{int(summary.get('total', 0))} account-Regions</p><p>{badges}</p>"


def _matrix(results: list[dict[str, Any]]) -> str:
    regions = list(dict.fromkeys(str(r["region"]) for r in results))
    accounts = list(dict.fromkeys(str(r["account_id"]) for r in results))
    cells = {(str(r["account_id"]), str(r["region"])): r for r in results}
    organization = {str(r["account_id"]) for r in results if r.get("enrollment") == "ORGANIZATION"}
    rows = []
    for account in accounts:
        label = f"{account} (organization)" if account in organization else account
        line = [f"<th>{escape(label)}</th>"]
        for region in regions:
            row = cells.get((account, region))
            if row is None:
                line.append('<td class="muted">-</td>')
                continue
            tip = escape(" - ".join(_text(x) for x in (row.get("reason"), row.get("detail")) if x), quote=True)
            line.append(
                f'<td class="cell" style="background:{_color(row.get("status"))}" title="{tip}">'
                f"{escape(_text(row.get('status')))}</td>"
            )
        rows.append("<tr>" + "".join(line) + "</tr>")
    head = "<th>account \\ Region</th>" + "".join(f"<th>{escape(r)}</th>" for r in regions)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _actions(report: dict[str, Any]) -> str:
    actions = actions_of(report)
    if not actions:
        return "<p>Nothing to do: no row FAILED or SKIPPED.</p>"
    return _table(
        ["what to do", "reason", "accounts", "account-Regions"],
        [[a["action"], _text(a["reason"]), ", ".join(a["accounts"]), _text(a["pairs"])] for a in actions],
    )


def _attention(results: list[dict[str, Any]]) -> str:
    rows = [(r, action) for r in results if (action := row_action(r))]
    if not rows:
        return "<p>No failures.</p>"
    enrollment = any_organization(results)  # a mixed fleet: say how each failed account is a member
    return _table(
        ["account", "Region", "status", "reason", *(["enrollment"] if enrollment else []), "detail", "what to do"],
        [
            [
                _text(r["account_id"]),
                _text(r["region"]),
                _text(r.get("status")),
                _text(r.get("reason")),
                *([_text(r.get("enrollment"))] if enrollment else []),
                _text(r.get("detail")),
                action,
            ]
            for r, action in rows
        ],
        css="nowrap",
    )


def _regions(report: dict[str, Any]) -> str:
    rows = [
        [
            _text(r.get("region")),
            _text(r.get("status")),
            _text(r.get("reason")),
            _text(age_hours(r.get("guardduty_age_hours"))),
            _text(r.get("qualifies_at") or r.get("detail")),
        ]
        for r in report.get("regions", [])
    ]
    return _table(["Region", "status", "reason", "GuardDuty age (h)", "detail"], rows)


def render_html(report: dict[str, Any]) -> str:
    """The whole page (UTF-8 text); every value from the report is escaped."""
    results = list(report.get("results", []))
    request = report.get("request") or {}
    title = f"Detective {report.get('workflow')} report - {report.get('execution')}"
    facts = [
        f"started {report.get('started_at')}",
        f"finished {report.get('finished_at')}",
        f"source {request.get('source')}",
    ]
    if request.get("replay_of"):
        facts.append(f"replay of {request['replay_of']} (rows not replayed are carried over, changed: no)")
    return "".join(
        [
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
            f'<h1>{escape(title)}</h1><p class="muted">{escape(" | ".join(facts))}</p>',
            "<h2>What to do</h2>",
            _actions(report),
            "<h2>Summary</h2>",
            _summary(report),
            "<h2>Region x account</h2>",
            _matrix(results),
            "<h2>Failed and skipped rows</h2>",
            _attention(results),
            "<h2>Regions</h2>",
            _regions(report),
            "</body></html>\n",
        ]
    )
