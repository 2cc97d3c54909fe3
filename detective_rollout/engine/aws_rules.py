"""Rules AWS Step Functions enforces at run time that moto's interpreter does not (hooks; see docs/engine.md).

Each one makes a definition that would fail on AWS fail on the engine too, with AWS's error name,
so a test catches it before a deploy does:

* The history quota ("Step Functions service quotas": 25,000 events per execution history, a hard
  quota). When an event would be the 25,000th and is not the execution's own end, the execution
  fails instead: ``States.Runtime``, "The execution reached the maximum number of history events
  (25000).", and that ExecutionFailed event is number 25,000. No Catch sees it.
* A Choice rule whose ``Variable`` path is missing fails with ``States.Runtime`` ("Choice workflow
  state": only ``IsPresent`` tests for a field that may be absent); moto silently took Default.
* ``MaxConcurrencyPath`` must select a non-negative integer ("Map state" reference); moto also took
  ``"10"``, ``1.5`` and ``true``.
* ``events:putEvents`` with a failed entry fails the Task with ``EventBridge.FailedEntry``
  ("Add EventBridge events with Step Functions"), its cause the response as a JSON string (moto
  already raised the error, with the response as an object for a cause).

A Fail state's ``CausePath`` on a missing field already fails with ``States.Runtime`` on moto, as
on AWS; tests/engine/test_engine_strict.py pins it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from detective_rollout.engine import hooks

HISTORY_LIMIT = 25_000


def history_cause(limit: int = HISTORY_LIMIT) -> str:
    """AWS's cause for an execution that reached the history quota."""
    return f"The execution reached the maximum number of history events ({limit})."


_END_EVENTS = frozenset({"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"})
_ROOT = "_engine_root_environment"
_CAPPED = "_engine_history_capped"
_PINNED = "_engine_pinned_error"


def _runtime_failure(env: Any, cause: str) -> Exception:
    """The FailureEventException moto raises for a States.Runtime that ends the execution."""
    from moto.stepfunctions.parser.api import ExecutionFailedEventDetails, HistoryEventType
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEvent,
        FailureEventException,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType,
    )
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    name = StatesErrorNameType.StatesRuntime
    return FailureEventException(
        failure_event=FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=name),
            event_type=HistoryEventType.ExecutionFailed,
            event_details=EventDetails(  # type: ignore[typeddict-item]
                executionFailedEventDetails=ExecutionFailedEventDetails(error=name.to_name(), cause=cause)
            ),
        )
    )


def install(patches: hooks.Patches, history_limit: Callable[[], int] = lambda: HISTORY_LIMIT) -> None:
    """Install every rule; ``history_limit`` is read at each event (an engine's tests may lower it)."""
    _install_history_limit(patches, history_limit)
    _install_choice_variable(patches)
    _install_max_concurrency(patches)
    _install_failed_entry_cause(patches)


