"""How each account is a member (row ``enrollment``) in the terminal table and the HTML page, for mixed fleets only.

A report with an ORGANIZATION row gets an ENROLLMENT column (terminal) / ``enrollment`` column and an
"(organization)" label (HTML); a report of invited accounts only keeps its columns, so DETAIL keeps its room.
The table still fits 120 columns with the widest cells and never cuts an ARN.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tasks.report_page import render_html
from tests.helpers.ops import FAULTY, Cli, sample_report

ORG_ACCOUNT = "555555555555"
ROLE_ARN = f"arn:aws:iam::{ORG_ACCOUNT}:role/DetectiveMemberRole"
NO_ROLE = (
    "organization account: it has no member role to enable GuardDuty through (AssumeRole failed: AccessDenied: User: "
    f"arn:aws:sts::111111111111:assumed-role/detective-rollout-accept/x is not authorized to perform: sts:AssumeRole "
    f"on resource: {ROLE_ARN})"
)


def mixed_report() -> dict[str, Any]:
    report = sample_report()
    for row in report["results"]:
        row["enrollment"] = "INVITATION"
    for region in ("us-east-1", "eu-west-1"):
        report["results"].append(
            {
                "account_id": ORG_ACCOUNT,
                "region": region,
                "status": "FAILED",
                "member_status": "ACCEPTED_BUT_DISABLED",
                "reason": "VOLUME_UNKNOWN",
                "detail": NO_ROLE,
                "changed": False,
                "enrollment": "ORGANIZATION",
            }
        )
    report["summary"] = {**report["summary"], "total": len(report["results"]), "FAILED": 4}
    return report


def table(tmp_path: Path, cli: Cli, report: dict[str, Any]) -> list[str]:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    return cli("report", path, "--format", "table").stdout.splitlines()


def test_a_mixed_fleet_table_shows_enrollment_within_120_columns_and_keeps_the_arn_whole(
    tmp_path: Path, cli: Cli
) -> None:
    lines = table(tmp_path, cli, mixed_report())
    header = next(line for line in lines if line.startswith("ACCOUNT"))
    assert "ENROLLMENT" in header
    org_rows = [line for line in lines if line.startswith(ORG_ACCOUNT)]
    assert len(org_rows) == 2 and all("ORGANIZATION" in line for line in org_rows)
    assert any(line.startswith(FAULTY) and "INVITATION" in line for line in lines)
    assert max(len(line) for line in lines) <= 120
    assert sum(ROLE_ARN in line for line in lines) == 2  # one per organization row, never cut in two


def test_a_report_of_invited_accounts_only_has_no_enrollment_column(tmp_path: Path, cli: Cli) -> None:
    report = sample_report()
    for row in report["results"]:
        row["enrollment"] = "INVITATION"
    assert not any("ENROLLMENT" in line for line in table(tmp_path, cli, report))
    assert "enrollment" not in render_html(report) and "(organization)" not in render_html(report)


def test_the_html_page_labels_organization_accounts_and_gives_failed_rows_their_enrollment() -> None:
    page = render_html(mixed_report())
    matrix = page.split("<h2>Region x account</h2>")[1].split("<h2>")[0]
    assert f"<th>{ORG_ACCOUNT} (organization)</th>" in matrix and f"<th>{FAULTY}</th>" in matrix
    attention = page.split("<h2>Failed and skipped rows</h2>")[1].split("<h2>")[0]
    assert "<th>enrollment</th>" in attention
    assert "<td>ORGANIZATION</td>" in attention and "<td>INVITATION</td>" in attention
