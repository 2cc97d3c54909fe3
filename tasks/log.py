"""Structured JSON logs (Powertools Logger) with execution, account and Region keys.

Keys are passed per record (``extra=``) rather than appended to the shared logger, because one
task invocation handles many accounts concurrently in threads. Every string of a record (message,
extra keys, exception text) has its emails masked as the line is serialized (:mod:`tasks.masking`),
so no log line carries a full address whatever a caller passes.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger

from tasks.masking import mask_emails, mask_tree


def _masked_json(record: dict[str, Any]) -> str:
    return json.dumps(mask_tree(record), default=lambda o: mask_emails(str(o)), separators=(",", ":"))


logger = Logger(service="detective-rollout", json_serializer=_masked_json)


def keys(execution: str | None = None, account: str | None = None, region: str | None = None) -> dict[str, str]:
    return {k: v for k, v in (("execution", execution), ("account", account), ("region", region)) if v}
