"""The in-process front end: a botocore ``before-send`` handler that answers from the active fleet.

Inserted at index 0 of ``botocore.handlers.BUILTIN_HANDLERS`` when the package is imported,
so every botocore session created afterwards carries it, ahead of moto's stubber (which moto
appends there at import). It answers the emulated services only and returns None for all
others, so moto's S3/SNS/EventBridge/Step Functions keep working under ``mock_aws``. The
request still goes through botocore's real serialiser, signer, parser and retry logic.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import EndpointConnectionError
from botocore.handlers import BUILTIN_HANDLERS

from detective_rollout.emulator import errors
from detective_rollout.emulator.aws_data import EMULATED_SERVICES
from detective_rollout.emulator.base import Answerer
from detective_rollout.emulator.wire import handle_http

#: Where a request answered by the fleet is pointed afterwards, so that handlers after ours in
#: the chain (moto's stubber, when ``mock_aws`` is active) do not execute it a second time.
_HANDLED_URL = "https://handled-by-fleet.detective-rollout.invalid/"

_active: list[Answerer] = []
_lock = threading.Lock()


def activate(fleet: Answerer) -> None:
    with _lock:
        _active.append(fleet)


def deactivate(fleet: Answerer) -> None:
    with _lock:
        _active.remove(fleet)


def active_fleet() -> Answerer | None:
    with _lock:
        return _active[-1] if _active else None


class RawBody(io.BytesIO):
    """The ``raw`` of an answer made here: readable (streamed bodies) and ``stream()``-able (the rest)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        data = self.read()
        if data:
            yield data


def request_body(request: AWSPreparedRequest) -> bytes:
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    data = body.read()
    if hasattr(body, "seek"):
        body.seek(0)
    return data if isinstance(data, bytes) else str(data).encode()


def before_send(request: AWSPreparedRequest, event_name: str = "", **_: Any) -> AWSResponse | None:
    service_id = event_name.split(".")[1] if event_name.count(".") >= 1 else ""
    if service_id not in EMULATED_SERVICES:
        return None
    fleet = active_fleet()
    if fleet is None:
        return None
    headers = {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in request.headers.items()}
    url = request.url
    try:
        answer = handle_http(fleet, request.method, url, headers, request_body(request), raise_unknown_endpoint=True)
    except errors.UnknownEndpoint:
        raise EndpointConnectionError(endpoint_url=url) from None
    if answer is None:
        return None
    request.url = _HANDLED_URL
    return AWSResponse(url, answer.status, answer.headers, RawBody(answer.body))


def install() -> None:
    """Put the handler first in botocore's built-in handlers (idempotent)."""
    if not any(handler is before_send for _, handler, *_rest in BUILTIN_HANDLERS):
        BUILTIN_HANDLERS.insert(0, ("before-send", before_send))
