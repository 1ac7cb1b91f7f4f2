"""What the account fixture knows that the stack alone cannot prove: the account's VPCs, and the regions they are in.

A stack that narrows `baseline:regions` or `flowLogVpcIds` exports only what it covers, so its outputs look
complete. `check` therefore hands the fixture's facts to the pack as policy config, where the user's policy
config sets nothing: every region with a VPC must be covered (baseline-covers-required-regions), and every VPC in
a covered region must have a flow log (vpc-flow-logs-enabled). Only for stacks that claim regional coverage
(they export `regions` / `vpcIds`), so a stack of other resources is not judged against the account.
"""

import copy
from typing import Any, Collection, Mapping

from aws_logging_baseline.offline.fixture import AccountFixture

REGIONS_POLICY, REGIONS_KEY = "baseline-covers-required-regions", "requiredRegions"
VPCS_POLICY, VPCS_KEY = "vpc-flow-logs-enabled", "requiredVpcIds"


def _unset(config: Mapping[str, Any], policy: str, key: str) -> bool:
    entry = config.get(policy)
    return not (isinstance(entry, Mapping) and key in entry)


def _set(config: dict[str, Any], policy: str, key: str, value: Any) -> None:
    entry = config.get(policy)
    if isinstance(entry, str):  # an enforcement level only
        entry = {"enforcementLevel": entry}
    config[policy] = {**(entry or {}), key: value}


def with_account_facts(user_config: Mapping[str, Any] | None, fixture: AccountFixture,
                       stack_outputs: Mapping[str, Any], policies: Collection[str] | None = None) -> dict[str, Any]:
    """The user's policy config (unchanged) plus the fixture's regions and VPCs where it sets neither, for the
    two policies when the pack has them (`policies`: its policy names; another pack may have neither)."""
    config = copy.deepcopy(dict(user_config or {}))
    has = (lambda name: True) if policies is None else set(policies).__contains__
    vpc_regions = sorted(region for region, ids in fixture.vpcs.items() if ids)
    exported = stack_outputs.get("regions")
    if has(REGIONS_POLICY) and isinstance(exported, list) and vpc_regions and _unset(config, REGIONS_POLICY, REGIONS_KEY):
        _set(config, REGIONS_POLICY, REGIONS_KEY, vpc_regions)
    if has(VPCS_POLICY) and "vpcIds" in stack_outputs and _unset(config, VPCS_POLICY, VPCS_KEY):
        covered = set(exported) if isinstance(exported, list) else set(fixture.vpcs)
        vpcs = sorted(v for region, ids in fixture.vpcs.items() if region in covered for v in ids)
        if vpcs:
            _set(config, VPCS_POLICY, VPCS_KEY, vpcs)
    return config
