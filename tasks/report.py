"""The report contract shared by both workflows: rows, summary, document, notification text.

One row per requested account x Region, exactly once; ``summary`` counts every status that
occurs. The document is written to ``reports/<workflow>/<execution>.json`` - a key anyone can
derive from the execution name, since a FAILED execution has no output.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Required, TypedDict

from tasks.actions import rollup
from tasks.contracts import ReportOutput
from tasks.plan import Plan

DETAIL_LIMIT = 500


class RegionRow(TypedDict, total=False):
    """A report's ``regions`` entry, both workflows."""

    region: Required[str]
    graph_arn: Required[str | None]
    status: Required[str]
    reason: Required[str | None]
    detail: Required[str | None]
    guardduty_age_hours: float | None  # enable
    qualifies_at: str | None  # enable: a Region whose GuardDuty detector is too young
    graph_deleted: bool  # disable
    organization_admin: bool | None  # enable: the administrator is the organization's Detective administrator
    datasource_packages: dict[str, str] | None  # enable: package -> ingest state (ListDatasourcePackages)
    notes: list[dict[str, Any]]  # enable: {"topic", "status", "detail"}, e.g. auto_enable_organization SKIPPED


@dataclass(frozen=True)
class Row:
    account_id: str
    region: str
    status: str
    member_status: str | None
    reason: str | None
    detail: str | None
    changed: bool
    #: ORGANIZATION (enabled by the organization's Detective administrator) or INVITATION; None: not a member.
    enrollment: str | None = None
    #: The member's data source package ingest states, where GetMembers reports them.
    datasource_packages: dict[str, str] | None = None


def short(text: object) -> str | None:
    """Error causes can be long JSON; keep report details readable."""
    if text is None:
        return None
    value = str(text)
    return value if len(value) <= DETAIL_LIMIT else value[: DETAIL_LIMIT - 3] + "..."


def flat(record: object) -> dict[str, Any]:
    """``asdict`` of a record whose fields are all scalars, without its recursive deep copy.

    ``asdict`` costs ~20 us a record: half a second for a 25,200-row report, and as much again
    for the accept records of a 1,200 x 21 rollout. These records hold only str/bool/None.
    """
    return dict(vars(record))


def any_organization(results: list[dict[str, Any]]) -> bool:
    """A mixed fleet's report: some row's ``enrollment`` is ORGANIZATION (tables then show how each is a member)."""
    return any(r.get("enrollment") == "ORGANIZATION" for r in results)


def age_hours(value: Any) -> str:
    """A GuardDuty age as shown everywhere (table, HTML page): hours with one decimal (the report keeps two)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.1f}"
    return "" if value is None else str(value)


def summarize(rows: list[Row]) -> dict[str, int]:
    counts = Counter(r.status for r in rows)
    return {"total": len(rows), **dict(sorted(counts.items()))}


def document(plan: Plan, finished_at: str, regions: list[RegionRow], rows: list[Row]) -> dict[str, Any]:
    """The report; ``actions`` groups the rows that need attention by what fixes them (tasks.actions)."""
    results = [flat(r) for r in rows]
    return {
        "workflow": plan.workflow,
        "execution": plan.execution,
        "started_at": plan.started_at,
        "finished_at": finished_at,
        "request": {"source": "console", "input": {}, "version": None, "replay_of": None, **plan.request},
        "summary": summarize(rows),
        "actions": rollup(results),
        "regions": regions,
        "results": results,
    }


def per_protocol_message(text: str, title: str, *, icon: str, event_type: str) -> str:
    """A results-topic message, one per protocol (publish with MessageStructure ``json``).

    Email and every other protocol get ``text``; HTTPS subscribers - AWS Chatbot's Slack channel is
    one - get it as a Chatbot custom notification, the only format Chatbot renders ("Custom
    notifications", AWS Chatbot administrator guide: version 1.0, source custom).
    """
    chatbot = {
        "version": "1.0",
        "source": "custom",
        "content": {"textType": "client-markdown", "title": f"{icon} {title}", "description": text},
        "metadata": {"summary": text.split("\n", 1)[0], "eventType": event_type},
    }
    return json.dumps({"default": text, "https": json.dumps(chatbot, separators=(",", ":"))}, separators=(",", ":"))


def sns_message(text: str, title: str, summary: dict[str, int]) -> str:
    """PublishSummary's message: :func:`per_protocol_message`, marked failed when a row FAILED."""
    icon = ":x:" if summary.get("FAILED", 0) else ":white_check_mark:"
    return per_protocol_message(text, title, icon=icon, event_type="DetectiveRolloutFinished")


def outcome(report: dict[str, Any], bucket: str, key: str, page_key: str) -> ReportOutput:
    """The WriteReport state's output: what Notify publishes and the final Choice decides on.

    The notification names both objects: the report JSON (``key``) and its HTML page (``page_key``).
    """
    summary = report["summary"]
    counts = ", ".join(f"{v} {k}" for k, v in summary.items() if k != "total")
    verb = "rollout" if report["workflow"] == "enable" else "offboarding"
    message = (
        f"Detective {verb} {report['execution']}: {summary['total']} account-Regions ({counts}).\n"
        f"Report: s3://{bucket}/{key}\n"
        f"Page: s3://{bucket}/{page_key}"
    )
    detail = {
        "workflow": report["workflow"],
        "execution": report["execution"],
        "summary": summary,
        "report": f"s3://{bucket}/{key}",
        "report_html": f"s3://{bucket}/{page_key}",
    }
    return {
        "summary": summary,
        "report_bucket": bucket,
        "report_key": key,
        "report_html_key": page_key,
        "sns_message": sns_message(message, f"Detective {verb} {report['execution']}", summary),
        "failed": summary.get("FAILED", 0) > 0,
        "summary_json": json.dumps(summary, separators=(",", ":")),
        "message": message,
        # An object, as in the examples of "Add EventBridge events with Step Functions": the
        # events:putEvents integration encodes it (a pre-encoded string would arrive as a string).
        "event_detail": detail,
    }
