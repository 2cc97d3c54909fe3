"""LocalEngine: the real ASL and the real task code on moto's interpreter, in one process.

Entering the engine starts ``mock_aws`` with real execution, points the default account at the
fleet's administrator, exports the template's task settings, installs the clock everywhere time
passes (task code, Wait states, Retry intervals, botocore back-off), creates the resources the
substitutions name, seeds the scenario's S3 objects and activates the emulated fleet. Leaving it
undoes all of that, so tests can open one engine after another in the same process.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import boto3

from detective_rollout.emulator import netguard
from detective_rollout.engine import aws_rules, patching
from detective_rollout.engine.dispatch import Dispatcher, SleepMeter, TaskClock
from detective_rollout.engine.metrics import ExecutionResult, history_events, history_stats, parse_output
from detective_rollout.engine.template import Template, load_template
from detective_rollout.engine.workers import LambdaWorkers, WorkerPlan

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
_active_lock = threading.Lock()
_active: list[LocalEngine] = []

#: Environment variables the engine sets for the duration (restored on exit).
_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}
#: moto's request matcher runs after the fleet's hook for every call (botocore calls every before-send
#: handler); a request the fleet answered is re-pointed at this URL, which moto lets pass at once
#: instead of matching it against every service's URL patterns (~0.1 ms of CPU per emulated call).
_FLEET_ANSWERED = r"https://handled-by-fleet\.detective-rollout\.invalid/"
_MOTO_CONFIG: Any = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
    "core": {
        "mock_credentials": True,
        "passthrough": {"urls": [_FLEET_ANSWERED], "services": []},
        "reset_boto3_session": True,
        "service_whitelist": None,
    },
}
#: Removed for the duration: they would send clients to a real profile or endpoint.
_UNSET = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SFN")


def scenario_parameters(scenario: Any) -> dict[str, str]:
    """The deployment parameters the scenario's world decides: the member role every account has.

    A deployment names its member role (MemberRoleName, MemberRoleExternalId: the StackSet's
    values); locally the scenario's ``member_role`` and ``member_role_external_id`` are that role,
    so the tasks assume the role the emulated accounts actually have.
    """
    role = getattr(scenario, "member_role", None)
    if not role:
        return {}
    external_id = getattr(scenario, "member_role_external_id", None)
    return {"MemberRoleName": str(role), "MemberRoleExternalId": str(external_id or "")}


class LocalEngine:
    """Run state machines of ``statemachines_dir`` with the substitutions of ``template``.

    ``fleet``: anything with ``.scenario`` (``administrator.account_id``, ``home_region``,
    ``s3_objects``, ``lambda_faults``) and ``.intercept()``; ``None`` runs without a fleet.
    ``lambda_faults``: overrides the scenario's; entries like
    ``{"task": "AcceptInvitations", "error": "Lambda.ServiceException", "times": 2}``.
    ``parameters``: template parameter overrides (like ``--parameter-overrides``); the member role
    parameters default to the scenario's (:func:`scenario_parameters`).
    ``workers``: run the Lambda handlers in that many worker processes (a count or a WorkerPlan, see
    detective_rollout.engine.workers) instead of this process's threads; needs a speed or real clock.
    """

    def __init__(
        self,
        fleet: Any = None,
        clock: Any = None,
        template: str | Path = "infra/template.yaml",
        statemachines_dir: str | Path = "statemachines",
        region: str | None = None,
        lambda_faults: Iterable[Any] | None = None,
        parameters: Mapping[str, Any] | None = None,
        stack_name: str = "detective-rollout",
        account_id: str | None = None,
        workers: int | WorkerPlan = 0,
    ) -> None:
        if clock is None:
            from detective_rollout.clocks import InstantClock

            clock = InstantClock()
        self.fleet = fleet
        self.clock = clock
        scenario = getattr(fleet, "scenario", None)
        admin = getattr(scenario, "administrator", None)
        self.account_id = account_id or str(getattr(admin, "account_id", None) or "123456789012")
        self.region = region or str(getattr(scenario, "home_region", None) or "us-east-1")
        self.template: Template = load_template(
            template,
            region=self.region,
            account_id=self.account_id,
            stack_name=stack_name,
            parameters=parameters,
            world=scenario_parameters(scenario),
        )
        self.statemachines_dir = Path(statemachines_dir)
        faults = lambda_faults if lambda_faults is not None else getattr(scenario, "lambda_faults", ()) or ()
        self.meter = SleepMeter()
        self.task_clock = TaskClock(clock, self.meter)
        self.dispatcher = Dispatcher(self.template, faults, self.task_clock, self.meter)
        self._stack: contextlib.ExitStack | None = None
        self._abandon = False
        self.worker_plan = WorkerPlan(workers) if isinstance(workers, int) else workers
        self._machines: dict[str, str] = {}
        self._timeouts: dict[str, dict[str, float]] = {}
        self._machine_lock = threading.Lock()
        #: AWS's hard quota of events per execution history (see aws_rules); a test may lower it.
        self.history_limit = aws_rules.HISTORY_LIMIT

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> LocalEngine:
        with _active_lock:
            if _active:
                raise RuntimeError("another LocalEngine is active in this process; engines cannot be nested")
            _active.append(self)
        netguard.install()  # fail closed: nothing reaches AWS, during the run or after it (stays installed)
        stack = contextlib.ExitStack()
        try:
            stack.callback(self._deactivate)
            stack.enter_context(_environment(self._environment()))
            from moto import mock_aws

            mock = mock_aws(config=_MOTO_CONFIG)
            mock.start()
            stack.callback(mock.stop)
            os.environ.update(self._environment())  # mock_aws sets its own fake keys; ours win
            stack.enter_context(
                patching.installed(self.dispatcher, self.task_clock, self.task_timeout, lambda: self.history_limit)
            )
            self._create_resources()
            if self.fleet is not None:
                stack.enter_context(self.fleet.intercept())
            if self.worker_plan.count:
                self.dispatcher.workers = self._start_workers()
                stack.callback(self._stop_workers)
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        # Leaving on an interrupt (KeyboardInterrupt, the CLI's Interrupted: not an Exception) abandons
        # the running handlers: worker processes are killed instead of being waited for.
        self._abandon = exc_type is not None and not issubclass(exc_type, Exception)
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()

    def _start_workers(self) -> Any:
        from tasks.log import logger

        modules = sorted({f.handler.rpartition(".")[0] for f in self.template.functions.values()})
        level = logging.getLevelName(logger.log_level)
        return LambdaWorkers(self.worker_plan, self.fleet, self.clock, modules, level).start()

    def _stop_workers(self) -> None:
        workers, self.dispatcher.workers = self.dispatcher.workers, None
        workers.close(abandon=self._abandon)

    def _deactivate(self) -> None:
        with _active_lock:
            _active.remove(self)

    def _environment(self) -> dict[str, str]:
        env = dict(_CREDENTIALS)
        env.update(AWS_DEFAULT_REGION=self.region, AWS_REGION=self.region, MOTO_ACCOUNT_ID=self.account_id)
        env.update(self.template.environment())
        return env

    def client(self, service: str, region: str | None = None) -> Any:
        return boto3.client(service, region_name=region or self.region)

    def _create_resources(self) -> None:
        s3 = self.client("s3")
        for bucket in self.template.buckets:
            self._ensure_bucket(s3, bucket)
        sns = self.client("sns")
        for arn in self.template.topic_arns:
            sns.create_topic(Name=arn.rsplit(":", 1)[1])
        events = self.client("events")
        for bus in self.template.event_buses:
            events.create_event_bus(Name=bus)
        objects = getattr(getattr(self.fleet, "scenario", None), "s3_objects", None) or {}
        for url, text in objects.items():
            bucket, _, key = str(url).removeprefix("s3://").partition("/")
            self.put_text(bucket, key, str(text))

    def _ensure_bucket(self, s3: Any, bucket: str) -> None:
        try:
            s3.head_bucket(Bucket=bucket)
            return
        except s3.exceptions.ClientError:
            pass
        if self.region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": self.region})

    # ------------------------------------------------------------------ state machines
    def substitutions(self, stem: str) -> dict[str, str]:
        return dict(self.template.state_machine(stem).substitutions)

    def definition(self, stem: str) -> str:
        """The ASL of ``statemachines_dir/<stem>.asl.json`` with the template's substitutions applied."""
        text = (self.statemachines_dir / f"{stem}.asl.json").read_text()
        values = self.template.state_machine(stem).substitutions
        missing = sorted({m for m in _PLACEHOLDER.findall(text) if m not in values})
        if missing:
            raise KeyError(f"{stem}: placeholders without a DefinitionSubstitutions entry: {missing}")
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)

    def state_machine_arn(self, stem: str) -> str:
        """Create the state machine on first use (so a broken sibling definition cannot stop this one)."""
        self._require_active()
        with self._machine_lock:
            if stem not in self._machines:
                spec = self.template.state_machine(stem)
                definition = self.definition(stem)
                self._timeouts[spec.name] = _task_timeouts(json.loads(definition))
                role = f"arn:aws:iam::{self.account_id}:role/{self.template.stack_name}-{spec.logical_id}Role"
                arn = self.client("stepfunctions").create_state_machine(
                    name=spec.name, definition=definition, roleArn=role
                )["stateMachineArn"]
                self._machines[stem] = arn
            return self._machines[stem]

    def task_timeout(self, state_machine_name: str, state_name: str) -> float | None:
        return self._timeouts.get(state_machine_name, {}).get(state_name)

    # ------------------------------------------------------------------ executions
    def start(self, stem: str, input: Any = None, name: str | None = None) -> str:
        """Start an execution; returns its ARN. A name is always sent (moto names unnamed ones ``None``)."""
        arn = self.state_machine_arn(stem)
        name = name or f"local-{time.time_ns():x}"
        response = self.client("stepfunctions").start_execution(
            stateMachineArn=arn, name=name, input=json.dumps({} if input is None else input)
        )
        return str(response["executionArn"])

    def run(self, stem: str, input: Any = None, name: str | None = None, timeout: float = 600.0) -> ExecutionResult:
        """Start an execution and wait (wall ``timeout`` seconds at most) until it ends."""
        return self.result(self.start(stem, input, name), timeout=timeout)

    def result(self, arn: str, timeout: float = 600.0, poll: float = 0.02) -> ExecutionResult:
        """Wait until the execution leaves RUNNING (polling DescribeExecution) and measure it."""
        self._require_active()
        backend = _sfn_backend(self.account_id, self.region)
        deadline = time.monotonic() + timeout
        while True:
            execution = backend.describe_execution(arn)
            status = getattr(execution, "exec_status", None)
            if status is not None and status.value != "RUNNING":
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"execution {arn} still RUNNING after {timeout:.0f}s of wall time")
            time.sleep(poll)
        stats = history_stats(history_events(execution))
        return ExecutionResult(
            status=str(status.value),
            output=parse_output(execution.output) if status.value == "SUCCEEDED" else None,
            error=execution.error,
            cause=execution.cause,
            transitions=stats.transitions,
            history_events=stats.events,
            max_payload_bytes=stats.max_payload_bytes,
            invocations=dict(self.dispatcher.invocations.get(arn, {})),
            name=str(execution.name),
            arn=arn,
        )

    # ------------------------------------------------------------------ S3 helpers
    def put_text(self, bucket: str, key: str, text: str) -> None:
        s3 = self.client("s3")
        self._ensure_bucket(s3, bucket)
        s3.put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"))

    def put_json(self, bucket: str, key: str, value: Any) -> None:
        self.put_text(bucket, key, json.dumps(value))

    def read_text(self, bucket: str, key: str) -> str:
        return str(self.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8"))

    def read_json(self, bucket: str, key: str) -> Any:
        return json.loads(self.read_text(bucket, key))

    def find_json(self, bucket: str, key: str) -> Any | None:
        """Like :meth:`read_json`, but ``None`` when the bucket or object does not exist."""
        s3 = self.client("s3")
        try:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except (s3.exceptions.NoSuchKey, s3.exceptions.NoSuchBucket):
            return None
        return json.loads(body)

    def list_keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def _require_active(self) -> None:
        if self._stack is None:
            raise RuntimeError("LocalEngine is not active: use it as a context manager (with LocalEngine(...) as e)")


def _sfn_backend(account_id: str, region: str) -> Any:
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    return stepfunctions_parser_backends[account_id][region]


def _task_timeouts(definition: Mapping[str, Any]) -> dict[str, float]:
    """State name -> TimeoutSeconds of every Task, nested Map/Parallel states included."""
    found: dict[str, float] = {}
    for name, state in (definition.get("States") or {}).items():
        if state.get("Type") == "Task" and isinstance(state.get("TimeoutSeconds"), int | float):
            found[name] = float(state["TimeoutSeconds"])
        for branch in state.get("Branches", []):
            found.update(_task_timeouts(branch))
        for key in ("Iterator", "ItemProcessor"):
            if isinstance(state.get(key), Mapping):
                found.update(_task_timeouts(state[key]))
    return found


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Any:
    saved = dict(os.environ)
    try:
        for name in _UNSET:
            os.environ.pop(name, None)
        os.environ.update(values)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
