"""The payloads the state machines pass between states: each Lambda state's input and output, typed.

The ASL builds every task's input (``Parameters.Payload``) and picks from its output
(``ResultSelector``); these TypedDicts are those two sides, named for what they are, so a key a
state reads and the key the previous state wrote are the same name in one place. Field names
are the ASL's JSONPaths (``$.run.regions`` is ``RunSummary["regions"]``).

The work documents one state writes for later ones (``work/<workflow>/<execution>/...``) that
more than one module reads are typed here too (:class:`InviteDocument`, :class:`VerifiedRegion`, ...);
they are read back from JSON, so their readers treat a key that is not there as absent.

``$.run`` is the :class:`RunSummary` the validation states return: the small facts every later
state and Choice needs (execution, Regions, batches, options). It is NOT the Plan: the Plan
(``tasks.plan.Plan``, with every account) is stored once in the work store (``request.json``)
and read from there by the states that need accounts.
"""

from __future__ import annotations

from typing import Any, NotRequired, Required, TypedDict


class StateError(TypedDict):
    """What a Catch records (``ResultPath``), and what a Region or batch that failed carries."""

    Error: str
    Cause: str


class RunRef(TypedDict):
    """The part of ``$.run`` a batch's Map iteration receives: which execution's work store to read."""

    workflow: str
    execution: str


class RunSummary(RunRef):
    """``$.run``: what ValidateInput / ValidateOffboarding return about the validated request.

    ``Plan.run_summary`` fills what both workflows share; each validation state adds its options.
    """

    admin_account_id: str
    request_key: str
    regions: list[str]
    admin_disabled_regions: list[str]
    batches: list[int]
    batch_size: int
    max_concurrency: int
    dry_run: bool
    account_count: int
    pair_count: int
    # enable
    guardduty_wait: NotRequired[str]
    guardduty_min_age_hours: NotRequired[float]
    invitation_wait_seconds: NotRequired[int]
    retry_access_denied_minutes: NotRequired[int]
    tags: NotRequired[dict[str, str]]
    graph_regions: NotRequired[list[str]]
    datasource_packages: NotRequired[list[str]]
    auto_enable_organization: NotRequired[bool | None]
    # disable
    all_members: NotRequired[bool]
    disassociate_in_member: NotRequired[bool]
    delete_graph: NotRequired[bool]


class ValidationInput(TypedDict):
    """ValidateInput / ValidateOffboarding: the execution's input as given, and the execution's name."""

    input: Any  # whatever the caller sent: validated field by field
    execution: str


class GateDocument(TypedDict, total=False):
    """CheckGuardDuty's gate in a Region's outcome (``guardduty``: a GuardDutyGate)."""

    region: str
    gate: str  # READY | GUARDDUTY_TOO_YOUNG | GUARDDUTY_NOT_ENABLED | ADMIN_REGION_NOT_ENABLED
    guardduty_age_hours: float | None
    qualifies_at: str | None
    detail: str


class GraphDocument(TypedDict, total=False):
    """EnsureGraph's graph in a Region's outcome (``graph``: a GraphOutcome)."""

    region: str
    graph_arn: str | None
    created: bool
    tagged: bool
    planned: str | None
    # tasks.graph_config's GraphConfig, once the graph exists
    organization_admin: bool | None
    datasource_packages: dict[str, str] | None
    packages_started: list[str]
    auto_enable: dict[str, Any] | None
    changes_planned: list[str]


class Counted(TypedDict):
    """How many accounts a state worked on, and its records counted by outcome (or action)."""

    accounts: int
    counts: dict[str, int]


class InviteCounts(Counted):
    """InviteMembers' counts in a Region's outcome (``invite``): accounts, and records by action and errors."""

    region: str


class RegionOutcome(TypedDict, total=False):
    """One Region's entry of a per-Region outcome list (tasks.region_outcomes)."""

    region: Required[str]
    status: str  # READY | WAITING | SKIPPED | FAILED (enable) - DONE | FAILED (disable)
    reason: str
    error: StateError
    guardduty: GateDocument  # CheckGuardDuty's gate
    graph: GraphDocument  # EnsureGraph's graph outcome
    invite: InviteCounts  # InviteMembers' counts
    graph_arn: str | None  # disable: the Region's graph
    accounts: int  # disable: RemoveMembers' accounts
    counts: dict[str, int]  # disable: RemoveMembers' records by outcome
    outcome: str  # disable: DeleteGraph's outcome


class RunInput(TypedDict):
    """A state that reads only ``$.run``: CheckGuardDuty, RemoveMembers, DeleteGraph."""

    run: RunSummary


class RegionsInput(TypedDict):
    """A Region-wide state that continues the outcome list: EnsureGraph, InviteMembers, VerifyMembers."""

    run: RunSummary
    regions: list[RegionOutcome]


class RegionsOutput(TypedDict):
    """EnsureGraph, RemoveMembers, DeleteGraph: the outcome list."""

    regions: list[RegionOutcome]


