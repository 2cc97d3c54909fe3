"""Structured JSON logs (Powertools Logger) with execution, account and Region keys.

Keys are passed per record (``extra=``) rather than appended to the shared logger, because one
task invocation handles many accounts concurrently in threads. Every string of a record (message,
extra keys, exception text) has its emails masked as the line is serialized (:mod:`tasks.masking`),
so no log line carries a full address whatever a caller passes. Lines go to stdout (CloudWatch
takes either stream); the local CLI and its engine workers send them to stderr instead
(:func:`send_to_stderr`), so stdout holds only the command's output (one JSON document with ``--json``).
"""

from __future__ import annotations

import json
import logging
import sys
from typing import TextIO

from aws_lambda_powertools import Logger

from tasks.masking import mask_emails, mask_tree


def _masked_json(record: dict[str, object]) -> str:
    return json.dumps(mask_tree(record), default=lambda o: mask_emails(str(o)), separators=(",", ":"))


class _CurrentStream(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the stream ``sys.stdout`` (or ``sys.stderr``) is when a record is emitted, not when made."""

    def __init__(self) -> None:
        super().__init__()
        self.to_stderr = False

    @property
    def stream(self) -> TextIO:
        return sys.stderr if self.to_stderr else sys.stdout

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """The stream is always the current sys.stdout / sys.stderr: nothing to set."""


_HANDLER = _CurrentStream()
logger = Logger(service="detective-rollout", json_serializer=_masked_json, logger_handler=_HANDLER)


def send_to_stderr() -> None:
    """Task log lines go to stderr from now on (a local run: stdout is the command's output)."""
    _HANDLER.to_stderr = True


def keys(execution: str | None = None, account: str | None = None, region: str | None = None) -> dict[str, str]:
    return {k: v for k, v in (("execution", execution), ("account", account), ("region", region)) if v}
