"""AWS Account Management: which Regions each account has enabled (ListRegions, GetRegionOptStatus).

This is how a caller computes "all Regions" as on AWS: Detective Regions that are
ENABLED_BY_DEFAULT or ENABLED for the account; opt-in Regions the scenario lists under
``opted_out_regions`` (or a ``region_disabled`` event disabled) are DISABLED.
"""

from __future__ import annotations

from typing import Any

from detective_rollout.emulator import errors
from detective_rollout.emulator.aws_data import all_regions, is_opt_in
from detective_rollout.emulator.base import Call, Params, ServiceModel
from detective_rollout.emulator.paging import page


class Account(ServiceModel):
    service = "account"

    def _target(self, call: Call, params: Params) -> str:
        target = params.get("AccountId")
        if target and target != call.account_id:
            # Other accounts' Regions need the Organizations management (or delegated admin) account.
            raise errors.AccessDeniedException(
                f"User: {call.principal_arn} is not authorized to perform: account:{call.operation} on account {target}"
            )
        return call.account_id

    def opt_status(self, account_id: str, region: str) -> str:
        if not is_opt_in(region):
            return "ENABLED_BY_DEFAULT"
        return "ENABLED" if self.fleet.region_enabled(account_id, region) else "DISABLED"

    def list_regions(self, call: Call, params: Params) -> dict[str, Any]:
        account_id = self._target(call, params)
        wanted = set(params.get("RegionOptStatusContains") or [])
        items = [{"RegionName": r, "RegionOptStatus": self.opt_status(account_id, r)} for r in all_regions()]
        items = [i for i in items if not wanted or i["RegionOptStatus"] in wanted]
        return page(params, items, "Regions", lambda i: str(i["RegionName"]), max_page=50, default_page=20)

    def get_region_opt_status(self, call: Call, params: Params) -> dict[str, Any]:
        account_id = self._target(call, params)
        region = params["RegionName"]
        if region not in all_regions():
            raise errors.ValidationException(f"Invalid region-name: {region}")
        return {"RegionName": region, "RegionOptStatus": self.opt_status(account_id, region)}
