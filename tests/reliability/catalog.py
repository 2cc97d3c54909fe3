"""What the reliability tests try, as data: the fault matrix and the bad-input tables, and docs/reliability.md.

Each entry states the fault (or bad input) and the outcome the tests assert for it, so the page
rendered from these tables (:func:`render`) says exactly what the suite proves:
``tests/reliability/test_reliability_doc.py`` fails when docs/reliability.md differs from it.
Regenerate with ``.venv/bin/python -m tests.reliability.catalog``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers.workflow import member, scenario

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"

#: Every Lambda-backed Task state of the enable machine, in execution order.
ENABLE_TASKS = (
    "ValidateInput",
    "CheckGuardDuty",
    "EnsureGraph",
    "InviteMembers",
    "AcceptInvitations",
    "VerifyMembers",
    "WriteReport",
)
#: The fleet every matrix case starts from: 4 member accounts x 2 Regions = 8 pairs, 2 accounts per batch.
MEMBERS = 4
REGIONS = ("us-east-1", "eu-west-1")
BATCH_SIZE = 2
OPT_IN = "ap-east-1"


def fleet(faults: dict[int, list[Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """The matrix fleet; ``faults`` gives member ``n`` (1-based) its scenario faults."""
    faults = faults or {}
    members = [member(n, **({"faults": faults[n]} if n in faults else {})) for n in range(1, MEMBERS + 1)]
    return scenario(members, **overrides)


def opt_in_fleet(**overrides: Any) -> dict[str, Any]:
    """The matrix fleet with an opt-in Region (``ap-east-1``) instead of eu-west-1."""
    admin = {"guardduty_age_hours": {"us-east-1": 72, OPT_IN: 72}}
    return fleet(regions=["us-east-1", OPT_IN], administrator=admin, **overrides)


@dataclass(frozen=True)
class FaultCase:
    """One fault of the matrix and what the suite asserts about the run that meets it."""

    id: str
    fault: str  # what is injected, for the page
    spec: dict[str, Any]
    #: First run: rows by "STATUS" or "STATUS/REASON" -> count (the 8 pairs).
    rows: dict[str, int]
    #: How the execution ends: SUCCEEDED, RolloutIncomplete (red, report written) or another error name.
    ending: str
    #: Pairs the replay reran once the fault was removed (0: the first run already converged).
    replayed: int
    outcome: str  # the outcome in words, for the page
    fields: dict[str, Any] = field(default_factory=dict)  # extra execution input

    @property
    def total(self) -> int:
        return len(self.spec["members"]) * len(self.spec["regions"])


def _service_errors(task: str) -> list[dict[str, Any]]:
    return [
        {"task": task, "error": "Lambda.TooManyRequestsException", "times": 2},
        {"task": task, "error": "Lambda.ServiceException", "times": 2},
    ]


ALL = MEMBERS * len(REGIONS)
#: Rows one crashed AcceptInvitations invocation (one batch) turns FAILED.
BATCH_ROWS = BATCH_SIZE * len(REGIONS)

FAULTS: list[FaultCase] = [
    FaultCase(
        "throttle-10",
        "10% of every call throttled (Detective, GuardDuty, STS, Account)",
        fleet(throttle_rate=0.1, seed=10),
        {"ENABLED": ALL},
        "SUCCEEDED",
        0,
        "botocore's back-off absorbs it: every pair ENABLED",
    ),
    FaultCase(
        "throttle-50",
        "50% of every call throttled (Detective, GuardDuty, STS, Account)",
        fleet(throttle_rate=0.5, seed=5),
        {"ENABLED": ALL - 2, "FAILED/THROTTLED": 2},
        "RolloutIncomplete",
        2,
        "the pairs whose retries ran out are FAILED / THROTTLED with the AWS error; the rest ENABLED",
    ),
    FaultCase(
        "5xx-20",
        "20% of every call answers the service's 5xx error",
        fleet(error_rate=0.2, seed=4),
        {"ENABLED": ALL},
        "SUCCEEDED",
        0,
        "retried (botocore, then the state's Retry): every pair ENABLED",
    ),
    FaultCase(
        "5xx-short-burst",
        "a short burst: the first 10 calls answer 5xx",
        fleet(events=[{"type": "error_burst", "after_calls": 0, "calls": 10}]),
        {"ENABLED": ALL},
        "SUCCEEDED",
        0,
        "botocore's retries outlast it: every pair ENABLED",
    ),
    FaultCase(
        "5xx-burst",
        "a long burst: 40 consecutive calls answer 5xx (from the 19th call)",
        fleet(events=[{"type": "error_burst", "after_calls": 18, "calls": 40}]),
        {"FAILED/ERROR": ALL},
        "RolloutIncomplete",
        ALL,
        "the pairs whose retries ran out inside the burst (here the whole acceptance) are FAILED / ERROR naming "
        "the 5xx error, left INVITED",
    ),
    FaultCase(
        "sts-5xx-burst",
        "AssumeRole answers 5xx for 10 minutes once the invitations are out",
        fleet(events=[{"type": "error_burst", "after_s": 30, "duration_s": 600, "ops": ["AssumeRole"]}]),
        {"FAILED/ERROR": ALL},
        "RolloutIncomplete",
        ALL,
        "no member role can be assumed: every pair FAILED / ERROR with the STS error, invitations left INVITED",
    ),
    *[
        FaultCase(
            f"lambda-service-{task}",
            f"{task}: its Lambda throttled twice, then the Lambda service failing twice",
            fleet(lambda_faults=_service_errors(task)),
            {"ENABLED": ALL},
            "SUCCEEDED",
            0,
            "the state's Retry absorbs Lambda.TooManyRequestsException and Lambda.ServiceException: all ENABLED",
        )
        for task in ENABLE_TASKS
    ],
    FaultCase(
        "lambda-crash-ValidateInput",
        "ValidateInput: the function crashes (Runtime.ExitError) once",
        fleet(lambda_faults=[{"task": "ValidateInput", "error": "crash"}]),
        {},
        "Runtime.ExitError",
        ALL,
        "the execution fails red with the crash before any write and without a report (no pair is known "
        "before validation); a rerun converges",
    ),
    *[
        FaultCase(
            f"lambda-crash-{task}",
            f"{task}: the function crashes (Runtime.ExitError) once",
            fleet(lambda_faults=[{"task": task, "error": "crash"}]),
            {"ENABLED": ALL},
            "SUCCEEDED",
            0,
            "retried by the state (States.TaskFailed; the task is idempotent): every pair ENABLED",
        )
        for task in ("CheckGuardDuty", "EnsureGraph", "InviteMembers", "VerifyMembers")
    ],
    FaultCase(
        "lambda-crash-AcceptInvitations",
        "AcceptInvitations: the function crashes (Runtime.ExitError) once",
        fleet(lambda_faults=[{"task": "AcceptInvitations", "error": "crash"}]),
        {"ENABLED": ALL - BATCH_ROWS, "FAILED/ERROR": BATCH_ROWS},
        "RolloutIncomplete",
        BATCH_ROWS,
        f"the batch's {BATCH_ROWS} pairs are FAILED / ERROR naming the crash (left INVITED); the rest ENABLED",
    ),
    FaultCase(
        "lambda-crash-WriteReport",
        "WriteReport: the function crashes (Runtime.ExitError) once",
        fleet(lambda_faults=[{"task": "WriteReport", "error": "crash"}]),
        {"ENABLED": ALL},
        "SUCCEEDED",
        0,
        "retried (WriteReport is idempotent): the report is written, every pair ENABLED",
    ),
    FaultCase(
        "access-denied",
        "AssumeRole into one member's role is AccessDenied (role not deployed)",
        fleet({1: ["no_role"]}),
        {"ENABLED": ALL - 2, "FAILED/ACCESS_DENIED": 2},
        "RolloutIncomplete",
        2,
        "that account's pairs are FAILED / ACCESS_DENIED (left INVITED); everyone else carries on",
    ),
    FaultCase(
        "access-denied-role-arrives",
        "one member's role appears 5 minutes late; retry_access_denied_minutes 15",
        fleet({1: [{"type": "no_role", "duration_s": 300}]}),
        {"ENABLED": ALL},
        "SUCCEEDED",
        0,
        "AcceptPendingRoles tries it again (Wait until retry_at) until the role works: every pair ENABLED",
        fields={"retry_access_denied_minutes": 15},
    ),
    FaultCase(
        "access-denied-past-window",
        "one member's role missing for an hour; retry_access_denied_minutes 5",
        fleet({1: [{"type": "no_role", "duration_s": 3600}]}),
        {"ENABLED": ALL - 2, "FAILED/ACCESS_DENIED": 2},
        "RolloutIncomplete",
        2,
        "the retries stop at the window's end (the loop always ends): its pairs are FAILED / ACCESS_DENIED",
        fields={"retry_access_denied_minutes": 5},
    ),
    FaultCase(
        "role-removed",
        "one member's role is deleted mid-run (once the invitations are out)",
        fleet(events=[{"type": "role_removed", "account_id": member(2)["account_id"], "after_s": 30}]),
        {"ENABLED": ALL - 2, "FAILED/ACCESS_DENIED": 2},
        "RolloutIncomplete",
        2,
        "that account's pairs are FAILED / ACCESS_DENIED; everyone else carries on",
    ),
    FaultCase(
        "invitation-late",
        "one member's invitation stays invisible for 2 minutes",
        fleet({1: [{"type": "slow_invitation", "duration_s": 120}]}),
        {"ENABLED": ALL},
        "SUCCEEDED",
        0,
        "AcceptInvitations waits for it (bounded back-off): every pair ENABLED",
    ),
    FaultCase(
        "invitation-invisible",
        "one member's invitation stays invisible for a day",
        fleet({1: [{"type": "slow_invitation", "duration_s": 86400}]}),
        {"ENABLED": ALL - 2, "FAILED/INVITATION_NOT_ACCEPTED": 2},
        "RolloutIncomplete",
        2,
        "its pairs are FAILED / INVITATION_NOT_ACCEPTED after the bounded wait; the replay accepts them",
    ),
    FaultCase(
        "verification-fails",
        "one member's email is not its root email (verification fails)",
        fleet({1: ["verification_fails"]}),
        {"ENABLED": ALL - 2, "FAILED/VERIFICATION_FAILED": 2},
        "RolloutIncomplete",
        2,
        "its pairs are FAILED / VERIFICATION_FAILED; replayed with the root email they are repaired and ENABLED",
    ),
    FaultCase(
        "volume-too-high",
        "one member's data volume is too high for Detective",
        fleet({1: ["volume_too_high"]}),
        {"ENABLED": ALL - 2, "FAILED/VOLUME_TOO_HIGH": 2},
        "RolloutIncomplete",
        2,
        "its pairs are FAILED / VOLUME_TOO_HIGH (ACCEPTED_BUT_DISABLED); once the volume allows, the replay's "
        "StartMonitoringMember enables them",
    ),
    FaultCase(
        "region-disabled-at-start",
        f"the administrator disables the opt-in Region {OPT_IN} before validation",
        opt_in_fleet(events=[{"type": "region_disabled", "region": OPT_IN, "after_calls": 0}]),
        {"ENABLED": MEMBERS, "SKIPPED/ADMIN_REGION_NOT_ENABLED": MEMBERS},
        "SUCCEEDED",
        MEMBERS,
        "that Region's pairs are SKIPPED / ADMIN_REGION_NOT_ENABLED; once re-enabled, the replay enables them",
    ),
    FaultCase(
        "region-disabled-mid-run",
        f"the administrator disables the opt-in Region {OPT_IN} mid-run",
        opt_in_fleet(events=[{"type": "region_disabled", "region": OPT_IN, "after_s": 30}]),
        {"ENABLED": MEMBERS, "FAILED/ERROR": MEMBERS},
        "RolloutIncomplete",
        MEMBERS,
        "that Region's pairs are FAILED / ERROR: their final status could not be read (no stale status is "
        "reported); once re-enabled, the replay enables them",
    ),
    FaultCase(
        "graph-deleted-mid-run",
        "the administrator's graph in us-east-1 is deleted mid-run",
        fleet(events=[{"type": "graph_deleted", "region": "us-east-1", "after_s": 30}]),
        {"ENABLED": MEMBERS, "FAILED/ERROR": MEMBERS},
        "RolloutIncomplete",
        MEMBERS,
        "that Region's pairs are FAILED / ERROR (status unreadable); the replay creates a new graph and enables them",
    ),
]


@dataclass(frozen=True)
class BadInput:
    """One malformed input and the refusal the tests assert (before any write)."""

    surface: str  # "CLI enable", "disable workflow", ...
    what: str  # the malformed value, in words
    message: str  # a fragment of the error, naming the field and the value
    exit_code: int | None = None  # CLI only
    #: CLI only: the arguments after the command ("{dir}" is a scratch folder holding ``files``).
    args: tuple[str, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)
    #: Workflow only: the execution input, and the accounts_csv object's bytes if any.
    input: Any = None
    csv: bytes | None = None


LATIN1_CSV = "200000000001,jos\u00e9@example.com\n".encode("latin-1")
_M1 = member(1)["account_id"]
#: Inputs the CLI refuses: exit 2, the message on stderr, no report (tests/reliability/test_bad_input.py).
CLI_BAD_INPUTS: list[BadInput] = [
    BadInput(
        "CLI enable",
        "--accounts file that is not UTF-8 (Latin-1 bytes)",
        "--accounts: '{dir}/latin1.csv' is not UTF-8 text (byte 0xe9 at offset 16)",
        2,
        ("--accounts", "{dir}/latin1.csv"),
        {"latin1.csv": LATIN1_CSV},
    ),
    BadInput(
        "CLI enable",
        "--accounts file that does not exist",
        "--accounts: no such file '{dir}/missing.csv'",
        2,
        ("--accounts", "{dir}/missing.csv"),
    ),
    BadInput(
        "CLI enable",
        "--accounts file larger than 5 MiB (refused from its size, never read)",
        "--accounts: '{dir}/huge.csv' has 5242881 bytes; at most 5242880 (5 MiB)",
        2,
        ("--accounts", "{dir}/huge.csv"),
        {"huge.csv": b"x" * (5 * 1024 * 1024 + 1)},
    ),
    BadInput(
        "CLI enable",
        "--accounts CSV with an implausible email",
        "error: {dir}/bad.csv row 1 email: not a plausible email address: 'b***@'",
        2,
        ("--accounts", "{dir}/bad.csv"),
        {"bad.csv": f"{_M1},bob@\n".encode()},
    ),
    BadInput(
        "CLI enable",
        "--accounts CSV with BOM, header and an extra column",
        "error: {dir}/extra.csv row 2: 4 columns, expected account_id,email[,regions]",
        2,
        ("--accounts", "{dir}/extra.csv"),
        {"extra.csv": f"\ufeffaccount_id,email\n{_M1},m1@example.com,us-east-1,x\n".encode()},
    ),
    BadInput(
        "CLI enable",
        "--regions with only commas",
        "expected a comma-separated list of Regions or 'all', got ',,'",
        2,
        ("--regions", ",,"),
    ),
    BadInput(
        "CLI enable",
        "--regions naming an unknown Region",
        "error: regions[1]: not a known AWS Region: 'us-east-9'",
        2,
        ("--regions", "us-east-1,us-east-9"),
    ),
    BadInput(
        "CLI enable",
        "--input JSON that is a list, not an object",
        "--input: {dir}/list.json: expected a JSON object (the execution input), got list",
        2,
        ("--input", "{dir}/list.json"),
        {"list.json": b'[["regions", "all"]]'},
    ),
    BadInput(
        "CLI enable",
        "--input JSON that is a number",
        "--input: {dir}/number.json: expected a JSON object",
        2,
        ("--input", "{dir}/number.json"),
        {"number.json": b"5"},
    ),
    BadInput(
        "CLI enable",
        "--input file that is not JSON",
        "--input: {dir}/broken.json: Expecting property name",
        2,
        ("--input", "{dir}/broken.json"),
        {"broken.json": b"{accounts:"},
    ),
    BadInput(
        "CLI enable",
        "--input with an account id as a JSON number",
        "error: accounts[0].account_id: must be a string of 12 digits, got the number 200000000001",
        2,
        ("--input", "{dir}/number-id.json"),
        {"number-id.json": b'{"accounts": [{"account_id": 200000000001, "email": "m1@example.com"}]}'},
    ),
    BadInput(
        "CLI disable",
        "--input JSON that is a string",
        "--input: {dir}/string.json: expected a JSON object",
        2,
        ("--input", "{dir}/string.json"),
        {"string.json": b'"all"'},
    ),
    BadInput(
        "CLI disable",
        "--accounts file that is not UTF-8 (Latin-1 bytes)",
        "--accounts: '{dir}/latin1.csv' is not UTF-8 text",
        2,
        ("--accounts", "{dir}/latin1.csv"),
        {"latin1.csv": LATIN1_CSV},
    ),
]

_IDS = [{"account_id": _M1}]
#: The disable workflow's own fields (the shared ones are ValidateInput's table), at task level.
DISABLE_BAD_INPUTS: list[BadInput] = [
    BadInput(
        "disable workflow",
        "all_members not a boolean",
        "all_members: expected true or false, got 'yes'",
        input={"all_members": "yes"},
    ),
    BadInput(
        "disable workflow",
        "delete_graph as a string",
        "delete_graph: expected true or false, got 'true'",
        input={"all_members": True, "delete_graph": "true", "confirm_delete_graph": "111111111111"},
    ),
    BadInput(
        "disable workflow",
        "disassociate_in_member as a number",
        "disassociate_in_member: expected true or false, got 1",
        input={"accounts": _IDS, "disassociate_in_member": 1},
    ),
    BadInput(
        "disable workflow",
        "confirm_delete_graph of 65 characters",
        "confirm_delete_graph: expected a string of 1 to 64 characters, got 65 characters",
        input={"all_members": True, "delete_graph": True, "confirm_delete_graph": "1" * 65},
    ),
    BadInput(
        "disable workflow",
        "accounts, accounts_csv and all_members all missing",
        "accounts, accounts_csv, all_members: one of them is required",
        input={"regions": "all"},
    ),
    BadInput(
        "disable workflow",
        "same account twice with other Regions",
        f"accounts[1].regions: account '{_M1}' is listed again with other regions",
        input={
            "accounts": [{"account_id": _M1, "regions": ["us-east-1"]}, {"account_id": _M1, "regions": ["eu-west-1"]}]
        },
    ),
    BadInput(
        "disable workflow",
        "CSV row with an 11-digit id (a lost leading zero)",
        "accounts_csv row 1 account_id: expected 12 digits, got '22222222222'",
        input={},
        csv=b"22222222222\n",
    ),
    BadInput(
        "disable workflow",
        "CSV with an unclosed quote",
        "a value spans several lines (a quote not closed?)",
        input={},
        csv=f'"{_M1}\n{_M1}\n'.encode(),
    ),
    BadInput(
        "disable workflow",
        "CSV listing the administrator",
        "'111111111111' is the administrator account",
        input={},
        csv=b"account_id\n111111111111\n",
    ),
    BadInput(
        "disable workflow",
        "CSV with a header only",
        "accounts_csv: no account rows",
        input={},
        csv=b"account_id,email\n",
    ),
    BadInput(
        "disable workflow",
        "accounts_csv object missing in S3",
        "accounts_csv: 's3://inputs/absent.csv' does not exist or cannot be read",
        input={"accounts_csv": "s3://inputs/absent.csv"},
    ),
    BadInput(
        "disable workflow",
        "5001 accounts",
        "accounts: at most 5000 accounts per execution, got 5001",
        input={"accounts": _IDS * 5001},
    ),
    BadInput(
        "disable workflow", "unknown field", "input: unknown field 'delete'", input={"accounts": _IDS, "delete": True}
    ),
]


#: The security checks and where they live (listed on the page; each is a test).
SECURITY_CHECKS: list[tuple[str, str]] = [
    (
        "no `*` action; `*` resources only for actions without resource-level permissions; scoped S3 prefixes and "
        "graph ARNs",
        "tests/infra/test_infra_iam.py",
    ),
    (
        "only the AcceptInvitations and DisassociateMemberships roles hold sts:AssumeRole, only on "
        "`role/<MemberRoleName>`; the member role trusts exactly those two roles (ExternalId optional)",
        "tests/infra/test_infra_iam.py",
    ),
    (
        "only the Lambda service can assume those two roles, each serves exactly its one function, and after the SAM "
        "transform no other generated role may call sts:",
        "tests/infra/test_infra_assume_scope.py",
    ),
    (
        "while both workflows run, every AssumeRole names the member role of a requested account, comes from those "
        "two tasks, once per account, with the execution in the session name",
        "tests/security/test_assume_scope.py",
    ),
    (
        "report bucket private (public access blocked, owner-enforced), encrypted, versioned, TLS-only; topic "
        "encrypted; state machine logs exclude execution data",
        "tests/infra/test_infra_storage.py",
    ),
    (
        "no member-role credentials and no unmasked email in the task logs, in any cause of the execution history, "
        "in the history after validation, or in the SNS / EventBridge notifications (summary and report location "
        "only)",
        "tests/security/test_no_leaks.py",
    ),
    (
        "a CSV over 5 MiB is refused from HeadObject without being downloaded; one that grows after HeadObject is "
        "read only up to the cap; the CLI refuses a large --accounts file from its size",
        "tests/security/test_input_caps.py, tests/reliability/test_bad_input.py",
    ),
]


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _rows(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counts.items()) or "no report"


def _disable_section() -> list[str]:
    """The disable workflow's matrix (tests/reliability/disable_catalog.py)."""
    from tests.reliability.disable_catalog import BATCH_SIZE as DISABLE_BATCH
    from tests.reliability.disable_catalog import DISABLE_FAULTS

    lines = [
        "",
        "## Fault matrix (disable workflow)",
        "",
        f"The same {MEMBERS} accounts, each ENABLED in both Regions, offboarded {DISABLE_BATCH} per batch "
        "(`tests/reliability/test_disable_fault_matrix.py`). Asserted for every fault: the execution ends in bounded",
        "time; every requested pair is reported exactly once; a REMOVED row is no longer a member and a FAILED row",
        "still is (with the error in `detail`); with graph deletion, each graph is gone or its Region is FAILED /",
        "GRAPH_NOT_DELETED; and the same offboarding run again once the fault is removed leaves no requested account",
        "a member (and no graph), changing exactly the pairs the first run left undone.",
        "",
    ]
    return lines + _matrix(DISABLE_FAULTS, "rerun", "pairs changed, all removed", "no pair changed")


