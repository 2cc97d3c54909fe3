"""The CLI's exit codes (the contract) and the one way a command stops with an error message.

0 no row FAILED, 3 some row FAILED (the report is still written), 2 bad input - what a flag or a
file fixes (nothing written), 1 anything else (AWS or network error, stopped without a report).
Every module below the click surface exits through :func:`fail`, so messages look alike.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_FAILED_ROWS = 0, 1, 2, 3


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code`` (default: bad input)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def report_exit_code(report: dict[str, object]) -> int:
    """3 when the report has FAILED rows, else 0."""
    summary = report.get("summary")
    return EXIT_FAILED_ROWS if isinstance(summary, dict) and summary.get("FAILED", 0) else EXIT_OK
