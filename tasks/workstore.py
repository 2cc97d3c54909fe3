"""Intermediate results of an execution, kept in the report bucket.

Keys are derived from the workflow and execution name only (``work/<workflow>/<execution>/``),
so any task - and a replay - can find them; payloads between states stay small.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tasks import errors, settings
from tasks.aws import Aws, translate_errors
from tasks.fanout import all_or_raise, fan_out
from tasks.plan import Plan

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client


def work_prefix(workflow: str, execution: str) -> str:
    return f"work/{workflow}/{execution}/"


def report_key(workflow: str, execution: str) -> str:
    return f"reports/{workflow}/{execution}.json"


def report_page_key(workflow: str, execution: str) -> str:
    """The report's HTML page, next to its JSON."""
    return f"reports/{workflow}/{execution}.html"


class WorkStore:
    """JSON documents under one execution's prefix in the report bucket."""

    def __init__(self, s3: S3Client, bucket: str, workflow: str, execution: str) -> None:
        self._s3 = s3
        self.bucket = bucket
        self.prefix = work_prefix(workflow, execution)

    @classmethod
    def for_state(cls, aws: Aws, event: Mapping[str, Any], workflow: str) -> WorkStore:
        """The store of the execution a state's input names (``run.execution``), in the deployment's bucket."""
        return cls(aws.client("s3"), settings.load().report_bucket, workflow, str(event["run"]["execution"]))

    def put(self, name: str, document: object) -> str:
        key = self.prefix + name
        self.put_key(key, document)
        return key

    def put_key(self, key: str, document: object) -> None:
        body = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
        with translate_errors():
            self._s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")

    def put_page(self, key: str, html: str) -> None:
        """An HTML page (UTF-8), served as such when opened from the bucket."""
        with translate_errors():
            self._s3.put_object(Bucket=self.bucket, Key=key, Body=html.encode(), ContentType="text/html; charset=utf-8")

    def get(self, name: str) -> Any:
        document = self.find(name)
        if document is None:
            raise errors.WorkStoreError(f"s3://{self.bucket}/{self.prefix}{name} is missing")
        return document

    def find(self, name: str) -> Any | None:
        """The document, or None when this execution has not written it (yet)."""
        return self.find_key(self.prefix + name)

    def find_all(self, names: Sequence[str]) -> dict[str, Any | None]:
        """``find`` for many documents at once (concurrently): a report reads every batch's file.

        At 1,200 x 21 that is dozens of work files; concurrent reads keep them off the critical path.
        Raises the first error in ``names`` order.
        """
        return dict(zip(names, all_or_raise(fan_out(self.find, names)), strict=True))

    def find_key(self, key: str) -> Any | None:
        """Any JSON document of the bucket (e.g. an earlier execution's report), or None when absent."""
        try:
            with translate_errors():
                body = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except (errors.ResourceNotFound, errors.AwsError) as exc:
            if exc.code in {"NoSuchKey", "ResourceNotFoundException", "404"}:
                return None
            raise
        return json.loads(body)

    def plan(self) -> Plan:
        return Plan.from_json(self.get("request.json"))
