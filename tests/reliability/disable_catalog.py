"""The disable workflow's faults: what each does to an offboarding, as the matrix asserts and docs/reliability.md lists.

The fleet: the matrix's members, each ENABLED in both Regions before offboarding, all of them
offboarded (``accounts``) in batches of two; ``fields`` add the member-side clean-up or the
confirmed graph deletion. A row is REMOVED when the account is no longer a member (by the
administrator's DeleteMembers or, with the clean-up, the member's own DisassociateMembership);
a ``MEMBER_*`` reason says the member-side clean-up did not finish, which never fails the run.
"""

from __future__ import annotations

from typing import Any

from tests.helpers.workflow import ADMIN, member, member_in, scenario
from tests.reliability.catalog import MEMBERS, REGIONS, FaultCase

DISABLE_TASKS = ("ValidateOffboarding", "RemoveMembers", "DisassociateMemberships", "DeleteGraph", "WriteReport")
BATCH_SIZE = 2
ALL = MEMBERS * len(REGIONS)
PER_REGION = MEMBERS
CLEANUP = {"disassociate_in_member": True}
DELETE = {"all_members": True, "delete_graph": True, "confirm_delete_graph": ADMIN}


def offboarding_fleet(**overrides: Any) -> dict[str, Any]:
    """The matrix members, ENABLED in both Regions."""
    return scenario([member_in(n) for n in range(1, MEMBERS + 1)], **overrides)


def _service_errors(task: str) -> list[dict[str, Any]]:
    return [
        {"task": task, "error": "Lambda.TooManyRequestsException", "times": 2},
        {"task": task, "error": "Lambda.ServiceException", "times": 2},
    ]


def _fields(task: str) -> dict[str, Any]:
    """The input that makes ``task`` run: the clean-up for DisassociateMemberships, deletion for DeleteGraph."""
    return {"DisassociateMemberships": CLEANUP, "DeleteGraph": DELETE}.get(task, {})


_FOREVER = 10**9
_DELETE_MEMBERS_DOWN = {
    "type": "error_burst",
    "after_calls": 0,
    "duration_s": _FOREVER,
    "ops": ["DeleteMembers"],
    "region": "eu-west-1",
}

