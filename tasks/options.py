"""Option checkers shared by the enable and disable workflows' validation: each returns the parsed value,
or records why it cannot and returns BAD.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Literal

from tasks.problems import BAD, Problems, show
from tasks.regions import in_detective_order, region_problem
from tasks.settings import Settings

SOURCES = ("console", "csv", "vending-event", "replay", "cli", "schedule", "offboarding-event", "reconcile")
ALL: Literal["all"] = "all"

RegionChoice = tuple[str, ...] | Literal["all"]

_TAG_KEY = re.compile(r"[a-zA-Z+-=._:/]{1,128}")  # botocore's TagKey pattern (minus the aws: lookahead)


Check = Callable[[Any, str, Problems], Any]


@dataclass(frozen=True)
class Option:
    check: Check
    default: Any


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def rule(expected: str, accept: Callable[[Any], bool], got: Callable[[Any], str] = show) -> Check:
    """A checker from a predicate; the message says what was expected and what came."""

    def check(value: Any, where: str, problems: Problems) -> Any:
        return value if accept(value) else problems.bad(where, f"expected {expected}, got {got(value)}")

    return check


def integer(low: int, high: int) -> Check:
    return rule(f"an integer from {low} to {high}", lambda v: is_int(v) and low <= v <= high)


def number(low: float, high: float, unit: str) -> Check:
    """A finite JSON number from ``low`` to ``high`` (``unit`` says what it counts, for the message)."""
    return rule(
        f"a number of {unit} from {low:g} to {high:g}",
        lambda v: (is_int(v) or isinstance(v, float)) and math.isfinite(v) and low <= v <= high,
    )


def choice(*allowed: str) -> Check:
    return rule(f"one of {', '.join(allowed)}", lambda v: isinstance(v, str) and v in allowed)


def text(low: int, high: int) -> Check:
    return rule(
        f"a string of {low} to {high} characters",
        lambda v: isinstance(v, str) and low <= len(v) <= high,
        got=lambda v: f"{len(v)} characters" if isinstance(v, str) else show(v),
    )


boolean = rule("true or false", lambda v: isinstance(v, bool))


def tag_map(limit: int, added: Collection[str] = ()) -> Check:
    """Tags for a resource: ``limit`` counts the tags the tool adds itself (``added`` keys)."""

    def check(value: Any, where: str, problems: Problems) -> Any:
        if not isinstance(value, dict):
            return problems.bad(where, f"expected an object of tag keys to values, got {show(value)}")
        before = len(problems.items)
        if len(set(value) | set(added)) > limit:
            allowed = limit - len(set(added) - set(value))
            problems.add(where, f"at most {allowed} tags (the tool adds {sorted(added)}), got {len(value)}")
        for key, tag in value.items():
            if not isinstance(key, str) or not _TAG_KEY.fullmatch(key) or key.lower().startswith("aws:"):
                problems.add(f"{where}.{show(key)}", "tag keys are 1-128 of A-Za-z0-9+-=._:/ and do not start 'aws:'")
            if not isinstance(tag, str) or len(tag) > 256:
                problems.add(f"{where}.{show(key)}", f"expected a string of at most 256 characters, got {show(tag)}")
        return dict(value) if len(problems.items) == before else BAD

    return check


#: Optional data source packages ("UpdateDatasourcePackages", Amazon Detective API Reference: DatasourcePackages
#: are DETECTIVE_CORE | EKS_AUDIT | ASFF_SECURITYHUB_FINDING). DETECTIVE_CORE is every graph's, always on.
OPTIONAL_PACKAGES = ("EKS_AUDIT", "ASFF_SECURITYHUB_FINDING")
CORE_PACKAGE = "DETECTIVE_CORE"


def datasource_packages(value: Any, where: str, problems: Problems) -> Any:
    """A list of data source package names (deduplicated, in the API's order); DETECTIVE_CORE is accepted, as on."""
    if not isinstance(value, list):
        return problems.bad(where, f"expected a list of data source packages, got {show(value)}")
    known = (CORE_PACKAGE, *OPTIONAL_PACKAGES)
    before = len(problems.items)
    for i, name in enumerate(value):
        if name not in known:
            problems.add(
                f"{where}[{i}]",
                f"unknown data source package {show(name)} (expected {' or '.join(OPTIONAL_PACKAGES)}; "
                f"{CORE_PACKAGE} is always on)",
            )
    return [p for p in known if p in value] if len(problems.items) == before else BAD


def optional_boolean(value: Any, where: str, problems: Problems) -> Any:
    """true, false, or null (leave the setting as it is)."""
    return (
        value
        if value is None or isinstance(value, bool)
        else problems.bad(where, f"expected true or false, got {show(value)}")
    )


def parse_regions(value: Any, where: str, problems: Problems) -> Any:
    """``"all"`` or a non-empty list of Detective Regions (deduplicated, in Detective order)."""
    if isinstance(value, str) and value.strip().lower() == ALL:
        return ALL
    if not isinstance(value, list) or not value:
        return problems.bad(where, f'expected "all" or a non-empty list of Regions, got {show(value)}')
    before = len(problems.items)
    for i, region in enumerate(value):
        problem = "expected a Region name" if not isinstance(region, str) else region_problem(region)
        if problem:
            problems.add(f"{where}[{i}]", f"{problem}: {show(region)}")
    return in_detective_order(value) if len(problems.items) == before else BAD


def common_options(settings: Settings) -> dict[str, Option]:
    """Options both workflows take; a workflow adds its own to this mapping."""
    return {
        "regions": Option(parse_regions, ALL),
        "batch_size": Option(integer(1, 50), settings.default_batch_size),
        "max_concurrency": Option(integer(1, 40), settings.default_max_concurrency),
        "dry_run": Option(boolean, False),
        "source": Option(choice(*SOURCES), None),  # None: "csv" with accounts_csv, else "console"
        "replay_of": Option(text(1, 256), None),
    }
