"""The 32-level nesting limit, checked by loops: on parsed values and on JSON text before it is parsed."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks import errors
from tasks.nesting import MAX_DEPTH, TooDeep, parse_json, refuse_deep_input, too_deep, too_deep_text


def nested_dicts(depth: int, key: str = "y") -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {key: value}
    return value


def test_a_valid_input_four_levels_deep_passes() -> None:
    value = {"accounts": [{"account_id": "200000000001", "regions": ["us-east-1"]}], "tags": {"a": "b"}}
    assert too_deep(value) is None
    assert too_deep_text(json.dumps(value)) is None


def test_exactly_32_levels_pass_and_33_are_refused_naming_the_33rd() -> None:
    assert too_deep(nested_dicts(MAX_DEPTH - 1)) is None  # the input object + 31 nested = 32 levels
    path = too_deep({"accounts": [{"x": nested_dicts(MAX_DEPTH)}]})
    assert path == "input.accounts[0].x" + ".y" * 29


def test_100000_nested_brackets_are_refused_from_the_text_without_recursion() -> None:
    text = "[" * 100_000 + "]" * 100_000
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100)  # any recursion per level would fail here
    try:
        path = too_deep_text(text)
    finally:
        sys.setrecursionlimit(limit)
    assert path == "input" + "[0]" * 32
    with pytest.raises(TooDeep, match=r"input\[0\].*: nested deeper than 32 levels"):
        parse_json(text)


def test_brackets_inside_strings_and_escaped_quotes_are_not_structure() -> None:
    text = json.dumps({"a": "[[[[{{{{" * 100, 'k"e\\y': ['"]]]"', {"b": "\\"}]})
    assert too_deep_text(text) is None
    assert parse_json(text) == json.loads(text)


def test_the_path_names_odd_keys_quoted_and_masks_emails_in_them() -> None:
    value = {"a b": [{"x@example.com": nested_dicts(40)}]}
    expected = "input['a b'][0]['x***@example.com']" + ".y" * 29
    assert too_deep(value) == expected
    assert too_deep_text(json.dumps(value)) == expected


def test_the_validation_states_raise_invalid_input_naming_the_path() -> None:
    with pytest.raises(errors.InvalidInput, match=r"input\.x(\.y){31}: nested deeper than 32 levels"):
        refuse_deep_input({"x": nested_dicts(40)})
    refuse_deep_input({"accounts": []})  # a shallow input passes


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=60,
)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(value=JSON, limit=st.integers(1, 6))
def test_the_text_scan_and_the_value_walk_name_the_same_path(value: Any, limit: int) -> None:
    assert too_deep_text(json.dumps(value), limit=limit) == too_deep(value, limit=limit)