DISABLE_FAULTS: list[FaultCase] = [
    FaultCase(
        "disable-throttle-10",
        "10% of every call throttled, with the member-side clean-up",
        offboarding_fleet(throttle_rate=0.1, seed=10),
        {"REMOVED": ALL},
        "SUCCEEDED",
        0,
        "botocore's back-off absorbs it: every pair REMOVED",
        fields=CLEANUP,
    ),
    FaultCase(
        "disable-throttle-50",
        "50% of every call throttled, with the member-side clean-up",
        offboarding_fleet(throttle_rate=0.5, seed=5),
        {"REMOVED": ALL - 2, "REMOVED/MEMBER_THROTTLED": 2},
        "SUCCEEDED",
        0,
        "every pair REMOVED by the administrator; where the member side's retries ran out the row says "
        "MEMBER_THROTTLED (the membership is gone either way)",
        fields=CLEANUP,
    ),
    FaultCase(
        "disable-5xx-20",
        "20% of every call answers the service's 5xx error, with the clean-up",
        offboarding_fleet(error_rate=0.2, seed=4),
        {"REMOVED": ALL},
        "SUCCEEDED",
        0,
        "retried (botocore, then the state's Retry): every pair REMOVED",
        fields=CLEANUP,
    ),
    *[
        FaultCase(
            f"disable-lambda-service-{task}",
            f"{task}: its Lambda throttled twice, then the Lambda service failing twice",
            offboarding_fleet(lambda_faults=_service_errors(task)),
            {"REMOVED": ALL},
            "SUCCEEDED",
            0,
            "the state's Retry absorbs Lambda.TooManyRequestsException and Lambda.ServiceException",
            fields=_fields(task),
        )
        for task in DISABLE_TASKS
    ],
    FaultCase(
        "disable-lambda-crash-ValidateOffboarding",
        "ValidateOffboarding: the function crashes once",
        offboarding_fleet(lambda_faults=[{"task": "ValidateOffboarding", "error": "crash"}]),
        {},
        "Runtime.ExitError",
        ALL,
        "the execution fails red before any write and without a report; a rerun removes every pair",
    ),
    *[
        FaultCase(
            f"disable-lambda-crash-{task}",
            f"{task}: the function crashes (Runtime.ExitError) once",
            offboarding_fleet(lambda_faults=[{"task": task, "error": "crash"}]),
            {"REMOVED": ALL},
            "SUCCEEDED",
            0,
            "retried by the state (States.TaskFailed; the task is idempotent and checkpointed)",
            fields=_fields(task),
        )
        for task in ("RemoveMembers", "DeleteGraph", "WriteReport")
    ],
    FaultCase(
        "disable-lambda-crash-DisassociateMemberships",
        "DisassociateMemberships: the function crashes once",
        offboarding_fleet(lambda_faults=[{"task": "DisassociateMemberships", "error": "crash"}]),
        {"REMOVED": ALL - BATCH_SIZE * len(REGIONS), "REMOVED/MEMBER_ERROR": BATCH_SIZE * len(REGIONS)},
        "SUCCEEDED",
        0,
        "the administrator removed every pair; the crashed batch's rows say MEMBER_ERROR with the crash",
        fields=CLEANUP,
    ),
    FaultCase(
        "disable-delete-members-down",
        "DeleteMembers answers 5xx in eu-west-1 for the whole run",
        offboarding_fleet(events=[_DELETE_MEMBERS_DOWN]),
        {"REMOVED": PER_REGION, "FAILED/ERROR": PER_REGION},
        "OffboardingIncomplete",
        PER_REGION,
        "that Region's pairs are FAILED / ERROR naming the 5xx and are still members; a rerun removes them",
    ),
    FaultCase(
        "disable-delete-members-down-cleanup",
        "DeleteMembers answers 5xx in eu-west-1; with the clean-up",
        offboarding_fleet(events=[_DELETE_MEMBERS_DOWN]),
        {"REMOVED": ALL},
        "SUCCEEDED",
        0,
        "each member leaves the graph itself (DisassociateMembership): every pair REMOVED",
        fields=CLEANUP,
    ),
    FaultCase(
        "disable-sts-down",
        "AssumeRole answers 5xx for the whole run; with the clean-up",
        offboarding_fleet(
            events=[{"type": "error_burst", "after_calls": 0, "duration_s": _FOREVER, "ops": ["AssumeRole"]}]
        ),
        {"REMOVED/MEMBER_ERROR": ALL},
        "SUCCEEDED",
        0,
        "the administrator removed every pair; each row says the member side could not assume the role",
        fields=CLEANUP,
    ),
    FaultCase(
        "disable-role-removed",
        "one member's role is deleted before the clean-up",
        offboarding_fleet(events=[{"type": "role_removed", "account_id": member(2)["account_id"], "after_calls": 0}]),
        {"REMOVED": ALL - 2, "REMOVED/MEMBER_ACCESS_DENIED": 2},
        "SUCCEEDED",
        0,
        "that account's rows say MEMBER_ACCESS_DENIED; it is removed from the graph all the same",
        fields=CLEANUP,
    ),
    FaultCase(
        "disable-graph-not-deleted",
        "DeleteGraph answers 5xx in eu-west-1 for the whole run",
        offboarding_fleet(
            events=[
                {
                    "type": "error_burst",
                    "after_calls": 0,
                    "duration_s": _FOREVER,
                    "ops": ["DeleteGraph"],
                    "region": "eu-west-1",
                }
            ]
        ),
        {"REMOVED": ALL},
        "OffboardingIncomplete",
        0,
        "every member is removed; the eu-west-1 graph stays, its Region is FAILED / GRAPH_NOT_DELETED and the "
        "execution red; a rerun deletes it",
        fields=DELETE,
    ),
]
