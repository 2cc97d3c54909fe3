"""Where Amazon Detective is offered (botocore endpoint data, aws partition) and which are opt-in."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import botocore.session

DETECTIVE_REGIONS: tuple[str, ...] = (
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)

#: Regions an account must enable before use; calls there fail with UnrecognizedClientException until then.
OPT_IN_REGIONS: frozenset[str] = frozenset({"af-south-1", "ap-east-1", "eu-south-1", "il-central-1", "me-south-1"})


def is_detective_region(region: str) -> bool:
    return region in DETECTIVE_REGIONS


def in_detective_order(regions: Iterable[str]) -> tuple[str, ...]:
    """Detective Regions among ``regions``, deduplicated, in :data:`DETECTIVE_REGIONS` order (stable plans)."""
    wanted = set(regions)
    return tuple(r for r in DETECTIVE_REGIONS if r in wanted)


@lru_cache(maxsize=1)
def _known_regions() -> frozenset[str]:
    """Every Region botocore's bundled endpoint data knows, all partitions (local data, no AWS call)."""
    session = botocore.session.get_session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("ec2", partition_name=partition)
    )


def region_problem(region: str) -> str | None:
    """Why ``region`` cannot be rolled out to (unknown name vs. no Detective there), or None when it can.

    The two cases get different messages because the fixes differ: a typo vs. a Region to drop.
    """
    if is_detective_region(region):
        return None
    if region in _known_regions():
        return "Amazon Detective is not offered in this Region (aws partition)"
    return "not a known AWS Region"
