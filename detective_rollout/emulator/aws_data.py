"""Facts about AWS the emulator takes from botocore's bundled data (service models, endpoints).

Reading them from botocore rather than copying keeps the emulator faithful to exactly the
clients it serves: the same operation names, URIs, member names and Region lists.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache

import botocore.session
from botocore.model import ServiceModel

#: The services the emulator answers (botocore service names).
EMULATED_SERVICES: tuple[str, ...] = ("detective", "guardduty", "sts", "account", "organizations")

#: Regions every account has without opting in (launched before March 2019); all others are opt-in.
DEFAULT_ENABLED_REGIONS: frozenset[str] = frozenset(
    {
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "ap-south-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "eu-central-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-north-1",
        "sa-east-1",
    }
)

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    # A loader only (no credentials, no clients): service models and endpoint data.
    return botocore.session.get_session()


@cache
def service_model(service: str) -> ServiceModel:
    with _lock:  # botocore's loader caches are not documented as thread-safe
        return _session().get_service_model(service)


@cache
def service_regions(service: str) -> frozenset[str]:
    """Regions of the aws partition where ``service`` has an endpoint."""
    with _lock:
        return frozenset(_session().get_available_regions(service))


@lru_cache(maxsize=1)
def all_regions() -> tuple[str, ...]:
    """Every commercial Region (EC2 is in all of them), sorted."""
    return tuple(sorted(service_regions("ec2") | DEFAULT_ENABLED_REGIONS))


def is_opt_in(region: str) -> bool:
    return region not in DEFAULT_ENABLED_REGIONS


@cache
def signing_name_to_service() -> dict[str, str]:
    """SigV4 credential-scope service name -> botocore service name, for the emulated services."""
    return {service_model(s).signing_name or s: s for s in EMULATED_SERVICES}
