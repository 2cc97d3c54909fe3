"""State ValidateInput's Regions: ``all``, Regions the administrator has not enabled, account:ListRegions denied,
throttled or paged, and the graphs the administrator already has.

STS, account:ListRegions and Detective are the emulated fleet's (``admin_aws``), so each test states the
administrator's fleet it assumes. What the fleet's administrator cannot play (ListRegions denied, throttled or
paged) is a botocore Stubber on a real account client.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tasks import errors
from tasks.aws import Aws
from tasks.regions import DETECTIVE_REGIONS, OPT_IN_REGIONS
from tasks.validate_input import listed_regions
from tests.helpers.tasks import ADMIN, acct, stored_plan, validate, written


def test_all_means_detective_regions_the_administrator_enabled(s3: Any, admin_aws: Any) -> None:
    aws, _ = admin_aws(opted_out_regions=sorted(OPT_IN_REGIONS - {"eu-south-1"}))
    output = validate(aws, {"accounts": [acct(1)]})
    assert output["regions"] == sorted((set(DETECTIVE_REGIONS) - OPT_IN_REGIONS) | {"eu-south-1"})
    assert output["admin_disabled_regions"] == []


def test_requested_region_the_administrator_has_not_enabled_is_planned_as_skipped(s3: Any, admin_aws: Any) -> None:
    aws, fleet = admin_aws(opted_out_regions=sorted(OPT_IN_REGIONS))
    output = validate(aws, {"accounts": [acct(1, regions=["af-south-1", "us-east-1"]), acct(2)], "regions": "all"})
    assert output["admin_disabled_regions"] == ["af-south-1"]
    assert "af-south-1" in output["regions"]
    assert "af-south-1" not in {c.region for c in fleet.calls}  # never called in a Region it cannot reach
    assert stored_plan(s3, output)["admin_disabled_regions"] == ["af-south-1"]


class AccountAnswers(Aws):
    """The task code's Aws over the fleet, except account:ListRegions, which a botocore Stubber answers.

    The fleet's administrator may always list its Regions; what it cannot play (ListRegions denied or throttled
    while the rest works, pages) is stubbed on a real client, so request shapes are still validated.
    """

    def __init__(self) -> None:
        super().__init__()
        self.account = boto3.client("account", region_name="us-east-1")
        self.stub = Stubber(self.account)

    def client(self, service: str, region: str | None = None) -> Any:
        return self.account if service == "account" else super().client(service, region)


def test_list_regions_denied_falls_back_to_probing_requested_opt_in_regions(s3: Any, admin_aws: Any) -> None:
    _, fleet = admin_aws(opted_out_regions=sorted(OPT_IN_REGIONS - {"me-south-1"}))
    aws = AccountAnswers()
    aws.stub.add_client_error("list_regions", "AccessDeniedException", http_status_code=403)
    with aws.stub:
        output = validate(aws, {"accounts": [acct(1)], "regions": ["us-east-1", "me-south-1", "af-south-1"]})
    assert output["admin_disabled_regions"] == ["af-south-1"]
    probed = {c.region for c in fleet.calls if c.service == "detective"}
    assert probed == {"af-south-1", "me-south-1", "us-east-1"}


class MeetingAws(Aws):
    """GetCallerIdentity and ListRegions' first page each wait for the other: only concurrent calls get through."""

    def __init__(self) -> None:
        super().__init__()
        self.meeting = threading.Barrier(2, timeout=5)

    def caller_account(self) -> str:
        self.meeting.wait()
        return super().caller_account()

    def client(self, service: str, region: str | None = None) -> Any:
        found = super().client(service, region)
        if service == "account":
            found.meta.events.register("before-call.account.ListRegions", self._first_page_meets)
        return found

    def _first_page_meets(self, params: dict[str, Any], **_: Any) -> None:
        if "NextToken" not in params:
            self.meeting.wait()


