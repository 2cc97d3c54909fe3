"""Amazon Detective (invitation-based multi-account), as the API reference describes it.

Member lifecycle: CreateMembers -> VERIFICATION_IN_PROGRESS, which resolves lazily (when read)
``verification_delay_s`` clock seconds later to INVITED, or VERIFICATION_FAILED when the email is
not the account's root email or the account does not exist; the member accepts -> ENABLED, or
ACCEPTED_BUT_DISABLED with VOLUME_TOO_HIGH (fault) / VOLUME_UNKNOWN (no GuardDuty there).

Organization accounts (scenario ``organization.detective_admin``): the organization's Detective
administrator enables them with CreateMembers - ENABLED or ACCEPTED_BUT_DISABLED at once,
InvitationType ORGANIZATION, no invitation to see or accept ("CreateMembers", Amazon Detective API
Reference: "For organization accounts in the organization behavior graph, CreateMembers attempts to
enable the accounts. The organization accounts do not receive invitations.").
Data source packages: a graph starts with DETECTIVE_CORE; UpdateDatasourcePackages starts more,
and nothing stops one (the API has no such operation).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import Any

from detective_rollout.emulator import errors
from detective_rollout.emulator.base import Call, Params, ServiceModel
from detective_rollout.emulator.paging import page
from detective_rollout.emulator.state import (
    ACCEPTED_BUT_DISABLED,
    ENABLED,
    INVITED,
    VERIFICATION_FAILED,
    VERIFICATION_IN_PROGRESS,
    Graph,
    Member,
    key,
)

MAX_MEMBERS = 1200
MAX_BATCH = 50
MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
_TAG_KEY = re.compile(r"(?!aws:)[a-zA-Z+-=._:/]+")
_GRAPH_ARN = re.compile(r"^arn:aws[-\w]{0,10}?:detective:([-\w]{2,20}):(\d{12}):graph:[0-9a-f]{32}$")
_ACCOUNT = re.compile(r"^\d{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NOT_FOUND = "The request refers to a nonexistent resource."
_ACCEPTED = (ENABLED, ACCEPTED_BUT_DISABLED)
ORGANIZATION = "ORGANIZATION"
DATASOURCE_PACKAGES = ("DETECTIVE_CORE", "EKS_AUDIT", "ASFF_SECURITYHUB_FINDING")
_NOT_ORG_ADMIN = (
    "The request issuer does not have permission to access this resource or perform this operation: "
    "only the Detective administrator account for the organization can call {operation}."
)


class Detective(ServiceModel):
    service = "detective"
    regional = True
    mutating = frozenset(
        {
            "CreateGraph",
            "DeleteGraph",
            "CreateMembers",
            "DeleteMembers",
            "AcceptInvitation",
            "RejectInvitation",
            "DisassociateMembership",
            "StartMonitoringMember",
            "TagResource",
            "UntagResource",
            "UpdateOrganizationConfiguration",
            "UpdateDatasourcePackages",
        }
    )

    # setup ------------------------------------------------------------------------------------
    def seed(self, start: datetime) -> None:
        """Graphs and memberships that exist before the run (scenario: existing_*)."""
        admin = self.scenario.administrator.account_id
        regions = list(self.scenario.administrator.existing_graph_regions)
        regions += [r for m in self.scenario.members for r in m.existing_membership if r not in regions]
        for region in regions:
            self._new_graph(admin, region, start - timedelta(days=30), {})
        for account in self.scenario.members:
            for region, existing in account.existing_membership.items():
                graph = self.state.graphs[key(admin, region)]
                invited = start - timedelta(days=1)
                verify_at = start + timedelta(seconds=self.scenario.verification_delay_s)
                reason = existing.disabled_reason or (
                    "VOLUME_UNKNOWN" if existing.status == ACCEPTED_BUT_DISABLED else None
                )
                graph.members[account.account_id] = Member(
                    account.account_id,
                    existing.email or account.email,
                    graph.arn,
                    admin,
                    existing.status,
                    invited,
                    invited,
                    disabled_reason=reason,
                    verify_at=verify_at if existing.status == VERIFICATION_IN_PROGRESS else None,
                    invitation_type=ORGANIZATION if self._enrolls(account.account_id) else "INVITATION",
                )

    def _new_graph(self, account_id: str, region: str, now: datetime, tags: dict[str, str]) -> Graph:
        self.state.serial += 1
        digest = hashlib.sha256(f"{self.scenario.seed}|{account_id}|{region}|{self.state.serial}".encode())
        arn = f"arn:aws:detective:{region}:{account_id}:graph:{digest.hexdigest()[:32]}"
        graph = Graph(arn, account_id, region, now, dict(tags), packages={"DETECTIVE_CORE": now})
        self.state.graphs[key(account_id, region)] = graph
        return graph

    # lookups ----------------------------------------------------------------------------------
    def _enrolls(self, account_id: str) -> bool:
        """The administrator is the organization's Detective administrator and ``account_id`` is in the organization."""
        org = self.scenario.organization
        return org is not None and org.enrolls(account_id)

    def _org_admin(self, call: Call) -> bool:
        org = self.scenario.organization
        return org is not None and org.detective_admin and call.account_id == self.scenario.administrator.account_id

    def graph(self, call: Call, arn: str, owner: bool = True) -> Graph:
        """The graph ``arn`` names in the call's Region; ``owner``: the caller must own it."""
        match = _GRAPH_ARN.match(arn or "")
        if not match:
            raise errors.ValidationException(f"Invalid GraphArn: {arn!r}", error_code="INVALID_GRAPH_ARN")
        region, account_id = match.groups()
        if owner and account_id != call.account_id:
            raise errors.AccessDeniedException(
                f"User: {call.principal_arn} is not authorized to perform: detective:{call.operation} "
                f"on resource: {arn}"
            )
        graph = self.state.graphs.get(key(account_id, region))
        if region != call.region or graph is None or graph.arn != arn:
            raise errors.ResourceNotFoundException(_NOT_FOUND)
        return graph

    def settle(self, member: Member, now: datetime) -> Member:
        """Resolve VERIFICATION_IN_PROGRESS once its verification time has passed."""
        if member.status == VERIFICATION_IN_PROGRESS and member.verify_at is not None and now >= member.verify_at:
            account = self.scenario.member_account(member.account_id)
            verified = account is not None and member.email.lower() == account.root_email.lower()
            member.status = INVITED if verified else VERIFICATION_FAILED
            member.updated_time = member.verify_at
        return member

    def _members(self, graph: Graph, now: datetime) -> list[Member]:
        return [self.settle(m, now) for m in graph.members.values()]

    def _invitation(self, call: Call, graph_arn: str) -> tuple[Graph, Member]:
        """The caller's invitation to ``graph_arn``, as the member sees it."""
        graph = self.graph(call, graph_arn, owner=False)
        member = graph.members.get(call.account_id)
        if member is None or not self._visible(self.settle(member, call.now), call.now):
            raise errors.ResourceNotFoundException(_NOT_FOUND)
        return graph, member

    @staticmethod
    def _visible(member: Member, now: datetime) -> bool:
        if member.invitation_type == ORGANIZATION:  # enabled by the administrator: no invitation
            return False
        if member.status in _ACCEPTED:
            return True
        return member.status == INVITED and (member.visible_at is None or now >= member.visible_at)

    def _enablement(self, account_id: str, region: str, now: datetime) -> tuple[str, str | None]:
        if self.fleet.faults.fault(account_id, "volume_too_high", region, now):
            return ACCEPTED_BUT_DISABLED, "VOLUME_TOO_HIGH"
        if not self.fleet.guardduty.has_enabled_detector(account_id, region, now):
            return ACCEPTED_BUT_DISABLED, "VOLUME_UNKNOWN"
        return ENABLED, None

    # administrator operations -----------------------------------------------------------------
    def create_graph(self, call: Call, params: Params) -> dict[str, Any]:
        """A new graph; where the account has one, its ARN ("CreateGraph", Amazon Detective API Reference).

        The reference: "If the same account calls CreateGraph with the same administrator account,
        it always returns the same behavior graph ARN. It does not create a new behavior graph."
        The scenario's ``create_graph_existing: conflict`` answers ConflictException instead.
        """
        tags = dict(params.get("Tags") or {})
        _check_tags(tags)
        existing = self.state.graphs.get(key(call.account_id, call.region))
        if existing is not None and self.scenario.create_graph_existing == "conflict":
            raise errors.ConflictException(
                "The request attempted an invalid action: a behavior graph already "
                f"exists for account {call.account_id} in {call.region}."
            )
        if existing is not None:
            return {"GraphArn": existing.arn}
        return {"GraphArn": self._new_graph(call.account_id, call.region, call.now, tags).arn}

    def delete_graph(self, call: Call, params: Params) -> dict[str, Any]:
        graph = self.graph(call, params["GraphArn"])
        del self.state.graphs[key(graph.account_id, graph.region)]
        return {}

    def list_graphs(self, call: Call, params: Params) -> dict[str, Any]:
        graph = self.state.graphs.get(key(call.account_id, call.region))
        items = [{"Arn": graph.arn, "CreatedTime": graph.created_time}] if graph else []
        return page(params, items, "GraphList", lambda g: str(g["Arn"]))

    def create_members(self, call: Call, params: Params) -> dict[str, Any]:
        accounts = params.get("Accounts") or []
        _check_length("CreateMembersRequest.Accounts", accounts)
        message = params.get("Message")
        if message is not None and not 1 <= len(message) <= 1000:
            raise errors.ValidationException("CreateMembersRequest.Message must have length between 1 and 1000.")
        graph = self.graph(call, params["GraphArn"])
        unprocessed: list[dict[str, str]] = []
        accepted: list[tuple[str, str]] = []
        org_admin = self._org_admin(call)
        for item in accounts:
            account_id, email = str(item.get("AccountId", "")), str(item.get("EmailAddress", ""))
            org_account = org_admin and self._enrolls(account_id)
            reason = self._invite_problem(graph, account_id, email, [a for a, _ in accepted], org_account)
            if reason:
                unprocessed.append({"AccountId": account_id, "Reason": reason})
            else:
                accepted.append((account_id, email))
        if len(graph.members) + len(accepted) > MAX_MEMBERS:
            raise errors.ServiceQuotaExceededException(
                f"This request would cause the number of member accounts in the behavior graph to exceed the "
                f"maximum allowed ({MAX_MEMBERS})."
            )
        verify_at = call.now + timedelta(seconds=self.scenario.verification_delay_s)
        created = []
        for account_id, email in accepted:
            if org_admin and self._enrolls(account_id):
                created.append(detail(self._enable_org_account(call, graph, account_id, email), graph))
                continue
            slow = self.fleet.faults.fault(account_id, "slow_invitation", call.region, call.now)
            member = Member(
                account_id,
                email,
                graph.arn,
                graph.account_id,
                VERIFICATION_IN_PROGRESS,
                call.now,
                call.now,
                verify_at=verify_at,
                visible_at=verify_at + timedelta(seconds=slow.duration_s or 0) if slow else None,
                disable_email_notification=bool(params.get("DisableEmailNotification")),
            )
            graph.members[account_id] = member
            created.append(detail(member, graph))
        return {"Members": created, "UnprocessedAccounts": unprocessed}

    def _enable_org_account(self, call: Call, graph: Graph, account_id: str, email: str) -> Member:
        """An organization account enabled by its Detective administrator: no verification, no invitation."""
        status, reason = self._enablement(account_id, call.region, call.now)
        member = Member(
            account_id,
            email,
            graph.arn,
            graph.account_id,
            status,
            call.now,
            call.now,
            disabled_reason=reason,
            invitation_type=ORGANIZATION,
        )
        graph.members[account_id] = member
        return member

    def _invite_problem(
        self, graph: Graph, account_id: str, email: str, earlier: list[str], org_account: bool = False
    ) -> str | None:
        if not _ACCOUNT.match(account_id):
            return f"Invalid account ID {account_id!r}: must be 12 digits."
        # "For organization accounts in the organization behavior graph, the email address is not required."
        if not org_account and (not _EMAIL.match(email) or len(email) > 64):
            return f"Invalid email address {email!r}."
        if account_id == graph.account_id:
            return "The administrator account cannot be invited as a member of its own behavior graph."
        if account_id in graph.members or account_id in earlier:
            return "The account is already a member of the behavior graph."
        return None

    def get_members(self, call: Call, params: Params) -> dict[str, Any]:
        ids = params.get("AccountIds") or []
        _check_length("GetMembersRequest.AccountIds", ids)
        graph = self.graph(call, params["GraphArn"])
        found, unprocessed = [], []
        for account_id in ids:
            member = graph.members.get(account_id)
            if member is None:
                unprocessed.append(
                    {"AccountId": account_id, "Reason": "The account is not a member of the behavior graph."}
                )
            else:
                found.append(detail(self.settle(member, call.now), graph))
        return {"MemberDetails": found, "UnprocessedAccounts": unprocessed}

    def list_members(self, call: Call, params: Params) -> dict[str, Any]:
        graph = self.graph(call, params["GraphArn"])
        members = sorted(self._members(graph, call.now), key=lambda m: m.account_id)
        return page(params, [detail(m, graph) for m in members], "MemberDetails", lambda m: str(m["AccountId"]))

    def delete_members(self, call: Call, params: Params) -> dict[str, Any]:
        ids = params.get("AccountIds") or []
        _check_length("DeleteMembersRequest.AccountIds", ids)
        graph = self.graph(call, params["GraphArn"])
        deleted, unprocessed = [], []
        for account_id in ids:
            if account_id == graph.account_id:
                unprocessed.append(
                    {
                        "AccountId": account_id,
                        "Reason": "The administrator account cannot be removed from its own graph.",
                    }
                )
            elif graph.members.pop(account_id, None) is None:
                unprocessed.append(
                    {"AccountId": account_id, "Reason": "The account is not a member of the behavior graph."}
                )
            else:
                deleted.append(account_id)
        return {"AccountIds": deleted, "UnprocessedAccounts": unprocessed}

    def start_monitoring_member(self, call: Call, params: Params) -> dict[str, Any]:
        graph = self.graph(call, params["GraphArn"])
        member = graph.members.get(params["AccountId"])
        if member is None:
            raise errors.ResourceNotFoundException(_NOT_FOUND)
        if self.settle(member, call.now).status != ACCEPTED_BUT_DISABLED:
            raise errors.ConflictException(
                f"The request attempted an invalid action: member {member.account_id} is {member.status}, "
                "not ACCEPTED_BUT_DISABLED."
            )
        member.status, member.disabled_reason = self._enablement(member.account_id, call.region, call.now)
        member.updated_time = call.now
        return {}

    # organization configuration ---------------------------------------------------------------
    def _org_graph(self, call: Call, params: Params) -> Graph:
        """The organization behavior graph, for its organization's Detective administrator only.

        "DescribeOrganizationConfiguration" / "UpdateOrganizationConfiguration" (Amazon Detective API
        Reference): "Can only be called by the Detective administrator account for the organization."
        Anyone else gets AccessDeniedException, one of the errors both operations document.
        """
        if not self._org_admin(call):
            raise errors.AccessDeniedException(_NOT_ORG_ADMIN.format(operation=call.operation))
        return self.graph(call, params["GraphArn"])

    def describe_organization_configuration(self, call: Call, params: Params) -> dict[str, Any]:
        return {"AutoEnable": self._org_graph(call, params).auto_enable}

    def update_organization_configuration(self, call: Call, params: Params) -> dict[str, Any]:
        self._org_graph(call, params).auto_enable = bool(params.get("AutoEnable", False))
        return {}

    # data source packages ---------------------------------------------------------------------
    def list_datasource_packages(self, call: Call, params: Params) -> dict[str, Any]:
        """Every package started in the graph ("ListDatasourcePackages"); three at most, so one page."""
        graph = self.graph(call, params["GraphArn"])
        return {
            "DatasourcePackages": {
                package: {
                    "DatasourcePackageIngestState": "STARTED",
                    "LastIngestStateChange": {"STARTED": {"Timestamp": started}},
                }
                for package, started in graph.packages.items()
            }
        }

    def update_datasource_packages(self, call: Call, params: Params) -> dict[str, Any]:
        """Starts the named packages ("UpdateDatasourcePackages": 1-25 of DETECTIVE_CORE, EKS_AUDIT, ...)."""
        packages = params.get("DatasourcePackages") or []
        if not 1 <= len(packages) <= 25:
            raise errors.ValidationException(
                f"UpdateDatasourcePackagesRequest.DatasourcePackages must have length between 1 and 25. "
                f"Found {len(packages)}."
            )
        unknown = [p for p in packages if p not in DATASOURCE_PACKAGES]
        if unknown:
            raise errors.ValidationException(f"Unknown data source package {unknown[0]!r}.")
        graph = self.graph(call, params["GraphArn"])
        for package in packages:
            graph.packages.setdefault(package, call.now)
        return {}

    # tags -------------------------------------------------------------------------------------
    def tag_resource(self, call: Call, params: Params) -> dict[str, Any]:
        graph = self.graph(call, params["ResourceArn"])
        tags = {**graph.tags, **(params.get("Tags") or {})}
        _check_tags(tags)
        graph.tags = tags
        return {}

    def untag_resource(self, call: Call, params: Params) -> dict[str, Any]:
        graph = self.graph(call, params["ResourceArn"])
        for tag_key in params.get("TagKeys") or []:
            graph.tags.pop(tag_key, None)
        return {}

    def list_tags_for_resource(self, call: Call, params: Params) -> dict[str, Any]:
        return {"Tags": dict(self.graph(call, params["ResourceArn"]).tags)}

    # member operations ------------------------------------------------------------------------
    def list_invitations(self, call: Call, params: Params) -> dict[str, Any]:
        mine = []
        for graph in self.state.graphs.values():
            member = graph.members.get(call.account_id)
            if graph.region == call.region and member and self._visible(self.settle(member, call.now), call.now):
                mine.append(detail(member, graph))
        mine.sort(key=lambda m: str(m["GraphArn"]))
        return page(params, mine, "Invitations", lambda m: str(m["GraphArn"]))

    def accept_invitation(self, call: Call, params: Params) -> dict[str, Any]:
        _, member = self._invitation(call, params["GraphArn"])
        _require_status(member, INVITED)
        member.status, member.disabled_reason = self._enablement(call.account_id, call.region, call.now)
        member.updated_time = call.now
        return {}

    def reject_invitation(self, call: Call, params: Params) -> dict[str, Any]:
        graph, member = self._invitation(call, params["GraphArn"])
        _require_status(member, INVITED)
        del graph.members[call.account_id]
        return {}

    def disassociate_membership(self, call: Call, params: Params) -> dict[str, Any]:
        graph, member = self._invitation(call, params["GraphArn"])
        _require_status(member, ENABLED)
        del graph.members[call.account_id]
        return {}


