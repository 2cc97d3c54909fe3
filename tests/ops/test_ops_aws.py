"""The AWS code paths for real: boto3 Step Functions and S3 calls against moto, which runs the real
ASL with the task code over the emulated fleet (the embedded engine is moto plus Lambda dispatch).

Only the stack lookup is a Stubber (moto's CloudFormation needs extras this project does not pin):
``--stack-name`` resolves to the engine's state machines and bucket. An execution is started as the
console would; then ``status``, ``report`` and ``replay`` run as an operator runs them on AWS.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from detective_rollout.clocks import InstantClock
from detective_rollout.emulator import Fleet, load_scenario
from detective_rollout.engine import LocalEngine
from detective_rollout.local import STATEMACHINES, TEMPLATE
from detective_rollout.ops.factory import Factory
from tests.helpers.ops import EMAILS, FAULTY, HEALTHY, REGIONS, Cli, make_cli, scenario_dict

FIRST = "rollout-1"
ROLE_AFTER_S = 3600  # the member role of FAULTY arrives an hour into the rollout (vended account)


@dataclass
class Deployed:
    engine: LocalEngine
    clock: InstantClock
    outputs: dict[str, str]
    cli: Cli

    def report(self, name: str) -> dict[str, Any]:
        return dict(self.engine.read_json(self.outputs["ReportBucketName"], f"reports/enable/{name}.json"))


class StackSession:
    """A real boto3 session (moto answers it); only DescribeStacks is stubbed with the stack's outputs."""

    def __init__(self, region: str, outputs: dict[str, str]) -> None:
        self.session = boto3.Session(region_name=region)
        self.region_name = region
        self.outputs = outputs

    def client(self, service: str, region_name: str | None = None) -> Any:
        client = self.session.client(service, region_name=region_name)
        if service == "cloudformation":
            stub = Stubber(client)
            stub.add_response(
                "describe_stacks",
                {
                    "Stacks": [
                        {
                            "StackName": "detective-rollout",
                            "CreationTime": datetime.now(UTC),
                            "StackStatus": "CREATE_COMPLETE",
                            "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in self.outputs.items()],
                        }
                    ]
                },
                {"StackName": "detective-rollout"},
            )
            stub.activate()
        return client


class AwsFactory(Factory):
    def __init__(self, outputs: dict[str, str]) -> None:
        super().__init__(sleep=lambda _seconds: time.sleep(0.05))  # moto runs the execution in wall time
        self.outputs = outputs

    def aws_session(self, profile: str | None, region: str | None) -> Any:
        assert profile is None
        return StackSession(region or "us-east-1", self.outputs)


@pytest.fixture(scope="module")
def deployed() -> Iterator[Deployed]:
    clock = InstantClock()
    spec = scenario_dict(fault={"type": "no_role", "duration_s": ROLE_AFTER_S})
    fleet = Fleet(load_scenario(spec), clock)
    with LocalEngine(fleet, clock, template=str(TEMPLATE), statemachines_dir=str(STATEMACHINES)) as engine:
        outputs = {
            "EnableStateMachineArn": engine.state_machine_arn("enable-detective"),
            "ReportBucketName": engine.substitutions("enable-detective")["ReportBucket"],
        }
        disable = engine.client("stepfunctions").create_state_machine(  # its executions are not under test
            name="detective-rollout-disable-detective",
            roleArn=f"arn:aws:iam::{spec['administrator']['account_id']}:role/r",
            definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
        )
        outputs["DisableStateMachineArn"] = disable["stateMachineArn"]
        execution_input = {
            "accounts": [{"account_id": a, "email": e} for a, e in EMAILS.items()],
            "regions": REGIONS,
            "source": "console",
        }
        result = engine.run("enable-detective", execution_input, name=FIRST)
        assert result.status == "FAILED" and result.error == "RolloutIncomplete", result
        yield Deployed(engine, clock, outputs, make_cli(AwsFactory(outputs)))


def test_status_lists_the_deployed_executions(deployed: Deployed) -> None:
    result = deployed.cli("status", "--json", "--region", "us-east-1")
    assert result.exit_code == 0, result.output + result.stderr
    listed = {e["execution"]: e for e in json.loads(result.output)}
    assert listed[FIRST]["workflow"] == "enable" and listed[FIRST]["status"] == "FAILED"
    assert listed[FIRST]["summary"] == {"total": 6, "ENABLED": 4, "FAILED": 2}


