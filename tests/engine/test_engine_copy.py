"""The interpreter's deep copies (hooks.CopyShim) stay deep copies, only faster.

A shallow or lossy copy would let one state's edits leak into another's data: the worst kind
of engine bug, one that AWS would never show.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import threading

import pytest

from detective_rollout.engine import hooks


def test_a_state_payload_copy_is_deep_equal_and_independent() -> None:
    payload = {
        "run": {"regions": [{"region": "eu-west-1", "counts": {"ENABLED": 3}}], "dry_run": False},
        "ratio": 0.5,
        "none": None,
    }
    copied = hooks.CopyShim.deepcopy(payload)
    assert copied == payload
    copied["run"]["regions"][0]["counts"]["ENABLED"] = 0
    assert payload["run"]["regions"][0]["counts"]["ENABLED"] == 3


def test_shared_references_stay_shared_as_with_copy_deepcopy() -> None:
    shared = {"graph_arn": "arn"}
    copied = hooks.CopyShim.deepcopy([shared, shared])
    assert copied[0] is copied[1] and copied[0] is not shared


def test_what_pickle_cannot_take_is_copied_by_copy_deepcopy() -> None:
    lock = threading.Lock()
    value = {"lock": lock}
    copied = hooks.CopyShim.deepcopy({"fn": lambda: 1, "n": [1]})
    assert copied["fn"]() == 1 and copied["n"] == [1]
    with pytest.raises(TypeError):  # what copy.deepcopy itself says of a lock
        hooks.CopyShim.deepcopy(value)


def test_the_shim_is_the_copy_module_for_everything_else() -> None:
    assert hooks.CopyShim().copy is copy.copy
    assert hooks.CopyShim.deepcopy("text") == "text"


@pytest.mark.parametrize("module", hooks.DEEPCOPY_USERS, ids=[m.rsplit(".", 1)[1] for m in hooks.DEEPCOPY_USERS])
def test_each_hooked_module_copies_with_copy_deepcopy(module: str) -> None:
    source = inspect.getsource(importlib.import_module(module))
    assert "copy.deepcopy(" in source, f"ENGINE HOOK CHANGED: {module} no longer calls copy.deepcopy"


def test_data_nested_too_deep_for_pickle_is_still_copied_deep_and_independent() -> None:
    payload: dict[str, object] = {"leaf": [1]}
    for _ in range(5000):  # pickle and copy.deepcopy both recurse past the interpreter's limit here
        payload = {"y": payload, "shared": payload.get("shared", [0])}
    copied = hooks.CopyShim.deepcopy(payload)
    original, twin = payload, copied
    for _ in range(5000):
        assert twin is not original and twin["shared"] is copied["shared"]
        original, twin = original["y"], twin["y"]  # type: ignore[assignment]
    assert twin == {"leaf": [1]} and twin["leaf"] is not original["leaf"]
