"""The deployment template as the embedded engine sees it.

The engine must run each state machine with exactly the substitutions and task handlers the
deployment uses, so it reads them from infra/template.yaml instead of keeping a second copy:
``DefinitionSubstitutions`` give the placeholder values, ``!GetAtt XFunction.Arn`` names the
function whose ``Handler`` runs the task, and ``Globals.Function.Environment`` gives the task
settings. Every ``!Ref`` / ``!GetAtt`` resolves to a *local* name (a Lambda ARN in the
administrator account, a bucket named after the stack) that the engine then creates in moto.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from detective_rollout.engine.cfn import Resolver, UnresolvedReference, load_yaml

DEFAULT_STACK_NAME = "detective-rollout"
_FUNCTION_TYPES = {"AWS::Serverless::Function", "AWS::Lambda::Function"}
_STATE_MACHINE_TYPES = {"AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"}


@dataclass(frozen=True)
class LambdaFunction:
    """One function of the template, named as the engine names it locally."""

    logical_id: str
    #: The Task state it serves by convention: the logical id minus "Function".
    state_name: str
    name: str
    arn: str
    #: ``module.function`` as in the template, e.g. ``tasks.accept_invitations.lambda_handler``.
    handler: str
    #: Globals.Function.Environment.Variables merged with the function's own, resolved.
    environment: Mapping[str, str]
    timeout_seconds: int | None = None


@dataclass(frozen=True)
class StateMachineSpec:
    logical_id: str
    #: File stem of DefinitionUri: ``enable-detective`` for ``../statemachines/enable-detective.asl.json``.
    stem: str
    name: str
    arn: str
    substitutions: Mapping[str, str]


@dataclass(frozen=True)
class Template:
    """What the engine needs from the template, resolved for one local stack."""

    stack_name: str
    region: str
    account_id: str
    parameters: Mapping[str, str]
    functions: Mapping[str, LambdaFunction]
    state_machines: Mapping[str, StateMachineSpec]
    #: Local physical names of the resources the engine creates in moto.
    buckets: tuple[str, ...] = ()
    topic_arns: tuple[str, ...] = ()
    event_buses: tuple[str, ...] = ()
    _by_arn: Mapping[str, LambdaFunction] = field(default_factory=dict, repr=False, compare=False)

    def state_machine(self, stem: str) -> StateMachineSpec:
        try:
            return self.state_machines[stem]
        except KeyError:
            known = ", ".join(sorted(self.state_machines)) or "none"
            message = f"no state machine with DefinitionUri stem {stem!r} in the template (known: {known})"
            raise KeyError(message) from None

    def function_for_arn(self, arn: str) -> LambdaFunction | None:
        """The function a Task's FunctionName points to (a full ARN, an ARN with a qualifier, or a name)."""
        found = self._by_arn.get(arn)
        if found is None and arn.count(":") == 7:  # qualified ARN (version or alias)
            found = self._by_arn.get(arn.rsplit(":", 1)[0])
        return found

    def environment(self) -> dict[str, str]:
        """The union of every function's environment (globals first, then each function's own)."""
        merged: dict[str, str] = {}
        for function in self.functions.values():
            merged.update(function.environment)
        return merged


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


