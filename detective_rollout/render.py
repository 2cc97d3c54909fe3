"""Human-readable rendering of reports: the summary table the CLI prints."""

from __future__ import annotations

from typing import Any

#: Beyond this many rows, the table lists only the rows that need attention.
FULL_TABLE_ROWS = 100


def text_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def _cell(value: Any, limit: int = 90) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


#: Rows that need no attention, per workflow: in a long table only the others are listed.
ROUTINE = {"enable": ("ENABLED",), "disable": ("REMOVED", "NOT_A_MEMBER")}


def render_report(report: dict[str, Any]) -> str:
    period = f"({report.get('started_at')} -> {report.get('finished_at')})"
    lines = [f"{report['workflow']} {report['execution']}  {period}", ""]
    enable = report["workflow"] == "enable"  # only the enable workflow has a GuardDuty gate per Region
    lines += text_table(
        ["REGION", "STATUS", "REASON", *(["GUARDDUTY AGE (h)"] if enable else []), "DETAIL"],
        [
            [
                r["region"],
                r["status"],
                _cell(r.get("reason")),
                *([_cell(r.get("guardduty_age_hours"))] if enable else []),
                _cell(r.get("qualifies_at") and f"qualifies at {r['qualifies_at']}" or r.get("detail"), 60),
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
    lines += text_table(
        ["ACCOUNT", "REGION", "STATUS", "MEMBER STATUS", "REASON", "CHANGED", "DETAIL"],
        [
            [
                r["account_id"],
                r["region"],
                r["status"],
                _cell(r.get("member_status")),
                _cell(r.get("reason")),
                "yes" if r.get("changed") else "no",
                _cell(r.get("detail")),
            ]
            for r in shown
        ],
    )
    summary = report.get("summary", {})
    counts = ", ".join(f"{k} {v}" for k, v in summary.items() if k != "total")
    lines += ["", f"{summary.get('total', 0)} account-Regions: {counts}"]
    return "\n".join(lines)
