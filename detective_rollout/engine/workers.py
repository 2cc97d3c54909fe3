"""Lambda worker processes for the embedded engine: the handlers on more than one core.

``LocalEngine(workers=N)`` starts N worker processes (detective_rollout.engine.worker) and the
dispatcher hands each invocation to the least busy one instead of calling the handler in its
own thread. Everything else stays in the engine process: moto's interpreter, moto's S3/SNS, the
emulated fleet and its faults, Lambda fault injection and the timeout rules. Each worker's
botocore forwards its requests over a Unix socket and this process answers them the way the
in-process hook does (the fleet for the emulated services, moto's stubber for the rest), so the
task code, its clients and their retries are the same code path as in one process.

Only clocks that both processes can read agree across processes: a speed-factor clock or the
real one. An instant clock moves when somebody sleeps, so it cannot be shared; it is refused.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import json
import os
import pickle
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from botocore.awsrequest import AWSPreparedRequest
from botocore.compat import HTTPHeaders

from detective_rollout.emulator import errors
from detective_rollout.emulator.aws_data import EMULATED_SERVICES
from detective_rollout.emulator.wire import handle_http

#: How long a starting worker may take to import the task code and report ready.
START_TIMEOUT_S = 120.0


class WorkerError(Exception):
    """A handler raised in a worker (or the worker died): ``error_type`` is what the runtime reports."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


@dataclass(frozen=True)
class WorkerPlan:
    """How many workers, where they run, and what each warms before reporting ready.

    ``cpus``: worker i is pinned to ``cpus[i % len(cpus)]`` (None: wherever the OS puts it).
    ``warm``: ``"module:function"`` called with ``warm_args`` in each worker once the task code is
    imported (e.g. to create the clients a warm Lambda container already has).
    """

    count: int
    cpus: tuple[int, ...] | None = None
    warm: str | None = None
    warm_args: tuple[Any, ...] = ()


@dataclass
class _Worker:
    pid: int
    control: Connection
    lock: threading.Lock = field(default_factory=threading.Lock)
    pending: dict[int, Future[Any]] = field(default_factory=dict)
    invocations: int = 0


