"""Fail closed: while the engine or the emulator is in use, nothing in this process reaches past loopback.

The in-process hooks answer the emulated services and moto answers the rest, but only while they
are active: a Lambda-handler thread still running after they are torn down (Ctrl-C, a test that
ended) would otherwise send a real, signed botocore request. :func:`install` refuses every such
request in-process, before any DNS lookup:

* botocore's ``Endpoint._send`` (where a request nobody answered goes to the network) refuses any
  URL whose host is not loopback, with :class:`NetworkRefused` naming the host;
* ``socket.getaddrinfo`` refuses any host name but ``localhost`` and loopback literals, and
  ``socket.socket.connect`` / ``connect_ex`` refuse any internet address that is not loopback
  (Unix sockets - the engine's workers - pass), for any other client in the process.

Installed for the life of the process (never removed): by ``LocalEngine``, ``Fleet.intercept``,
``emulator serve``, the engine's worker processes, the bench and the test suite. Loopback stays
open so tests of the AWS code paths can point at a closed loopback port and see a connection error.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

_lock = threading.Lock()
_installed = False
#: Hosts refused so far (for tests and for the message of the CLI's abort).
refused: list[str] = []


class NetworkRefused(ConnectionRefusedError):
    """A request that would have left the machine while the local engine or emulator is in use."""

    def __init__(self, host: str, via: str) -> None:
        super().__init__(
            f"refused a network request to {host!r} ({via}): the local engine and the emulated fleet never "
            "reach AWS or any other remote host (only loopback)"
        )
        self.host = host


def is_loopback(host: str | bytes | None) -> bool:
    """``localhost`` or a loopback literal (127.0.0.0/8, ::1); everything else, even unresolved, is remote."""
    if host is None:
        return False
    name = (host.decode() if isinstance(host, bytes) else str(host)).strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _refuse(host: str, via: str) -> NetworkRefused:
    with _lock:
        refused.append(host)
    return NetworkRefused(host, via)


def install() -> None:
    """Guard botocore and the socket module (idempotent; stays for the life of the process)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    _guard_botocore()
    _guard_sockets()


def _guard_botocore() -> None:
    from botocore.endpoint import Endpoint

    send = Endpoint._send

    def guarded_send(self: Any, request: Any) -> Any:
        host = urlsplit(str(request.url)).hostname
        if not is_loopback(host):
            raise _refuse(str(host), "botocore")
        return send(self, request)

    Endpoint._send = guarded_send


def _guard_sockets() -> None:
    getaddrinfo = socket.getaddrinfo
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_loopback(host):
            raise _refuse(str(host), "getaddrinfo")
        return getaddrinfo(host, *args, **kwargs)

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            raise _refuse(str(address[0]), "connect")

    def guarded_connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return connect_ex(self, address)

    socket.getaddrinfo = guarded_getaddrinfo
    setattr(socket.socket, "connect", guarded_connect)  # noqa: B010 - a method of the socket class
    setattr(socket.socket, "connect_ex", guarded_connect_ex)  # noqa: B010
