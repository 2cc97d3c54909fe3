"""``report FILE``: what makes a JSON document a detective-rollout report the renderers can trust.

A report comes from a file the user names (any JSON at all) or from an execution. Every field the
table, CSV, HTML and exit code read is checked first, so a document that is not a report (or one
edited by hand) is refused with one line naming the file and the first missing or bad field
(exit 2), never a KeyError or a table that lies about its counts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tasks.nesting import TooDeep, parse_json

WORKFLOWS = ("enable", "disable")
#: Row fields every renderer reads, each a non-empty string.
ROW_TEXT = ("account_id", "region", "status")
#: Row fields that may be absent or null, else strings (``changed``: a boolean).
ROW_OPTIONAL = ("member_status", "reason", "detail")


class NotAReport(ValueError):
    """The document is not a detective-rollout report; the message names the field."""


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _row_problem(row: Any, where: str) -> str | None:
    if not isinstance(row, dict):
        return f"{where}: expected an object (one account x Region), got {type(row).__name__}"
    for name in ROW_TEXT:
        if name not in row:
            return f"{where}.{name}: missing"
        if not isinstance(row[name], str) or not row[name]:
            return f"{where}.{name}: expected a non-empty string, got {row[name]!r:.40}"
    for name in ROW_OPTIONAL:
        if row.get(name) is not None and not isinstance(row[name], str):
            return f"{where}.{name}: expected a string or null, got {row[name]!r:.40}"
    if row.get("changed") is not None and not isinstance(row["changed"], bool):
        return f"{where}.changed: expected true or false, got {row['changed']!r:.40}"
    return None


def _summary_problem(summary: Any, rows: int) -> str | None:
    if not isinstance(summary, dict):
        return f"summary: expected an object of counts, got {type(summary).__name__}"
    if "total" not in summary:
        return "summary.total: missing"
    for name, value in summary.items():
        if not _count(value):
            return f"summary.{name}: expected a count (a whole number >= 0), got {value!r:.40}"
    if summary["total"] != rows:
        return f"summary.total: {summary['total']}, but results has {rows} row{'s' if rows != 1 else ''}"
    return None


def _list_of_objects(report: dict[str, Any], name: str) -> str | None:
    value = report.get(name)
    if value is None:
        return None
    if not isinstance(value, list):
        return f"{name}: expected a list, got {type(value).__name__}"
    bad = next((i for i, item in enumerate(value) if not isinstance(item, dict)), None)
    return None if bad is None else f"{name}[{bad}]: expected an object, got {type(value[bad]).__name__}"


def _workflow_problem(report: dict[str, Any]) -> str | None:
    if "workflow" not in report:
        return "workflow: missing (enable or disable)"
    workflow = report["workflow"]
    return None if workflow in WORKFLOWS else f"workflow: expected enable or disable, got {workflow!r:.40}"


def report_problem(report: Any) -> str | None:
    """The first missing or bad field of ``report`` (``results[3].account_id: missing``), or None."""
    if not isinstance(report, dict):
        return f"expected a JSON object (a report), got {type(report).__name__}"
    checks: list[Callable[[], str | None]] = [
        lambda: _workflow_problem(report),
        lambda: None if isinstance(report.get("execution"), str) and report["execution"] else "execution: missing",
        lambda: "results: missing" if "results" not in report else _list_of_objects(report, "results"),
        lambda: next(filter(None, (_row_problem(r, f"results[{i}]") for i, r in enumerate(report["results"]))), None),
        lambda: _summary_problem(report.get("summary"), len(report["results"])),
        lambda: _list_of_objects(report, "regions"),
        lambda: _list_of_objects(report, "actions"),
    ]
    for check in checks:
        problem = check()
        if problem:
            return problem
    return None


def checked(report: Any, source: str) -> dict[str, Any]:
    """``report`` when it is a report; NotAReport naming ``source`` and the field otherwise."""
    problem = report_problem(report)
    if problem:
        raise NotAReport(f"{source}: not a detective-rollout report: {problem}")
    return dict(report)


def read_report_file(path: Path) -> dict[str, Any]:
    """A report file, parsed safely (however deep) and checked; NotAReport naming the file and the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise NotAReport(f"{path}: not a detective-rollout report: not UTF-8 text ({exc.reason})") from None
    try:
        report = parse_json(text, root="report")
    except TooDeep as exc:
        raise NotAReport(f"{path}: not a detective-rollout report: {exc}") from None
    except ValueError as exc:
        raise NotAReport(f"{path}: not JSON ({exc})") from None
    return checked(report, str(path))
