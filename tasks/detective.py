"""Thin, verb-named wrappers over the Detective API (client first), with paging and 50-chunking.

boto3 has no paginators for Detective, and CreateMembers/GetMembers/DeleteMembers take at most
50 accounts per call: these wrappers own both rules so no state module re-implements them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from tasks.aws import translate_errors
from tasks.fanout import all_or_raise, fan_out_within

if TYPE_CHECKING:
    from types_boto3_detective import DetectiveClient
    from types_boto3_detective.type_defs import GraphTypeDef, MemberDetailTypeDef

#: CreateMembers / GetMembers / DeleteMembers accept 1-50 accounts per call.
API_CHUNK = 50
PAGE_SIZE = 200

T = TypeVar("T")


def chunks[T](items: Sequence[T], size: int = API_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pages(call: Callable[..., Any], key: str, **params: Any) -> list[Any]:
    """Every item under ``key`` of every page (the API's MaxResults / NextToken paging)."""
    items: list[Any] = []
    params = {"MaxResults": PAGE_SIZE, **params}
    with translate_errors():
        while True:
            page = call(**params)
            items.extend(page.get(key, []))
            if not page.get("NextToken"):
                return items
            params["NextToken"] = page["NextToken"]


def list_graphs(detective: DetectiveClient) -> list[GraphTypeDef]:
    """The caller's graphs in the client's Region (``Arn``, ``CreatedTime``)."""
    return _pages(detective.list_graphs, "GraphList")


def list_graph_arns(detective: DetectiveClient) -> list[str]:
    return [g["Arn"] for g in list_graphs(detective)]


def list_members(detective: DetectiveClient, graph_arn: str) -> dict[str, MemberDetailTypeDef]:
    """Current members of the graph by account id (removed members are not listed)."""
    return {m["AccountId"]: m for m in _pages(detective.list_members, "MemberDetails", GraphArn=graph_arn)}


def list_invitations(detective: DetectiveClient) -> list[MemberDetailTypeDef]:
    """The caller's open and accepted invitations in the client's Region."""
    return _pages(detective.list_invitations, "Invitations")


def get_members(
    detective: DetectiveClient, graph_arn: str, account_ids: Sequence[str]
) -> dict[str, MemberDetailTypeDef]:
    """Members by account id (absent: not a member); the 50-account chunks are read a few at a time."""

    def read(chunk: Sequence[str]) -> list[MemberDetailTypeDef]:
        with translate_errors():
            page = detective.get_members(GraphArn=graph_arn, AccountIds=list(chunk))
        return list(page.get("MemberDetails", []))

    pages = all_or_raise(fan_out_within(read, list(chunks(account_ids))))
    return {m["AccountId"]: m for page in pages for m in page}


def create_members(
    detective: DetectiveClient,
    graph_arn: str,
    accounts: Sequence[tuple[str, str]],
    message: str | None,
    disable_email_notification: bool,
) -> tuple[dict[str, MemberDetailTypeDef], dict[str, str]]:
    """Invite at most 50 ``(account_id, email)``; returns (members by id, unprocessed reasons by id)."""
    params: dict[str, Any] = {
        "GraphArn": graph_arn,
        "Accounts": [{"AccountId": a, "EmailAddress": e} for a, e in accounts],
        "DisableEmailNotification": disable_email_notification,
    }
    if message:
        params["Message"] = message
    with translate_errors():
        response = detective.create_members(**params)
    members = {m["AccountId"]: m for m in response.get("Members", [])}
    unprocessed = {u["AccountId"]: u.get("Reason", "") for u in response.get("UnprocessedAccounts", [])}
    return members, unprocessed


def delete_members(detective: DetectiveClient, graph_arn: str, account_ids: Sequence[str]) -> dict[str, str]:
    """Remove at most 50 members; returns unprocessed reasons by id."""
    with translate_errors():
        response = detective.delete_members(GraphArn=graph_arn, AccountIds=list(account_ids))
    return {u["AccountId"]: u.get("Reason", "") for u in response.get("UnprocessedAccounts", [])}


def delete_graph(detective: DetectiveClient, graph_arn: str) -> None:
    """Disable the administrator's graph; Detective removes every member with it."""
    with translate_errors():
        detective.delete_graph(GraphArn=graph_arn)


def disassociate_membership(detective: DetectiveClient, graph_arn: str) -> None:
    """Member side: leave ``graph_arn`` (Detective allows it only while the member is ENABLED)."""
    with translate_errors():
        detective.disassociate_membership(GraphArn=graph_arn)


def reject_invitation(detective: DetectiveClient, graph_arn: str) -> None:
    """Member side: decline an open invitation (only while the member is INVITED)."""
    with translate_errors():
        detective.reject_invitation(GraphArn=graph_arn)