class _Model:
    """Resolves names against one template document; used once by :func:`load_template`."""

    def __init__(
        self, doc: Mapping[str, Any], stack_name: str, region: str, account_id: str, overrides: Mapping[str, Any]
    ) -> None:
        self.doc = doc
        self.stack_name, self.region, self.account_id = stack_name, region, account_id
        self.resources: Mapping[str, Any] = doc.get("Resources") or {}
        declared: Mapping[str, Any] = doc.get("Parameters") or {}
        unknown = sorted(set(overrides) - set(declared))
        if unknown:
            raise ValueError(f"template parameters: unknown parameter(s) {unknown} (declared: {sorted(declared)})")
        self.parameters = {
            name: _text(overrides[name] if name in overrides else (spec or {}).get("Default", ""))
            for name, spec in declared.items()
        }
        self.resolver = Resolver(self.ref, self.get_att, doc.get("Conditions") or {})

    # ------------------------------------------------------------------ naming
    def _props(self, logical_id: str) -> Mapping[str, Any]:
        return self.resources[logical_id].get("Properties") or {}

    def _type(self, logical_id: str) -> str:
        return str(self.resources[logical_id].get("Type", ""))

    def physical_name(self, logical_id: str) -> str:
        kind, props = self._type(logical_id), self._props(logical_id)
        explicit = {
            "AWS::S3::Bucket": "BucketName",
            "AWS::SNS::Topic": "TopicName",
            "AWS::Events::EventBus": "Name",
            "AWS::Serverless::Function": "FunctionName",
            "AWS::Lambda::Function": "FunctionName",
            "AWS::Serverless::StateMachine": "Name",
            "AWS::StepFunctions::StateMachine": "StateMachineName",
            "AWS::IAM::Role": "RoleName",
            "AWS::Logs::LogGroup": "LogGroupName",
        }.get(kind)
        if explicit and props.get(explicit) is not None:
            return _text(self.resolver.resolve(props[explicit]))
        if kind == "AWS::S3::Bucket":
            return f"{self.stack_name}-{logical_id}".lower()[:63]
        if kind in _FUNCTION_TYPES:  # <stack>-<StateName>: the Task state it serves, by convention
            return f"{self.stack_name}-{logical_id.removesuffix('Function')}"
        return f"{self.stack_name}-{logical_id}"

    def arn(self, logical_id: str) -> str:
        kind, name = self._type(logical_id), self.physical_name(logical_id)
        prefix = f"arn:aws:{{}}:{self.region}:{self.account_id}"
        if kind in _FUNCTION_TYPES:
            return f"{prefix.format('lambda')}:function:{name}"
        if kind in _STATE_MACHINE_TYPES:
            return f"{prefix.format('states')}:stateMachine:{name}"
        if kind == "AWS::SNS::Topic":
            return f"{prefix.format('sns')}:{name}"
        if kind == "AWS::S3::Bucket":
            return f"arn:aws:s3:::{name}"
        if kind == "AWS::Events::EventBus":
            return f"{prefix.format('events')}:event-bus/{name}"
        if kind == "AWS::IAM::Role":
            return f"arn:aws:iam::{self.account_id}:role/{name}"
        if kind == "AWS::Logs::LogGroup":
            return f"{prefix.format('logs')}:log-group:{name}:*"
        return f"{prefix.format('local')}:{kind}:{name}"

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name not in self.resources:
            raise UnresolvedReference(f"!Ref {name}: neither a parameter nor a resource of the template")
        kind = self._type(name)
        if kind in _STATE_MACHINE_TYPES or kind == "AWS::SNS::Topic" or kind.startswith("AWS::IAM::ManagedPolicy"):
            return self.arn(name)
        return self.physical_name(name)

    def get_att(self, name: str, attribute: str) -> Any:
        if name not in self.resources:
            raise UnresolvedReference(f"!GetAtt {name}.{attribute}: no such resource in the template")
        if attribute == "Arn":
            return self.arn(name)
        if attribute in ("Name", "TopicName", "BucketName"):
            return self.physical_name(name)
        return f"{self.physical_name(name)}.{attribute}"

    # ------------------------------------------------------------------ extraction
    def function_environment(self, logical_id: str) -> dict[str, str]:
        """SAM merges Globals into each AWS::Serverless::Function; plain Lambda functions get only their own."""
        merged: dict[str, Any] = {}
        if self._type(logical_id) == "AWS::Serverless::Function":
            globals_env = ((self.doc.get("Globals") or {}).get("Function") or {}).get("Environment") or {}
            merged.update(globals_env.get("Variables") or {})
        merged.update((self._props(logical_id).get("Environment") or {}).get("Variables") or {})
        return {key: _text(self.resolver.resolve(value)) for key, value in merged.items()}

    def functions(self) -> dict[str, LambdaFunction]:
        found: dict[str, LambdaFunction] = {}
        global_timeout = ((self.doc.get("Globals") or {}).get("Function") or {}).get("Timeout")
        for logical_id, resource in self.resources.items():
            if resource.get("Type") not in _FUNCTION_TYPES:
                continue
            props = resource.get("Properties") or {}
            handler = props.get("Handler")
            if not isinstance(handler, str):
                continue
            timeout = props.get("Timeout", global_timeout)
            found[logical_id] = LambdaFunction(
                logical_id=logical_id,
                state_name=logical_id.removesuffix("Function"),
                name=self.physical_name(logical_id),
                arn=self.arn(logical_id),
                handler=handler,
                environment=MappingProxyType(self.function_environment(logical_id)),
                timeout_seconds=int(timeout) if isinstance(timeout, int | float) else None,
            )
        return found

    def state_machines(self) -> dict[str, StateMachineSpec]:
        found: dict[str, StateMachineSpec] = {}
        for logical_id, resource in self.resources.items():
            if resource.get("Type") not in _STATE_MACHINE_TYPES:
                continue
            props = resource.get("Properties") or {}
            uri = props.get("DefinitionUri") or props.get("DefinitionS3Location")
            if not isinstance(uri, str):
                continue
            stem = Path(uri).name.removesuffix(".json").removesuffix(".asl")
            substitutions = {
                key: _text(self.resolver.resolve(value))
                for key, value in (props.get("DefinitionSubstitutions") or {}).items()
            }
            found[stem] = StateMachineSpec(
                logical_id=logical_id,
                stem=stem,
                name=self.physical_name(logical_id),
                arn=self.arn(logical_id),
                substitutions=MappingProxyType(substitutions),
            )
        return found

    def names_of(self, kind: str) -> tuple[str, ...]:
        return tuple(self.ref(lid) for lid, res in self.resources.items() if res.get("Type") == kind)


