"""Fixtures shared with the task-level tests: ``s3`` is moto's S3 with the reports and inputs buckets."""

from __future__ import annotations

from tests.tasks.test_validate_input import s3

__all__ = ["s3"]
