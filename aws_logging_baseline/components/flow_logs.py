"""FlowLogs: a VPC flow log for every VPC of every configured region (CIS "VPC flow logging in all VPCs").

VPC ids come from the account (one `ec2.getVpcs` invoke per region) or from `flowLogVpcIds`. Delivery goes
to the archive bucket by default (Parquet, Hive-compatible partitions, no IAM role: the bucket policy lets
delivery.logs.amazonaws.com write under the flow-logs prefix), or to a KMS-encrypted CloudWatch Logs group
per region with a delivery role trusted by vpc-flow-logs.amazonaws.com for this account's flow logs only.
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.log_key import LogKey, LogKeyArgs
from aws_logging_baseline.components.options import child, log_store
from aws_logging_baseline.components.regional_settings import explicit_vpcs, flow_log_format
from aws_logging_baseline.components.settings import Settings


@dataclass
class FlowLogsArgs:
    settings: Settings
    account_id: str
    archive_bucket_arn: pulumi.Input[str]  # S3 destination
    s3_prefix: str
    home_key_arn: pulumi.Input[str]  # serves CloudWatch Logs in the home region
    # Flow logs to S3 fail until the bucket policy lets delivery.logs.amazonaws.com write.
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


def log_group_name(s: Settings) -> str:
    return f"/{s.name_prefix}/vpc-flow-logs"


class FlowLogs(pulumi.ComponentResource):
    flow_logs: dict[str, list[aws.ec2.FlowLog]]  # region -> one flow log per VPC
    log_groups: dict[str, aws.cloudwatch.LogGroup]  # region -> group (cloud-watch-logs destination only)
    keys: dict[str, LogKey]  # region -> key, for regions other than home (cloud-watch-logs destination only)
    role: aws.iam.Role | None

    def __init__(self, name: str, args: FlowLogsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:ec2:FlowLogs", name, None, opts)
        s = args.settings
        self.flow_logs, self.log_groups, self.keys, self.role = {}, {}, {}, None
        vpcs = self._vpcs(s)
        self.vpc_ids = {region: list(vpcs.get(region, [])) for region in s.regions}  # exported: policies prove coverage
        log_format = flow_log_format(s.flow_log_fields)
        to_s3 = s.flow_log_destination == "s3"
        depends_on = list(args.depends_on)
        if not to_s3:
            depends_on.append(self._cloudwatch_destination(name, args, [r for r in s.regions if vpcs.get(r)]))

        for region in s.regions:
            for vpc_id in vpcs.get(region, []):
                destination: dict = (
                    {
                        "log_destination_type": "s3",
                        "log_destination": pulumi.Output.concat(args.archive_bucket_arn, "/", args.s3_prefix),
                        "destination_options": {
                            "file_format": s.flow_log_file_format,
                            "hive_compatible_partitions": True,
                            "per_hour_partition": True,
                        },
                    }
                    if to_s3
                    else {
                        "log_destination_type": "cloud-watch-logs",
                        "log_destination": self.log_groups[region].arn,
                        "iam_role_arn": self.role.arn,
                    }
                )
                self.flow_logs.setdefault(region, []).append(
                    aws.ec2.FlowLog(
                        f"{name}-{region}-{vpc_id}",
                        region=region,
                        vpc_id=vpc_id,
                        traffic_type=s.flow_log_traffic_type,
                        max_aggregation_interval=s.flow_log_max_aggregation_interval,
                        log_format=log_format,
                        tags={**args.tags, "Name": f"{s.name_prefix}-{vpc_id}"},
                        opts=child(self, depends_on),
                        **destination,
                    )
                )
        self.register_outputs({"flowLogIds": {r: [f.id for f in logs] for r, logs in self.flow_logs.items()}})

    def _vpcs(self, s: Settings) -> dict[str, list[str]]:
        if s.flow_log_vpc_ids:
            return explicit_vpcs(s.flow_log_vpc_ids)
        found = {}
        for region in s.regions:
            result = aws.ec2.get_vpcs(region=region, opts=pulumi.InvokeOptions(parent=self))
            found[region] = sorted(result.ids or [])
        return found

    def _cloudwatch_destination(self, name: str, args: FlowLogsArgs, regions: list[str]) -> pulumi.Resource:
        """A KMS-encrypted log group per region (own key outside the home region) and one delivery role."""
        s, account = args.settings, args.account_id
        group_name = log_group_name(s)
        for region in regions:
            if region == s.home_region:
                key_arn = args.home_key_arn
            else:
                self.keys[region] = LogKey(
                    f"{name}-{region}-key",
                    LogKeyArgs(
                        region=region,
                        partition=s.partition,
                        account_id=account,
                        services=frozenset({"logs"}),
                        alias=f"{s.name_prefix}/vpc-flow-logs",
                        protect=s.protect_resources,
                        tags=args.tags,
                    ),
                    opts=child(self),
                )
                key_arn = self.keys[region].arn
            self.log_groups[region] = aws.cloudwatch.LogGroup(
                f"{name}-{region}-log-group",
                name=group_name,
                region=region,
                retention_in_days=s.log_retention_days,
                kms_key_id=key_arn,
                tags=args.tags,
                opts=log_store(self, s.protect_resources),
            )
        self.role = aws.iam.Role(
            f"{name}-delivery-role",
            name=f"{s.name_prefix}-vpc-flow-logs-delivery",
            description="VPC Flow Logs delivery to the baseline's CloudWatch Logs groups",
            assume_role_policy=to_json(
                docs.assume_role_policy(
                    "vpc-flow-logs.amazonaws.com",
                    {
                        "StringEquals": {"aws:SourceAccount": account},
                        "ArnLike": {"aws:SourceArn": f"arn:{s.partition}:ec2:*:{account}:vpc-flow-log/*"},
                    },
                )
            ),
            tags=args.tags,
            opts=child(self),
        )
        return aws.iam.RolePolicy(
            f"{name}-delivery-policy",
            role=self.role.name,
            policy=to_json(
                docs.flow_logs_delivery_role_policy(
                    log_group_arns=[f"arn:{s.partition}:logs:{r}:{account}:log-group:{group_name}" for r in regions],
                    partition=s.partition,
                    account_id=account,
                )
            ),
            opts=child(self),
        )
