"""A small typed reader for JSON objects that reports errors by field path.

Kept apart from the scenario schema so the schema reads as a list of fields, and every
message has the same shape: ``members[2].account_id: expected 12 digits, got '12'``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from typing import Any, TypeVar

T = TypeVar("T")


class ScenarioError(ValueError):
    """A malformed scenario; the message names the field path and the offending value."""


class Fields:
    """One JSON value at ``path``; remembers which keys were read so ``done()`` can reject typos."""

    def __init__(self, raw: Any, path: str) -> None:
        self.raw = raw
        self.path = path
        self._seen: set[str] = set()

    def _child(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _error(self, key: str, expected: str, value: Any) -> ScenarioError:
        return ScenarioError(f"{self._child(key)}: expected {expected}, got {value!r}")

    def _obj(self) -> dict[str, Any]:
        if not isinstance(self.raw, dict):
            raise ScenarioError(f"{self.path or 'scenario'}: expected an object, got {self.raw!r}")
        return self.raw

    def _get(self, key: str, required: bool) -> Any:
        obj = self._obj()
        self._seen.add(key)
        if key not in obj or obj[key] is None:
            if required:
                raise ScenarioError(f"{self._child(key)}: required field is missing")
            return None
        return obj[key]

    def done(self) -> None:
        """Reject keys nobody read (a typo would otherwise emulate a different fleet)."""
        if not isinstance(self.raw, dict):
            return
        for key in self.raw:
            if key not in self._seen and not str(key).startswith("_"):
                raise ScenarioError(f"{self._child(str(key))}: unknown field")

    def choice_value(self, value: Any, choices: Collection[str], what: str) -> None:
        if value not in choices:
            raise ScenarioError(f"{self.path}: unknown {what} {value!r} (expected one of {', '.join(sorted(choices))})")

    # objects and lists ------------------------------------------------------------------------
    def obj(self, key: str, required: bool = False) -> Fields | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self._error(key, "an object", value)
        return Fields(value, self._child(key))

    def each(self, key: str, parse: Callable[[Fields], T], required: bool = False) -> list[T]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._error(key, "a list", value)
        return [parse(Fields(item, f"{self._child(key)}[{i}]")) for i, item in enumerate(value)]

    def region_map(self, key: str, parse: Callable[[Fields], T]) -> dict[str, T]:
        value = self._map(key, REGION_NAME, "a Region name")
        return {region: parse(Fields(item, f"{self._child(key)}.{region}")) for region, item in value.items()}

    def _map(self, key: str, key_pattern: re.Pattern[str] | None, key_what: str) -> dict[str, Any]:
        value = self._get(key, False)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self._error(key, "an object", value)
        for k in value:
            if key_pattern is not None and not key_pattern.fullmatch(str(k)):
                raise ScenarioError(f"{self._child(key)}: expected keys to be {key_what}, got {k!r}")
        return value

    # scalars ----------------------------------------------------------------------------------
    def string(
        self,
        key: str,
        default: str = "",
        required: bool = False,
        pattern: re.Pattern[str] | None = None,
        what: str = "a string",
        choices: Collection[str] | None = None,
    ) -> str:
        value = self.optional_string(key, required=required, pattern=pattern, what=what, choices=choices)
        return default if value is None else value

    def optional_string(
        self,
        key: str,
        required: bool = False,
        pattern: re.Pattern[str] | None = None,
        what: str = "a string",
        choices: Collection[str] | None = None,
    ) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise self._error(key, "a non-empty string", value)
        if pattern is not None and not pattern.fullmatch(value):
            raise self._error(key, what, value)
        if choices is not None and value not in choices:
            raise ScenarioError(
                f"{self._child(key)}: unknown value {value!r} (expected one of {', '.join(sorted(choices))})"
            )
        return value

    def strings(self, key: str, pattern: re.Pattern[str], what: str, required: bool = False) -> list[str]:
        return list(self.optional_strings(key, pattern, what, required) or ())

    def optional_strings(
        self, key: str, pattern: re.Pattern[str], what: str, required: bool = False
    ) -> tuple[str, ...] | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self._error(key, "a list", value)
        for i, item in enumerate(value):
            if not isinstance(item, str) or not pattern.fullmatch(item):
                raise ScenarioError(f"{self._child(key)}[{i}]: expected {what}, got {item!r}")
        return tuple(value)

    def number(
        self,
        key: str,
        default: float,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
    ) -> float:
        value = self.optional_number(key, minimum=minimum, maximum=maximum, integer=integer)
        return default if value is None else value

    def optional_number(
        self,
        key: str,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
        default: float | None = None,
    ) -> float | None:
        value = self._get(key, False)
        if value is None:
            return default
        return _check_number(self._child(key), value, minimum, maximum, integer)

    def number_map(self, key: str, key_pattern: re.Pattern[str], maximum: float | None = None) -> dict[str, float]:
        value = self._map(key, key_pattern, "a Region name")
        return {k: _check_number(f"{self._child(key)}.{k}", v, 0, maximum, False) for k, v in value.items()}

    def string_map(
        self,
        key: str,
        key_pattern: re.Pattern[str] | None = None,
        value_pattern: re.Pattern[str] | None = None,
    ) -> dict[str, str]:
        value = self._map(key, key_pattern, "12-digit account ids")
        for k, v in value.items():
            if not isinstance(v, str) or (value_pattern is not None and not value_pattern.fullmatch(v)):
                raise ScenarioError(f"{self._child(key)}.{k}: expected a string, got {v!r}")
        return dict(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._error(key, "true or false", value)
        return value

    def bool_or_region_map(self, key: str) -> tuple[bool, dict[str, bool]]:
        """``true``/``false`` for every Region, or ``{"eu-west-1": false}`` (absent Regions: true)."""
        value = self._get(key, False)
        if value is None:
            return True, {}
        if isinstance(value, bool):
            return value, {}
        mapping = self._map(key, REGION_NAME, "a Region name")
        for k, v in mapping.items():
            if not isinstance(v, bool):
                raise ScenarioError(f"{self._child(key)}.{k}: expected true or false, got {v!r}")
        return True, dict(mapping)


#: Patterns are matched whole (``fullmatch``: a trailing newline is not a Region) and ASCII only (``\d`` would
#: take any script's digits).
REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]")


def _check_number(path: str, value: Any, minimum: float | None, maximum: float | None, integer: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{path}: expected a number, got {value!r}")
    if not math.isfinite(value):
        raise ScenarioError(f"{path}: expected a finite number, got {value!r}")
    if integer and value != int(value):
        raise ScenarioError(f"{path}: expected a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ScenarioError(f"{path}: expected a number >= {minimum:.15g}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ScenarioError(f"{path}: expected a number <= {maximum:.15g}, got {value!r}")
    return float(value)