class LambdaWorkers:
    """N worker processes and the server answering their AWS requests."""

    def __init__(self, plan: WorkerPlan, fleet: Any, clock: Any, modules: list[str], log_level: str = "INFO") -> None:
        if plan.count < 1:
            raise ValueError(f"workers: at least 1, got {plan.count}")
        if not hasattr(clock, "factor"):
            raise ValueError(f"workers need a speed or real clock (both processes read it), got {clock.describe()}")
        self.plan = plan
        self.fleet = fleet
        latency_ms = float(getattr(getattr(fleet, "scenario", None), "latency_ms", 0.0) or 0.0)
        #: The fleet's injected latency in wall seconds: each answer of the fleet is sent that much later.
        self.latency_wall_s = latency_ms / 1000 / float(clock.factor)
        self.config = {
            "log_level": log_level,
            "modules": modules,
            "warm": plan.warm,
            "warm_args": plan.warm_args,
            **_clock_config(clock),
        }
        self._dir = Path(tempfile.mkdtemp(prefix="engine-workers-"))
        self.address = str(self._dir / "engine.sock")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.address)
        self._listener.listen(256)
        self._selector = selectors.DefaultSelector()
        self._closing = False
        self._workers: list[_Worker] = []
        self._ready = threading.Condition()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._processes: list[subprocess.Popen[bytes]] = []
        self._stubber: Any = None
        self._greeted = 0
        #: Set when the workers stop: the largest worker's peak RSS in MB (None where unknown).
        self.peak_rss_mb: float | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LambdaWorkers:
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        self._io = threading.Thread(target=self._serve, name="workers-io", daemon=True)
        self._io.start()
        from moto.core.models import botocore_stubber  # imported here: the engine needs moto only once it starts

        self._stubber = botocore_stubber
        for _ in range(self.plan.count):
            command = [sys.executable, "-m", "detective_rollout.engine.worker", self.address]
            self._processes.append(subprocess.Popen(command, env=dict(os.environ)))  # noqa: S603 - our own module
        deadline = time.monotonic() + START_TIMEOUT_S
        with self._ready:
            while not self._ready.wait_for(lambda: len(self._workers) == self.plan.count, timeout=0.5):
                exited = [p.returncode for p in self._processes if p.poll() is not None]
                if exited or time.monotonic() > deadline:
                    self.close()
                    why = f"exited with {exited}" if exited else f"not ready after {START_TIMEOUT_S:g} s"
                    raise RuntimeError(f"Lambda worker(s) did not start: {why} (their stderr is above)")
        return self

    def close(self, abandon: bool = False) -> None:
        """Stop the workers: let them finish (10 s at most each), or kill them at once (``abandon``)."""
        self.peak_rss_mb = self._peak_rss_mb()
        for worker in self._workers:
            with worker.lock, contextlib.suppress(OSError):
                worker.control.send(("stop",))
        for process in self._processes:
            try:
                if abandon:
                    raise subprocess.TimeoutExpired(process.args, 0)
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._closing = True
        self._io.join(timeout=10)
        self._listener.close()
        for path in self._dir.iterdir():
            path.unlink()
        self._dir.rmdir()

    def _peak_rss_mb(self) -> float | None:
        """The largest worker's peak resident memory (Linux: VmHWM; elsewhere None)."""
        peaks = []
        for worker in self._workers:
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{worker.pid}/status").read_text()
                peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")]
        return round(max(peaks), 1) if peaks else None

    def invocations(self) -> dict[int, int]:
        """Invocations run, by worker process id."""
        return {w.pid: w.invocations for w in self._workers}

    # ------------------------------------------------------------------ invocations
    def invoke(self, handler: str, event: Any, request_id: str) -> Any:
        """Run ``handler(event, context)`` in the least busy worker; its JSON result, or WorkerError."""
        future: Future[Any] = Future()
        call_id = next(self._ids)
        with self._lock:
            worker = min(self._workers, key=lambda w: (len(w.pending), w.invocations))
            worker.pending[call_id] = future
            worker.invocations += 1
        with worker.lock:
            worker.control.send(("invoke", call_id, handler, event, request_id))
        return future.result()

    def _read_results(self, worker: _Worker) -> None:
        while True:
            try:
                kind, call_id, *rest = worker.control.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                future = worker.pending.pop(call_id)
            if kind == "result":
                future.set_result(json.loads(rest[0]))
            else:
                future.set_exception(WorkerError(*rest))
        with self._lock:  # the process is gone: what it was running ends as a runtime exit
            orphans, worker.pending = list(worker.pending.values()), {}
        for future in orphans:
            future.set_exception(WorkerError("Runtime.ExitError", f"Lambda worker {worker.pid} exited"))

    # ------------------------------------------------------------------ connections
    def _serve(self) -> None:
        """One thread answers every worker's AWS requests, in arrival order.

        The fleet serves a request when it arrives (without sleeping its latency) and the answer
        is sent ``latency`` later from a timer heap: no thread sleeps per call, here or in the
        worker, and one thread keeps up with every worker. (In one process the fleet sleeps the
        latency first; either way the caller waits one latency per call.)
        """
        due: list[tuple[float, int, Connection, Any]] = []  # (send at, arrival order, connection, answer)
        order = itertools.count()
        while not self._closing:
            wait = 0.2 if not due else min(0.2, max(0.0, due[0][0] - time.monotonic()))
            for key, _ in self._selector.select(timeout=wait):
                if key.data is None:
                    self._accept()
                    continue
                conn: Connection = key.data
                try:
                    message = pickle.loads(conn.recv_bytes())  # noqa: S301 - our own workers
                except (EOFError, OSError):
                    self._selector.unregister(key.fileobj)
                    conn.close()
                    continue
                if message[0] == "control":
                    self._selector.unregister(key.fileobj)
                    threading.Thread(target=self._greet, args=(conn,), name="workers-control", daemon=True).start()
                elif message[0] != "http":  # "http" opens a request connection; the rest are requests
                    answer = self.answer(*message)
                    if self.latency_wall_s and message[0] in EMULATED_SERVICES:
                        heapq.heappush(due, (time.monotonic() + self.latency_wall_s, next(order), conn, answer))
                    else:
                        conn.send_bytes(pickle.dumps(answer, 5))
            now = time.monotonic()
            while due and due[0][0] <= now:
                _, _, conn, answer = heapq.heappop(due)
                with contextlib.suppress(OSError):  # the worker has gone
                    conn.send_bytes(pickle.dumps(answer, 5))
        self._selector.close()

    def _accept(self) -> None:
        try:
            sock, _ = self._listener.accept()
        except OSError:
            return
        conn = Connection(sock.detach())
        self._selector.register(conn, selectors.EVENT_READ, conn)

    def _greet(self, conn: Connection) -> None:
        with self._lock:
            index, self._greeted = self._greeted, self._greeted + 1
        cpus = self.plan.cpus
        cpu = cpus[index % len(cpus)] if cpus else None
        try:
            conn.send(("config", {**self.config, "cpu": cpu}))
            _, pid = conn.recv()  # ("ready", pid): the task modules are imported and warm
        except (EOFError, OSError):  # it died configuring itself: start() reports its exit
            conn.close()
            return
        worker = _Worker(pid, conn)
        with self._ready:
            self._workers.append(worker)
            self._ready.notify_all()
        self._read_results(worker)

    def answer(
        self, service: str, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes] | None:
        """What the in-process hooks answer: the fleet for its services, then moto; None = no endpoint."""
        if service in EMULATED_SERVICES and self.fleet is not None:
            try:
                found = handle_http(
                    self.fleet, method, url, headers, body, raise_unknown_endpoint=True, sleep_latency=False
                )  # the answer is sent that much later instead
            except errors.UnknownEndpoint:
                return None
            if found is not None:
                return found.status, dict(found.headers), found.body
        prepared = AWSPreparedRequest(method, url, HTTPHeaders.from_dict(headers), body, stream_output=False)
        mocked = self._stubber.process_request(prepared)
        if mocked is None:
            return None
        status, answer_headers, content = mocked
        data = content.encode() if isinstance(content, str) else bytes(content or b"")
        return status, {k: str(v) for k, v in answer_headers.items()}, data


def _clock_config(clock: Any) -> dict[str, Any]:
    if clock.describe() == "real":
        return {"clock": "real"}
    origin_virtual, origin_real = clock.origin()
    return {"clock": "speed", "factor": clock.factor, "origin_virtual": origin_virtual, "origin_real": origin_real}
