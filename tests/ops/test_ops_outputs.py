"""Output paths checked at parse time (detective_rollout/ops/outputs.py): what may be written, and what is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from detective_rollout.ops.outputs import output_problem


def test_a_new_file_in_missing_folders_is_fine_they_are_created_when_written(tmp_path: Path) -> None:
    assert output_problem(str(tmp_path / "a" / "b" / "report.json")) is None
    assert not (tmp_path / "a").exists()  # checking writes nothing


def test_an_existing_writable_file_is_fine_and_a_directory_is_not(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("{}")
    assert output_problem(str(tmp_path / "old.json")) is None
    assert output_problem(str(tmp_path)) == f"{str(tmp_path)!r} is a directory; give the path of a file to write"


def test_a_folder_option_takes_an_existing_or_creatable_folder_but_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    assert output_problem(str(tmp_path / "new" / "dir"), directory=True) is None
    assert (
        output_problem(str(tmp_path / "file"), directory=True)
        == f"{str(tmp_path / 'file')!r} is a file, not a directory"
    )
    assert output_problem("", directory=True) == "an empty path"


def test_a_file_or_folder_the_user_may_not_write_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked.json").write_text("{}")
    monkeypatch.setattr(os, "access", lambda _path, _mode: False)  # root may write anywhere: pretend it may not
    assert output_problem(str(tmp_path / "locked.json")) == f"{str(tmp_path / 'locked.json')!r} is not writable"
    new = tmp_path / "sub" / "r.json"
    assert output_problem(str(new)) == f"directory {str(tmp_path)!r} is not writable, so {str(new)!r} cannot be created"
