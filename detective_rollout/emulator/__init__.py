"""The emulated AWS fleet (Detective, GuardDuty, STS, Account, Organizations) - see docs/emulator.md.

Importing the package installs the in-process botocore hook (it is inert until a fleet's
``intercept()`` is active), because botocore only gives the built-in handlers to sessions
created after they are registered.
"""

from detective_rollout.emulator import hook as _hook
from detective_rollout.emulator.fleet import CallRecord, Fleet
from detective_rollout.emulator.scenario import Scenario, ScenarioError, load_scenario
from detective_rollout.emulator.server import run_server, serve
from detective_rollout.emulator.state import Member

_hook.install()

__all__ = ["CallRecord", "Fleet", "Member", "Scenario", "ScenarioError", "load_scenario", "run_server", "serve"]
