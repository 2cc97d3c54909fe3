"""Patches on moto's private Step Functions modules (moto pinned exactly; see tests/test_engine_canaries.py).

Each patch is a (module, attribute, replacement) triple applied with :class:`Patches`, which
restores the originals on exit in reverse order. ``TARGETS`` lists every symbol touched so the
canary test can fail loudly, naming the symbol, the day moto moves one.
"""

from __future__ import annotations

import copy as _copy
import datetime as _dt
import importlib
import pickle
import time as _time
import uuid as _uuid
from collections.abc import Callable
from types import ModuleType
from typing import Any

from detective_rollout.ids import unique_uuid

_PARSER = "moto.stepfunctions.parser"
LAMBDA_EVAL_UTILS = f"{_PARSER}.asl.component.state.exec.state_task.lambda_eval_utils"
WAIT_FUNCTION = f"{_PARSER}.asl.component.state.wait.wait_function.wait_function"
TIMESTAMP = f"{_PARSER}.asl.component.state.wait.wait_function.timestamp"
RETRIER_DECL = f"{_PARSER}.asl.component.common.retry.retrier_decl"
STATE_TASK_LAMBDA = f"{_PARSER}.asl.component.state.exec.state_task.state_task_lambda"
STATE_TASK_SERVICE = f"{_PARSER}.asl.component.state.exec.state_task.service.state_task_service"
STATE = f"{_PARSER}.asl.component.state.state"
ERROR_EQUALS = f"{_PARSER}.asl.component.common.error_name.error_equals_decl"
QUOTAS = f"{_PARSER}.quotas"
BOTOCORE_ENDPOINT = "botocore.endpoint"
ASL_PARSER = f"{_PARSER}.asl.parse.asl_parser"
PREPROCESSOR = f"{_PARSER}.asl.parse.preprocessor"
JSON_PATH = f"{_PARSER}.asl.utils.json_path"
RESULT_PATH = f"{_PARSER}.asl.component.common.path.result_path"
STATES = f"{_PARSER}.asl.eval.states"
EXECUTE_STATE = f"{_PARSER}.asl.component.state.exec.execute_state"
STRING_EXPRESSION = f"{_PARSER}.asl.component.common.string.string_expression"
STATE_MAP = f"{_PARSER}.asl.component.state.exec.state_map.state_map"
EVENT_MANAGER = f"{_PARSER}.asl.eval.event.event_manager"
EXECUTION_WORKER = f"{_PARSER}.backend.execution_worker"
ENVIRONMENT = f"{_PARSER}.asl.eval.environment"
COMPARISON_VARIABLE = f"{_PARSER}.asl.component.state.choice.comparison.comparison_variable"
MAX_CONCURRENCY = f"{_PARSER}.asl.component.state.exec.state_map.max_concurrency"
STATE_TASK_SERVICE_EVENTS = f"{_PARSER}.asl.component.state.exec.state_task.service.state_task_service_events"

#: The interpreter modules that copy a state's data (input, output, stack frame, history details) with copy.deepcopy.
DEEPCOPY_USERS = (STATES, EXECUTE_STATE, STRING_EXPRESSION, RESULT_PATH, STATE_MAP, EVENT_MANAGER, STATE_TASK_SERVICE)

#: (module, attribute path) of the private symbols the correctness hooks rely on (detective_rollout.engine.correctness).
CORRECTNESS_TARGETS: tuple[tuple[str, str], ...] = (
    (LAMBDA_EVAL_UTILS, "_invoke_lambda_function"),
    (LAMBDA_EVAL_UTILS, "execute_lambda_function_integration"),
    (WAIT_FUNCTION, "WaitFunction._wait_interval"),
    (TIMESTAMP, "datetime"),
    (TIMESTAMP, "Timestamp._get_wait_seconds"),
    (RETRIER_DECL, "time"),
    (STATE_TASK_LAMBDA, "is_within_size_quota"),
    (STATE_TASK_SERVICE, "is_within_size_quota"),
    (STATE, "is_within_size_quota"),
    (STATE_TASK_LAMBDA, "StateTaskLambda._from_error"),
    (QUOTAS, "MAX_STATE_SIZE_UTF8_BYTES"),
    (ERROR_EQUALS, "ErrorEqualsDecl._eval_body"),
    (BOTOCORE_ENDPOINT, "time"),
    # AWS's run-time rules (detective_rollout/engine/aws_rules.py)
    (EXECUTION_WORKER, "ExecutionWorker._get_evaluation_environment"),
    (EVENT_MANAGER, "EventManager.add_event"),
    (ENVIRONMENT, "Environment.set_error"),
    (COMPARISON_VARIABLE, "ComparisonVariable._eval_body"),
    (MAX_CONCURRENCY, "MaxConcurrencyPath._eval_max_concurrency"),
    (STATE_TASK_SERVICE_EVENTS, "StateTaskServiceEvents._from_error"),
    (STATE_TASK_SERVICE_EVENTS, "SfnFailedEntryCountException"),
)
#: (module, attribute path) of the private symbols the speed hooks rely on (detective_rollout.engine.speed).
SPEED_TARGETS: tuple[tuple[str, str], ...] = (
    (BOTOCORE_ENDPOINT, "uuid"),
    (JSON_PATH, "parse"),
    (RESULT_PATH, "parse"),
    (ASL_PARSER, "AmazonStateLanguageParser.parse"),
    (PREPROCESSOR, "Preprocessor"),
    *((module, "copy") for module in DEEPCOPY_USERS),
)
#: Every private symbol the engine relies on (the canary test checks each one).
TARGETS = CORRECTNESS_TARGETS + SPEED_TARGETS


