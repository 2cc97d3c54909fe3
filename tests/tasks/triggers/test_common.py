"""tasks.triggers.common: the execution names every trigger derives from its event."""

from __future__ import annotations

import re

import pytest

from tasks.triggers.common import NAME_MAX, TriggerError, execution_name


def test_names_are_safe_bounded_and_keep_the_event_id() -> None:
    event_id = "d0a6b7b4-0502-42db-b95d-b6715e4a9298"
    name = execution_name("csv", "wave 2/ünïcode:[x]" * 10, event_id=event_id)
    assert len(name) <= NAME_MAX and name.endswith(event_id) and name.startswith("csv-wave-2-")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", name)
    assert execution_name("csv", "w", event_id=event_id) == execution_name("csv", "w", event_id=event_id)
    assert execution_name("csv", "w", event_id=event_id) != execution_name("csv", "w", event_id="other-id")


def test_an_event_without_id_is_refused() -> None:
    with pytest.raises(TriggerError, match="no id"):
        execution_name("csv", "x", event_id="")
