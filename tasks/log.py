"""Structured JSON logs (Powertools Logger) with execution, account and Region keys.

Keys are passed per record (``extra=``) rather than appended to the shared logger, because one
task invocation handles many accounts concurrently in threads.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service="detective-rollout")


def keys(execution: str | None = None, account: str | None = None, region: str | None = None) -> dict[str, str]:
    return {k: v for k, v in (("execution", execution), ("account", account), ("region", region)) if v}
