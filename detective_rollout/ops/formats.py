"""``report --format``: one report, four renderings (the JSON contract itself among them)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from detective_rollout.render import render_report
from tasks.actions import row_action
from tasks.report_page import render_html

#: The report's row fields, in contract order: the CSV columns before ``action``.
ROW_FIELDS = ("account_id", "region", "status", "member_status", "reason", "detail", "changed")
#: The CSV's columns: the row fields, then what to do (FAILED and SKIPPED rows; the HTML page's text), then how
#: the account is a member (ORGANIZATION / INVITATION; added last so existing columns keep their places).
CSV_COLUMNS = (*ROW_FIELDS, "action", "enrollment")


def render_csv(report: dict[str, Any]) -> str:
    """One line per account x Region (spreadsheets, ticket imports); ``changed`` as true/false."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.get("results", []):
        writer.writerow(
            [
                *(
                    "" if row.get(f) is None else str(row.get(f)).lower() if f == "changed" else row.get(f)
                    for f in ROW_FIELDS
                ),
                row_action(row) or "",
                row.get("enrollment") or "",
            ]
        )
    return out.getvalue()


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2) + "\n"


FORMATS: dict[str, Callable[[dict[str, Any]], str]] = {
    "table": lambda report: render_report(report) + "\n",
    "json": render_json,
    "csv": render_csv,
    "html": render_html,
}


def emit(text: str, output: str | None, what: str) -> None:
    """``text`` to ``output`` (its folder created; ``<what> written to <output>`` on stderr), else to stdout."""
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text)
        click.echo(f"{what} written to {output}", err=True)
    else:
        click.echo(text, nl=False)
