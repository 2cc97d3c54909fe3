"""The comparison, not product code: the seed's sequential algorithm with plain boto3.

This is what AWS's multi-account script does (the seed ran it in one Lambda): per 50-account
chunk x Region, list the graphs (create one if there is none), list the members, CreateMembers,
sleep 10 s, re-list until the chunk is invited; then per account and Region GetCallerIdentity,
AssumeRole and AcceptInvitation. It runs against the same emulated fleet, latency and clock
speed as the engine runs, so the sleeps are scaled the same way and every call costs the same
wall latency. Where the script would create a boto3 session per assumed role, this creates only
a client (from one shared session): the cheapest faithful port, so the speed-up is not inflated.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import boto3

from detective_rollout.bench.fleet import API_CHUNK, MEMBER_ROLE, Size, members, regions, scenario
from detective_rollout.clocks import SpeedClock
from detective_rollout.emulator import Fleet, load_scenario

INVITE_SLEEP_S = 10.0
_SETTLING = {"VERIFICATION_IN_PROGRESS"}


def _list_members(detective: Any, graph_arn: str) -> dict[str, str]:
    found: dict[str, str] = {}
    params: dict[str, Any] = {"GraphArn": graph_arn, "MaxResults": 200}
    while True:
        page = detective.list_members(**params)
        found.update({m["AccountId"]: m["Status"] for m in page.get("MemberDetails", [])})
        if not page.get("NextToken"):
            return found
        params["NextToken"] = page["NextToken"]


def _chunk_status(detective: Any, graph_arn: str, chunk: list[dict[str, str]]) -> list[str | None]:
    listed = _list_members(detective, graph_arn)
    return [listed.get(a["account_id"]) for a in chunk]


def _invite(session: boto3.Session, clock: Any, region: str, accounts: list[dict[str, str]]) -> str:
    detective = session.client("detective", region_name=region)
    graph_arn = ""
    for start in range(0, len(accounts), API_CHUNK):
        chunk = accounts[start : start + API_CHUNK]
        graphs = detective.list_graphs().get("GraphList", [])
        graph_arn = graphs[0]["Arn"] if graphs else detective.create_graph()["GraphArn"]
        existing = _list_members(detective, graph_arn)
        new = [
            {"AccountId": a["account_id"], "EmailAddress": a["email"]} for a in chunk if a["account_id"] not in existing
        ]
        if new:
            detective.create_members(GraphArn=graph_arn, Accounts=new, DisableEmailNotification=True)
        clock.sleep(INVITE_SLEEP_S)
        while any(status in _SETTLING for status in _chunk_status(detective, graph_arn, chunk)):
            clock.sleep(INVITE_SLEEP_S)
    return graph_arn


def _accept(session: boto3.Session, sts: Any, account: str, region: str, graph_arn: str) -> None:
    sts.get_caller_identity()
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{MEMBER_ROLE}", RoleSessionName="EnableDetective")[
        "Credentials"
    ]
    detective = session.client(
        "detective",
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    detective.accept_invitation(GraphArn=graph_arn)


def run_baseline(size: Size, *, latency_ms: float, clock_speed: float) -> dict[str, Any]:
    """Wall seconds of the sequential rollout, its call count and how the members ended."""
    clock = SpeedClock(clock_speed)
    fleet = Fleet(load_scenario(scenario(size, latency_ms=latency_ms, clock_speed=clock_speed)), clock)
    accounts, chosen = members(size.accounts), regions(size.regions)
    failures = 0
    with fleet.intercept():
        session = boto3.Session()
        sts = session.client("sts", region_name="us-east-1")
        session.client("detective", region_name=chosen[0])  # load the service model before timing
        start = time.monotonic()
        graphs = {region: _invite(session, clock, region, accounts) for region in chosen}
        for account in accounts:
            for region in chosen:
                try:
                    _accept(session, sts, account["account_id"], region, graphs[region])
                except Exception:  # noqa: BLE001 - the script logs and goes on with the next account
                    failures += 1
        wall = time.monotonic() - start
        statuses = Counter((fleet.member(r, a["account_id"]) or _Missing()).status for a in accounts for r in chosen)
    return {"wall_s": round(wall, 2), "api_calls": len(fleet.calls), "failures": failures, "members": dict(statuses)}


class _Missing:
    status = "MISSING"
