"""A team's program in its own layout: three pieces of the baseline with the team's own arguments, and its own alarm.

Nothing here builds the baseline's stack configuration (no `baseline:` keys, no Settings): each component takes
its own typed Args, defaults being the baseline's secure defaults (protected log stores, Object Lock, SSE-KMS
under customer managed keys, replication).
"""

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components import (
    AlertTopic,
    AlertTopicArgs,
    ConfigRecording,
    ConfigRecordingArgs,
    LogArchive,
    LogArchiveArgs,
    LogKey,
    LogKeyArgs,
    Trail,
    TrailArgs,
)
from aws_logging_baseline.components.policy_documents import trail_arn
from components.root_activity_alarm import RootActivityAlarm, RootActivityAlarmArgs

team = pulumi.Config("team")
region = aws.config.region or "us-east-1"
replica_region = team.get("replicaRegion") or "us-west-2"
account = aws.get_caller_identity().account_id
tags = {"Team": "cloud", "ManagedBy": "pulumi"}
trail_name = "team-trail"
trail = trail_arn("aws", region, account, trail_name)

# One key for the writers of the home region, one for the replica (a KMS key serves its own region only).
key = LogKey("logs-key", LogKeyArgs(
    region=region, account_id=account, alias="team/logs", trail_arn=trail,
    services=["cloudtrail", "logs", "s3", "config", "sns"], tags=tags,
))
replica_key = LogKey("replica-key", LogKeyArgs(
    region=replica_region, account_id=account, alias="team/log-replica", services=["s3"], tags=tags,
))
archive = LogArchive("archive", LogArchiveArgs(
    account_id=account, home_region=region, replica_region=replica_region, trail_arn=trail,
    archive_key_arn=key.arn, replica_key_arn=replica_key.arn, name_prefix="team", object_lock_days=400, tags=tags,
    # The one role that may shorten retention or change the archive's policy (docs/tamper-resistance.md).
    break_glass_principal_arn=f"arn:aws:iam::{account}:role/team-break-glass",
))
cloudtrail = Trail(
    "trail",
    TrailArgs(
        account_id=account, home_region=region, trail_name=trail_name, bucket_name=archive.archive.name,
        s3_key_prefix="cloudtrail", kms_key_arn=key.arn, name_prefix="team", tags=tags,
    ),
    depends_on=[archive.archive.policy, key.key],  # CloudTrail checks both policies when the trail is created
)

config_role = aws.iam.ServiceLinkedRole("config-role", aws_service_name="config.amazonaws.com")
recording = ConfigRecording(
    "config",
    ConfigRecordingArgs(
        region=region, home_region=region, role_arn=config_role.arn, bucket_name=archive.archive.name,
        s3_key_prefix="config", kms_key_arn=key.arn, name_prefix="team", recording_frequency="DAILY",
    ),
    recorder_depends_on=[config_role],
    channel_depends_on=[archive.archive.policy, key.key],
)

alerts = AlertTopic("alerts", AlertTopicArgs(
    topic_name="team-alerts", region=region, account_id=account, kms_key_arn=key.arn, rule_name_prefix="team-",
    emails=[team.require("alertEmail")], tags=tags,
))
RootActivityAlarm("root-activity", RootActivityAlarmArgs(
    log_group_name=cloudtrail.log_group.name, region=region, topic_arn=alerts.arn,
))

pulumi.export("archiveBucket", archive.archive.name)
pulumi.export("trailArn", cloudtrail.trail.arn)
pulumi.export("alertTopicArn", alerts.arn)
