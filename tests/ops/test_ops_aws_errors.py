"""AWS mode never ends in a traceback: every command answers one line naming the problem and its fix.

Each command runs in a clean environment (no AWS variables, an empty HOME, no config files, the
instance metadata service off so the credential chain ends at once) in the four situations a new
operator meets: no Region, no credentials, a profile that does not exist, an endpoint that does
not answer (a closed loopback port through AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from detective_rollout.cli import main
from detective_rollout.ops.factory import Factory
from tests.helpers.ops import no_sleep

SITUATIONS = {
    # name: (extra environment, exit code, what the line must name)
    "no Region": ({}, 2, "--region"),
    "no credentials": ({"AWS_DEFAULT_REGION": "us-east-1"}, 2, "--profile"),
    "missing profile": ({"AWS_DEFAULT_REGION": "us-east-1", "AWS_PROFILE": "nope"}, 2, "'nope'"),
    "unreachable endpoint": (
        {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"},
        1,
        "cannot reach http://127.0.0.1:",
    ),
}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(tmp_path: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_ACCOUNT_ID"}
    env.update(
        HOME=str(tmp_path),
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_MAX_ATTEMPTS="2",
        **extra,
    )
    if "AWS_ACCESS_KEY_ID" in extra:
        env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{_closed_port()}"
    return env


def commands(csv: Path) -> dict[str, list[str]]:
    accounts = ["--accounts", str(csv), "--regions", "us-east-1"]
    return {
        "enable": ["enable", *accounts],
        "enable --no-wait": ["enable", *accounts, "--no-wait"],
        "disable": ["disable", *accounts],
        "status": ["status"],
        "status latest --watch": ["status", "latest", "--watch"],
        "report": ["report", "latest"],
        "replay": ["replay", "latest"],
        "coverage": ["coverage"],
        "coverage --accounts": ["coverage", *accounts],
    }


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_every_aws_command_answers_one_line_naming_the_fix(
    situation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra, code, named = SITUATIONS[situation]
    csv = tmp_path / "accounts.csv"
    csv.write_text("account_id,email\n222222222222,alpha@example.com\n")
    for key in list(os.environ):
        monkeypatch.delenv(key)
    for key, value in clean_env(tmp_path, extra).items():
        monkeypatch.setenv(key, value)
    answers = {}
    for name, args in commands(csv).items():
        result = CliRunner().invoke(main, args, obj=Factory(sleep=no_sleep), catch_exceptions=False)
        answers[name] = (result.exit_code, result.stdout, result.stderr.strip().splitlines())
    for name, (exit_code, stdout, lines) in answers.items():
        assert exit_code == code, (name, stdout, lines)
        assert len(lines) == 1 and lines[0].startswith("error: ") and named in lines[0], (name, lines)
        assert "Traceback" not in stdout


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_doctor_answers_one_line_per_check_naming_the_fix(
    situation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra, _code, named = SITUATIONS[situation]
    for key in list(os.environ):
        monkeypatch.delenv(key)
    for key, value in clean_env(tmp_path, extra).items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["doctor"], obj=Factory(sleep=no_sleep), catch_exceptions=False)
    lines = result.stdout.splitlines()
    assert result.exit_code == 1, result.output
    assert all(line[:2] in ("✓ ", "✗ ", "- ") for line in lines), lines
    failed = [line for line in lines if line.startswith("✗")]
    assert failed and named in failed[0], lines


def test_enable_in_an_empty_environment_says_region_not_a_traceback(tmp_path: Path) -> None:
    """The exact command a new operator types first, as a real process (`env -i`)."""
    csv = tmp_path / "accounts.csv"
    csv.write_text("account_id,email\n222222222222,alpha@example.com\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true"}
    done = subprocess.run(
        [sys.executable, "-m", "detective_rollout.cli", "enable", "--accounts", str(csv), "--regions", "us-east-1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: no AWS Region: pass --region REGION (the Region the stack is deployed in), or set "
        "AWS_DEFAULT_REGION or the profile's region"
    ]
