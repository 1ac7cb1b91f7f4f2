"""Trail: one multi-region CloudTrail trail with validation, KMS and CloudWatch Logs delivery."""

from typing import NotRequired, Sequence, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child, log_store
from aws_logging_baseline.components.regions import partition_of


class TrailArgs(TypedDict):
    """Arguments of Trail: where it delivers, under which key, and which events it records."""

    account_id: str
    """The account the trail belongs to (its ARN, the log role's aws:SourceAccount)."""
    home_region: str
    """The trail's region (a multi-region trail still records every region)."""
    trail_name: str
    """The trail's name; its ARN is what the bucket and key policies name in aws:SourceArn."""
    bucket_name: pulumi.Input[str]
    """The archive bucket the log files go to; its policy must let this trail write."""
    s3_key_prefix: str
    """Key prefix of the log files in the bucket; into a LogArchive it must be cloudtrail (the prefix its policy admits)."""
    kms_key_arn: pulumi.Input[str]
    """The KMS key of the log files (SSE-KMS) and, unless log_group_kms_key_arn, of the log group: a LogKey serving cloudtrail and logs."""
    name_prefix: NotRequired[str]
    """Prefix of the log group and role names. Default: baseline."""
    log_retention_days: NotRequired[int]
    """Retention of the trail's CloudWatch Logs group, in days. Default: 365 (CIS expects a year)."""
    log_group_kms_key_arn: NotRequired[pulumi.Input[str]]
    """The key of the CloudWatch Logs group, when the log files' key lives in another account. Default: kms_key_arn."""
    is_organization_trail: NotRequired[bool]
    """Record every account of the organization (management account only). Default: false."""
    archive_data_events: NotRequired[bool]
    """Record deletions and retention changes of the archive's objects (tamper evidence). Default: true."""
    s3_data_events: NotRequired[bool]
    """Record S3 object-level data events of every other bucket (extra cost). Default: false."""
    lambda_data_events: NotRequired[bool]
    """Record Lambda invocations (extra cost). Default: false."""
    insights: NotRequired[bool]
    """CloudTrail Insights on API call and error rates (extra cost). Default: false."""
    sns_topic_name: NotRequired[pulumi.Input[str]]
    """A topic notified of each log file delivery. Default: none."""
    protect: NotRequired[bool]
    """Protect the log group from `pulumi destroy` and keep it when removed from the program. Default: true."""
    tags: NotRequired[dict[str, str]]
    """Tags of every resource. Default: none."""


# Deletions and retention changes of archive objects (issue 12): recorded so that erasing evidence leaves evidence.
# Never PutObject: every delivery into the archive would log an event that is itself delivered into the archive.
# S3 data event names per https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
ARCHIVE_DATA_EVENT_NAMES = ("DeleteObject", "DeleteObjects", "PutObjectRetention", "PutObjectLegalHold")


def archive_objects_prefix(partition: str, bucket_name: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.from_input(bucket_name).apply(lambda b: f"arn:{partition}:s3:::{b}/")


def data_event_selectors(args: TrailArgs, archive_bucket_name: pulumi.Input[str] | None = None) -> list[dict]:
    """Advanced selectors: management events always; the archive's deletions and retention changes
    (archiveDataEvents); S3/Lambda data events everywhere only when switched on (cost), never the archive's own
    object events (PutObject would loop). Selectors are OR'ed, the field selectors of one selector AND'ed
    (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html)."""
    selectors = [{"name": "Management events", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}]
    partition = partition_of(args["home_region"]) or "aws"
    archive = archive_objects_prefix(partition, archive_bucket_name) if archive_bucket_name is not None else None
    if args.get("archive_data_events", True) and archive is not None:
        selectors.append(
            {
                "name": "Archive deletions and retention changes",
                "field_selectors": [
                    {"field": "eventCategory", "equals": ["Data"]},
                    {"field": "resources.type", "equals": ["AWS::S3::Object"]},
                    {"field": "resources.ARN", "starts_withs": [archive]},
                    {"field": "eventName", "equals": list(ARCHIVE_DATA_EVENT_NAMES)},
                ],
            }
        )
    if args.get("s3_data_events", False):
        field_selectors = [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]},
        ]
        if archive is not None:
            field_selectors.append({"field": "resources.ARN", "not_starts_withs": [archive]})
        selectors.append({"name": "S3 data events", "field_selectors": field_selectors})
    if args.get("lambda_data_events", False):
        selectors.append(
            {
                "name": "Lambda data events",
                "field_selectors": [
                    {"field": "eventCategory", "equals": ["Data"]},
                    {"field": "resources.type", "equals": ["AWS::Lambda::Function"]},
                ],
            }
        )
    return selectors


