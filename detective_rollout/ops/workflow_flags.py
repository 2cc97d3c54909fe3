"""``enable``'s workflow flags: each maps to one execution input field, checked by the workflow's own rule.

``--batch-size`` -> ``batch_size``, ``--max-concurrency`` -> ``max_concurrency``,
``--invitation-wait-seconds`` -> ``invitation_wait_seconds``, ``--retry-access-denied-minutes`` ->
``retry_access_denied_minutes``, ``--tag KEY=VALUE`` (repeatable) -> ``tags``, ``--message`` ->
``invitation_message``, ``--no-email`` -> ``disable_email_notification``. A bad value exits 2 naming
the flag (and the value) before anything runs; ``--input`` carries every other field, and a flag
wins over the same field in it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from detective_rollout.ops.cli_options import combined
from detective_rollout.ops.exits import fail

#: flag -> the execution input field it sets.
FIELDS = {
    "--batch-size": "batch_size",
    "--max-concurrency": "max_concurrency",
    "--invitation-wait-seconds": "invitation_wait_seconds",
    "--retry-access-denied-minutes": "retry_access_denied_minutes",
    "--tag": "tags",
    "--message": "invitation_message",
    "--no-email": "disable_email_notification",
}

#: The command parameters the flags fill (click's names for them).
_PARAMETERS = (
    "batch_size",
    "max_concurrency",
    "invitation_wait_seconds",
    "retry_access_denied_minutes",
    "tags",
    "message",
    "no_email",
)

enable_flag_options = combined(
    click.option(
        "--batch-size", type=int, help="Accounts per AcceptInvitations batch, 1-50 [default: the stack's, 10]."
    ),
    click.option("--max-concurrency", type=int, help="Batches accepted at once, 1-40 [default: the stack's, 10]."),
    click.option(
        "--invitation-wait-seconds",
        type=int,
        help="Seconds between an invitation and its acceptance, 0-3600 [default: the stack's, 60].",
    ),
    click.option(
        "--retry-access-denied-minutes",
        type=int,
        help="Keep retrying a member role that is not there yet for this long, 0-1440 [default: 0].",
    ),
    click.option(
        "--tag",
        "tags",
        multiple=True,
        metavar="KEY=VALUE",
        help="Tag the behavior graphs (repeatable); managed-by is always added.",
    ),
    click.option("--message", help="The invitation's message to the member accounts (1-1000 characters)."),
    click.option("--no-email", is_flag=True, help="Do not send Detective's invitation emails to the members."),
)


def enable_overrides(
    batch_size: int | None,
    max_concurrency: int | None,
    invitation_wait_seconds: int | None,
    retry_access_denied_minutes: int | None,
    tags: tuple[str, ...],
    message: str | None,
    no_email: bool,
) -> dict[str, Any]:
    """The input fields the flags set (only the given ones); exits 2 naming every bad flag value."""
    from tasks import settings
    from tasks.errors import InvalidInput
    from tasks.problems import Problems, show
    from tasks.validate_input import enable_options

    options = enable_options(settings.load())
    problems = Problems()
    given: dict[str, Any] = {
        "--batch-size": batch_size,
        "--max-concurrency": max_concurrency,
        "--invitation-wait-seconds": invitation_wait_seconds,
        "--retry-access-denied-minutes": retry_access_denied_minutes,
        "--message": message,
        "--no-email": True if no_email else None,
    }
    if tags:
        tag_map: dict[str, str] = {}
        for tag in tags:
            key, sep, value = tag.partition("=")
            if not sep:
                problems.add("--tag", f"expected KEY=VALUE, got {show(tag)}")
            tag_map[key] = value
        given["--tag"] = tag_map
    checked = {
        FIELDS[flag]: options[FIELDS[flag]].check(value, flag, problems)
        for flag, value in given.items()
        if value is not None
    }
    try:
        problems.raise_if_any()
    except InvalidInput as exc:
        fail(str(exc))
    return checked


def with_enable_flags[F: Callable[..., Any]](command: F) -> F:
    """Add the flags to ``command`` and hand it their input fields as one ``workflow_flags`` argument."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        flags = enable_overrides(**{n: kwargs.pop(n) for n in _PARAMETERS})
        return command(*args, workflow_flags=flags, **kwargs)

    return enable_flag_options(run)  # type: ignore[return-value]
