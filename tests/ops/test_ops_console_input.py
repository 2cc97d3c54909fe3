"""``console-input``: the CSV becomes the console's input JSON, validated by the workflow's own rules."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.ops import Cli


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_text(text)
    return path


def test_valid_csv_prints_the_input_the_workflow_accepts(tmp_path: Path, cli: Cli) -> None:
    path = _csv(
        tmp_path,
        "account_id,email,regions\n222222222222,a@example.com,\n"
        "333333333333,b@example.com,eu-west-1;us-east-1\n222222222222,a@example.com\n",
    )
    result = cli("console-input", "--accounts", path, "--regions", "us-east-1,eu-west-1", "--guardduty-wait", "skip")
    assert result.exit_code == 0, result.output
    built = json.loads(result.output)
    assert built == {  # Regions in Detective's order, as the workflow resolves them
        "accounts": [
            {"account_id": "222222222222", "email": "a@example.com"},  # the duplicate merged
            {"account_id": "333333333333", "email": "b@example.com", "regions": ["eu-west-1", "us-east-1"]},
        ],
        "regions": ["eu-west-1", "us-east-1"],
        "guardduty_wait": "skip",
    }


def test_defaults_to_all_regions_and_takes_other_fields_from_an_input_file(tmp_path: Path, cli: Cli) -> None:
    base = tmp_path / "base.json"
    base.write_text(json.dumps({"tags": {"owner": "security"}, "batch_size": 20, "accounts": "ignored"}))
    result = cli(
        "console-input", "--accounts", _csv(tmp_path, "222222222222,a@example.com\n"), "--input", base, "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "accounts": [{"account_id": "222222222222", "email": "a@example.com"}],
        "regions": "all",
        "tags": {"owner": "security"},
        "batch_size": 20,
        "dry_run": True,
    }


def test_every_problem_is_named_with_its_field_and_row(tmp_path: Path, cli: Cli) -> None:
    path = _csv(
        tmp_path,
        "account_id,email\n12345678901,a@example.com\n333333333333,not-an-email\n"
        "444444444444,c@example.com\n444444444444,d@example.com\n",
    )
    result = cli("console-input", "--accounts", path, "--regions", "us-east-1,mars-north-1")
    assert result.exit_code == 2 and result.stdout == ""
    message = result.stderr
    assert f"error: {path} row 2 account_id: expected 12 digits" in message
    assert f"error: {path} row 3 email: not a plausible email address" in message
    assert f"error: {path} row 5 email: account '444444444444' is listed again with another email" in message
    assert "regions[1]" in message and "mars-north-1" in message
    assert "d@example.com" not in message and "d***@example.com" in message  # emails masked


def test_options_are_checked_too(tmp_path: Path, cli: Cli) -> None:
    base = tmp_path / "base.json"
    base.write_text(json.dumps({"batch_size": 500, "colour": "blue"}))
    result = cli("console-input", "--accounts", _csv(tmp_path, "222222222222,a@example.com\n"), "--input", base)
    assert result.exit_code == 2
    assert "batch_size: expected an integer from 1 to 50, got 500" in result.stderr
    assert "unknown field 'colour'" in result.stderr


def test_disable_input_needs_no_emails(tmp_path: Path, cli: Cli) -> None:
    result = cli("console-input", "--workflow", "disable", "--accounts", _csv(tmp_path, "222222222222\n"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["accounts"] == [{"account_id": "222222222222"}]
    assert cli("console-input", "--accounts", _csv(tmp_path, "222222222222\n")).exit_code == 2
    assert cli("console-input", "--accounts", tmp_path / "missing.csv").exit_code == 2
