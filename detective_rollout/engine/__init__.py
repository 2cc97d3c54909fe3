"""The embedded Step Functions engine: the real ASL and task code on moto's interpreter, in-process.

See docs/engine.md for what the definitions may use, the hooks on moto and the clock modes.
"""

from detective_rollout.engine.dispatch import LambdaFault
from detective_rollout.engine.metrics import ExecutionResult
from detective_rollout.engine.runner import LocalEngine
from detective_rollout.engine.template import LambdaFunction, StateMachineSpec, Template, load_template

__all__ = [
    "ExecutionResult",
    "LambdaFault",
    "LambdaFunction",
    "LocalEngine",
    "StateMachineSpec",
    "Template",
    "load_template",
]