class GuardDutyOutput(RegionsOutput):
    """CheckGuardDuty: the outcome list and when the first waiting Region qualifies (None: nothing waits)."""

    wait_until: str | None


class InvitationsOutput(RegionsOutput):
    """InviteMembers: the outcome list, the Regions ready for accepting, and until when to wait for invitations."""

    ready: list[str]
    visible_at: str | None


class Verification(TypedDict, total=False):
    """One Region's verification: verified with its pending count, nothing to verify, or the error."""

    region: Required[str]
    verified: Required[bool]
    pending: int
    error: StateError


class VerificationOutput(TypedDict):
    """VerifyMembers: every Region's verification; ``retry`` asks the machine to wait and call again."""

    regions: list[Verification]
    attempt: int
    pending: int
    retry: bool


class BatchInput(TypedDict):
    """AcceptInvitations, DisassociateMemberships: one Map iteration's batch of accounts."""

    batch: int
    run: RunRef


class BatchOutput(Counted):
    """AcceptInvitations, DisassociateMemberships: the batch's account-Region outcomes, counted."""

    batch: int


class BatchResult(TypedDict, total=False):
    """One entry of ``$.batches``: AcceptInvitations' BatchOutput, or BatchFailed's ``status`` and ``error``."""

    batch: Required[int]
    accounts: int
    counts: dict[str, int]
    status: str  # FAILED (BatchFailed)
    error: StateError


class PendingRolesInput(TypedDict):
    """AcceptPendingRoles: which execution's work store, and every batch's result (``$.batches``)."""

    run: RunRef
    batches: list[BatchResult]


class PendingRolesOutput(TypedDict):
    """AcceptPendingRoles: whether accounts still wait for their member role, when to try next, the counts."""

    pending: bool
    retry_at: str | None
    counts: dict[str, int]


class ReportInput(TypedDict):
    """WriteReport: ``$.run`` and the machine's whole state (outcome lists, batch results, caught errors)."""

    run: RunSummary
    state: dict[str, Any]


class ReportOutput(TypedDict):
    """WriteReport: what PublishSummary, PutSummaryEvent, AnyFailed and Done read."""

    summary: dict[str, int]
    report_bucket: str
    report_key: str
    report_html_key: str  # the report's HTML page, next to the JSON
    failed: bool
    summary_json: str
    message: str
    sns_message: str  # PublishSummary's per-protocol message: ``message``, and for HTTPS (Chatbot) its custom format
    event_detail: dict[str, Any]  # the summary event's Detail, an object


class InviteDocument(TypedDict, total=False):
    """One account's InviteMembers record in a Region (``invite.json``'s ``members``: an InviteRecord)."""

    prior_status: str | None
    action: str  # none | invite | repair | start_monitoring
    member_status: str | None
    expect_invitation: bool
    changed: bool
    error: str | None
    detail: str | None
    invited_at: str | None
    disabled_reason: str | None
    enrollment: str | None  # the MemberDetail's InvitationType: ORGANIZATION | INVITATION (None: not a member)


class RegionInvites(TypedDict, total=False):
    """A Region's entry of ``invite.json``: its graph and every requested account's record."""

    region: str
    graph_arn: str | None
    members: dict[str, InviteDocument]


class TargetGroup(TypedDict):
    """Accounts requested in the same Regions, with the (lower-case) email each should have."""

    regions: list[str]
    emails: dict[str, str]


class VerifyTargets(TypedDict):
    """``verify-targets.json``: what VerifyMembers checks, written once by InviteMembers."""

    groups: list[TargetGroup]


class VerifiedMember(TypedDict, total=False):
    """A member's final status as VerifyMembers read it (GetMembers)."""

    status: str | None
    disabled_reason: str | None
    email_matches: bool
    enrollment: str | None  # the MemberDetail's InvitationType: ORGANIZATION | INVITATION
    datasource_packages: dict[str, str]  # DatasourcePackageIngestStates, where GetMembers reports them


class VerifiedRegion(TypedDict, total=False):
    """A Region's entry of ``verify.json``: the attempt that read it and each member's status."""

    region: str
    attempt: int
    members: dict[str, VerifiedMember]


class PlanOptions(TypedDict, total=False):
    """The Plan's ``options``: what the later states of its workflow decide on (``request.json``)."""

    # enable
    guardduty_min_age_hours: float
    guardduty_wait: str
    retry_access_denied_minutes: int
    invitation_message: str | None
    disable_email_notification: bool
    tags: dict[str, str]
    invitation_wait_seconds: int
    member_guardduty: str  # report | enable: a member without GuardDuty gets a detector from the run
    datasource_packages: list[str]  # the optional data source packages EnsureGraph starts
    auto_enable_organization: bool | None  # AutoEnable where the administrator is the organization's Detective admin
    access_denied_deadline: str | None  # when retries of a missing member role stop (None: no retries)
    # disable
    all_members: bool
    disassociate_in_member: bool
    delete_graph: bool
