"""The deployed workflows, through real boto3 calls: find the stack, start, describe, list, redrive.

The stack is found by name (``--stack-name``, default ``detective-rollout``): its outputs name the
two state machines and the report bucket, so an operator never copies an ARN. Execution names are
what people say ("replay enable-3f2a..."), so this module turns them into ARNs itself; a report is
read from its derivable key ``reports/<workflow>/<execution>.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from detective_rollout.local import execution_name
from detective_rollout.ops.backend import ExecutionView, NotFound, summary_of
from detective_rollout.ops.progress import snapshot
from tasks.nesting import parse_json, parse_json_or_none
from tasks.workstore import report_key

DEFAULT_STACK = "detective-rollout"
_OUTPUTS = {"enable": "EnableStateMachineArn", "disable": "DisableStateMachineArn", "bucket": "ReportBucketName"}
_MISSING = {"NoSuchKey", "404", "NoSuchBucket"}


def fetch_history(sfn: Any, arn: str) -> list[Mapping[str, Any]]:
    """Every event of an execution, oldest first (GetExecutionHistory pages of 1,000)."""
    events: list[Mapping[str, Any]] = []
    params: dict[str, Any] = {"executionArn": arn, "maxResults": 1000}
    while True:
        page = sfn.get_execution_history(**params)
        events.extend(page.get("events", []))
        if not page.get("nextToken"):
            return events
        params["nextToken"] = page["nextToken"]


@dataclass(frozen=True)
class Deployment:
    """What the CLI needs of a deployed stack."""

    machines: Mapping[str, str]  # workflow -> state machine ARN
    bucket: str

    @classmethod
    def from_stack(cls, cloudformation: Any, stack_name: str) -> Deployment:
        from botocore.exceptions import ClientError

        try:
            stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
        except ClientError as exc:
            raise NotFound(f"--stack-name {stack_name}: {exc.response['Error'].get('Message', exc)}") from None
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        missing = [v for v in _OUTPUTS.values() if v not in outputs]
        if missing:
            raise NotFound(f"stack {stack_name} has no output {', '.join(missing)}: is it detective-rollout's?")
        return cls({w: outputs[_OUTPUTS[w]] for w in ("enable", "disable")}, outputs[_OUTPUTS["bucket"]])


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else (str(value) if value else None)


class AwsBackend:
    """The executions of one deployment (see :mod:`detective_rollout.ops.backend` for the contract)."""

    def __init__(self, session: Any, deployment: Deployment) -> None:
        self.deployment = deployment
        self.sfn = session.client("stepfunctions")
        self.s3 = session.client("s3")

    def _arn(self, workflow: str, name: str) -> str:
        machine = self.deployment.machines[workflow]
        return machine.replace(":stateMachine:", ":execution:", 1) + ":" + name

    def describe(self, view: ExecutionView) -> dict[str, Any]:
        return dict(self.sfn.describe_execution(executionArn=view.arn))

    def _view(self, workflow: str, described: Mapping[str, Any]) -> ExecutionView:
        request = parse_json_or_none(described.get("input")) or {}
        return ExecutionView(
            execution=str(described["name"]),
            workflow=workflow,
            status=str(described["status"]),
            started_at=_iso(described.get("startDate")),
            stopped_at=_iso(described.get("stopDate")),
            error=described.get("error"),
            cause=described.get("cause"),
            summary=summary_of(
                parse_json_or_none(described.get("output")), described.get("error"), described.get("cause")
            ),
            replay_of=request.get("replay_of") if isinstance(request, dict) else None,
            arn=str(described["executionArn"]),
        )

    def execution(self, name: str) -> ExecutionView:
        if name == "latest":
            newest = self.executions(1)
            if not newest:
                raise NotFound("no execution of either workflow yet")
            return newest[0]
        for workflow in self.deployment.machines:
            try:
                return self._view(workflow, self.sfn.describe_execution(executionArn=self._arn(workflow, name)))
            except self.sfn.exceptions.ExecutionDoesNotExist:
                continue
        raise NotFound(f"no execution named {name!r} of {', '.join(self.deployment.machines.values())}")

    def executions(self, limit: int) -> list[ExecutionView]:
        listed: list[tuple[str, Mapping[str, Any]]] = []
        for workflow, machine in self.deployment.machines.items():
            page = self.sfn.list_executions(stateMachineArn=machine, maxResults=max(1, min(limit, 1000)))
            listed += [(workflow, e) for e in page.get("executions", [])]
        listed.sort(key=lambda item: item[1]["startDate"], reverse=True)
        return [self._view(w, self.sfn.describe_execution(executionArn=e["executionArn"])) for w, e in listed[:limit]]

    def progress(self, view: ExecutionView) -> dict[str, Any]:
        fresh = self.execution(view.execution) if view.arn is None else self._view(view.workflow, self.describe(view))
        events = fetch_history(self.sfn, str(fresh.arn))
        return snapshot(
            events,
            execution=fresh.execution,
            workflow=fresh.workflow,
            status=fresh.status,
            updated_at=_iso(datetime.now().astimezone()),
        )

    def history_length(self, view: ExecutionView) -> int:
        return len(fetch_history(self.sfn, str(view.arn)))

    def original_input(self, view: ExecutionView) -> dict[str, Any]:
        value = parse_json_or_none(self.describe(view).get("input"))
        return value if isinstance(value, dict) else {}

    def report(self, view: ExecutionView) -> dict[str, Any] | None:
        """The execution's report from the bucket (None when absent); NotFound naming it when it is no JSON object."""
        uri = f"s3://{self.deployment.bucket}/{report_key(view.workflow, view.execution)}"
        body = self.read_object(uri)
        if body is None:
            return None
        try:
            value = parse_json(body.decode("utf-8"), root="report")
        except ValueError as exc:  # not UTF-8, not JSON, nested too deep
            raise NotFound(f"{uri}: not a detective-rollout report ({exc})") from None
        if not isinstance(value, dict):
            raise NotFound(f"{uri}: not a detective-rollout report (a JSON {type(value).__name__})")
        return value

    def read_object(self, uri: str) -> bytes | None:
        from botocore.exceptions import ClientError

        bucket, _, key = uri.removeprefix("s3://").partition("/")
        try:
            return bytes(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise

    def start(
        self, workflow: str, execution_input: dict[str, Any], reports: Iterable[dict[str, Any]] = ()
    ) -> ExecutionView:
        """Start an execution (``reports`` are in the bucket already); returns it RUNNING."""
        name = execution_name(workflow)
        arn = self.sfn.start_execution(
            stateMachineArn=self.deployment.machines[workflow], name=name, input=json.dumps(execution_input)
        )["executionArn"]
        return ExecutionView(
            execution=name,
            workflow=workflow,
            status="RUNNING",
            arn=str(arn),
            replay_of=execution_input.get("replay_of"),
        )

    def redrive(self, view: ExecutionView) -> ExecutionView:
        self.sfn.redrive_execution(executionArn=view.arn)
        return ExecutionView(**{**view.__dict__, "status": "RUNNING"})
