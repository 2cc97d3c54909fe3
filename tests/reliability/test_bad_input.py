"""Bad input, where tests/tasks/test_validate_input.py does not already try it: the CLI, and the disable workflow.

The CLI (``detective-rollout enable|disable --local``) exits 2 with a message naming the field and
the value, masks emails, and writes nothing: no report file, no call that changes the fleet. The
disable workflow's own fields (and CSV quirks through its validator) are refused with one
InvalidInput before any write, like ValidateInput's table; both validators are fuzzed here too
(ValidateOffboarding had no fuzz test).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detective_rollout.cli import main
from detective_rollout.ops.exits import EXIT_BAD_INPUT
from tasks import errors
from tasks.validate_offboarding import disable_options, validate_offboarding
from tests.helpers.tasks import NOW, SETTINGS, VALUE, put_csv, written
from tests.helpers.workflow import member, scenario
from tests.reliability.catalog import CLI_BAD_INPUTS, DISABLE_BAD_INPUTS, BadInput

EMAILS = ("jos", "bob@", "m1@example.com")


def scenario_file(folder: Path) -> Path:
    path = folder / "scenario.json"
    path.write_text(json.dumps(scenario([member(1), member(2)], regions=["us-east-1"])))
    return path


@pytest.mark.parametrize("bad", CLI_BAD_INPUTS, ids=[f"{b.surface}: {b.what}" for b in CLI_BAD_INPUTS])
def test_cli_refuses_bad_input_with_exit_2_naming_field_and_value_and_writes_nothing(
    tmp_path: Path, bad: BadInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, data in bad.files.items():
        (tmp_path / name).write_bytes(data)
    report = tmp_path / "out" / "report.json"
    command = bad.surface.removeprefix("CLI ")
    args = [a.replace("{dir}", str(tmp_path)) for a in bad.args]
    writes: list[Any] = []
    from detective_rollout.emulator import Fleet

    real_handle = Fleet.handle

    def spy(fleet: Fleet, request: Any) -> Any:
        answer = real_handle(fleet, request)
        if request.operation in fleet.models[request.service].mutating:
            writes.append(request.operation)
        return answer

    monkeypatch.setattr(Fleet, "handle", spy)

    arguments = [command, "--local", str(scenario_file(tmp_path)), *args, "--report", str(report)]
    result = CliRunner().invoke(main, arguments)

    assert result.exit_code == EXIT_BAD_INPUT, (result.exit_code, result.output, result.exception)
    assert bad.message.replace("{dir}", str(tmp_path)) in result.output
    assert not any(email in result.output.replace(str(tmp_path), "") for email in EMAILS)
    assert not report.exists() and not report.parent.exists()
    assert writes == []


def test_cli_refuses_a_giant_accounts_file_from_its_size_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # sparse: 64 MiB on disk costs nothing
        handle.truncate(64 * 1024 * 1024)
    read: list[Path] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or real(self))

    result = CliRunner().invoke(main, ["enable", "--local", str(scenario_file(tmp_path)), "--accounts", str(huge)])

    assert result.exit_code == EXIT_BAD_INPUT
    assert "has 67108864 bytes; at most 5242880" in result.output
    assert huge not in read


def _disable_input(s3: Any, bad: BadInput) -> Any:
    if bad.csv is None:
        return bad.input
    return {**bad.input, "accounts_csv": put_csv(s3, bad.csv)}


@pytest.mark.parametrize("bad", DISABLE_BAD_INPUTS, ids=[b.what for b in DISABLE_BAD_INPUTS])
def test_disable_validation_refuses_bad_input_naming_field_and_value_before_any_write(
    s3: Any, admin_aws: Any, bad: BadInput
) -> None:
    aws, _ = admin_aws()
    with pytest.raises(errors.InvalidInput) as raised:
        validate_offboarding(aws, SETTINGS, _disable_input(s3, bad), "off-1", NOW)
    assert bad.message in raised.value.message
    assert written(s3) == []


FIELDS = sorted(disable_options(SETTINGS)) + ["accounts", "accounts_csv", "unknown"]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raw=VALUE | st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=5), data=st.binary(max_size=200))
def test_disable_validation_fails_only_with_invalid_input_and_writes_nothing(
    s3: Any, admin_aws: Any, raw: Any, data: bytes
) -> None:
    s3.put_object(Bucket="inputs", Key="a.csv", Body=data)
    before = written(s3)
    try:
        validate_offboarding(admin_aws()[0], SETTINGS, raw, "fuzz", NOW)
    except errors.InvalidInput:
        assert written(s3) == before
