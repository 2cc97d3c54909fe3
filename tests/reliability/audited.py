"""Run the CLI (or the teardown probe) under a Python audit hook that logs every non-loopback socket attempt.

``python -m tests.reliability.audited LOG cli ARGS...`` runs ``detective-rollout ARGS...``;
``python -m tests.reliability.audited LOG teardown`` runs :mod:`tests.reliability.teardown_probe`.
The hook sees ``socket.getaddrinfo`` / ``socket.connect`` / ``socket.sendto`` as CPython raises
them, just before the system call - beneath every Python-level guard - so an empty LOG proves that
no DNS lookup and no connection to a remote address was attempted. Lines are flushed as written
(the CLI may end with ``os._exit``).
"""

from __future__ import annotations

import socket
import sys
from typing import Any

from detective_rollout.emulator.netguard import is_loopback

_EVENTS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.connect", "socket.sendto"}


def _remote(event: str, args: tuple[Any, ...]) -> str | None:
    if event in ("socket.getaddrinfo", "socket.gethostbyname"):
        host = args[0]
        return None if host is None or is_loopback(host) else str(host)
    sock, address = args[0], args[1]
    if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
        return None
    return None if is_loopback(address[0]) else str(address[0])


def audit_to(path: str) -> None:
    log = open(path, "a", buffering=1)  # noqa: SIM115 - open for the life of the process

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in _EVENTS:
            host = _remote(event, args)
            if host is not None:
                log.write(f"{event} {host}\n")

    sys.addaudithook(hook)


def main(argv: list[str]) -> None:
    log, what, *rest = argv
    audit_to(log)
    if what == "cli":
        from detective_rollout.cli import main as cli

        cli(rest, prog_name="detective-rollout")
    else:
        from tests.reliability.teardown_probe import main as probe

        probe()


if __name__ == "__main__":
    main(sys.argv[1:])
