"""The CLI's exit codes (the contract) and the one way a command stops with an error message.

0 no row FAILED, 3 some row FAILED (the report is still written), 2 bad input - what a flag or a
file fixes (nothing written), 1 anything else (AWS or network error, stopped without a report).
Every module below the click surface exits through :func:`fail`, so messages look alike.
"""

from __future__ import annotations

import json
import re
import sys
from typing import NoReturn

import click

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_FAILED_ROWS = 0, 1, 2, 3


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code`` (default: bad input)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def problem_lines(cause: str | None) -> list[str]:
    """The problems an InvalidInput names, one a line, from its message or the Lambda error blob carrying it."""
    text = cause or ""
    try:
        blob = json.loads(text)
    except ValueError:
        blob = None
    if isinstance(blob, dict) and isinstance(blob.get("errorMessage"), str):
        text = blob["errorMessage"]
    text = re.sub(r"^invalid input \(\d+ problems?\):\s*", "", text.strip())
    return [line for line in text.split("\n") if line.strip()] or ["invalid input"]


def fail_invalid(cause: str | None, accounts_file: str | None = None) -> NoReturn:
    """Exit 2 printing ``error: `` and one problem a line; rows of the CSV name the file the user passed."""
    lines = problem_lines(cause)
    if accounts_file and not accounts_file.startswith("s3://"):
        lines = [re.sub(r"^accounts_csv\b", lambda _: accounts_file, line) for line in lines]
    click.echo("\n".join(f"error: {line}" for line in lines), err=True)
    sys.exit(EXIT_BAD_INPUT)


def report_exit_code(report: dict[str, object]) -> int:
    """3 when the report has FAILED rows, else 0."""
    summary = report.get("summary")
    return EXIT_FAILED_ROWS if isinstance(summary, dict) and summary.get("FAILED", 0) else EXIT_OK