def _runtime_section() -> list[str]:
    """Fail closed, interrupted and killed runs (tests/reliability/runtime_catalog.py)."""
    from tests.reliability.runtime_catalog import DESIGN, RUNTIME_CASES

    lines = [
        "",
        "## Fail closed, interrupted and killed runs",
        "",
        "The local engine never sends a request to a real AWS endpoint, and a local run that is interrupted or killed",
        "loses nothing it did. `small.json`: administrator 111111111111 with GuardDuty 72 h old in us-east-1 and",
        "eu-west-1, three members with roles. Exit codes: 130 after SIGINT, 143 after SIGTERM.",
        "",
        "| reproduction | asserted | test |",
        "|---|---|---|",
    ]
    lines += [f"| {_cell(what)} | {_cell(outcome)} | `{where}` |" for what, outcome, where in RUNTIME_CASES]
    return [*lines, "", *DESIGN]


def _matrix(cases: list[FaultCase], again: str, changed: str, unchanged: str) -> list[str]:
    """A fault table: what each fault did, and what running ``again`` without it changed."""
    lines = [
        f"| fault | first run: rows | execution | {again} after the fault is removed | outcome |",
        "|---|---|---|---|---|",
    ]
    for case in cases:
        after = f"{case.replayed} {changed}" if case.replayed else unchanged
        lines.append(f"| {_cell(case.fault)} | {_rows(case.rows)} | {case.ending} | {after} | {_cell(case.outcome)} |")
    return lines