def test_caller_identity_and_enabled_regions_are_read_at_once(s3: Any, admin_aws: Any) -> None:
    admin_aws()
    output = validate(MeetingAws(), {"accounts": [acct(1)]})  # sequential calls would break the barrier
    assert output["admin_account_id"] == ADMIN and "us-east-1" in output["regions"]


def test_a_list_regions_error_comes_after_the_input_problems(s3: Any, admin_aws: Any) -> None:
    admin_aws()
    aws = AccountAnswers()
    aws.stub.add_client_error("list_regions", "ThrottlingException", http_status_code=400)
    aws.stub.add_client_error("list_regions", "ThrottlingException", http_status_code=400)
    with aws.stub, pytest.raises(errors.InvalidInput, match="account_id"):
        validate(aws, {"accounts": [{"account_id": "12345", "email": "a@example.com"}]})
    with aws.stub, pytest.raises(errors.RolloutError, match="ThrottlingException"):
        validate(aws, {"accounts": [acct(1)]})


def test_list_regions_is_paged_with_next_token_through_a_real_client(admin_aws: Any) -> None:
    admin_aws()
    aws = AccountAnswers()
    stub = aws.stub
    with stub:
        first = [{"RegionName": "us-east-1", "RegionOptStatus": "ENABLED_BY_DEFAULT"}]
        stub.add_response("list_regions", {"Regions": first, "NextToken": "t"}, {"MaxResults": 50})
        stub.add_response(
            "list_regions",
            {
                "Regions": [
                    {"RegionName": "af-south-1", "RegionOptStatus": "ENABLED"},
                    {"RegionName": "me-south-1", "RegionOptStatus": "ENABLING"},
                ]
            },
            {"MaxResults": 50, "NextToken": "t"},
        )
        assert listed_regions(aws) == {"us-east-1", "af-south-1"}
        stub.assert_no_pending_responses()


# --- Regions and graphs as the emulated fleet's administrator has them ------------------------------


def test_fleet_all_regions_skip_the_opt_in_regions_the_administrator_opted_out_of(s3: Any, admin_aws: Any) -> None:
    aws, fleet = admin_aws(opted_out_regions=["af-south-1", "me-south-1"])
    output = validate(aws, {"accounts": [acct(1)]}, "fleet-1")
    assert output["admin_account_id"] == ADMIN
    assert "af-south-1" not in output["regions"] and "eu-south-1" in output["regions"]
    assert output["admin_disabled_regions"] == []
    assert fleet.mutating_calls() == []


def test_fleet_explicit_opted_out_region_becomes_admin_disabled(s3: Any, admin_aws: Any) -> None:
    aws, _ = admin_aws(opted_out_regions=["af-south-1"])
    output = validate(aws, {"accounts": [acct(1)], "regions": ["af-south-1", "us-east-1"]}, "fleet-2")
    assert output["regions"] == ["af-south-1", "us-east-1"]
    assert output["admin_disabled_regions"] == ["af-south-1"]


def test_fleet_administrator_listed_as_member_is_refused_via_sts(s3: Any, admin_aws: Any) -> None:
    aws, fleet = admin_aws(existing_graph_regions=["us-east-1"])
    with pytest.raises(errors.InvalidInput, match=f"accounts\\[1\\].account_id: '{ADMIN}' is the administrator"):
        validate(aws, {"accounts": [acct(1), {"account_id": ADMIN, "email": "admin@example.com"}]}, "fleet-3")
    assert written(s3) == [] and fleet.mutating_calls() == []


def test_fleet_output_names_the_regions_that_already_have_a_graph(s3: Any, admin_aws: Any) -> None:
    aws, _ = admin_aws(existing_graph_regions=["eu-west-1"])
    output = validate(aws, {"accounts": [acct(1)], "regions": ["us-east-1", "eu-west-1"]}, "fleet-3")
    assert output["graph_regions"] == ["eu-west-1"]  # EnsureGraph creates straight away in us-east-1
