"""The README tells the truth: every command it shows runs here, in the order shown, in a scratch directory.

Commands are the lines of its ``sh`` blocks, the ``$ `` lines of its ``console`` blocks and the inline ``make ...`` /
``.venv/bin/...`` spans. The few that cannot run here are listed in :data:`NOT_RUN`, each with why, and nowhere
else. A block announced by ``<!-- output of: CMD -->`` must match CMD's real output line for line (``...`` skips).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: What the scratch directory links to, so the README's relative paths resolve as in a fresh clone.
LINKED = (".venv", "examples", "tests", "Makefile")
#: What make's virtualenv rule depends on: copied no newer than .venv, so make never rebuilds the venv the tests run in.
VENV_INPUTS = ("pyproject.toml", "constraints.txt")

#: The README's commands that cannot run here (matched by prefix), and why.
NOT_RUN: dict[str, str] = {
    "make test": "it is this test suite (CI runs it)",
    "make lint": "CI runs it before make test (.ci/run)",
    "make bench": "minutes of both cores; docs/performance.md records its figures, tests/scale checks its bounds",
    "make package": "downloads tasks/requirements.txt from the package index",
    "sam deploy": "needs the SAM CLI and AWS credentials for the administrator account",
    ".venv/bin/detective-rollout enable --accounts": "starts on the deployed stack: needs AWS credentials",
}
#: Exit codes the README states for a command (every other command that runs must exit 0, or 3 for FAILED rows).
EXPECTED_EXIT: dict[str, int] = {
    ".venv/bin/detective-rollout enable --local examples/demo-scenario.json --state-dir build/walkthrough": 3,
    "make demo": 0,
}
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_OUTPUT_OF = re.compile(r"<!-- output of: (.+?) -->\n```\w*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"`((?:make |\.venv/bin/)[^`]+)`")


def _sh_commands(block: str) -> list[str]:
    commands, pending = [], ""
    for raw in block.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        line = re.sub(r"\s+#\s.*$", "", line)
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        commands.append(pending + line)
        pending = ""
    return commands


def readme_commands(text: str) -> list[str]:
    """Every command the README shows, in order (fenced first by position, then inline spans not already shown)."""
    commands: list[str] = []
    for match in _FENCE.finditer(text):
        language, body = match.group(1), match.group(2)
        if language == "sh":
            commands += _sh_commands(body)
        elif language == "console":
            commands += [line[2:].split("  #")[0].strip() for line in body.splitlines() if line.startswith("$ ")]
    prose = _FENCE.sub("", text)
    for span in _INLINE.findall(prose):
        if span not in commands:
            commands.append(span)
    return commands


def not_run_reason(command: str) -> str | None:
    return next((why for prefix, why in NOT_RUN.items() if command.startswith(prefix)), None)


@dataclass(frozen=True)
class Ran:
    command: str
    returncode: int
    output: str


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Ran]:
    """Run every runnable README command once, in order, in a fresh scratch directory."""
    scratch = tmp_path_factory.mktemp("readme")
    for name in LINKED:
        (scratch / name).symlink_to(ROOT / name)
    built = (ROOT / ".venv").stat().st_mtime
    for name in VENV_INPUTS:
        copy = scratch / name
        copy.write_bytes((ROOT / name).read_bytes())
        os.utime(copy, (built - 1, built - 1))
    results: dict[str, Ran] = {}
    for command in readme_commands(README.read_text()):
        if not_run_reason(command) is None:
            done = subprocess.run(
                ["bash", "-c", command], cwd=scratch, capture_output=True, text=True, timeout=300, check=False
            )
            results[command] = Ran(command, done.returncode, done.stdout + done.stderr)
    results["<scratch>"] = Ran(str(scratch), 0, "")
    return results


def test_the_readme_is_under_20_kb() -> None:
    assert len(README.read_bytes()) < 20 * 1024


def test_the_readme_shows_the_two_set_up_commands_and_the_commands_of_each_section() -> None:
    commands = readme_commands(README.read_text())
    assert commands[:2] == ["make demo", "make test"]
    assert any(command.startswith("sam deploy") for command in commands)
    assert any(" replay latest --local " in command for command in commands)
    assert any(" report latest " in command and "--format html" in command for command in commands)


def test_every_exception_is_a_command_the_readme_shows() -> None:
    commands = readme_commands(README.read_text())
    stale = [prefix for prefix in NOT_RUN if not any(command.startswith(prefix) for command in commands)]
    assert stale == [], "NOT_RUN lists commands the README no longer shows"


def test_every_runnable_command_of_the_readme_exits_as_the_readme_says(ran: dict[str, Ran]) -> None:
    commands = [command for command in readme_commands(README.read_text()) if not_run_reason(command) is None]
    assert len(commands) >= 10
    for command in commands:
        result = ran[command]
        expected = {EXPECTED_EXIT[command]} if command in EXPECTED_EXIT else {0, 3}
        assert result.returncode in expected, f"{command}\nexit {result.returncode}\n{result.output[-3000:]}"
        assert "Traceback" not in result.output, command


def test_the_readme_sample_output_is_the_real_output(ran: dict[str, Ran]) -> None:
    samples = _OUTPUT_OF.findall(README.read_text())
    assert samples, "the README shows no recorded output"
    for command, sample in samples:
        real = [line.rstrip() for line in ran[command].output.splitlines()]
        position = 0
        for line in (line.rstrip() for line in sample.splitlines()):
            if line == "...":
                continue
            assert line in real[position:], f"{command} does not print, in this order: {line!r}"
            position = real.index(line, position) + 1


def test_the_walkthrough_fixes_the_missing_role_and_writes_the_page(ran: dict[str, Ran]) -> None:
    walkthrough = Path(ran["<scratch>"].command) / "build" / "walkthrough"
    replayed = json.loads((walkthrough / "replayed.json").read_text())
    rows = {(row["account_id"], row["region"]): row for row in replayed["results"]}
    assert {rows[("333333333333", region)]["status"] for region in ("us-east-1", "eu-west-1", "ap-east-1")} == {
        "ENABLED"
    }
    assert len(rows) == 36
    page = (walkthrough / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    assert "333333333333" in page
