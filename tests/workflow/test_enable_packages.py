"""Data source packages: EnsureGraph starts the requested ones; the report says what each graph and member ingests."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.ops import make_cli, write_scenario
from tests.helpers.workflow import REGIONS, member, operations, rows_by_pair, run_enable, scenario

SPEC = scenario([member(1), member(2, guardduty=False)], administrator={"existing_graph_regions": ["us-east-1"]})


def test_requested_packages_are_started_and_reported_per_region_and_per_member() -> None:
    run = run_enable(SPEC, datasource_packages=["EKS_AUDIT", "ASFF_SECURITYHUB_FINDING"])
    assert run.report is not None
    for region in run.report["regions"]:
        assert region["datasource_packages"] == {
            "DETECTIVE_CORE": "STARTED",
            "EKS_AUDIT": "STARTED",
            "ASFF_SECURITYHUB_FINDING": "STARTED",
        }
    started = operations(run, "UpdateDatasourcePackages")
    assert sorted(c.region for c in started) == sorted(REGIONS)  # once per Region, both packages in one call
    rows = rows_by_pair(run)
    enabled = rows[(member(1)["account_id"], "us-east-1")]
    assert enabled["datasource_packages"] == {
        "DETECTIVE_CORE": "STARTED",
        "EKS_AUDIT": "STARTED",
        "ASFF_SECURITYHUB_FINDING": "STARTED",
    }
    disabled = rows[(member(2)["account_id"], "us-east-1")]
    assert disabled["reason"] == "VOLUME_UNKNOWN" and set(disabled["datasource_packages"].values()) == {"DISABLED"}


def test_without_packages_asked_the_graph_keeps_detective_core_and_nothing_is_started() -> None:
    run = run_enable(SPEC)
    assert run.report is not None
    assert [r["datasource_packages"] for r in run.report["regions"]] == [{"DETECTIVE_CORE": "STARTED"}] * 2
    assert operations(run, "UpdateDatasourcePackages") == []


def test_a_rerun_starts_no_package_that_is_already_started() -> None:
    first = run_enable(SPEC, datasource_packages=["EKS_AUDIT"])
    since = len(first.fleet.calls)
    run_enable(SPEC, fleet=first.fleet, name="again", datasource_packages=["EKS_AUDIT", "DETECTIVE_CORE"])
    assert operations(first, "UpdateDatasourcePackages", since) == []


def test_a_dry_run_shows_the_package_change_and_starts_nothing() -> None:
    run = run_enable(SPEC, datasource_packages=["EKS_AUDIT"], dry_run=True)
    assert run.report is not None
    for region in run.report["regions"]:
        assert region["status"] == "PLANNED"
        assert "start data source packages EKS_AUDIT" in region["detail"]
    assert not [c for c in run.fleet.calls if c.mutating and c.error is None]


def test_an_unknown_package_is_bad_input_naming_the_value(tmp_path: Path) -> None:
    run = run_enable(SPEC, datasource_packages=["EKS_AUDIT", "S3_DATA_EVENTS"])
    assert run.result.error == "InvalidInput"
    assert "datasource_packages[1]: unknown data source package 'S3_DATA_EVENTS'" in str(run.result.cause)
    assert not [c for c in run.fleet.calls if c.mutating]
    given = tmp_path / "input.json"
    given.write_text(
        json.dumps(
            {"datasource_packages": ["EKS"], "accounts": [{"account_id": "222222222222", "email": "alpha@example.com"}]}
        )
    )
    cli = make_cli()("enable", "--local", write_scenario(tmp_path / "s.json"), "--input", given)
    assert cli.exit_code == 2
    assert "datasource_packages[0]: unknown data source package 'EKS'" in cli.stderr
