"""Canaries for every private symbol the embedded engine hooks (detective_rollout/engine/hooks.py).

moto is pinned exactly; when someone bumps it, these fail first and name the symbol that moved
or changed shape, instead of the engine silently running with an unpatched interpreter (real
48-hour waits, Lambda calls going to moto's Lambda backend, wrong error names).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
from typing import Any

import pytest

from detective_rollout.engine import hooks


def _symbol(module: str, path: str) -> Any:
    try:
        owner, name = hooks.resolve(module, path)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"ENGINE HOOK MOVED: {module}.{path} is gone ({exc}); update detective_rollout/engine/hooks.py")
    return getattr(owner, name)


def _source(module: str, path: str | None = None) -> str:
    target = importlib.import_module(module) if path is None else _symbol(module, path)
    return inspect.getsource(target)


def _params(module: str, path: str) -> list[str]:
    return list(inspect.signature(_symbol(module, path)).parameters)


def _require(condition: bool, what: str) -> None:
    if not condition:
        pytest.fail(f"ENGINE HOOK CHANGED: {what}; update detective_rollout/engine/ and docs/engine.md")


def test_moto_is_the_pinned_version() -> None:
    version = importlib.metadata.version("moto")
    _require(version == "5.2.5", f"moto is {version}, the hooks were written against 5.2.5")


@pytest.mark.parametrize(
    ("module", "path"), hooks.TARGETS, ids=[f"{m.rsplit('.', 1)[1]}.{p}" for m, p in hooks.TARGETS]
)
def test_every_hooked_symbol_exists(module: str, path: str) -> None:
    assert _symbol(module, path) is not None, f"{module}.{path} is None"


def test_lambda_dispatch_hook_shape() -> None:
    _require(
        _params(hooks.LAMBDA_EVAL_UTILS, "_invoke_lambda_function") == ["parameters", "region", "state_credentials"],
        "lambda_eval_utils._invoke_lambda_function(parameters, region, state_credentials)",
    )
    _require(
        _params(hooks.LAMBDA_EVAL_UTILS, "execute_lambda_function_integration")
        == ["env", "parameters", "region", "state_credentials"],
        "lambda_eval_utils.execute_lambda_function_integration(env, parameters, region, state_credentials)",
    )
    body = _source(hooks.LAMBDA_EVAL_UTILS, "execute_lambda_function_integration")
    _require(
        "_invoke_lambda_function(" in body,
        "execute_lambda_function_integration no longer calls _invoke_lambda_function",
    )
    _require('get("FunctionError")' in body, "execute_lambda_function_integration no longer reads FunctionError")
    for module in (
        hooks.STATE_TASK_LAMBDA,
        "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_lambda",
    ):
        _require(
            "lambda_eval_utils.execute_lambda_function_integration(" in _source(module),
            f"{module} no longer calls lambda_eval_utils.execute_lambda_function_integration through the module",
        )


def test_error_names_come_from_error_type_and_client_error_code() -> None:
    service = "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_lambda"
    source = _source(service)
    _require('cause_object["errorType"]' in source, "the lambda:invoke integration no longer reads errorType")
    _require('f"Lambda.{error_code}"' in source, "the lambda:invoke integration no longer names Lambda.<Code>")
    _require(
        'cause_object["errorType"]' in _source(hooks.STATE_TASK_LAMBDA, "StateTaskLambda._from_error"),
        "StateTaskLambda._from_error no longer reads errorType",
    )


def test_wait_hook_shape() -> None:
    _require(
        _params(hooks.WAIT_FUNCTION, "WaitFunction._wait_interval") == ["self", "env", "wait_seconds"],
        "WaitFunction._wait_interval(self, env, wait_seconds)",
    )
    _require(
        "self._wait_interval(" in _source(hooks.WAIT_FUNCTION, "WaitFunction._eval_body"),
        "WaitFunction._eval_body no longer waits through _wait_interval",
    )
    _require(
        "datetime.datetime.now()" in _source(hooks.TIMESTAMP, "Timestamp._get_wait_seconds"),
        "Timestamp._get_wait_seconds no longer reads datetime.datetime.now() (the clock shim would be bypassed)",
    )


def test_sleep_hooks_shape() -> None:
    _require(
        "time.sleep(interval_seconds)" in _source(hooks.RETRIER_DECL), "retrier_decl no longer sleeps via time.sleep"
    )
    _require("time.sleep(handler_response)" in _source(hooks.BOTOCORE_ENDPOINT), "botocore.endpoint retry sleep moved")


def test_payload_quota_hooks_shape() -> None:
    for module in (hooks.STATE_TASK_LAMBDA, hooks.STATE_TASK_SERVICE, hooks.STATE):
        _require("is_within_size_quota(" in _source(module), f"{module} no longer checks is_within_size_quota")


def test_error_equals_hook_shape() -> None:
    body = _source(hooks.ERROR_EQUALS, "ErrorEqualsDecl._eval_body")
    _require("env.stack.pop()" in body and "self.error_names" in body, "ErrorEqualsDecl._eval_body changed shape")


def test_in_memory_execution_shape() -> None:
    from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
    from moto.stepfunctions.parser.backend.execution import Execution
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    manager = EventManager()
    _require(
        hasattr(manager, "_mutex") and isinstance(manager._history_event_list, list),
        "EventManager._mutex / _history_event_list (read for metrics)",
    )
    init = inspect.getsource(Execution.__init__)
    for attribute in ("exec_worker", "exec_status", "output", "error", "cause"):
        _require(f"self.{attribute} =" in init, f"Execution.{attribute} (read by LocalEngine.result)")
    _require(callable(getattr(stepfunctions_parser_backends, "__getitem__", None)), "stepfunctions_parser_backends")
    _require(
        "stepfunctions_parser_backends" in _source("moto.stepfunctions.responses"),
        "moto.stepfunctions.responses no longer uses the parser backend for execute_state_machine",
    )


def test_history_limit_hooks_shape() -> None:
    _require(
        _params(hooks.EVENT_MANAGER, "EventManager.add_event")
        == ["self", "context", "event_type", "event_details", "timestamp", "update_source_event_id"],
        "EventManager.add_event(self, context, event_type, event_details, timestamp, update_source_event_id)",
    )
    _require(
        "_history_event_list.append(" in _source(hooks.EVENT_MANAGER, "EventManager._publish_history_event"),
        "EventManager keeps the history in _history_event_list (the quota counts it)",
    )
    _require(
        "self._get_evaluation_environment()" in _source(hooks.EXECUTION_WORKER, "ExecutionWorker._execution_logic"),
        "ExecutionWorker._execution_logic no longer builds the root Environment with _get_evaluation_environment",
    )
    _require(
        "frame.event_manager = env.event_manager" in _source(hooks.ENVIRONMENT, "Environment.as_inner_frame_of"),
        "Map/Parallel frames no longer share their execution's EventManager",
    )
    program = _source("moto.stepfunctions.parser.asl.component.program.program", "Program._eval_body")
    _require(
        "env.set_error(" in program and "HistoryEventType.ExecutionFailed" in program,
        "Program._eval_body no longer records ExecutionFailed from the program state's error",
    )
    _require(
        "frame.set_error(" in _source(hooks.ENVIRONMENT, "Environment.set_error"),
        "Environment.set_error no longer propagates the error to the frames (Map iterations would not stop)",
    )


def test_choice_and_max_concurrency_hooks_shape() -> None:
    _require(
        "variable.eval(env)" in _source(hooks.COMPARISON_VARIABLE, "ComparisonVariable._eval_body"),
        "ComparisonVariable._eval_body no longer evaluates self.variable then self.comparison_function",
    )
    _require(
        "NoSuchVariable(" in _source("moto.stepfunctions.parser.asl.component.state.choice.comparison.variable"),
        "a missing Choice variable is no longer a NoSuchVariable on the stack",
    )
    _require(
        _params(hooks.MAX_CONCURRENCY, "MaxConcurrencyPath._eval_max_concurrency") == ["self", "env"]
        and "self.string_sampler.eval(" in _source(hooks.MAX_CONCURRENCY, "MaxConcurrencyPath._eval_max_concurrency"),
        "MaxConcurrencyPath._eval_max_concurrency(self, env) samples self.string_sampler",
    )


def test_put_events_failed_entry_hook_shape() -> None:
    source = _source(hooks.STATE_TASK_SERVICE_EVENTS)
    _require(
        "raise SfnFailedEntryCountException(cause=response)" in source and '"EventBridge.FailedEntry"' in source,
        "events:putEvents no longer raises SfnFailedEntryCountException / EventBridge.FailedEntry on a failed entry",
    )
    _require(
        _params(hooks.STATE_TASK_SERVICE_EVENTS, "StateTaskServiceEvents._from_error") == ["self", "env", "ex"],
        "StateTaskServiceEvents._from_error(self, env, ex)",
    )
