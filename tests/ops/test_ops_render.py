"""The table the CLI prints for a report: what a reader needs from each workflow's report, and nothing empty."""

from __future__ import annotations

from typing import Any

from detective_rollout.render import FULL_TABLE_ROWS, render_report


def report(workflow: str, statuses: list[str], **region: Any) -> dict[str, Any]:
    rows = [
        {
            "account_id": f"{200000000000 + n:012d}",
            "region": "us-east-1",
            "status": s,
            "member_status": None,
            "reason": None if s in ("ENABLED", "REMOVED") else "ERROR",
            "changed": True,
            "detail": f"row {n}",
        }
        for n, s in enumerate(statuses)
    ]
    summary: dict[str, int] = {"total": len(rows)}
    for s in statuses:
        summary[s] = summary.get(s, 0) + 1
    return {
        "workflow": workflow,
        "execution": "x",
        "started_at": "t0",
        "finished_at": "t1",
        "summary": summary,
        "regions": [{"region": "us-east-1", "status": "DONE", "reason": None, **region}],
        "results": rows,
    }


def test_enable_table_shows_the_guardduty_age_of_each_region() -> None:
    text = render_report(report("enable", ["ENABLED", "FAILED"], guardduty_age_hours=72.5))
    header = text.splitlines()[2]
    assert "GUARDDUTY AGE (h)" in header and "72.5" in text.splitlines()[4]
    assert "\n2 account-Regions: ENABLED 1, FAILED 1\n" in text
    assert text.endswith("1 account, 1 pair (ERROR): 200000000001")  # the footer: what to do


def test_disable_table_has_no_guardduty_column() -> None:
    text = render_report(report("disable", ["REMOVED", "NOT_A_MEMBER"], detail="no behavior graph"))
    assert "GUARDDUTY" not in text
    assert text.splitlines()[4].split() == ["us-east-1", "DONE", "no", "behavior", "graph"]


def test_a_long_disable_report_lists_only_the_rows_that_need_attention() -> None:
    statuses = ["REMOVED"] * FULL_TABLE_ROWS + ["NOT_A_MEMBER"] * 5 + ["FAILED"]
    text = render_report(report("disable", statuses))
    assert f"{FULL_TABLE_ROWS + 5} REMOVED / NOT_A_MEMBER rows not shown; the report has every row." in text
    listed = [line for line in text.splitlines() if line.startswith("2000000")]
    assert len(listed) == 1 and " FAILED " in listed[0]


def test_a_long_enable_report_lists_only_the_rows_that_are_not_enabled() -> None:
    text = render_report(report("enable", ["ENABLED"] * FULL_TABLE_ROWS + ["FAILED", "SKIPPED"]))
    assert f"{FULL_TABLE_ROWS} ENABLED rows not shown" in text
    assert len([line for line in text.splitlines() if line.startswith("2000000")]) == 2
