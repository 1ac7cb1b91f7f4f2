"""VPC Flow Logs: each flow log's traffic type, and a flow log for every VPC the stack knows."""

from collections.abc import Mapping

from .catalog import resource_policy, stack_policy
from .common import StackView, as_list, setting

FLOW_LOG = "aws:ec2/flowLog:FlowLog"
VPCS = ("aws:ec2/vpc:Vpc", "aws:ec2/defaultVpc:DefaultVpc")


def _traffic_type(args, report):
    if args.resource_type != FLOW_LOG:
        return
    allowed = setting(args, "vpc-flow-logs-traffic-type", "allowedTrafficTypes")
    traffic = args.props.get("trafficType")
    if traffic not in allowed:
        report(f"trafficType is {traffic!r}: set traffic_type to one of {', '.join(allowed)} (rejected traffic must be captured).")


def _exported_vpcs(outputs: Mapping) -> set[str]:
    """The stack output `vpcIds`: a list of ids, or a map of region -> list of ids."""
    exported = outputs.get("vpcIds")
    if isinstance(exported, Mapping):
        return {v for ids in exported.values() for v in as_list(ids) if isinstance(v, str)}
    return {v for v in as_list(exported) if isinstance(v, str)}


def _every_vpc(args, report_violation):
    view = StackView(args)
    urns = {}
    for vpc in view.of(*VPCS):
        vpc_id = vpc.props.get("id")
        if isinstance(vpc_id, str):
            urns[vpc_id] = vpc.urn
    wanted = set(urns) | _exported_vpcs(view.outputs) | set(setting(args, "vpc-flow-logs-enabled", "requiredVpcIds"))
    covered = {f.props.get("vpcId") for f in view.of(FLOW_LOG)}
    for vpc_id in sorted(wanted - covered):
        report_violation(
            f"VPC {vpc_id} has no flow log: add an aws.ec2.FlowLog with vpc_id={vpc_id!r} and traffic_type REJECT or ALL.",
            urns.get(vpc_id) or view.stack_urn,
        )


POLICIES = [
    resource_policy("vpc-flow-logs-traffic-type", _traffic_type, [FLOW_LOG]),
    stack_policy("vpc-flow-logs-enabled", _every_vpc),
]
