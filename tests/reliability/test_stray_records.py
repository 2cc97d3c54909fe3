"""A stray or corrupt file in ``DIR/executions/`` is skipped with a warning naming it, never a crash.

``status`` (table and ``--json``), ``status --watch`` and ``replay`` read every record of the state
dir; a file that is not one (hand-made, half-copied, another tool's) is left out with one warning
line on stderr naming the file and why, and the command works on the real records.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from detective_rollout.cli import main
from detective_rollout.ops import store
from detective_rollout.ops.factory import Factory
from tests.helpers.ops import no_sleep, write_scenario
from tests.reliability.refusal_catalog import DEEP_BRACKETS

RECORD = {"workflow": "enable", "status": "SUCCEEDED", "started_at": "2026-01-01T00:00:00Z"}
#: file name -> (bytes, why it is skipped)
STRAYS: dict[str, tuple[bytes, str]] = {
    "junk.json": (b"not json", "not JSON"),
    "list.json": (b"[1, 2]", "expected a JSON object, got list"),
    "stray.json": (b'{"foo": 1}', "execution: missing"),
    "badseq.json": (json.dumps({**RECORD, "execution": "badseq", "seq": "a"}).encode(), "seq: expected int"),
    "copy.json": (json.dumps({**RECORD, "execution": "other"}).encode(), "it names execution 'other'"),
    "deep.json": (DEEP_BRACKETS, "nested deeper than 32 levels"),
}


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A state dir with one real run (FAILED rows) and every stray next to its record."""
    root = tmp_path_factory.mktemp("strays")
    small = write_scenario(root / "small.json")
    folder = root / "state"
    first = CliRunner().invoke(main, ["enable", "--local", str(small), "--state-dir", str(folder)])
    assert first.exit_code == 3, first.output
    (real,) = (folder / "executions").glob("*.json")
    for name, (data, _why) in STRAYS.items():
        (folder / "executions" / name).write_bytes(data)
    (folder / "executions" / "folder.json").mkdir()
    return small, folder, real.stem


def run(*args: str) -> tuple[int, str, str]:
    store._WARNED.clear()  # one warning per file and process: each command here is a process of its own
    result = CliRunner().invoke(main, list(args), obj=Factory(sleep=no_sleep))
    return result.exit_code, result.stdout, result.stderr


def assert_warned(stderr: str, folder: Path) -> None:
    for name, (_data, why) in STRAYS.items():
        start = f"warning: skipping {folder}/executions/{name}: "
        lines = [line for line in stderr.splitlines() if line.startswith(start)]
        assert len(lines) == 1 and why in lines[0], (name, stderr)
    assert f"warning: skipping {folder}/executions/folder.json: not an execution record" in stderr


def test_status_lists_the_real_execution_and_warns_once_per_stray(state: tuple[Path, Path, str]) -> None:
    _small, folder, real = state
    code, out, err = run("status", "--state-dir", str(folder))
    assert code == 0, err
    assert real in out and "junk" not in out
    assert_warned(err, folder)


def test_status_json_is_one_document_of_the_real_execution(state: tuple[Path, Path, str]) -> None:
    _small, folder, real = state
    code, out, err = run("status", "--state-dir", str(folder), "--json")
    assert code == 0
    assert [e["execution"] for e in json.loads(out)] == [real]
    assert_warned(err, folder)


def test_status_watch_follows_the_latest_real_execution(state: tuple[Path, Path, str]) -> None:
    _small, folder, _real = state
    code, out, err = run("status", "latest", "--watch", "--state-dir", str(folder), "--interval", "0")
    assert code == 3  # the real run's FAILED rows
    assert "results:" in out
    assert_warned(err, folder)


def test_replay_replays_the_latest_real_execution(state: tuple[Path, Path, str]) -> None:
    small, folder, real = state
    code, out, err = run("replay", "latest", "--local", str(small), "--state-dir", str(folder), "--json")
    assert code == 3, err  # the fault is still in the scenario: the replayed rows fail again
    assert json.loads(out)["request"]["replay_of"] == real
    assert_warned(err, folder)


def test_naming_a_stray_file_as_the_execution_is_an_error_naming_it(state: tuple[Path, Path, str]) -> None:
    _small, folder, _real = state
    code, _out, err = run("status", "stray", "--state-dir", str(folder))
    assert code == 2
    assert f"{folder}/executions/stray.json: not an execution record (execution: missing)" in err
