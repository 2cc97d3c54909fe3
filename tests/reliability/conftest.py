"""Fixtures shared with other test folders: ``s3`` is moto's S3 with the reports and inputs buckets (task-level
tests); ``enable`` runs the enable workflow on the engine over an emulated fleet (tests/workflow)."""

from __future__ import annotations

from tests.tasks.test_validate_input import s3
from tests.workflow.conftest import enable

__all__ = ["enable", "s3"]
