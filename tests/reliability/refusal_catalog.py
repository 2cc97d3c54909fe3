"""Issue 16 item 3's remaining reproductions: values refused up front (exit 2, nothing written, no traceback).

:data:`REFUSALS` drives ``tests/reliability/test_refused_up_front.py`` (each entry is one CLI
invocation) and, with :data:`OTHER_CHECKS` (their own tests) and :data:`DESIGN`, the section of
docs/reliability.md that :func:`section` renders (``tests.reliability.catalog`` includes it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.reliability.scenario_refusals import BAD_SCENARIOS, bad_scenario


@dataclass(frozen=True)
class Refusal:
    """One command line the CLI refuses before starting anything, and a fragment of its one-line error."""

    what: str  # the bad value, in words
    #: The arguments ("{dir}": a scratch folder holding ``files``; "{scenario}": a small valid scenario file).
    args: tuple[str, ...]
    message: str  # names the option or file, and the field or path
    #: Files to create first; a name ending in "/" is a folder.
    files: dict[str, bytes] = field(default_factory=dict)


def nested(depth: int, leaf: Any = "x") -> Any:
    """``leaf`` inside ``depth`` lists, built without recursion."""
    for _ in range(depth):
        leaf = [leaf]
    return leaf


DEEP_BRACKETS = b"[" * 100_000 + b"]" * 100_000
DEEP_900 = json.dumps({"accounts": [{"account_id": "200000000001", "email": "m1@example.com", "x": nested(900)}]})
PATH_900 = "input.accounts[0].x" + "[0]" * 29  # the 33rd level
REPORT = {"workflow": "enable", "execution": "enable-1", "summary": {"total": 1, "ENABLED": 1}}
ROW = {"account_id": "200000000001", "region": "us-east-1", "status": "ENABLED"}


def _report(**fields: Any) -> bytes:
    return json.dumps({**REPORT, **fields}).encode()


REFUSALS: list[Refusal] = [
    Refusal(
        "`enable --input` holding 100,000 nested brackets",
        ("enable", "--local", "{scenario}", "--input", "{dir}/deep.json"),
        "--input: {dir}/deep.json: input" + "[0]" * 32 + ": nested deeper than 32 levels",
        {"deep.json": DEEP_BRACKETS},
    ),
    Refusal(
        "`enable --input` nested 900 deep inside an account",
        ("enable", "--local", "{scenario}", "--input", "{dir}/deep900.json"),
        f"--input: {{dir}}/deep900.json: {PATH_900}: nested deeper than 32 levels",
        {"deep900.json": DEEP_900.encode()},
    ),
    Refusal(
        "`disable --input` nested 900 deep",
        ("disable", "--local", "{scenario}", "--input", "{dir}/deep900.json"),
        f"--input: {{dir}}/deep900.json: {PATH_900}: nested deeper than 32 levels",
        {"deep900.json": DEEP_900.encode()},
    ),
    Refusal(
        "`console-input --input` nested 900 deep",
        ("console-input", "--accounts", "{dir}/a.csv", "--input", "{dir}/deep900.json"),
        f"--input: {{dir}}/deep900.json: {PATH_900}: nested deeper than 32 levels",
        {"deep900.json": DEEP_900.encode(), "a.csv": b"200000000001,m1@example.com\n"},
    ),
    Refusal(
        "`enable --report DIR` (a directory)",
        ("enable", "--local", "{scenario}", "--report", "{dir}/out"),
        "Invalid value for '--report': '{dir}/out' is a directory; give the path of a file to write",
        {"out/": b""},
    ),
    Refusal(
        "`enable --report` under a regular file (its folder cannot be created)",
        ("enable", "--local", "{scenario}", "--report", "{dir}/taken/report.json"),
        "Invalid value for '--report': '{dir}/taken' is not a directory, so '{dir}/taken/report.json' cannot be",
        {"taken": b"a file"},
    ),
    Refusal(
        "`disable --report DIR` (a directory)",
        ("disable", "--local", "{scenario}", "--report", "{dir}/out"),
        "Invalid value for '--report': '{dir}/out' is a directory",
        {"out/": b""},
    ),
    Refusal(
        "`replay latest --report DIR` (a directory)",
        ("replay", "latest", "--local", "{scenario}", "--state-dir", "{dir}/state", "--report", "{dir}/out"),
        "Invalid value for '--report': '{dir}/out' is a directory",
        {"out/": b"", "state/": b""},
    ),
    Refusal(
        "`report FILE --output DIR` (a directory)",
        ("report", "{dir}/r.json", "--output", "{dir}/out"),
        "Invalid value for '--output': '{dir}/out' is a directory",
        {"out/": b"", "r.json": _report(results=[ROW])},
    ),
    Refusal(
        "`coverage --output DIR` (a directory)",
        ("coverage", "--local", "{scenario}", "--output", "{dir}/out"),
        "Invalid value for '--output': '{dir}/out' is a directory",
        {"out/": b""},
    ),
    Refusal(
        "`coverage --accounts DIR` (a directory)",
        ("coverage", "--local", "{scenario}", "--accounts", "{dir}/out"),
        "error: --accounts: '{dir}/out' is a directory, not a CSV file",
        {"out/": b""},
    ),
    Refusal(
        "`diagram --output-dir FILE` (a regular file)",
        ("diagram", "--output-dir", "{dir}/taken"),
        "Invalid value for '--output-dir': '{dir}/taken' is a file, not a directory",
        {"taken": b"a file"},
    ),
    Refusal(
        '`report FILE` of `{"summary":{"total":1},"results":[]}`',
        ("report", "{dir}/r.json"),
        "{dir}/r.json: not a detective-rollout report: workflow: missing (enable or disable)",
        {"r.json": b'{"summary":{"total":1},"results":[]}'},
    ),
    Refusal(
        "`report FILE` whose summary counts a row `results` does not hold",
        ("report", "{dir}/r.json"),
        "{dir}/r.json: not a detective-rollout report: summary.total: 1, but results has 0 rows",
        {"r.json": _report(results=[])},
    ),
    Refusal(
        "`report FILE` with a row without `account_id`",
        ("report", "{dir}/r.json", "--format", "html"),
        "{dir}/r.json: not a detective-rollout report: results[0].account_id: missing",
        {"r.json": _report(results=[{"region": "us-east-1", "status": "ENABLED"}])},
    ),
    Refusal(
        "`report FILE` with a non-numeric total",
        ("report", "{dir}/r.json", "--format", "csv"),
        "{dir}/r.json: not a detective-rollout report: summary.total: expected a count (a whole number >= 0), got 'x'",
        {"r.json": _report(results=[ROW], summary={"total": "x"})},
    ),
    Refusal(
        "`report FILE` of a JSON list",
        ("report", "{dir}/r.json"),
        "{dir}/r.json: not a detective-rollout report: expected a JSON object (a report), got list",
        {"r.json": b"[1, 2]"},
    ),
    Refusal(
        "`report FILE` that is not JSON",
        ("report", "{dir}/r.json"),
        "{dir}/r.json: not JSON (Expecting value: line 1 column 1 (char 0))",
        {"r.json": b"not json"},
    ),
    Refusal(
        "`report FILE` of 100,000 nested brackets",
        ("report", "{dir}/r.json"),
        "{dir}/r.json: not a detective-rollout report: report" + "[0]" * 32 + ": nested deeper than 32 levels",
        {"r.json": DEEP_BRACKETS},
    ),
    Refusal(
        "`report DIR` (a directory)",
        ("report", "{dir}/out"),
        "{dir}/out: a directory, not a report file",
        {"out/": b""},
    ),
    Refusal(
        "`emulator serve` with a scenario missing its administrator",
        ("emulator", "serve", "--scenario", "{dir}/bad.json"),
        "error: scenario {dir}/bad.json: administrator: required field is missing",
        {"bad.json": b'{"regions": ["us-east-1"], "members": []}'},
    ),
    Refusal(
        "`emulator serve --port 99999`",
        ("emulator", "serve", "--scenario", "{scenario}", "--port", "99999"),
        "Invalid value for '--port': 99999 is not in the range 0<=x<=65535",
    ),
    Refusal(
        "`emulator serve --port -1`",
        ("emulator", "serve", "--scenario", "{scenario}", "--port", "-1"),
        "Invalid value for '--port': -1 is not in the range 0<=x<=65535",
    ),
    Refusal(
        "`enable --accounts DIR` (a directory)",
        ("enable", "--local", "{scenario}", "--accounts", "{dir}/out"),
        "error: --accounts: '{dir}/out' is a directory, not a CSV file",
        {"out/": b""},
    ),
    Refusal(
        "`enable --state-dir` under a regular file (the folder cannot be created)",
        ("enable", "--local", "{scenario}", "--state-dir", "{dir}/taken/sd"),
        "Invalid value for '--state-dir': '{dir}/taken' is not a directory, so '{dir}/taken/sd' cannot be created",
        {"taken": b"a file"},
    ),
    *(
        Refusal(
            f"`enable --local bad.json --state-dir DIR`, the scenario with {what}",
            ("enable", "--local", "{dir}/bad.json", "--state-dir", "{dir}/sd"),
            f"error: scenario {{dir}}/bad.json: {message}",
            {"bad.json": bad_scenario(change)},
        )
        for what, change, message in BAD_SCENARIOS
    ),
]

#: (what was tried, what happens, the test that proves it) for what one command line cannot show.
OTHER_CHECKS: list[tuple[str, str, str]] = [
    (
        "`replay EXECUTION --reason CODE` with a mistyped CODE (`ACCES_DENIED`)",
        "one line naming `--reason` and the code, with the reasons the execution's FAILED rows have; exit 2, no "
        "execution started (a typo must not read as `nothing to replay`, exit 0)",
        "tests/ops/test_ops_local_flow.py",
    ),
    (
        "the enable and disable workflows started (engine, console, AWS) with an input nested 900 deep",
        "the execution fails with `InvalidInput` naming the path (`input.accounts[0].x[0]...`), not States.Runtime; "
        "nothing written, no report",
        "tests/reliability/test_refused_up_front.py",
    ),
    (
        "`emulator serve --port P` while P is in use",
        "one line, `--port P: cannot listen on 127.0.0.1:P: Address already in use`, exit 2",
        "tests/reliability/test_refused_up_front.py",
    ),
    (
        "`python -m detective_rollout.emulator serve` (the entry point without the CLI) with `--port 99999`, "
        "`--port -1` or a port in use",
        "one line naming `--port` and the value, exit 2, no traceback",
        "tests/reliability/test_refused_up_front.py",
    ),
    (
        "`replay latest --report DIR` after a run with FAILED rows",
        "exit 2 naming `--report`; no replay execution started, nothing written",
        "tests/reliability/test_refused_up_front.py",
    ),
    (
        "a stray or corrupt file in `DIR/executions/` (not JSON, a list, a record missing `execution`, a `seq` that "
        "is no number, another execution's name, 100,000 nested brackets, a folder named `*.json`)",
        "`status`, `status --json`, `status --watch` and `replay` skip it with one `warning: skipping FILE: not an "
        "execution record (...)` line on stderr naming why, and work on the others",
        "tests/reliability/test_stray_records.py",
    ),
    (
        "`report EXECUTION` on AWS whose report object in the bucket is 100,000 nested brackets, a JSON list, or "
        "a document without `workflow`",
        "exit 2 naming the `s3://` object (or the execution) and what is wrong; an execution's input, output or "
        "cause nested too deep is read as absent, never a RecursionError",
        "tests/ops/test_ops_aws.py",
    ),
    (
        "JSON text with brackets inside strings, escaped quotes and keys, 100,000 levels",
        "the depth scan counts only structure, names the path as the parsed value's walk does, never recurses",
        "tests/tasks/test_nesting.py",
    ),
]

DESIGN = [
    "- **Inputs nest at most 32 levels.** The deepest valid execution input is four levels "
    "(`input.accounts[0].regions[0]`); Python's JSON parser, `copy.deepcopy`, pickle and the masking of values "
    "in messages recurse once per level and fail somewhere between a few hundred and a thousand. 32 is eight "
    "times what a valid input needs and far below where anything recurses into trouble. The limit is checked "
    "without recursion: on JSON text before it is parsed (a scan of the brackets outside strings: `--input`, "
    "report files, scenarios, state-dir records) and on the parsed value (the first check of ValidateInput and "
    "ValidateOffboarding, so an execution started from the console or any AWS client is refused with "
    "`InvalidInput` too). The error names the path of the first value past the limit. The embedded engine copies "
    "state data too deep for pickle with a loop, so such an input reaches ValidateInput as it does on AWS.",
    "- **Output paths are checked before anything starts.** `--report` (enable, disable, replay), `report "
    "--output`, `coverage --output` and `diagram --output-dir` are checked while the options are parsed: a "
    "directory where a file "
    "goes (or the reverse), a regular file where a folder is needed, or a folder the user may not write into "
    "is a usage error naming the option and the path (exit 2): no execution starts, nothing is written. Folders "
    "missing on the way are created when the file is written (`--report build/demo/report.json` in a fresh "
    "checkout), so the check is on the nearest folder that exists. A `--state-dir` still to be created is checked "
    "the same way; one that exists is used as it is (`status` may read a state dir it cannot write).",
    "- **A report file is checked before it is rendered.** Every field the table, CSV, HTML page and exit code "
    "read (`workflow`, `execution`, `results` rows with `account_id` / `region` / `status`, `summary` counts "
    "with `total` equal to the rows) is checked first; the first missing or bad field is named with the file.",
    "- **A state dir's stray files are skipped, loudly.** A file in `DIR/executions/` that is no execution "
    "record is left out of every listing with one warning on stderr naming it (once per command, however often "
    "`status --watch` polls); naming such a file as the execution to show is an error (exit 2).",
]


def section() -> list[str]:
    """The docs/reliability.md section for these refusals."""
    lines = [
        "",
        "## Refused up front: nesting, output paths, report files, the emulator, state-dir strays",
        "",
        "Each command line below exits 2 with one line naming the option or file and the field or path, no "
        "traceback, and writes nothing (`tests/reliability/test_refused_up_front.py`).",
        "",
        "| tried | the error names |",
        "|---|---|",
    ]
    for refusal in REFUSALS:
        message = refusal.message.replace("{dir}/", "").replace("|", "\\|")
        lines.append(f"| {refusal.what.replace('|', chr(92) + '|')} | `{message}` |")
    lines += ["", "| tried | what happens | test |", "|---|---|---|"]
    lines += [f"| {tried} | {outcome} | `{test}` |" for tried, outcome, test in OTHER_CHECKS]
    return [*lines, "", "Design choices:", "", *DESIGN]
