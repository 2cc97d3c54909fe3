"""The engine's correctness hooks: what makes moto's interpreter behave as Step Functions on AWS, on our clock.

Without these an execution is wrong, not merely slow (see docs/engine.md, "Hooks"):

* ``_invoke_lambda_function`` -> the in-process dispatcher (handler from the template, faults).
* ``execute_lambda_function_integration`` -> wrapped to tell the dispatcher which execution and
  Task state is invoking (invocation counts, the Task's TimeoutSeconds in clock time).
* ``WaitFunction._wait_interval`` -> ``clock.sleep``; the Timestamp wait's ``datetime`` -> the clock.
* ``retrier_decl.time`` and ``botocore.endpoint.time`` -> ``sleep`` goes to the clock.
* ``is_within_size_quota`` (task results and every state's output) -> AWS fails a payload of *more*
  than 262,144 bytes (moto fails at exactly 256 KiB).
* ``StateTaskLambda._from_error`` -> a service error of a plain-ARN Lambda Task is ``Lambda.<Code>``
  as on AWS (moto reports ``Exception``); the ``lambda:invoke`` integration already is right.
* ``ErrorEqualsDecl._eval_body`` -> States.ALL does not match States.DataLimitExceeded / States.Runtime,
  which AWS reports as terminal (moto matches them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from detective_rollout.engine import hooks
from detective_rollout.engine.dispatch import Dispatcher, InvocationContext, TaskClock

#: ``task_timeout(state_machine_name, state_name)``: the Task's TimeoutSeconds in clock seconds, or None.
TaskTimeout = Callable[[str, str], float | None]

MAX_PAYLOAD_BYTES = 262_144
#: Errors AWS does not let ``States.ALL`` match (AWS Step Functions developer guide, "Error names").
TERMINAL_ERRORS = frozenset({"States.DataLimitExceeded", "States.Runtime"})


def _within_quota(value: Any) -> bool:
    from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

    text = value if isinstance(value, str) else to_json_str(value)
    return len(text.encode("utf-8")) <= MAX_PAYLOAD_BYTES


def _lambda_service_failure(env: Any, ex: ClientError) -> Any:
    """The FailureEvent Step Functions reports for a Lambda service error: ``Lambda.<Code>``."""
    from moto.stepfunctions.parser.api import HistoryEventType, LambdaFunctionFailedEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    error = f"Lambda.{ex.response['Error']['Code']}"
    cause = str(ex.response["Error"].get("Message", ""))
    return FailureEvent(
        env=env,
        error_name=CustomErrorName(error),
        event_type=HistoryEventType.LambdaFunctionFailed,
        event_details=EventDetails(  # type: ignore[typeddict-item]
            lambdaFunctionFailedEventDetails=LambdaFunctionFailedEventDetails(error=error, cause=cause)
        ),
    )


def install(patches: hooks.Patches, dispatcher: Dispatcher, clock: TaskClock, task_timeout: TaskTimeout) -> None:
    """Every correctness hook, recorded in ``patches`` (restored by the caller)."""
    patches.set(hooks.LAMBDA_EVAL_UTILS, "_invoke_lambda_function", dispatcher.invoke)
    integration = hooks.resolve(hooks.LAMBDA_EVAL_UTILS, "execute_lambda_function_integration")
    original_integration = getattr(*integration)

    def execute_lambda_function_integration(env: Any, parameters: Any, region: Any, state_credentials: Any) -> Any:
        data = env.states.context_object.context_object_data
        execution_arn = str(data["Execution"]["Id"])
        state_name = str(data.get("State", {}).get("Name", ""))
        machine = execution_arn.split(":")[6] if execution_arn.count(":") >= 7 else ""
        timeout = task_timeout(machine, state_name)
        dispatcher.set_context(InvocationContext(execution_arn, state_name, timeout))
        try:
            return original_integration(
                env=env, parameters=parameters, region=region, state_credentials=state_credentials
            )
        finally:
            dispatcher.set_context(None)

    patches.set(hooks.LAMBDA_EVAL_UTILS, "execute_lambda_function_integration", execute_lambda_function_integration)

    def wait_interval(self: Any, env: Any, wait_seconds: float) -> None:
        clock.sleep(float(wait_seconds))

    patches.set(hooks.WAIT_FUNCTION, "WaitFunction._wait_interval", wait_interval)
    patches.set(hooks.TIMESTAMP, "datetime", hooks.datetime_shim(clock.now))
    patches.set(hooks.RETRIER_DECL, "time", hooks.TimeShim(clock.sleep))
    hooks.patch_botocore_clock(patches, clock.sleep)

    patches.set(hooks.STATE_TASK_LAMBDA, "is_within_size_quota", _within_quota)
    patches.set(hooks.STATE_TASK_SERVICE, "is_within_size_quota", _within_quota)
    patches.set(hooks.STATE, "is_within_size_quota", _within_quota)

    from_error = hooks.resolve(hooks.STATE_TASK_LAMBDA, "StateTaskLambda._from_error")
    original_from_error = getattr(*from_error)

    def lambda_from_error(self: Any, env: Any, ex: Exception) -> Any:
        if isinstance(ex, ClientError):
            return _lambda_service_failure(env, ex)
        return original_from_error(self, env, ex)

    patches.set(hooks.STATE_TASK_LAMBDA, "StateTaskLambda._from_error", lambda_from_error)

    error_equals = hooks.resolve(hooks.ERROR_EQUALS, "ErrorEqualsDecl._eval_body")
    original_eval_body = getattr(*error_equals)

    def eval_body(self: Any, env: Any) -> None:
        error_name = env.stack[-1]
        name = getattr(error_name, "error_name", None)
        if name in TERMINAL_ERRORS and not any(getattr(n, "error_name", None) == name for n in self.error_names):
            env.stack.pop()
            env.stack.append(False)
            return
        original_eval_body(self, env)

    patches.set(hooks.ERROR_EQUALS, "ErrorEqualsDecl._eval_body", eval_body)
