"""One Lambda worker process of the embedded engine (``LocalEngine(workers=N)``).

Why it exists: in one process every Lambda's botocore work shares one GIL, so the engine never
uses more than one core (~1.6 ms of CPU per API call there, which caps a 1,200-account rollout
at ~30 calls in flight). A worker runs the SAME handlers in its own interpreter, as a Lambda
container does, and forwards every AWS request its botocore makes to the engine process, which
answers from the emulated fleet or moto exactly as it does in-process. What runs here is the
task code and botocore (serialising, signing, parsing, retrying); the services stay in one place.

Protocol (``multiprocessing.connection``, pickled tuples), see detective_rollout.engine.workers:
the control connection receives ``("config", {...})`` then ``("invoke", id, handler, event,
request_id)`` and answers ``("result", id, payload_json)`` or ``("error", id, type, message)``;
each thread that makes AWS calls opens its own connection and sends ``(service, method, url,
headers, body)``, receiving ``(status, headers, body)`` or None (no such endpoint).
"""

from __future__ import annotations

import importlib
import json
import os
import pickle
import signal
import sys
import threading
from multiprocessing.connection import Client, Connection
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError

from detective_rollout.emulator.hook import RawBody, request_body

_address = ""
_local = threading.local()


def _connection() -> Connection:
    conn: Connection | None = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = Client(_address, family="AF_UNIX")
        conn.send(("http", os.getpid()))  # then only requests: (service, method, url, headers, body)
    return conn


def forward(request: Any, event_name: str = "", **_: Any) -> Any:
    """botocore ``before-send``: the engine process answers; the request never leaves the machine."""
    service = event_name.split(".")[1] if event_name.count(".") >= 1 else ""
    headers = {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in request.headers.items()}
    conn = _connection()
    # Plain pickle: Connection.send/recv build a ForkingPickler per message, a measurable cost at 30,000 calls.
    conn.send_bytes(pickle.dumps((service, request.method, request.url, headers, request_body(request)), 5))
    answer = pickle.loads(conn.recv_bytes())  # noqa: S301 - from the engine process that started this one
    if answer is None:
        raise EndpointConnectionError(endpoint_url=request.url)
    status, answer_headers, body = answer
    return AWSResponse(request.url, status, answer_headers, RawBody(body))


def _clock(config: dict[str, Any]) -> Any:
    from detective_rollout.clocks import RealClock, SpeedClock

    if config["clock"] == "real":
        return RealClock()
    return SpeedClock.aligned(config["factor"], config["origin_virtual"], config["origin_real"])


def configure(config: dict[str, Any]) -> None:
    """Everything the engine process installs for in-process handlers, installed here."""
    from botocore.handlers import BUILTIN_HANDLERS

    import tasks.clock
    from detective_rollout.emulator import netguard
    from detective_rollout.engine import hooks, speed
    from tasks.log import logger, send_to_stderr

    if config.get("cpu") is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {config["cpu"]})
    netguard.install()
    BUILTIN_HANDLERS.insert(0, ("before-send", forward))  # before any session exists
    clock = _clock(config)
    tasks.clock.use(clock)
    patches = hooks.Patches()  # for the process's life: never restored
    hooks.patch_botocore_clock(patches, clock.sleep)
    if speed.enabled():
        hooks.patch_botocore_ids(patches)
    logger.setLevel(config["log_level"])
    send_to_stderr()  # the worker shares the engine process's stdout, which is the command's output
    for module in config["modules"]:
        importlib.import_module(module)
    if config.get("warm"):
        module_name, _, function = str(config["warm"]).partition(":")
        getattr(importlib.import_module(module_name), function)(*config["warm_args"])


class _Context:
    """The Lambda context object (the task code reads none of it; handlers take it)."""

    def __init__(self, request_id: str) -> None:
        self.aws_request_id = request_id


def _invoke(control: Connection, lock: threading.Lock, message: tuple[Any, ...]) -> None:
    _, call_id, handler, event, request_id = message
    module_name, _, attribute = handler.rpartition(".")
    try:
        result = getattr(importlib.import_module(module_name), attribute)(event, _Context(request_id))
    except Exception as exc:  # the Lambda runtime reports any exception of the handler
        answer: tuple[Any, ...] = ("error", call_id, type(exc).__name__, str(exc))
    else:
        try:
            answer = ("result", call_id, json.dumps(result))
        except (TypeError, ValueError) as exc:
            answer = ("error", call_id, "Runtime.MarshalError", f"Unable to marshal response: {exc}")
    with lock:
        control.send(answer)


def main(address: str) -> None:
    global _address
    _address = address
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group: the engine process decides
    control = Client(address, family="AF_UNIX")
    control.send(("control", os.getpid()))
    _, config = control.recv()
    configure(config)
    lock = threading.Lock()
    with lock:
        control.send(("ready", os.getpid()))
    while True:
        try:
            message = control.recv()
        except (EOFError, OSError):
            break
        if message[0] == "stop":
            break
        threading.Thread(target=_invoke, args=(control, lock, message), daemon=True).start()


if __name__ == "__main__":
    main(sys.argv[1])