def load_template(
    path: str | Path,
    *,
    region: str = "us-east-1",
    account_id: str = "123456789012",
    stack_name: str = DEFAULT_STACK_NAME,
    parameters: Mapping[str, Any] | None = None,
    world: Mapping[str, Any] | None = None,
) -> Template:
    """Read a SAM/CloudFormation template and resolve what the engine needs for one local stack.

    ``parameters`` override Defaults (as ``sam deploy --parameter-overrides`` would); an unknown
    parameter name is an error rather than silently ignored. ``world``: values the emulated world
    decides (the scenario's member role), applied to the parameters this template declares;
    ``parameters`` win over them.
    """
    doc = load_yaml(Path(path).read_text())
    declared = doc.get("Parameters") or {}
    decided = {name: value for name, value in (world or {}).items() if name in declared}
    model = _Model(doc, stack_name, region, account_id, {**decided, **(parameters or {})})
    functions = model.functions()
    machines = model.state_machines()
    buses = tuple(
        name
        for spec in machines.values()
        for key, name in spec.substitutions.items()
        if key.endswith("EventBusName") and name and name != "default"
    ) + model.names_of("AWS::Events::EventBus")
    return Template(
        stack_name=stack_name,
        region=region,
        account_id=account_id,
        parameters=MappingProxyType(model.parameters),
        functions=MappingProxyType(functions),
        state_machines=MappingProxyType(machines),
        buckets=model.names_of("AWS::S3::Bucket"),
        topic_arns=model.names_of("AWS::SNS::Topic"),
        event_buses=tuple(dict.fromkeys(buses)),
        _by_arn=MappingProxyType({f.arn: f for f in functions.values()} | {f.name: f for f in functions.values()}),
    )
