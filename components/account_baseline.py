"""AccountBaseline: composes the baseline for one account according to its role."""

import pulumi
import pulumi_aws as aws

from components import policy_documents as docs
from components.log_archive import TRAIL_PREFIX, LogArchive, LogArchiveArgs
from components.log_key import LogKey, LogKeyArgs
from components.options import child
from components.settings import Settings
from components.trail import Trail, TrailArgs

# Writers that use the home-region key: the trail and its log group, the archive's SSE, AWS Config and
# VPC Flow Logs delivering into the archive from every region, and the alert topic.
HOME_KEY_SERVICES = frozenset({"cloudtrail", "logs", "s3", "config", "delivery.logs", "sns"})


class AccountBaseline(pulumi.ComponentResource):
    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:index:AccountBaseline", name, None, opts)
        s = settings
        account_id = aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=self)).account_id
        tags = s.tag_map
        trail_name = f"{s.name_prefix}-trail"
        trail_arn = docs.trail_arn(s.partition, s.home_region, account_id, trail_name)

        self.home_key = LogKey(
            f"{name}-home-key",
            LogKeyArgs(
                region=s.home_region,
                partition=s.partition,
                account_id=account_id,
                services=HOME_KEY_SERVICES,
                alias=f"{s.name_prefix}/logs",
                trail_arn=trail_arn,
                protect=s.protect_resources,
                tags=tags,
            ),
            opts=child(self),
        )
        self.replica_key = None
        if not s.replica_account_id:
            self.replica_key = LogKey(
                f"{name}-replica-key",
                LogKeyArgs(
                    region=s.replica_region,
                    partition=s.partition,
                    account_id=account_id,
                    services=frozenset({"s3"}),
                    alias=f"{s.name_prefix}/log-replica",
                    protect=s.protect_resources,
                    tags=tags,
                ),
                opts=child(self),
            )
        self.archive = LogArchive(
            f"{name}-log-archive",
            LogArchiveArgs(
                settings=s,
                account_id=account_id,
                trail_arn=trail_arn,
                archive_key_arn=self.home_key.arn,
                replica_key_arn=self.replica_key.arn if self.replica_key else None,
                tags=tags,
            ),
            opts=child(self),
        )
        self.trail = Trail(
            f"{name}-cloudtrail",
            TrailArgs(
                settings=s,
                account_id=account_id,
                trail_name=trail_name,
                bucket_name=self.archive.archive.name,
                s3_key_prefix=TRAIL_PREFIX,
                kms_key_arn=self.home_key.arn,
                depends_on=[self.archive.archive.policy, self.home_key.key],
                tags=tags,
            ),
            opts=child(self),
        )
        self.outputs = {
            "accountId": account_id,
            "homeRegion": s.home_region,
            "regions": list(s.regions),
            "archiveBucket": self.archive.archive.name,
            "archiveBucketArn": self.archive.archive.arn,
            "archiveKeyArn": self.home_key.arn,
            "replicaBucketArn": self.archive.replication.rules[0].destination.bucket,
            "trailArn": self.trail.trail.arn,
            "trailLogGroupName": self.trail.log_group.name,
            "trailLogGroupArn": self.trail.log_group.arn,
        }
        if self.archive.replica_destination_policy is not None:
            self.outputs["replicaDestinationBucketPolicy"] = self.archive.replica_destination_policy
        self.register_outputs(self.outputs)


