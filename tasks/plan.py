"""The validated request of one execution: what every later state works from.

ValidateInput writes it once to ``work/<workflow>/<execution>/request.json``; every other task
reads it from there, so state payloads carry keys and counts instead of 1,200 accounts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from tasks import __version__, clock
from tasks.contracts import PlanOptions, RunSummary


@dataclass(frozen=True)
class Account:
    account_id: str
    email: str | None
    regions: tuple[str, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Account:
        return cls(data["account_id"], data.get("email"), tuple(data["regions"]))


@dataclass(frozen=True)
class Plan:
    workflow: str
    execution: str
    admin_account_id: str
    regions: tuple[str, ...]
    accounts: tuple[Account, ...]
    batch_size: int
    max_concurrency: int
    dry_run: bool
    started_at: str
    #: Requested Regions the administrator has not enabled (opt-in): SKIPPED / ADMIN_REGION_NOT_ENABLED.
    admin_disabled_regions: tuple[str, ...] = ()
    #: Workflow-specific options (enable: GuardDuty gate, invitation message, tags, ...).
    options: PlanOptions = field(default_factory=PlanOptions)
    #: The report's ``request`` block: source, original input, version, replay_of.
    request: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def validated(
        cls,
        workflow: str,
        execution: str,
        admin: str,
        accounts: tuple[Account, ...],
        regions: tuple[str, ...],
        enabled: Collection[str],
        options: Mapping[str, Any],
        plan_options: PlanOptions,
        event_input: Any,
        now: datetime,
    ) -> Plan:
        """The plan a validation state stores: ``options`` as validated, the requested Regions the administrator
        has not enabled (not in ``enabled``), the workflow's ``plan_options`` and the report's request block."""
        return cls(
            workflow=workflow,
            execution=execution,
            admin_account_id=admin,
            regions=regions,
            accounts=accounts,
            batch_size=options["batch_size"],
            max_concurrency=options["max_concurrency"],
            dry_run=options["dry_run"],
            started_at=clock.iso(now),
            admin_disabled_regions=tuple(r for r in regions if r not in enabled),
            options=plan_options,
            request={
                "source": options["source"],
                "input": event_input,
                "version": __version__,
                "replay_of": options["replay_of"],
            },
        )

    def run_summary(self, request_key: str) -> RunSummary:
        """What both validation states pass along about this plan (the plan itself stays at ``request_key``)."""
        return {
            "workflow": self.workflow,
            "execution": self.execution,
            "admin_account_id": self.admin_account_id,
            "request_key": request_key,
            "regions": list(self.regions),
            "admin_disabled_regions": list(self.admin_disabled_regions),
            "batches": list(range(self.batch_count)),
            "batch_size": self.batch_size,
            "max_concurrency": self.max_concurrency,
            "dry_run": self.dry_run,
            "account_count": len(self.accounts),
            "pair_count": len(self.pairs()),
        }

    @property
    def batch_count(self) -> int:
        return (len(self.accounts) + self.batch_size - 1) // self.batch_size

    def batch(self, index: int) -> tuple[Account, ...]:
        start = index * self.batch_size
        return self.accounts[start : start + self.batch_size]

    def accounts_in(self, region: str) -> tuple[Account, ...]:
        return tuple(a for a in self.accounts if region in a.regions)

    def pairs(self) -> list[tuple[str, str]]:
        """Every requested (account_id, region), in input order: the report's rows."""
        return [(a.account_id, r) for a in self.accounts for r in a.regions]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def batch_document(self, index: int) -> dict[str, Any]:
        """One batch's work document: the plan without its account list and request, and the batch's accounts.

        A batch task reads this instead of ``request.json`` (~430 KB of JSON at 1,200 accounts x 21 Regions).
        """
        header = {k: v for k, v in self.to_json().items() if k not in ("accounts", "request")}
        return {"batch": index, "plan": header, "accounts": [asdict(a) for a in self.batch(index)]}

    @classmethod
    def from_batch_document(cls, document: dict[str, Any]) -> Plan:
        """The plan of :meth:`batch_document`, with that batch's accounts only."""
        return cls.from_json({**document["plan"], "accounts": document["accounts"]})

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        options: PlanOptions = data.get("options", {})
        return cls(
            workflow=data["workflow"],
            execution=data["execution"],
            admin_account_id=data["admin_account_id"],
            regions=tuple(data["regions"]),
            accounts=tuple(Account.from_json(a) for a in data["accounts"]),
            batch_size=int(data["batch_size"]),
            max_concurrency=int(data["max_concurrency"]),
            dry_run=bool(data["dry_run"]),
            started_at=data["started_at"],
            admin_disabled_regions=tuple(data.get("admin_disabled_regions", ())),
            options=options.copy(),
            request=dict(data.get("request", {})),
        )