def _install_history_limit(patches: hooks.Patches, history_limit: Callable[[], int]) -> None:
    """Count every execution's events; past ``limit - 1`` only the execution's end is recorded.

    The root Environment is found from its EventManager (Map iterations share their
    execution's manager). Once capped, the root's error is pinned: the failures its states
    raise while they wind down must not replace States.Runtime.
    """
    lock = threading.Lock()
    root_environment = "ExecutionWorker._get_evaluation_environment"
    evaluation_environment = getattr(*hooks.resolve(hooks.EXECUTION_WORKER, root_environment))
    add_event = getattr(*hooks.resolve(hooks.EVENT_MANAGER, "EventManager.add_event"))
    set_error = getattr(*hooks.resolve(hooks.ENVIRONMENT, "Environment.set_error"))

    def get_evaluation_environment(self: Any) -> Any:
        env = evaluation_environment(self)
        setattr(env.event_manager, _ROOT, env)
        return env

    def capped_add_event(self: Any, context: Any, event_type: Any, *args: Any, **kwargs: Any) -> int:
        root = getattr(self, _ROOT, None)
        kind = str(getattr(event_type, "value", event_type))  # moto passes HistoryEventType members
        limit = history_limit()
        with lock:
            capped = getattr(self, _CAPPED, False)
            ends = kind in _END_EVENTS
            if root is None or (ends and not capped) or (not capped and len(self._history_event_list) < limit - 1):
                return int(add_event(self, context, event_type, *args, **kwargs))
            if capped is True and kind == "ExecutionFailed":
                setattr(self, _CAPPED, "ended")
                return int(add_event(self, context, event_type, *args, **kwargs))
            if not capped:
                setattr(self, _CAPPED, True)
                fail_root = True
            else:
                fail_root = False
        if fail_root:
            from moto.stepfunctions.parser.api import ExecutionFailedEventDetails

            error = ExecutionFailedEventDetails(error="States.Runtime", cause=history_cause(limit))
            setattr(root, _PINNED, error)
            root.set_error(error)
        return len(self._history_event_list)

    def pinned_set_error(self: Any, error: Any) -> None:
        set_error(self, getattr(self, _PINNED, None) or error)

    patches.set(hooks.EXECUTION_WORKER, root_environment, get_evaluation_environment)
    patches.set(hooks.EVENT_MANAGER, "EventManager.add_event", capped_add_event)
    patches.set(hooks.ENVIRONMENT, "Environment.set_error", pinned_set_error)


def _install_choice_variable(patches: hooks.Patches) -> None:
    from moto.stepfunctions.parser.asl.component.state.choice.comparison.comparison_operator_type import (
        ComparisonOperatorType,
    )
    from moto.stepfunctions.parser.asl.component.state.choice.comparison.variable import NoSuchVariable

    def eval_body(self: Any, env: Any) -> None:
        self.variable.eval(env)
        if isinstance(env.stack[-1], NoSuchVariable) and self.comparison_function.operator_type != (
            ComparisonOperatorType.IsPresent
        ):
            path = self.variable.string_sampler.literal_value
            raise _runtime_failure(
                env, f"Invalid path '{path}': The choice state's condition path references an invalid value."
            )
        self.comparison_function.eval(env)

    patches.set(hooks.COMPARISON_VARIABLE, "ComparisonVariable._eval_body", eval_body)


def _install_max_concurrency(patches: hooks.Patches) -> None:
    from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

    def eval_max_concurrency(self: Any, env: Any) -> int:
        self.string_sampler.eval(env=env)
        value = env.stack.pop()
        if type(value) is not int:
            shown = value if isinstance(value, str) else to_json_str(value)
            path = self.string_sampler.literal_value
            raise _runtime_failure(
                env, f'The MaxConcurrencyPath field refers to value "{shown}" which is not a valid integer: {path}'
            )
        if value < 0:
            raise _runtime_failure(env, f"Expected non-negative integer for MaxConcurrency, got '{value}' instead.")
        return value

    patches.set(hooks.MAX_CONCURRENCY, "MaxConcurrencyPath._eval_max_concurrency", eval_max_concurrency)


def _install_failed_entry_cause(patches: hooks.Patches) -> None:
    events_task = hooks.resolve(hooks.STATE_TASK_SERVICE_EVENTS, "StateTaskServiceEvents._from_error")
    from_error = getattr(*events_task)
    failed_entries = getattr(*hooks.resolve(hooks.STATE_TASK_SERVICE_EVENTS, "SfnFailedEntryCountException"))

    def events_from_error(self: Any, env: Any, ex: Exception) -> Any:
        cause = getattr(ex, "cause", None)
        if isinstance(ex, failed_entries) and not isinstance(cause, str):
            setattr(ex, "cause", json.dumps(cause, separators=(",", ":")))  # noqa: B010 - moto declares it Final
        return from_error(self, env, ex)

    patches.set(hooks.STATE_TASK_SERVICE_EVENTS, "StateTaskServiceEvents._from_error", events_from_error)