def resolve(module: str, path: str) -> tuple[Any, str]:
    """The object holding ``path``'s last attribute, and that attribute's name; AttributeError if moved."""
    owner: Any = importlib.import_module(module)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    getattr(owner, name)  # raises AttributeError naming the symbol when it moved
    return owner, name


class Patches:
    """Apply attribute replacements; undo them all (last first) on :meth:`restore`."""

    def __init__(self) -> None:
        self._saved: list[tuple[Any, str, Any]] = []

    def set(self, module: str, path: str, value: Any) -> Any:
        owner, name = resolve(module, path)
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        self._saved.append((owner, name, original))
        setattr(owner, name, value)
        return original

    def restore(self) -> None:
        while self._saved:
            owner, name, original = self._saved.pop()
            setattr(owner, name, original)


class TimeShim:
    """Stands in for a module's ``time``: everything real except ``sleep``, which goes to the clock."""

    def __init__(self, sleep: Callable[[float], None]) -> None:
        self.sleep = sleep

    def __getattr__(self, name: str) -> Any:
        return getattr(_time, name)


class UuidShim:
    """Stands in for botocore.endpoint's ``uuid``: ``uuid4()`` from detective_rollout.ids, the rest real.

    botocore draws an invocation id per request; with 64 requests in flight each draw's system
    call was a GIL hand-over (see detective_rollout.ids).
    """

    uuid4 = staticmethod(unique_uuid)

    def __getattr__(self, name: str) -> Any:
        return getattr(_uuid, name)


class CopyShim:
    """Stands in for an interpreter module's ``copy``: ``deepcopy`` of a dict or list is a pickle round trip.

    moto copies a state's data about eight times per state (its input, output, stack frame and
    history details). copy.deepcopy walks it in Python: ~2 ms per transition of a 10 KB input,
    more than the rest of the transition, and all of it on the engine process's GIL. A pickle
    round trip makes the same deep copy (shared references stay shared) in C. Data nested too deep
    for pickle (and for copy.deepcopy, which recurses too: an execution input hundreds of levels
    deep, which AWS carries to the validation state that refuses it) is copied by a loop. A value
    pickle cannot take (or a memo from a caller) goes to copy.deepcopy.
    """

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if memo is None and type(value) in (dict, list):
            try:
                return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own bytes
            except RecursionError:
                return deep_json_copy(value)
            except Exception:  # noqa: BLE001 - not picklable: the general copy below
                pass
        return _copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(_copy, name)


def deep_json_copy(value: dict[str, Any] | list[Any]) -> Any:
    """A deep copy of nested dicts and lists, however deep, without recursion (shared references stay shared).

    Anything else inside is copied by copy.deepcopy (JSON scalars are returned as they are).
    """
    copies: dict[int, Any] = {}

    def shell(item: Any) -> Any:
        if id(item) not in copies:
            copies[id(item)] = {} if isinstance(item, dict) else []
            todo.append(item)
        return copies[id(item)]

    todo: list[Any] = []
    top = shell(value)
    while todo:
        source = todo.pop()
        target = copies[id(source)]
        pairs = source.items() if isinstance(source, dict) else enumerate(source)
        for key, child in pairs:
            copied = shell(child) if type(child) in (dict, list) else _copy.deepcopy(child)
            if isinstance(target, dict):
                target[key] = copied
            else:
                target.append(copied)
    return top


def patch_botocore_clock(patches: Patches, sleep: Callable[[float], None]) -> None:
    """Correctness: botocore's retry back-off sleeps on the engine's clock (its process or a worker)."""
    patches.set(BOTOCORE_ENDPOINT, "time", TimeShim(sleep))


def patch_botocore_ids(patches: Patches) -> None:
    """Speed: botocore's invocation ids without a system call each (its process or a worker)."""
    patches.set(BOTOCORE_ENDPOINT, "uuid", UuidShim())


def datetime_shim(now: Callable[[], _dt.datetime]) -> ModuleType:
    """A ``datetime`` module whose ``datetime.now()`` reads the clock.

    moto's Timestamp wait parses the target as a *naive* UTC datetime and subtracts
    ``datetime.datetime.now()`` (naive *local* time, wrong unless TZ=UTC). The shim returns the
    clock's time in UTC: naive when called without tz (to match moto's naive parse), aware with tz.
    """

    class ClockDatetime(_dt.datetime):
        @classmethod
        def now(cls, tz: _dt.tzinfo | None = None) -> ClockDatetime:
            moment = now().astimezone(_dt.UTC)
            moment = moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)
            return cls(
                moment.year,
                moment.month,
                moment.day,
                moment.hour,
                moment.minute,
                moment.second,
                moment.microsecond,
                moment.tzinfo,
            )

    shim = ModuleType("datetime")
    shim.__dict__.update(_dt.__dict__)
    shim.datetime = ClockDatetime  # type: ignore[attr-defined]
    return shim
