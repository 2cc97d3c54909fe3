"""What to do, per action, in every format: the HTML page (first), the terminal table (footer, 120 columns),
the CSV (``action`` column) - run through the real ``report`` command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from tasks.actions import ACTIONS
from tasks.report_page import render_html
from tests.helpers.ops import FAULTY, Cli, sample_report

ROLE_ARN = f"arn:aws:iam::{FAULTY}:role/DetectiveMemberRole"
DENIED = (
    "AssumeRole failed: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/detective-rollout-accept-"
    f"invitations/enable-0123 is not authorized to perform: sts:AssumeRole on resource: {ROLE_ARN}"
)


def report_file(tmp_path: Path) -> Path:
    report = sample_report()
    for row in report["results"]:
        if row["account_id"] == FAULTY:
            row["detail"] = DENIED
    report["results"].append(
        {
            "account_id": "777777777777",
            "region": "ap-east-1",
            "status": "SKIPPED",
            "member_status": "INVITED",
            "reason": "REGION_NOT_ENABLED",
            "detail": "the member account has not enabled the opt-in Region ap-east-1",
            "changed": False,
        }
    )
    report["summary"] = {**report["summary"], "total": len(report["results"]), "SKIPPED": 1}
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    return path


def test_the_terminal_table_fits_120_columns_and_keeps_the_role_arn_whole(tmp_path: Path, cli: Cli) -> None:
    result = cli("report", report_file(tmp_path), "--format", "table")
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 120
    assert sum(ROLE_ARN in line for line in lines) == 2  # one per FAILED row, never cut in two


def test_the_terminal_footer_lists_each_action_with_its_accounts(tmp_path: Path, cli: Cli) -> None:
    text = cli("report", report_file(tmp_path), "--format", "table").stdout
    footer = " ".join(text.split("What to do:")[1].split())
    assert f"{ACTIONS['ACCESS_DENIED']} 1 account, 2 pairs (ACCESS_DENIED): {FAULTY}" in footer
    assert f"{ACTIONS['REGION_NOT_ENABLED']} 1 account, 1 pair (REGION_NOT_ENABLED): 777777777777" in footer


def test_the_csv_action_column_has_the_html_text_for_failed_and_skipped_rows(tmp_path: Path, cli: Cli) -> None:
    path = report_file(tmp_path)
    rows = list(csv.DictReader(io.StringIO(cli("report", path, "--format", "csv").stdout)))
    actions = {(r["account_id"], r["region"]): r["action"] for r in rows}
    assert actions[(FAULTY, "us-east-1")] == ACTIONS["ACCESS_DENIED"]
    assert actions[("777777777777", "ap-east-1")] == ACTIONS["REGION_NOT_ENABLED"]
    assert actions[("222222222222", "us-east-1")] == ""
    page = cli("report", path, "--format", "html").stdout
    assert ACTIONS["ACCESS_DENIED"].replace("'", "&#x27;") in page


def test_the_html_page_starts_with_what_to_do_and_lists_skipped_rows_with_their_action(tmp_path: Path) -> None:
    report: dict[str, Any] = json.loads(report_file(tmp_path).read_text())
    page = render_html(report)
    assert page.index("<h2>What to do</h2>") < page.index("<h2>Summary</h2>")
    attention = page.split("<h2>Failed and skipped rows</h2>")[1].split("<h2>")[0]
    assert "777777777777" in attention and "REGION_NOT_ENABLED" in attention
    assert ACTIONS["REGION_NOT_ENABLED"] in attention