class Trail(pulumi.ComponentResource):
    """One multi-region CloudTrail trail with log file validation, SSE-KMS and delivery to CloudWatch Logs."""

    trail: aws.cloudtrail.Trail
    log_group: aws.cloudwatch.LogGroup
    role: aws.iam.Role

    def __init__(
        self,
        name: str,
        args: TrailArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        depends_on: Sequence[pulumi.Resource] = (),
    ):
        """`depends_on` (Python only): CloudTrail validates the bucket and key policies when the trail is created,
        so the trail waits for them."""
        check_args("Trail", name, args, TrailArgs)
        super().__init__("baseline:cloudtrail:Trail", name, None, opts)
        account, region, prefix = args["account_id"], args["home_region"], args.get("name_prefix", "baseline")
        partition = partition_of(region) or "aws"
        protect = args.get("protect", True)
        tags = args.get("tags", {})
        kms_key_arn = args["kms_key_arn"]
        arn = docs.trail_arn(partition, region, account, args["trail_name"])
        log_group_name = f"/{prefix}/cloudtrail"
        log_group_arn = f"arn:{partition}:logs:{region}:{account}:log-group:{log_group_name}"
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group",
            name=log_group_name,
            region=region,
            retention_in_days=args.get("log_retention_days", 365),
            kms_key_id=args.get("log_group_kms_key_arn") or kms_key_arn,
            tags=tags,
            opts=log_store(self, protect),
        )
        self.role = aws.iam.Role(
            f"{name}-logs-role",
            name=f"{prefix}-cloudtrail-logs-{region}",
            description="CloudTrail delivery to its CloudWatch Logs group",
            assume_role_policy=pulumi.Output.json_dumps(
                docs.assume_role_policy(
                    "cloudtrail.amazonaws.com",
                    {"StringEquals": {"aws:SourceAccount": account, "aws:SourceArn": arn}},
                )
            ),
            tags=tags,
            opts=child(self),
        )
        self.role_policy = aws.iam.RolePolicy(
            f"{name}-logs-policy",
            role=self.role.name,
            policy=pulumi.Output.json_dumps(docs.cloudtrail_logs_role_policy(log_group_arn=log_group_arn)),
            opts=child(self),
        )
        self.event_selectors = data_event_selectors(args, args["bucket_name"])
        insights = (
            [{"insight_type": "ApiCallRateInsight"}, {"insight_type": "ApiErrorRateInsight"}]
            if args.get("insights", False)
            else None
        )
        self.trail = aws.cloudtrail.Trail(
            f"{name}-trail",
            name=args["trail_name"],
            region=region,
            s3_bucket_name=args["bucket_name"],
            s3_key_prefix=args["s3_key_prefix"],
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            is_organization_trail=True if args.get("is_organization_trail", False) else None,
            kms_key_id=kms_key_arn,
            # CloudTrail wants the log group ARN with the ":*" stream wildcard.
            cloud_watch_logs_group_arn=self.log_group.arn.apply(lambda a: f"{a}:*"),
            cloud_watch_logs_role_arn=self.role.arn,
            advanced_event_selectors=self.event_selectors,
            insight_selectors=insights,
            sns_topic_name=args.get("sns_topic_name"),
            tags=tags,
            opts=child(self, [*depends_on, self.role_policy]),
        )
        self.arn = arn
        self.register_outputs(
            {"trailArn": self.trail.arn, "logGroupName": self.log_group.name, "logGroupArn": self.log_group.arn}
        )
