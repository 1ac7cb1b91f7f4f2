"""FlowLogs: a VPC flow log for every VPC of every configured region (CIS "VPC flow logging in all VPCs").

VPC ids come from the account (one `ec2.getVpcs` invoke per region) or from `vpc_ids` (`flowLogVpcIds`). Delivery goes
to the archive bucket by default (Parquet, Hive-compatible partitions, no IAM role: the bucket policy lets
delivery.logs.amazonaws.com write under the flow-logs prefix), or to a KMS-encrypted CloudWatch Logs group
per region with a delivery role trusted by vpc-flow-logs.amazonaws.com for this account's flow logs only.
"""

from typing import NotRequired, Sequence, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.log_key import LogKey, LogKeyArgs
from aws_logging_baseline.components.options import child, log_store
from aws_logging_baseline.components.regional_settings import default_flow_log_fields, flow_log_format
from aws_logging_baseline.components.regions import partition_of


class FlowLogsArgs(TypedDict):
    """Arguments of FlowLogs: the account and regions covered, what the flow logs capture and where they go."""

    account_id: str
    """The account whose VPCs are logged (the delivery role's aws:SourceAccount)."""
    regions: list[str]
    """The regions whose VPCs are logged."""
    home_region: str
    """The region whose CloudWatch Logs group uses home_key_arn (other regions get a key of their own)."""
    archive_bucket_arn: pulumi.Input[str]
    """ARN of the archive bucket (S3 destination); its policy must let delivery.logs.amazonaws.com write, and its key serve delivery.logs."""
    s3_prefix: str
    """Key prefix of the flow logs in the archive bucket; into a LogArchive it must be vpc-flow-logs (the prefix its policy admits)."""
    home_key_arn: pulumi.Input[str]
    """The KMS key of the home region's log group (cloud-watch-logs destination); it must serve CloudWatch Logs."""
    destination: NotRequired[str]
    """Where flow logs go: s3 (the archive bucket) or cloud-watch-logs (a KMS-encrypted log group per region). Default: s3."""
    traffic_type: NotRequired[str]
    """Traffic captured: REJECT (the CIS minimum, cheapest), ALL or ACCEPT. Default: REJECT."""
    file_format: NotRequired[str]
    """File format of flow logs delivered to S3 (Hive-compatible partitions): parquet or plain-text. Default: parquet."""
    max_aggregation_interval: NotRequired[int]
    """Aggregation interval in seconds: 600 or 60. Default: 600."""
    fields: NotRequired[list[str]]
    """Record fields of the custom log format (names without ${}). Default: the default of catalog/flow_log_fields.yaml."""
    vpc_ids: NotRequired[dict[str, list[str]]]
    """VPCs to log, by region. Default: every VPC of every region, read from the account."""
    name_prefix: NotRequired[str]
    """Prefix of the log group, role and key alias names. Default: baseline."""
    log_retention_days: NotRequired[int]
    """Retention of the CloudWatch Logs groups (cloud-watch-logs destination), in days. Default: 365."""
    protect: NotRequired[bool]
    """Protect the log groups and keys from `pulumi destroy` and keep them when removed from the program. Default: true."""
    tags: NotRequired[dict[str, str]]
    """Tags of every resource. Default: none."""


def log_group_name(name_prefix: str) -> str:
    return f"/{name_prefix}/vpc-flow-logs"


