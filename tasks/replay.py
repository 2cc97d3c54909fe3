"""A replay's report is the merged whole: the original report with the replayed rows updated.

A replay (``detective-rollout replay``) is a new execution over only the FAILED account x Region
pairs of an earlier one, with ``request.replay_of`` naming it. Operators hand the *latest* report
to their lead, so it must stand alone: every row of the original that was not replayed is carried
over with ``changed: false`` (this run wrote nothing for it), replayed rows take their new outcome,
in the original's row order. WriteReport does the merge - not the CLI - so a replay started from
the console, the CLI on AWS or the embedded engine writes the same report, summary, notification
and final status (a carried-over FAILED row still fails the execution).
"""

from __future__ import annotations

from typing import Any

from tasks.log import keys, logger
from tasks.plan import Plan
from tasks.report import RegionRow, Row
from tasks.workstore import WorkStore, report_key


def carried(row: dict[str, Any]) -> Row:
    """An original row kept as it was: nothing was written for it by the replay."""
    return Row(
        str(row["account_id"]),
        str(row["region"]),
        str(row["status"]),
        row.get("member_status"),
        row.get("reason"),
        row.get("detail"),
        False,
        row.get("enrollment"),
        row.get("datasource_packages"),
    )


def merge_rows(original: list[dict[str, Any]], replayed: list[Row]) -> list[Row]:
    """Original order; a replayed pair replaces its row; pairs new to the original come last."""
    fresh: dict[tuple[str, str], Row | None] = {(r.account_id, r.region): r for r in replayed}
    merged = [fresh.pop((str(r["account_id"]), str(r["region"])), None) or carried(r) for r in original]
    return merged + [r for r in replayed if (r.account_id, r.region) in fresh]


def merge_regions(original: list[RegionRow], replayed: list[RegionRow]) -> list[RegionRow]:
    """Region rows the same way: a replayed Region's row is this run's, the others are the original's."""
    fresh: dict[str, RegionRow | None] = {r["region"]: r for r in replayed}
    merged = [fresh.pop(r["region"], None) or r for r in original]
    return merged + [r for r in replayed if r["region"] in fresh]


def merge_replayed(
    store: WorkStore, plan: Plan, regions: list[RegionRow], rows: list[Row]
) -> tuple[list[RegionRow], list[Row]]:
    """The report content of ``plan``: merged into the original's when the plan is a replay."""
    original_name = plan.request.get("replay_of")
    if not original_name:
        return regions, rows
    original = store.find_key(report_key(plan.workflow, str(original_name)))
    if not isinstance(original, dict):
        logger.warning(
            "replayed execution has no report; reporting the replayed rows only",
            extra={**keys(plan.execution), "replay_of": original_name},
        )
        return regions, rows
    return (
        merge_regions(list(original.get("regions", [])), regions),
        merge_rows(list(original.get("results", [])), rows),
    )