def _require_status(member: Member, status: str) -> None:
    """A member-side call on a membership in another state is a ConflictException, as on AWS."""
    if member.status != status:
        raise errors.ConflictException(
            f"The request attempted an invalid action: the membership is {member.status}, not {status}."
        )


def detail(member: Member, graph: Graph) -> dict[str, Any]:
    """The MemberDetail wire structure.

    DatasourcePackageIngestStates: an ENABLED member contributes every package the graph has
    started (STARTED), an ACCEPTED_BUT_DISABLED one none of them (DISABLED); a member that has
    not joined yet has none.
    """
    out: dict[str, Any] = {
        "AccountId": member.account_id,
        "EmailAddress": member.email,
        "GraphArn": member.graph_arn,
        "MasterId": member.administrator_id,
        "AdministratorId": member.administrator_id,
        "Status": member.status,
        "InvitedTime": member.invited_time,
        "UpdatedTime": member.updated_time,
        "InvitationType": member.invitation_type,
    }
    if member.invitation_type == ORGANIZATION:
        del out["InvitedTime"]  # "For invited accounts, the date and time that Detective sent the invitation"
    if member.disabled_reason:
        out["DisabledReason"] = member.disabled_reason
    if member.status in _ACCEPTED:
        state = "STARTED" if member.status == ENABLED else "DISABLED"
        out["DatasourcePackageIngestStates"] = dict.fromkeys(graph.packages, state)
    return out


