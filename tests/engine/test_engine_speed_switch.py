"""The speed hooks are switchable (DETECTIVE_ROLLOUT_ENGINE_SPEED_HOOKS=0): the same execution, with or without them.

A moto upgrade can then be tried with the correctness hooks alone; both kinds are restored when the engine exits.
"""

from __future__ import annotations

from typing import Any

import pytest

from detective_rollout.engine import hooks, speed
from tests.helpers.engine import EngineFactory

#: Targets the hooks read (canaries pin their shape) but do not replace.
READ_ONLY = {
    (hooks.TIMESTAMP, "Timestamp._get_wait_seconds"),
    (hooks.QUOTAS, "MAX_STATE_SIZE_UTF8_BYTES"),
    (hooks.PREPROCESSOR, "Preprocessor"),
    (hooks.STATE_TASK_SERVICE_EVENTS, "SfnFailedEntryCountException"),
}


def current(module: str, path: str) -> Any:
    owner, name = hooks.resolve(module, path)
    return owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)


def run_flow(make_engine: EngineFactory) -> tuple[Any, dict[str, list[bool]]]:
    """Runs the fixture flow with a Lambda fault and a retry; which hook kinds were installed while it ran."""
    originals = {target: current(*target) for target in hooks.TARGETS}
    with make_engine(lambda_faults=[{"task": "Square", "error": "Lambda.ServiceException", "times": 1}]) as engine:
        installed = {
            "speed": [current(*t) is not originals[t] for t in hooks.SPEED_TARGETS if t not in READ_ONLY],
            "correctness": [current(*t) is not originals[t] for t in hooks.CORRECTNESS_TARGETS if t not in READ_ONLY],
        }
        result = engine.run("flow", {"mode": "map", "items": [1, 2, 3]}, name="switch")
    assert {target: current(*target) for target in hooks.TARGETS} == originals  # all restored on exit
    return result, installed


@pytest.mark.parametrize("value", ["0", " 0 "])
def test_speed_hooks_off_runs_the_same_execution_with_the_correctness_hooks_alone(
    make_engine: EngineFactory, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(speed.SWITCH, value)
    result, installed = run_flow(make_engine)
    assert not any(installed["speed"]) and all(installed["correctness"])
    assert result.status == "SUCCEEDED"
    assert sorted(result.output["squares"]) == [1, 4, 9]
    assert result.invocations == {"Echo": 1, "Square": 4}


def test_speed_hooks_are_on_by_default_and_change_nothing_the_execution_shows(
    make_engine: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(speed.SWITCH, raising=False)
    fast, installed = run_flow(make_engine)
    assert all(installed["speed"]) and all(installed["correctness"])
    monkeypatch.setenv(speed.SWITCH, "0")
    plain, _ = run_flow(make_engine)
    assert (fast.status, fast.output, fast.invocations, fast.transitions, fast.history_events) == (
        plain.status,
        plain.output,
        plain.invocations,
        plain.transitions,
        plain.history_events,
    )