def test_status_of_an_execution_reads_its_history(deployed: Deployed) -> None:
    result = deployed.cli("status", FIRST, "--stack-name", "detective-rollout")
    assert result.exit_code == 3, result.output + result.stderr
    assert "accepted" in result.output and "3/3 accounts" in result.output and "ACCESS_DENIED 2" in result.output
    assert "results: 6 account-Regions: ENABLED 4, FAILED 2" in result.output


def test_report_is_fetched_from_the_report_bucket(deployed: Deployed) -> None:
    result = deployed.cli("report", FIRST, "--format", "json")
    assert result.exit_code == 3
    assert json.loads(result.output) == deployed.report(FIRST)
    missing = deployed.cli("report", "no-such-execution")
    assert missing.exit_code == 2 and "no execution named 'no-such-execution'" in missing.stderr


def test_coverage_on_aws_reads_the_stacks_registry_and_names_what_the_rollout_left_uncovered(
    deployed: Deployed,
) -> None:
    bucket = deployed.outputs["ReportBucketName"]
    missing = deployed.cli("coverage")
    assert missing.exit_code == 2, missing.output + missing.stderr
    assert f"the registry (the default list): 's3://{bucket}/registry/accounts.csv' does not exist" in missing.stderr
    registry = "".join(f"{a},{e}\n" for a, e in EMAILS.items())
    deployed.engine.client("s3").put_object(Bucket=bucket, Key="registry/accounts.csv", Body=registry.encode())
    result = deployed.cli("coverage", "--format", "json", "--regions", ",".join(REGIONS))
    assert result.exit_code == 3, result.output + result.stderr
    document = json.loads(result.output)
    states = {(r["account_id"], r["region"]): (r["state"], r["reason"]) for r in document["results"]}
    assert states == {
        (a, r): ("NOT_COVERED", "INVITED") if a == FAULTY else ("COVERED", None) for a in EMAILS for r in REGIONS
    }


def test_replay_on_aws_starts_a_new_execution_over_the_failed_pairs_and_merges(deployed: Deployed) -> None:
    deployed.clock.advance(2 * ROLE_AFTER_S)  # the member role is there now
    result = deployed.cli("replay", FIRST, "--interval", "0")
    assert result.exit_code == 0, result.output + result.stderr
    assert "started enable-" in result.output and "1/1 accounts" in result.output  # progress while it ran
    listed = json.loads(deployed.cli("status", "--json").output)
    newest = listed[0]
    assert newest["replay_of"] == FIRST and newest["status"] == "SUCCEEDED"
    merged = deployed.report(newest["execution"])
    assert merged["summary"] == {"total": 6, "ENABLED": 6}
    assert merged["request"]["input"]["accounts"] == [
        {"account_id": FAULTY, "email": EMAILS[FAULTY], "regions": ["eu-west-1", "us-east-1"]}
    ]
    assert {(r["account_id"], r["changed"]) for r in merged["results"]} == {(a, a == FAULTY) for a in EMAILS}
    nothing = deployed.cli("replay", "latest")
    assert nothing.exit_code == 0 and "nothing to replay" in nothing.output


