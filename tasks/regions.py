"""Where Amazon Detective is offered (botocore endpoint data, aws partition) and which are opt-in."""

from __future__ import annotations

DETECTIVE_REGIONS: tuple[str, ...] = (
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1",
    "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1",
    "eu-west-2", "eu-west-3", "il-central-1", "me-south-1", "sa-east-1", "us-east-1", "us-east-2",
    "us-west-1", "us-west-2",
)  # fmt: skip

#: Regions an account must enable before use; calls there fail with UnrecognizedClientException until then.
OPT_IN_REGIONS: frozenset[str] = frozenset({"af-south-1", "ap-east-1", "eu-south-1", "il-central-1", "me-south-1"})


def is_detective_region(region: str) -> bool:
    return region in DETECTIVE_REGIONS
