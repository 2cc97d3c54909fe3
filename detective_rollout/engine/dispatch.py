"""In-process Lambda: run the handler the template maps to a function, answer as the Lambda service would.

moto's interpreter calls ``_invoke_lambda_function(parameters, region, state_credentials)`` and
turns the answer into the ASL error the way Step Functions does: ``FunctionError`` + a payload
``errorType`` becomes that error name; a service ``ClientError`` becomes ``Lambda.<Code>``. So
the dispatcher only has to produce the same answers the Lambda service gives:

* handler returns  -> ``{"StatusCode": 200, "Payload": result}`` (must be JSON, else
  ``Runtime.MarshalError`` exactly as the Python runtime reports it);
* handler raises   -> ``FunctionError: Unhandled`` with ``{"errorType": <class name>, ...}``;
* injected faults  -> a ``ClientError`` (``Lambda.ServiceException`` ...) or an Unhandled crash
  (``Runtime.ExitError``) or a timeout (``Sandbox.Timedout``) without running the handler;
* the function's own Timeout and the Task's TimeoutSeconds are measured in *clock* time, so an
  instant clock cannot hide a handler that would time out on AWS.
"""

from __future__ import annotations

import importlib
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from detective_rollout.engine.template import LambdaFunction, Template

#: HTTP statuses the Lambda Invoke API uses for the service errors a fault may name.
_SERVICE_STATUS = {
    "TooManyRequestsException": 429,
    "ServiceException": 500,
    "AWSLambdaException": 500,
    "ResourceNotFoundException": 404,
    "ResourceConflictException": 409,
    "EC2ThrottledException": 502,
    "ENILimitReachedException": 502,
    "KMSAccessDeniedException": 502,
    "InvalidRuntimeException": 502,
    "ClientExecutionTimeoutException": 500,
    "SdkClientException": 500,
    "Unknown": 500,
}


class TaskTimedOut(TimeoutError):
    """Raised into the interpreter when a Task ran past its TimeoutSeconds: it reports States.Timeout."""


@dataclass(frozen=True)
class LambdaFault:
    """Fail the first ``times`` invocations of the function behind Task ``task`` with ``error``.

    ``error``: ``Lambda.<Code>`` (a service error, e.g. Lambda.ServiceException), ``crash``
    (the runtime exits: Unhandled ``Runtime.ExitError``), ``timeout`` (Unhandled
    ``Sandbox.Timedout``), or any other name (the handler raising an exception of that class).
    """

    task: str
    error: str
    times: int = 1
    message: str | None = None

    @classmethod
    def of(cls, value: Any) -> LambdaFault:
        if isinstance(value, LambdaFault):
            return value
        if isinstance(value, Mapping):
            return cls(str(value["task"]), str(value["error"]), int(value.get("times", 1)), value.get("message"))
        # Duck-typed (the emulator's scenario dataclass has the same fields).
        return cls(str(value.task), str(value.error), int(getattr(value, "times", 1)), getattr(value, "message", None))


@dataclass(frozen=True)
class InvocationContext:
    """Which execution and state an invocation belongs to (set by the integration hook, same thread)."""

    execution_arn: str
    state_name: str
    timeout_seconds: float | None


class LambdaContext:
    """The subset of the Lambda context object the task code may use."""

    def __init__(self, function: LambdaFunction, request_id: str, deadline: Callable[[], float]) -> None:
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.arn
        self.memory_limit_in_mb = 512
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = f"local/{request_id}"
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline() * 1000))


