"""Options every operator command shares, and the one place that picks AWS or the embedded engine.

A command runs against the deployed stack (``--profile/--region/--stack-name``) unless it is given
``--local SCENARIO.json`` or ``--state-dir DIR``; both modes answer through the same
:class:`~detective_rollout.ops.backend.Backend`, so the commands do not care which. Errors a user
can fix (unknown execution, busy state dir, unreadable scenario, missing profile) exit 2 with a
message naming what to fix; AWS errors exit 1.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from detective_rollout.ops.backend import Backend, LocalBackend, NotFound
from detective_rollout.ops.exits import EXIT_ERROR, fail
from detective_rollout.ops.outputs import checked_file, output_problem
from detective_rollout.ops.replay_input import ReplayError
from detective_rollout.ops.store import StateDirError

F = TypeVar("F", bound=Callable[..., Any])


def _remember_state_dir(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    # A folder that exists is read as it is (status may read a state dir it cannot write); one still to be
    # created must be creatable, or the run would fail after starting, blaming another file.
    if not Path(value).is_dir() and (problem := output_problem(value, directory=True)):
        raise click.BadParameter(problem, param_hint=f"'{param.opts[0]}'")
    ctx.obj.state_dir = value  # the Factory: local runs load and save the fleet there


def _remember_clock(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    from detective_rollout.clocks import parse_clock

    try:
        parse_clock(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc).removeprefix("--clock: "), param_hint="'--clock'") from None
    ctx.obj.clock_spec = value  # the Factory: the same as the group's --clock, given after the command


#: ``--clock`` after the command too (``enable --clock speed=20 ...``): stored on the Factory.
clock_option = click.option(
    "--clock",
    metavar="instant|real|speed=N",
    expose_value=False,
    callback=_remember_clock,
    help="Local runs: instant, real, or speed=N (the same as before the command) [default: instant].",
)


#: ``--state-dir DIR`` for any local command (enable included): stored on the Factory.
state_dir_option = click.option(
    "--state-dir",
    type=click.Path(file_okay=False),
    expose_value=False,
    callback=_remember_state_dir,
    help="Local runs: keep the emulated fleet and the executions in DIR between commands (status, replay, "
    "report work across invocations). Without it a local run starts from the scenario and is forgotten.",
)


def combined[F: Callable[..., Any]](*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying ``decorators`` in order: the first is the first option in ``--help``."""

    def apply(command: F) -> F:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


profile_option = click.option("--profile", help="AWS: the named profile to use.")
region_option = click.option("--region", help="AWS: the Region the stack is deployed in.")
stack_name_option = click.option(
    "--stack-name",
    default="detective-rollout",
    show_default=True,
    help="AWS: the deployed stack; its outputs name the state machines and report bucket.",
)
#: ``--wait/--no-wait`` and ``--interval``: follow a started execution on AWS to its end, or not.
follow_options = combined(
    click.option(
        "--wait/--no-wait",
        default=True,
        show_default=True,
        help="AWS: follow the execution to its end (exit code of the result), or return once started.",
    ),
    click.option("--interval", default=5.0, show_default=True, help="AWS: seconds between progress polls."),
)

#: ``--plan``, ``--report``, ``--input``, ``--json``, ``--state-dir``: what every local run takes.
run_output_options = combined(
    click.option("--plan", is_flag=True, help="Dry run: print the changes it would make; write nothing."),
    click.option(
        "--report",
        "report_path",
        callback=checked_file,
        help="Write the report JSON here (checked before the run starts; missing folders are created).",
    ),
    click.option(
        "--input",
        "input_path",
        type=click.Path(dir_okay=False),
        help="Console-style execution input JSON (other options override its fields).",
    ),
    click.option("--json", "as_json", is_flag=True, help="Print the report JSON instead of the table."),
    state_dir_option,
    clock_option,
)

#: ``--local``, ``--state-dir``, ``--profile``, ``--region``, ``--stack-name``: which executions.
target_options = combined(
    click.option(
        "--local",
        "scenario",
        type=click.Path(dir_okay=False),
        help="The embedded engine over this scenario's fleet (with --state-dir).",
    ),
    state_dir_option,
    clock_option,
    profile_option,
    region_option,
    stack_name_option,
)


def backend_for(
    factory: Any,
    scenario: str | None,
    profile: str | None,
    region: str | None,
    stack_name: str,
    *,
    may_be_missing: bool = False,
) -> Backend:
    """The local state dir when ``--local``/``--state-dir`` is given, else the stack named ``stack_name``.

    A ``--state-dir`` that does not exist is bad input (a typo would otherwise read as "no executions
    yet"), except for ``may_be_missing`` commands that wait for a first execution to create it.
    """
    if scenario or factory.state_dir:
        if not factory.state_dir:
            fail("--local needs --state-dir here: the executions of earlier commands are kept there")
        if not may_be_missing and not Path(factory.state_dir).is_dir():
            fail(
                f"--state-dir {factory.state_dir}: no such directory (a local run given --state-dir creates it; "
                "`status --watch` waits for it)"
            )
        objects: dict[str, str] = {}
        if scenario:
            from detective_rollout.emulator import load_scenario

            objects = dict(load_scenario(scenario).s3_objects)
        return LocalBackend(factory.state_dir, objects)
    from detective_rollout.ops.deployed import AwsBackend, Deployment

    session = factory.aws_session(profile, region)
    return AwsBackend(session, Deployment.from_stack(session.client("cloudformation"), stack_name))


def handles_errors[F: Callable[..., Any]](command: F) -> F:
    """Turn the errors a user can act on into messages and the contract's exit codes."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        from detective_rollout.emulator import ScenarioError
        from detective_rollout.ops.aws_errors import explain

        try:
            return command(*args, **kwargs)
        except (NotFound, StateDirError, ReplayError, ScenarioError, OSError) as exc:
            fail(str(exc))
        except (ClientError, BotoCoreError) as exc:
            message, code = explain(exc) or (f"AWS: {exc}", EXIT_ERROR)
            fail(message, code)

    return run  # type: ignore[return-value]
