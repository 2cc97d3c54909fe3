"""The coverage document as one self-contained HTML page (the CLI's ``--format html`` and the schedule's latest.html).

No script, stylesheet, font or image from elsewhere: it renders from an S3 object or a mail
attachment without network access. First the counts, then what to do (the ``actions``, one line per
fix with its accounts), then the account x Region matrix coloured by state (hover: reason, since),
then the Regions. Every value from the document is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

COLORS = {"COVERED": "#2e7d32", "NOT_COVERED": "#c62828", "UNLISTED": "#f9a825"}
_NONE = "#eeeeee"
#: The style of both pages (this one and the rollout report's): one look for what a security lead opens.
PAGE_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#212121}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;
vertical-align:top;font-size:.85rem}th{background:#f5f5f5}
.badge{display:inline-block;color:#fff;border-radius:.3rem;padding:.3rem .7rem;margin-right:.4rem;font-weight:600}
.cell{color:#fff;font-weight:600;text-align:center}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def pairs(count: object) -> str:
    """``1 pair`` / ``3 pairs``."""
    return f"{count} pair{'' if count == 1 else 's'}"


def _badges(summary: Mapping[str, Any]) -> str:
    badges = [f'<span class="badge" style="background:#455a64">total {_e(summary.get("total", 0))}</span>']
    badges += [
        f'<span class="badge" style="background:{color}">{_e(state)} {_e(summary.get(state, 0))}</span>'
        for state, color in COLORS.items()
    ]
    return "<p>" + "".join(badges) + "</p>"


def _actions(actions: list[Mapping[str, Any]]) -> str:
    if not actions:
        return "<h2>What to do</h2><p>Nothing: every listed account is covered and nothing is unlisted.</p>"
    items = "".join(
        f"<li><strong>{_e(a.get('state'))}{' / ' + _e(a['reason']) if a.get('reason') else ''}</strong>: "
        f"{_e(a.get('action'))} ({_e(pairs(a.get('pairs')))}) <code>{_e(', '.join(map(str, a.get('accounts', []))))}"
        "</code></li>"
        for a in actions
    )
    return f"<h2>What to do</h2><ul>{items}</ul>"


def _cell(row: Mapping[str, Any] | None) -> str:
    if row is None:
        return f'<td class="cell" style="background:{_NONE}"></td>'
    hover = " ".join(f"{k}: {row[k]}" for k in ("member_status", "reason", "since") if row.get(k))
    label = row.get("reason") or row.get("state")
    color = COLORS.get(str(row.get("state")), "#6d4c41")
    return f'<td class="cell" style="background:{color}" title="{_e(hover)}">{_e(label)}</td>'


def _matrix(document: Mapping[str, Any]) -> str:
    regions = [str(r.get("region")) for r in document.get("regions", [])]
    cells: dict[str, dict[str, Mapping[str, Any]]] = {}
    for row in document.get("results", []):
        cells.setdefault(str(row.get("account_id")), {})[str(row.get("region"))] = row
    head = "<tr><th>account</th>" + "".join(f"<th>{_e(r)}</th>" for r in regions) + "</tr>"
    body = "".join(
        f"<tr><td>{_e(account)}</td>" + "".join(_cell(by_region.get(r)) for r in regions) + "</tr>"
        for account, by_region in cells.items()
    )
    return f"<h2>Accounts x Regions</h2><table>{head}{body}</table>"


def _regions(document: Mapping[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{_e(r.get('region'))}</td><td>{_e(r.get('status'))}</td><td>{_e(r.get('members'))}</td>"
        f"<td>{_e(r.get('graph_arn'))}</td></tr>"
        for r in document.get("regions", [])
    )
    head = "<tr><th>Region</th><th>status</th><th>members</th><th>graph</th></tr>"
    return f"<h2>Regions</h2><table>{head}{rows}</table>"


def render_coverage_html(document: Mapping[str, Any]) -> str:
    """The whole page for ``document`` (a ``{"kind": "coverage"}`` document)."""
    title = f"Detective coverage of {_e(document.get('administrator'))} at {_e(document.get('generated_at'))}"
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{PAGE_CSS}.cell{{white-space:nowrap}}</style></head><body><h1>{title}</h1>"
        + _badges(document.get("summary", {}))
        + _actions(list(document.get("actions", [])))
        + _matrix(document)
        + _regions(document)
        + "</body></html>\n"
    )
