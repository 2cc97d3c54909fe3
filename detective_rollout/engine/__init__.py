"""The embedded Step Functions engine: the real ASL and task code on moto's interpreter, in-process.

See docs/engine.md for what the definitions may use, the hooks on moto, the clock modes and the
Lambda workers (handlers in worker processes).
"""

from detective_rollout.engine.dispatch import LambdaFault
from detective_rollout.engine.metrics import ExecutionResult
from detective_rollout.engine.runner import LocalEngine
from detective_rollout.engine.template import LambdaFunction, StateMachineSpec, Template, load_template
from detective_rollout.engine.workers import WorkerPlan

__all__ = [
    "ExecutionResult",
    "LambdaFault",
    "LambdaFunction",
    "LocalEngine",
    "StateMachineSpec",
    "Template",
    "WorkerPlan",
    "load_template",
]