def _check_length(name: str, items: list[Any]) -> None:
    if not 1 <= len(items) <= MAX_BATCH:
        bound = "greater than or equal to 1" if not items else f"less than or equal to {MAX_BATCH}"
        raise errors.ValidationException(f"{name} must have length {bound}. Found {len(items)}.")


def _check_tags(tags: dict[str, str]) -> None:
    """The TagMap / TagKey / TagValue constraints of the service model (key pattern ``^(?!aws:)[a-zA-Z+-=._:/]+$``)."""
    if len(tags) > MAX_TAGS:
        raise errors.ValidationException(f"A resource can have at most {MAX_TAGS} tags. Found {len(tags)}.")
    for tag_key, value in tags.items():
        if not _TAG_KEY.fullmatch(tag_key) or len(tag_key) > MAX_TAG_KEY:
            raise errors.ValidationException(
                f"1 validation error detected: Value '{tag_key}' at 'tags' failed to satisfy constraint: "
                f"Map keys must satisfy constraint: [Member must have length less than or equal to {MAX_TAG_KEY}, "
                "Member must have length greater than or equal to 1, "
                "Member must satisfy regular expression pattern: ^(?!aws:)[a-zA-Z+-=._:/]+$]"
            )
        if len(value) > MAX_TAG_VALUE:
            raise errors.ValidationException(
                f"1 validation error detected: Value '{value}' at 'tags.{tag_key}' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_TAG_VALUE}"
            )
