"""Human-readable rendering of reports: the summary table the CLI prints, 120 columns wide.

The last column of each table (DETAIL) is the long one: a row's detail that does not fit beside
its cells goes on indented lines below the row, broken between words only, so an ARN (which
names the role or resource that failed) is never cut in two. The footer says what to do,
one line per action (the report's ``actions``).
"""

from __future__ import annotations

import textwrap
from typing import Any

from tasks.actions import actions_of, describe
from tasks.report import age_hours, any_organization

#: Beyond this many rows, the table lists only the rows that need attention.
FULL_TABLE_ROWS = 100
#: The terminal width every line of the table fits in.
WIDTH = 120
#: Indent of a detail's continuation lines.
INDENT = 4
#: A detail longer than this many continuation lines is cut at the end, after a whole word.
DETAIL_LINES = 3


def text_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def fitted_table(headers: list[str], rows: list[list[str]], width: int = WIDTH) -> list[str]:
    """:func:`text_table` whose last column never takes a line past ``width``: it continues below its row."""
    lead = text_table(headers[:-1], [r[:-1] for r in rows])
    start = len(lead[1]) + 2  # where the last column begins
    longest = max((len(r[-1]) for r in rows), default=0)
    rule = "-" * max(len(headers[-1]), min(longest, width - start))
    out = [f"{lead[0]}  {headers[-1]}", f"{lead[1]}  {rule}"]
    for line, row in zip(lead[2:], rows, strict=True):
        out += _with_detail(line.ljust(start), row[-1], start, width)
    return out


def _with_detail(line: str, detail: str, start: int, width: int) -> list[str]:
    """The row, with its detail beside it when it fits, else on indented lines below it."""
    if start + len(detail) <= width:
        return [(line + detail).rstrip()]
    lines = textwrap.wrap(detail, width - INDENT, break_long_words=False, break_on_hyphens=False)
    if len(lines) > DETAIL_LINES:
        lines = lines[:DETAIL_LINES]
        lines[-1] = _cut(lines[-1], width - INDENT)
    return [line.rstrip()] + [" " * INDENT + part for part in lines]


def _cut(line: str, width: int) -> str:
    """``line`` ending in "..." within ``width``, cut after a whole word."""
    words = line.split()
    while words and len(" ".join(words)) + 4 > width:
        words.pop()
    return " ".join([*words, "..."])


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


#: Rows that need no attention, per workflow: in a long table only the others are listed.
ROUTINE = {"enable": ("ENABLED",), "disable": ("REMOVED", "NOT_A_MEMBER")}


def _footer(report: dict[str, Any]) -> list[str]:
    actions = actions_of(report)
    if not actions:
        return []
    lines = ["", "What to do:"]
    for entry in actions:
        lines += textwrap.wrap(
            describe(entry),
            WIDTH,
            initial_indent="  ",
            subsequent_indent=" " * (INDENT + 2),
            break_long_words=False,
            break_on_hyphens=False,
        )
    return lines


def render_report(report: dict[str, Any]) -> str:
    period = f"({report.get('started_at')} -> {report.get('finished_at')})"
    lines = [f"{report['workflow']} {report['execution']}  {period}", ""]
    enable = report["workflow"] == "enable"  # only the enable workflow has a GuardDuty gate per Region
    lines += fitted_table(
        ["REGION", "STATUS", "REASON", *(["GUARDDUTY AGE (h)"] if enable else []), "DETAIL"],
        [
            [
                r["region"],
                r["status"],
                _cell(r.get("reason")),
                *([age_hours(r.get("guardduty_age_hours"))] if enable else []),
                _cell(r.get("qualifies_at") and f"qualifies at {r['qualifies_at']}" or r.get("detail")),
            ]
            for r in report.get("regions", [])
        ],
    )
    results = report.get("results", [])
    routine = ROUTINE.get(report["workflow"], ())
    shown = results if len(results) <= FULL_TABLE_ROWS else [r for r in results if r["status"] not in routine]
    lines.append("")
    if shown is not results:
        lines.append(f"{len(results) - len(shown)} {' / '.join(routine)} rows not shown; the report has every row.")
    # ENROLLMENT only for a mixed fleet: an all-invited report keeps its columns, and DETAIL its room.
    enrollment = any_organization(results)
    lines += fitted_table(
        [
            "ACCOUNT",
            "REGION",
            "STATUS",
            "MEMBER STATUS",
            "REASON",
            "CHANGED",
            *(["ENROLLMENT"] if enrollment else []),
            "DETAIL",
        ],
        [
            [
                r["account_id"],
                r["region"],
                r["status"],
                _cell(r.get("member_status")),
                _cell(r.get("reason")),
                "yes" if r.get("changed") else "no",
                *([_cell(r.get("enrollment"))] if enrollment else []),
                _cell(r.get("detail")),
            ]
            for r in shown
        ],
    )
    summary = report.get("summary", {})
    counts = ", ".join(f"{k} {v}" for k, v in summary.items() if k != "total")
    lines += ["", f"{summary.get('total', 0)} account-Regions: {counts}"]
    return "\n".join(lines + _footer(report))