class FlowLogs(pulumi.ComponentResource):
    """A VPC flow log for every VPC of every given region, delivered to the archive bucket or to CloudWatch Logs."""

    flow_logs: dict[str, list[aws.ec2.FlowLog]]  # region -> one flow log per VPC
    log_groups: dict[str, aws.cloudwatch.LogGroup]  # region -> group (cloud-watch-logs destination only)
    role: aws.iam.Role | None

    def __init__(
        self,
        name: str,
        args: FlowLogsArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        depends_on: Sequence[pulumi.Resource] = (),
    ):
        """`depends_on` (Python only): flow logs to S3 fail until the bucket policy lets
        delivery.logs.amazonaws.com write, so they wait for it."""
        check_args("FlowLogs", name, args, FlowLogsArgs)
        super().__init__("baseline:ec2:FlowLogs", name, None, opts)
        self.flow_logs, self.log_groups, self.role = {}, {}, None
        # region -> key, for regions other than home (cloud-watch-logs destination only); not a class annotation:
        # the schema analyzer takes those as outputs, and a LogKey has no schema type.
        self.keys: dict[str, LogKey] = {}
        regions, prefix, tags = args["regions"], args.get("name_prefix", "baseline"), args.get("tags", {})
        vpcs = self._vpcs(args)
        self.vpc_ids = {region: list(vpcs.get(region, [])) for region in regions}  # exported: policies prove coverage
        log_format = flow_log_format(args.get("fields", default_flow_log_fields()))
        destination = args.get("destination", "s3")
        if destination not in ("s3", "cloud-watch-logs"):
            raise ValueError(f"FlowLogs {name}: destination must be s3 or cloud-watch-logs, got {destination!r}")
        to_s3 = destination == "s3"
        waits_for = list(depends_on)
        if not to_s3:
            waits_for.append(self._cloudwatch_destination(name, args, [r for r in regions if vpcs.get(r)]))

        for region in regions:
            for vpc_id in vpcs.get(region, []):
                destination: dict = (
                    {
                        "log_destination_type": "s3",
                        "log_destination": pulumi.Output.concat(args["archive_bucket_arn"], "/", args["s3_prefix"]),
                        "destination_options": {
                            "file_format": args.get("file_format", "parquet"),
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
                        traffic_type=args.get("traffic_type", "REJECT"),
                        max_aggregation_interval=args.get("max_aggregation_interval", 600),
                        log_format=log_format,
                        tags={**tags, "Name": f"{prefix}-{vpc_id}"},
                        opts=child(self, waits_for),
                        **destination,
                    )
                )
        self.register_outputs({"flowLogIds": {r: [f.id for f in logs] for r, logs in self.flow_logs.items()}})

    def _vpcs(self, args: FlowLogsArgs) -> dict[str, list[str]]:
        if args.get("vpc_ids"):
            return {region: list(ids) for region, ids in args["vpc_ids"].items()}
        found = {}
        for region in args["regions"]:
            result = aws.ec2.get_vpcs(region=region, opts=pulumi.InvokeOptions(parent=self))
            found[region] = sorted(result.ids or [])
        return found

    def _cloudwatch_destination(self, name: str, args: FlowLogsArgs, regions: list[str]) -> pulumi.Resource:
        """A KMS-encrypted log group per region (own key outside the home region) and one delivery role."""
        account, prefix, tags = args["account_id"], args.get("name_prefix", "baseline"), args.get("tags", {})
        partition = partition_of(args["home_region"]) or "aws"
        protect = args.get("protect", True)
        group_name = log_group_name(prefix)
        for region in regions:
            if region == args["home_region"]:
                key_arn = args["home_key_arn"]
            else:
                self.keys[region] = LogKey(
                    f"{name}-{region}-key",
                    LogKeyArgs(
                        region=region,
                        account_id=account,
                        services=["logs"],
                        alias=f"{prefix}/vpc-flow-logs",
                        protect=protect,
                        tags=tags,
                    ),
                    opts=child(self),
                )
                key_arn = self.keys[region].arn
            self.log_groups[region] = aws.cloudwatch.LogGroup(
                f"{name}-{region}-log-group",
                name=group_name,
                region=region,
                retention_in_days=args.get("log_retention_days", 365),
                kms_key_id=key_arn,
                tags=tags,
                opts=log_store(self, protect),
            )
        self.role = aws.iam.Role(
            f"{name}-delivery-role",
            name=f"{prefix}-vpc-flow-logs-delivery",
            description="VPC Flow Logs delivery to the baseline's CloudWatch Logs groups",
            assume_role_policy=to_json(
                docs.assume_role_policy(
                    "vpc-flow-logs.amazonaws.com",
                    {
                        "StringEquals": {"aws:SourceAccount": account},
                        "ArnLike": {"aws:SourceArn": f"arn:{partition}:ec2:*:{account}:vpc-flow-log/*"},
                    },
                )
            ),
            tags=tags,
            opts=child(self),
        )
        return aws.iam.RolePolicy(
            f"{name}-delivery-policy",
            role=self.role.name,
            policy=to_json(
                docs.flow_logs_delivery_role_policy(
                    log_group_arns=[f"arn:{partition}:logs:{r}:{account}:log-group:{group_name}" for r in regions],
                    partition=partition,
                    account_id=account,
                )
            ),
            opts=child(self),
        )
