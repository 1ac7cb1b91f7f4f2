"""Trail: one multi-region CloudTrail trail with validation, KMS and CloudWatch Logs delivery."""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child, log_store
from aws_logging_baseline.components.settings import Settings


@dataclass
class TrailArgs:
    settings: Settings
    account_id: str
    trail_name: str
    bucket_name: pulumi.Input[str]
    s3_key_prefix: str
    kms_key_arn: pulumi.Input[str]
    # CloudTrail validates bucket and key policies when the trail is created: create it after them.
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    sns_topic_name: pulumi.Input[str] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # Organization trail (management account): logs every account of the organization. Its S3 key may live in
    # the log-archive account; the CloudWatch Logs group then needs a key of this account (log_group_kms_key_arn).
    is_organization_trail: bool = False
    log_group_kms_key_arn: pulumi.Input[str] | None = None


# Deletions and retention changes of archive objects (issue 12): recorded so that erasing evidence leaves evidence.
# Never PutObject: every delivery into the archive would log an event that is itself delivered into the archive.
# S3 data event names per https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
ARCHIVE_DATA_EVENT_NAMES = ("DeleteObject", "DeleteObjects", "PutObjectRetention", "PutObjectLegalHold")


def archive_objects_prefix(partition: str, bucket_name: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.from_input(bucket_name).apply(lambda b: f"arn:{partition}:s3:::{b}/")


def data_event_selectors(s: Settings, archive_bucket_name: pulumi.Input[str] | None = None) -> list[dict]:
    """Advanced selectors: management events always; the archive's deletions and retention changes
    (archiveDataEvents); S3/Lambda data events everywhere only when switched on (cost), never the archive's own
    object events (PutObject would loop). Selectors are OR'ed, the field selectors of one selector AND'ed
    (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html)."""
    selectors = [{"name": "Management events", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}]
    archive = archive_objects_prefix(s.partition, archive_bucket_name) if archive_bucket_name is not None else None
    if s.archive_data_events and archive is not None:
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
    if s.trail_s3_data_events:
        field_selectors = [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]},
        ]
        if archive is not None:
            field_selectors.append({"field": "resources.ARN", "not_starts_withs": [archive]})
        selectors.append({"name": "S3 data events", "field_selectors": field_selectors})
    if s.trail_lambda_data_events:
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
    trail: aws.cloudtrail.Trail
    log_group: aws.cloudwatch.LogGroup
    role: aws.iam.Role

    def __init__(self, name: str, args: TrailArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:cloudtrail:Trail", name, None, opts)
        s, account, region = args.settings, args.account_id, args.settings.home_region
        arn = docs.trail_arn(s.partition, region, account, args.trail_name)
        log_group_name = f"/{s.name_prefix}/cloudtrail"
        log_group_arn = f"arn:{s.partition}:logs:{region}:{account}:log-group:{log_group_name}"
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group",
            name=log_group_name,
            region=region,
            retention_in_days=s.log_retention_days,
            kms_key_id=args.log_group_kms_key_arn or args.kms_key_arn,
            tags=args.tags,
            opts=log_store(self, s.protect_resources),
        )
        self.role = aws.iam.Role(
            f"{name}-logs-role",
            name=f"{s.name_prefix}-cloudtrail-logs-{region}",
            description="CloudTrail delivery to its CloudWatch Logs group",
            assume_role_policy=pulumi.Output.json_dumps(
                docs.assume_role_policy(
                    "cloudtrail.amazonaws.com",
                    {"StringEquals": {"aws:SourceAccount": account, "aws:SourceArn": arn}},
                )
            ),
            tags=args.tags,
            opts=child(self),
        )
        self.role_policy = aws.iam.RolePolicy(
            f"{name}-logs-policy",
            role=self.role.name,
            policy=pulumi.Output.json_dumps(docs.cloudtrail_logs_role_policy(log_group_arn=log_group_arn)),
            opts=child(self),
        )
        self.event_selectors = data_event_selectors(s, args.bucket_name)
        insights = (
            [{"insight_type": "ApiCallRateInsight"}, {"insight_type": "ApiErrorRateInsight"}] if s.trail_insights else None
        )
        self.trail = aws.cloudtrail.Trail(
            f"{name}-trail",
            name=args.trail_name,
            region=region,
            s3_bucket_name=args.bucket_name,
            s3_key_prefix=args.s3_key_prefix,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            is_organization_trail=True if args.is_organization_trail else None,
            kms_key_id=args.kms_key_arn,
            # CloudTrail wants the log group ARN with the ":*" stream wildcard.
            cloud_watch_logs_group_arn=self.log_group.arn.apply(lambda a: f"{a}:*"),
            cloud_watch_logs_role_arn=self.role.arn,
            advanced_event_selectors=self.event_selectors,
            insight_selectors=insights,
            sns_topic_name=args.sns_topic_name,
            tags=args.tags,
            opts=child(self, [*args.depends_on, self.role_policy]),
        )
        self.arn = arn
        self.register_outputs(
            {"trailArn": self.trail.arn, "logGroupName": self.log_group.name, "logGroupArn": self.log_group.arn}
        )