def render() -> str:
    """docs/reliability.md, from the tables the tests assert."""
    from tests.tasks.test_validate_input_bad_input import BAD_INPUT  # the ValidateInput table (task level)

    lines = [
        "# Reliability: every fault and bad input the suite tries, and what happens",
        "",
        "<!-- Generated by `.venv/bin/python -m tests.reliability.catalog` from tests/reliability/*catalog.py",
        "     and tests/tasks/test_validate_input_bad_input.py; tests/reliability/test_reliability_doc.py fails",
        "     when stale. -->",
        "",
        "Users ask two questions of a tool that writes to every account of their fleet: *did it miss anything?* and",
        "*what can it do in my accounts?* This page answers them with what the test suite proves, not with prose.",
        "",
        "## The invariant",
        "",
        "Each fault below is injected, seeded, into the real state machine and task code running on the embedded",
        "engine over the emulated fleet (`tests/reliability/test_fault_matrix.py`). For every one of them the tests",
        "assert:",
        "",
        "1. **the execution ends** - within a bounded wall time and clock time (no hang, no endless Wait or",
        "   Retry loop): SUCCEEDED, or FAILED with `RolloutIncomplete` and the report written;",
        "2. **nothing is lost** - every requested account x Region appears exactly once in the report, nothing",
        "   else does, and the summary counts add up;",
        "3. **every row tells the truth** - its status, reason and `member_status` agree with the administrator's",
        "   graph in the fleet (an ENABLED row is an ENABLED member, VERIFICATION_FAILED a VERIFICATION_FAILED",
        "   member; a FAILED / ERROR row whose status could not be read says so and claims no status);",
        "4. **a replay converges** - once the fault is removed, rerunning the enable workflow on the same fleet",
        "   over the pairs that are not ENABLED (with the account's root email, as an operator fixing the input",
        "   would) enables every requested pair.",
        "",
        f"The fleet: {MEMBERS} member accounts x {len(REGIONS)} Regions = {ALL} pairs, {BATCH_SIZE} accounts per "
        "AcceptInvitations batch.",
        "",
        "## Fault matrix (enable workflow)",
        "",
    ]
    lines += _matrix(FAULTS, "replay", "pairs rerun, all ENABLED", "not needed")
    lines += _disable_section()
    lines += [
        "",
        "Also tried (`tests/reliability/test_concurrency.py`, `tests/reliability/test_properties.py`):",
        "",
        "| fault | outcome |",
        "|---|---|",
        "| two executions started at once on one engine over overlapping accounts (and with 20% throttling) | both end "
        "with every requested pair in their own report, each row true; one graph per Region; the fleet holds every "
        "account ENABLED with its own email |",
        "| random small fleets (1-4 accounts x 1-2 Regions) with random per-account faults, throttle/5xx rates, error "
        "bursts, roles removed, graphs deleted and Lambda faults (hypothesis, seeded) | the invariant above, every "
        "example |",
    ]
    lines += _runtime_section()
    lines += [
        "",
        "## Security checks",
        "",
        "| check | test |",
        "|---|---|",
        *[f"| {_cell(check)} | `{where}` |" for check, where in SECURITY_CHECKS],
        "",
        "## Bad input",
        "",
        "Refused with a clear error naming the field and the value, before any write; emails in messages are masked",
        "(`a***@example.com`).",
        "",
        "### The CLI (`detective-rollout enable|disable --local ...`)",
        "",
        "Exit code 2, the message on stderr, no report file written (`tests/reliability/test_bad_input.py`).",
        "",
        "| command | bad input | message names | exit |",
        "|---|---|---|---|",
    ]
    for bad in CLI_BAD_INPUTS:
        message = bad.message.replace("{dir}/", "")
        lines.append(f"| {bad.surface} | {_cell(bad.what)} | `{_cell(message)}` | {bad.exit_code} |")
    lines += [
        "",
        "### The workflows (state `ValidateInput` / `ValidateOffboarding`)",
        "",
        "The execution fails with error `InvalidInput`, its cause naming every problem; no Detective, GuardDuty or",
        "STS write and no report (`tests/tasks/test_validate_input_bad_input.py`,",
        "`tests/workflow/test_enable_resilience.py`, `tests/disable/test_disable_safety.py`,",
        "`tests/reliability/test_bad_input.py`). Arbitrary JSON and arbitrary CSV bytes are fuzzed (hypothesis): the",
        "validators raise nothing but `InvalidInput` and write nothing.",
        "",
        "| workflow | bad input | cause contains |",
        "|---|---|---|",
    ]
    for name, _input, _csv, fragment in BAD_INPUT:
        lines.append(f"| enable and disable | {_cell(name)} | `{_cell(fragment)}` |")
    for bad in DISABLE_BAD_INPUTS:
        lines.append(f"| disable | {_cell(bad.what)} | `{_cell(bad.message)}` |")
    lines += _trust_section()
    lines += _refusal_section()
    lines.append("")
    return "\n".join(lines)


def _trust_section() -> list[str]:
    """Issue 16's reproductions and the design choices they rest on (tests/reliability/trust_catalog.py)."""
    from tests.reliability.trust_catalog import DESIGN_CHOICES, TRUST_CHECKS

    lines = [
        "",
        "## Values refused up front, output a machine can trust, masking that masks, rows that tell the truth",
        "",
        "| tried | what happens | test |",
        "|---|---|---|",
        *[f"| {_cell(tried)} | {_cell(outcome)} | `{test}` |" for tried, outcome, test in TRUST_CHECKS],
        "",
        "Design choices:",
        "",
    ]
    return lines + [f"- {choice}" for choice in DESIGN_CHOICES]


def _refusal_section() -> list[str]:
    """Nesting, output paths, report files, the emulator, state-dir strays (tests/reliability/refusal_catalog.py)."""
    from tests.reliability.refusal_catalog import section

    return section()


def main() -> None:
    DOC.write_text(render())
    print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
