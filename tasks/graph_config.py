"""What EnsureGraph sets on a Region's graph once it exists: the organization's view and data source packages.

* Whether the administrator is its organization's Detective administrator: "DescribeOrganizationConfiguration"
  (Amazon Detective API Reference) "Can only be called by the Detective administrator account for the
  organization", so its answer says yes and AccessDeniedException says no. Only that call decides it: whether an
  account is an organization account comes from Detective's own answers (tasks.invite_members), never from here.
* ``auto_enable_organization``: "UpdateOrganizationConfiguration" sets AutoEnable, again only for the
  organization's Detective administrator; anywhere else the Region gets a SKIPPED note, not a failure.
* ``datasource_packages``: "UpdateDatasourcePackages" starts the packages "ListDatasourcePackages" does not list
  as STARTED. Packages are only ever started: the API offers no operation that stops one.

Idempotent: only what differs is written, so a rerun over a configured graph makes no mutating call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from tasks import errors
from tasks.aws import translate_errors

if TYPE_CHECKING:
    from types_boto3_detective import DetectiveClient
    from types_boto3_detective.literals import DatasourcePackageType

    from tasks.contracts import GraphDocument as GraphConfigDocument

STARTED = "STARTED"


@dataclass(frozen=True)
class GraphConfig:
    #: The administrator is the organization's Detective administrator here (None: not known, dry run without graph).
    organization_admin: bool | None
    #: Package -> ingest state, as ListDatasourcePackages reports them after this state (None: no graph yet).
    datasource_packages: dict[str, str] | None
    #: Packages this state started.
    packages_started: list[str] = field(default_factory=list)
    #: ``auto_enable_organization``'s outcome: ``{"status": SET|UNCHANGED|SKIPPED|PLANNED, "detail"}``; None: not asked.
    auto_enable: dict[str, Any] | None = None
    #: Dry run: the changes it would make.
    changes_planned: list[str] = field(default_factory=list)

    def document(self) -> GraphConfigDocument:
        """The fields a Region's ``graph`` outcome gains (tasks.contracts.GraphDocument)."""
        return {
            "organization_admin": self.organization_admin,
            "datasource_packages": self.datasource_packages,
            "packages_started": list(self.packages_started),
            "auto_enable": self.auto_enable,
            "changes_planned": list(self.changes_planned),
        }


def is_organization_admin(detective: DetectiveClient, graph_arn: str) -> tuple[bool, bool | None]:
    """(whether the caller is the organization's Detective administrator, its AutoEnable when it is)."""
    try:
        with translate_errors():
            answer = detective.describe_organization_configuration(GraphArn=graph_arn)
    except errors.AccessDenied:
        return False, None
    return True, bool(answer.get("AutoEnable", False))


def package_states(detective: DetectiveClient, graph_arn: str) -> dict[str, str]:
    """Every package ListDatasourcePackages reports, with its DatasourcePackageIngestState (paged by NextToken)."""
    states: dict[str, str] = {}
    params: dict[str, Any] = {"GraphArn": graph_arn}
    with translate_errors():
        while True:
            page = detective.list_datasource_packages(**params)
            for package, ingest in (page.get("DatasourcePackages") or {}).items():
                states[package] = str(ingest.get("DatasourcePackageIngestState"))
            if not page.get("NextToken"):
                return states
            params["NextToken"] = page["NextToken"]


def configure_graph(
    detective: DetectiveClient,
    region: str,
    graph_arn: str | None,
    packages: list[str],
    auto_enable: bool | None,
    dry_run: bool,
) -> GraphConfig:
    """The graph's organization role, AutoEnable (when asked) and packages (the requested ones started)."""
    if graph_arn is None:  # dry run, no graph yet: it would be created with DETECTIVE_CORE only
        would = [f"start data source packages {', '.join(packages)}"] if packages else []
        note = None
        if auto_enable is not None:
            note = _note(
                "PLANNED",
                f"would set AutoEnable to {str(auto_enable).lower()} if the administrator is "
                "the organization's Detective administrator",
            )
        return GraphConfig(None, None, [], note, would)
    admin, current = is_organization_admin(detective, graph_arn)
    planned: list[str] = []
    note = None
    if auto_enable is not None:
        note, change = _auto_enable(detective, region, graph_arn, admin, current, auto_enable, dry_run)
        planned += change
    states = package_states(detective, graph_arn)
    missing = [p for p in packages if states.get(p) != STARTED]
    if missing and dry_run:
        planned.append(f"start data source packages {', '.join(missing)}")
    elif missing:
        with translate_errors():
            detective.update_datasource_packages(
                GraphArn=graph_arn, DatasourcePackages=cast("list[DatasourcePackageType]", missing)
            )
        states = package_states(detective, graph_arn)
    return GraphConfig(admin, states, [] if dry_run else missing, note, planned)


def _auto_enable(
    detective: DetectiveClient,
    region: str,
    graph_arn: str,
    admin: bool,
    current: bool | None,
    wanted: bool,
    dry_run: bool,
) -> tuple[dict[str, Any], list[str]]:
    value = str(wanted).lower()
    if not admin:
        why = (
            f"auto_enable_organization: the administrator is not the organization's Detective administrator in "
            f"{region} (DescribeOrganizationConfiguration is AccessDenied): AutoEnable not set"
        )
        return _note("SKIPPED", why), []
    if current == wanted:
        return _note("UNCHANGED", f"AutoEnable already {value}"), []
    if dry_run:
        return _note("PLANNED", f"would set AutoEnable to {value}"), [f"set AutoEnable to {value}"]
    with translate_errors():
        detective.update_organization_configuration(GraphArn=graph_arn, AutoEnable=wanted)
    return _note("SET", f"AutoEnable set to {value} (UpdateOrganizationConfiguration)"), []


def _note(status: str, detail: str) -> dict[str, Any]:
    return {"status": status, "detail": detail}
