"""One botocore data loader for every session the test process creates.

Each test starts fresh boto3 sessions (moto's ``mock_aws`` and the emulated fleet reset boto3's default session,
``tasks.aws.reset`` drops the task code's), and each new session's loader parses the service models' JSON again:
about half of a task test's time went to that. The models are read-only data, so one loader (botocore caches what
it loaded per loader) serves every session; what each session registers or answers is unchanged.
"""

from __future__ import annotations

import functools

import botocore.loaders
import botocore.session

_shared_loader = functools.cache(botocore.loaders.create_loader)


def share_botocore_loader() -> None:
    """Sessions created from now on in this process share one loader per data path (idempotent)."""
    botocore.session.create_loader = _shared_loader  # type: ignore[assignment]