class SleepMeter:
    """Counts the virtual seconds a thread slept on an instant clock (which take no wall time)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def add(self, seconds: float) -> None:
        self._local.slept = getattr(self._local, "slept", 0.0) + max(0.0, seconds)

    def read(self) -> float:
        return float(getattr(self._local, "slept", 0.0))


class TaskClock:
    """The clock the task code sees: the engine's clock, plus a per-thread meter of instant sleeps.

    On an instant clock a handler's sleeps take no wall time; the meter lets the dispatcher
    still charge them to the invocation, so Lambda and Task timeouts are enforced in clock time.
    """

    def __init__(self, clock: Any, meter: SleepMeter) -> None:
        self.clock = clock
        self.meter = meter
        self._instant = not hasattr(clock, "factor")

    def now(self) -> Any:
        return self.clock.now()

    def sleep(self, seconds: float) -> None:
        if self._instant:
            self.meter.add(seconds)
        self.clock.sleep(seconds)


def _unhandled(error_type: str, message: str, request_id: str) -> dict[str, Any]:
    return {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "ExecutedVersion": "$LATEST",
        "Payload": {"errorType": error_type, "errorMessage": message, "requestId": request_id},
    }


class Dispatcher:
    """Maps Lambda ARNs to handlers and answers invocations in-process."""

    def __init__(self, template: Template, faults: Iterable[Any], clock: Any, meter: SleepMeter) -> None:
        self.template = template
        self.clock = clock
        self.meter = meter
        self._faults = [LambdaFault.of(f) for f in faults]
        self._lock = threading.Lock()
        self._fault_uses: Counter[int] = Counter()
        self._context = threading.local()
        #: execution ARN -> state name -> invocation attempts (faulted ones included, as on AWS).
        self.invocations: dict[str, Counter[str]] = {}
        self._handlers: dict[str, Callable[..., Any]] = {}
        #: Set by ``LocalEngine(workers=N)``: handlers run in worker processes instead of this one.
        self.workers: Any = None

    # ------------------------------------------------------------------ bookkeeping
    def set_context(self, context: InvocationContext | None) -> None:
        self._context.value = context

    def _current(self) -> InvocationContext | None:
        return getattr(self._context, "value", None)

    def _count(self, function: LambdaFunction) -> None:
        ctx = self._current()
        key = ctx.execution_arn if ctx else ""
        state = ctx.state_name if ctx else function.state_name
        with self._lock:
            self.invocations.setdefault(key, Counter())[state] += 1

    def _take_fault(self, function: LambdaFunction) -> LambdaFault | None:
        """The next unused fault for this Task state (or for every state invoking this function)."""
        ctx = self._current()
        names = {function.state_name, function.logical_id} | ({ctx.state_name} if ctx else set())
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.task in names and self._fault_uses[index] < fault.times:
                    self._fault_uses[index] += 1
                    return fault
        return None

    def handler(self, function: LambdaFunction) -> Callable[..., Any]:
        found = self._handlers.get(function.handler)
        if found is None:
            module_name, _, attribute = function.handler.rpartition(".")
            found = getattr(importlib.import_module(module_name), attribute)
            self._handlers[function.handler] = found
        return found

    # ------------------------------------------------------------------ the hook
    def invoke(self, parameters: Mapping[str, Any], region: str, state_credentials: Any = None) -> dict[str, Any]:
        """Replacement for moto's ``lambda_eval_utils._invoke_lambda_function``."""
        name = str(parameters.get("FunctionName", ""))
        function = self.template.function_for_arn(name)
        request_id = str(uuid.uuid4())
        if function is None:
            raise _client_error("ResourceNotFoundException", f"Function not found: {name}", request_id)
        self._count(function)
        fault = self._take_fault(function)
        if fault is not None:
            return _fault_response(fault, function, request_id)
        raw = parameters.get("Payload") or b"{}"
        event = json.loads(raw.decode("utf-8") if isinstance(raw, bytes | bytearray) else raw)
        return self._run(function, event, request_id)

    def _run(self, function: LambdaFunction, event: Any, request_id: str) -> dict[str, Any]:
        ctx = self._current()
        limits = [t for t in (function.timeout_seconds, ctx.timeout_seconds if ctx else None) if t]
        factor = float(getattr(self.clock, "factor", 1.0))
        start_wall, start_slept = time.monotonic(), self.meter.read()

        def elapsed() -> float:  # clock seconds this invocation has used so far
            return (time.monotonic() - start_wall) * factor + (self.meter.read() - start_slept)

        budget = min(limits) if limits else 900.0
        context = LambdaContext(function, request_id, lambda: budget - elapsed())
        try:
            if self.workers is not None:
                result = self.workers.invoke(function.handler, event, request_id)
            else:
                result = self.handler(function)(event, context)
            error: BaseException | None = None
        except Exception as exc:  # the Lambda runtime reports any exception of the handler
            result, error = None, exc
        used = elapsed()
        state_limit = ctx.timeout_seconds if ctx else None
        lambda_limit = function.timeout_seconds
        # Whichever limit is shorter fires first on AWS: the Task's (States.Timeout, the Lambda
        # keeps running) or the function's own (the runtime kills it: Sandbox.Timedout).
        if state_limit and used > state_limit and (not lambda_limit or state_limit <= lambda_limit):
            raise TaskTimedOut(
                f"{ctx.state_name if ctx else function.state_name}: ran {used:.0f}s of clock time, "
                f"TimeoutSeconds {state_limit:g}"
            )
        if lambda_limit and used > lambda_limit:
            message = f"RequestId: {request_id} Error: Task timed out after {lambda_limit:.2f} seconds"
            return _unhandled("Sandbox.Timedout", message, request_id)
        if error is not None:
            return _unhandled(getattr(error, "error_type", type(error).__name__), str(error), request_id)
        try:
            payload = json.loads(json.dumps(result))
        except (TypeError, ValueError) as exc:
            return _unhandled("Runtime.MarshalError", f"Unable to marshal response: {exc}", request_id)
        return {"StatusCode": 200, "ExecutedVersion": "$LATEST", "Payload": payload}


def _client_error(code: str, message: str, request_id: str) -> ClientError:
    status = _SERVICE_STATUS.get(code, 500)
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": request_id},
    }
    return ClientError(response, "Invoke")


def _fault_response(fault: LambdaFault, function: LambdaFunction, request_id: str) -> dict[str, Any]:
    if fault.error.startswith("Lambda."):
        code = fault.error.removeprefix("Lambda.")
        raise _client_error(code, fault.message or f"Injected {code} for {function.name}", request_id)
    if fault.error == "crash":
        message = fault.message or f"RequestId: {request_id} Error: Runtime exited with error: exit status 1"
        return _unhandled("Runtime.ExitError", message, request_id)
    if fault.error == "timeout":
        seconds = float(function.timeout_seconds or 3)
        message = fault.message or f"RequestId: {request_id} Error: Task timed out after {seconds:.2f} seconds"
        return _unhandled("Sandbox.Timedout", message, request_id)
    return _unhandled(fault.error, fault.message or f"Injected {fault.error}", request_id)
