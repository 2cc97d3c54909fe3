"""Clients for assumed member roles: one per service and Region per process, credentials per call.

Creating a botocore client costs ~10 ms of CPU and a few hundred KB: at 1,200 accounts x 21
Regions x (Detective, GuardDuty) a client per account and Region would be 50,000 clients, more
CPU than all the API calls of the rollout. A client's credentials are only read when a request
is signed, and botocore lets each request carry its own (``request.context["signing"]
["request_credentials"]``). So every assumed role shares the process's client for a service and
Region, and :class:`MemberClient` - what ``Aws.client()`` returns for an assumed role - puts its
role's credentials in a context variable for the duration of each call, which the shared
client's ``before-sign`` handler hands to the signer. The call, its retries and its signing all
run synchronously in the calling thread, so each request is signed with the credentials of the
role that made it. A request that reaches the signer without them (a paginator or waiter
bypassing :class:`MemberClient`) fails loudly instead of signing as someone else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from botocore.credentials import Credentials

_signing: ContextVar[Credentials | None] = ContextVar("detective_rollout_member_credentials", default=None)
_lock = threading.Lock()
_clients: dict[tuple[str, str | None], Any] = {}


class MissingMemberCredentials(RuntimeError):
    """A shared member client was about to sign a request outside :class:`MemberClient`."""


def _sign_with_caller(request: Any, **_: Any) -> None:
    credentials = _signing.get()
    if credentials is None:
        raise MissingMemberCredentials("a member-role request must be made through MemberClient")
    request.context["signing"] = {**request.context.get("signing", {}), "request_credentials": credentials}


def member_client(
    credentials: dict[str, str], factory: Callable[[], Any], service: str, region: str | None
) -> MemberClient:
    """``service`` in ``region`` acting with ``credentials`` (botocore keyword names), on the shared client."""
    key = (service, region)
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = factory()
                client.meta.events.register("before-sign", _sign_with_caller)
                _clients[key] = client
    return MemberClient(
        client,
        Credentials(
            credentials["aws_access_key_id"], credentials["aws_secret_access_key"], credentials.get("aws_session_token")
        ),
    )


def reset_member_clients() -> None:
    """Forget the shared clients (with the rest of ``tasks.aws``'s caches)."""
    with _lock:
        _clients.clear()


class MemberClient:
    """A shared client's operations, signed with one role's credentials."""

    def __init__(self, client: Any, credentials: Credentials) -> None:
        self._client = client
        self._credentials = credentials

    @property
    def meta(self) -> Any:
        return self._client.meta

    @property
    def exceptions(self) -> Any:
        return self._client.exceptions

    def __getattr__(self, name: str) -> Any:
        if name in ("get_paginator", "get_waiter"):
            raise AttributeError(f"{name} is not available on a member client: page explicitly (tasks.detective)")
        operation = getattr(self._client, name)
        if not callable(operation):
            return operation

        def call(*args: Any, **kwargs: Any) -> Any:
            token = _signing.set(self._credentials)
            try:
                return operation(*args, **kwargs)
            finally:
                _signing.reset(token)

        return call
