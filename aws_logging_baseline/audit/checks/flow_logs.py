"""VPC flow logs, per region: every VPC has an active flow log capturing ALL or REJECT traffic (CIS 3.9, EC2.6)."""

from aws_logging_baseline.audit.checks.guard import guarded
from aws_logging_baseline.audit.findings import Finding, failed, passed

CONTROL = "vpc-flow-logs-enabled"
# What the baseline deploys unless `baseline:flowLogTrafficType` says otherwise (Pulumi.yaml), and what CIS asks for.
DEFAULT_TRAFFIC_TYPE = "REJECT"


def _check(ctx, region: str) -> list[Finding]:
    ec2 = ctx.client("ec2", region)
    vpcs = [v for page in ec2.get_paginator("describe_vpcs").paginate() for v in page["Vpcs"]]
    if not vpcs:
        return [passed(CONTROL, region, region, "no VPCs in this region")]
    flow_logs: dict[str, list[dict]] = {}
    for page in ec2.get_paginator("describe_flow_logs").paginate():
        for log in page["FlowLogs"]:
            flow_logs.setdefault(log.get("ResourceId", ""), []).append(log)
    findings = []
    for vpc in vpcs:
        vpc_id = vpc["VpcId"]
        logs = flow_logs.get(vpc_id, [])
        good = [l for l in logs if l.get("TrafficType") in ("ALL", "REJECT") and l.get("FlowLogStatus", "ACTIVE") == "ACTIVE"]
        if good:
            findings.append(passed(CONTROL, region, vpc_id, f"flow log {good[0]['FlowLogId']} captures "
                                                           f"{good[0]['TrafficType']} traffic"))
        elif logs:
            findings.append(failed(CONTROL, region, vpc_id, "flow log captures only ACCEPT traffic or is not active; "
                                                           f"add one for {DEFAULT_TRAFFIC_TYPE} (the baseline's "
                                                           "default) or ALL traffic"))
        else:
            findings.append(failed(CONTROL, region, vpc_id, "VPC has no flow log; create one (traffic type "
                                                           f"{DEFAULT_TRAFFIC_TYPE}, the baseline's default, or ALL)"))
    return findings


def check_flow_logs(ctx, region: str) -> list[Finding]:
    return guarded([CONTROL], region, region, lambda: _check(ctx, region))