def _executions(deployed: Deployed) -> list[dict[str, Any]]:
    result = deployed.cli("status", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    return list(json.loads(result.output))


def _csv(tmp_path: Any, text: str) -> str:
    path = tmp_path / "accounts.csv"
    path.write_text(text)
    return str(path)


def test_enable_without_local_starts_on_the_stack_and_follows_it_to_its_report(
    deployed: Deployed, tmp_path: Any
) -> None:
    accounts = _csv(tmp_path, "account_id,email\n" + "".join(f"{a},{EMAILS[a]}\n" for a in HEALTHY))
    result = deployed.cli(
        "enable",
        "--accounts",
        accounts,
        "--regions",
        ",".join(REGIONS),
        "--interval",
        "0",
        "--report",
        tmp_path / "report.json",
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert "started enable-" in result.output and "for 2 account(s) in eu-west-1, us-east-1" in result.output
    newest = _executions(deployed)[0]
    assert newest["status"] == "SUCCEEDED" and newest["summary"] == {"total": 4, "ENABLED": 4}
    report = deployed.report(newest["execution"])
    assert json.loads((tmp_path / "report.json").read_text()) == report
    assert report["request"]["source"] == "cli"
    assert report["request"]["input"]["accounts"] == [{"account_id": a, "email": EMAILS[a]} for a in HEALTHY]


def test_enable_on_the_stack_refuses_a_bad_csv_before_starting_anything(deployed: Deployed, tmp_path: Any) -> None:
    before = len(_executions(deployed))
    accounts = _csv(tmp_path, "account_id,email\n12345,a@example.com\n444444444444,not-an-email\n")
    result = deployed.cli("enable", "--accounts", accounts, "--regions", "us-east-1")
    assert result.exit_code == 2, result.output + result.stderr
    assert "row 2 account_id: expected a string of 12 digits, got '12345'" in result.stderr
    assert "row 3 email: not a plausible email address: 'not-an-email'" in result.stderr
    assert len(_executions(deployed)) == before


def test_enable_on_the_stack_with_no_wait_returns_once_started(deployed: Deployed, tmp_path: Any) -> None:
    accounts = _csv(tmp_path, f"{HEALTHY[0]},{EMAILS[HEALTHY[0]]}\n")
    result = deployed.cli("enable", "--accounts", accounts, "--regions", "us-east-1", "--plan", "--no-wait")
    assert result.exit_code == 0, result.output + result.stderr
    name = result.output.split("started ", 1)[1].split(":", 1)[0]
    started = deployed.engine.client("stepfunctions").describe_execution(
        executionArn=f"{deployed.outputs['EnableStateMachineArn'].replace(':stateMachine:', ':execution:')}:{name}"
    )
    assert json.loads(started["input"]) == {
        "source": "cli",
        "regions": ["us-east-1"],
        "dry_run": True,
        "accounts": [{"account_id": HEALTHY[0], "email": EMAILS[HEALTHY[0]]}],
    }


def test_disable_without_local_starts_the_stacks_disable_machine(deployed: Deployed) -> None:
    refused = deployed.cli("disable", "--accounts", "s3://bucket-x/rollouts/a.csv", "--delete-graph", "--no-wait")
    assert refused.exit_code == 2 and 'delete_graph: needs "all_members": true' in refused.stderr
    result = deployed.cli("disable", "--all-members", "--regions", "us-east-1", "--plan", "--no-wait")
    assert result.exit_code == 0, result.output + result.stderr
    assert "started disable-" in result.output and "for all members in us-east-1" in result.output
    execution = deployed.engine.client("stepfunctions").list_executions(
        stateMachineArn=deployed.outputs["DisableStateMachineArn"]
    )["executions"][0]
    described = deployed.engine.client("stepfunctions").describe_execution(executionArn=execution["executionArn"])
    assert json.loads(described["input"]) == {
        "source": "cli",
        "regions": ["us-east-1"],
        "all_members": True,
        "dry_run": True,
    }


def test_enable_on_the_stack_refuses_a_state_dir(deployed: Deployed, tmp_path: Any) -> None:
    result = deployed.cli(
        "enable",
        "--accounts",
        _csv(tmp_path, f"{HEALTHY[0]},{EMAILS[HEALTHY[0]]}\n"),
        "--state-dir",
        tmp_path / "state",
    )
    assert result.exit_code == 2 and "--state-dir keeps local runs" in result.stderr


def test_a_report_object_that_is_not_a_report_is_refused_naming_it(deployed: Deployed) -> None:
    bucket, key = deployed.outputs["ReportBucketName"], f"reports/enable/{FIRST}.json"
    s3 = deployed.engine.client("s3")
    original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    bodies = {
        b"[" * 100_000 + b"]" * 100_000: f"s3://{bucket}/{key}: not a detective-rollout report (report[0][0]",
        b"[1]": f"s3://{bucket}/{key}: not a detective-rollout report (a JSON list)",
        b'{"summary": {"total": 1}, "results": []}': f"the report of {FIRST}: not a detective-rollout report: workflow",
    }
    cli = make_cli(AwsFactory(deployed.outputs))  # a Factory of its own: others' --state-dir stays theirs
    try:
        for body, message in bodies.items():
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            result = cli("report", FIRST)
            assert result.exit_code == 2 and message in result.stderr, result.stderr
    finally:
        s3.put_object(Bucket=bucket, Key=key, Body=original)
