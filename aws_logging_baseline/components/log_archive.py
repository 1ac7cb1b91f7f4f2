"""LogArchive: the central archive bucket (home region), its access-log bucket and a cross-region replica.

Replication is S3 CRR of SSE-KMS objects: a least-privilege role trusted by s3.amazonaws.com for this
bucket only, all objects, delete markers kept out of the replica (a deletion in the archive must not
propagate), replicas re-encrypted with the replica region's key.
"""

from dataclasses import dataclass, field
from typing import Callable

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.log_key import LogKey, LogKeyArgs
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.secure_bucket import ObjectLock, SecureBucket, SecureBucketArgs, log_lifecycle
from aws_logging_baseline.components.settings import Settings

TRAIL_PREFIX = "cloudtrail"
CONFIG_PREFIX = "config"
FLOW_LOGS_PREFIX = "vpc-flow-logs"
GUARDDUTY_PREFIX = "guardduty"
ACCESS_LOG_PREFIX = "s3-access-logs/"
# The tag that puts a bucket in scope of the s3-bucket-replication-enabled rule (catalog/config_rules.yaml).
REPLICATION_SCOPE_TAG = ("BaselineReplication", "required")


@dataclass
class LogArchiveArgs:
    settings: Settings
    account_id: str
    trail_arn: str  # the trail that may write here (known before the trail exists: names are explicit)
    archive_key_arn: pulumi.Input[str]
    replica_key_arn: pulumi.Input[str] | None  # None when replicating to another account's key
    tags: dict[str, str] = field(default_factory=dict)
    # Set in a log-archive account: deliveries from the whole organization are accepted (aws:SourceOrgID) and
    # `trail_arn` is the organization trail in the management account.
    organization_id: str | None = None
    # Builds statements for other writers (e.g. the GuardDuty findings export) from the archive's ARN.
    extra_statements: Callable[[str], list[dict]] | None = None


def archive_bucket_name(s: Settings, account_id: str) -> str:
    return f"{s.name_prefix}-log-archive-{account_id}-{s.home_region}"


def access_log_bucket_name(s: Settings, account_id: str, region: str | None = None) -> str:
    """The server access log target of a bucket in `region` (the home region: the archive's); the analytics
    table reads the same name."""
    return f"{s.name_prefix}-access-logs-{account_id}-{region or s.home_region}"


class LogArchive(pulumi.ComponentResource):
    archive: SecureBucket
    access_logs: SecureBucket
    replica: SecureBucket | None

    def __init__(self, name: str, args: LogArchiveArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:s3:LogArchive", name, None, opts)
        s, account = args.settings, args.account_id
        partition = s.partition
        archive_name = archive_bucket_name(s, account)
        archive_arn = f"arn:{partition}:s3:::{archive_name}"
        lock = ObjectLock(s.object_lock_mode, s.object_lock_days) if s.object_lock_enabled else None
        lifecycle = log_lifecycle(
            transition_days=s.archive_transition_days,
            storage_class=s.archive_transition_storage_class,
            noncurrent_days=s.archive_noncurrent_expiration_days,
            expiration_days=s.archive_expiration_days,
        )

        if not s.break_glass_principal_arn:
            # Never lock everyone out: without a named break-glass principal the deny is left out, and said so.
            pulumi.log.warn(
                "baseline:breakGlassPrincipalArn is not set: the archive and its replica do not deny governance "
                "bypass, lifecycle, Object Lock, policy and replication changes to administrators "
                "(docs/tamper-resistance.md)",
                resource=self,
            )
        self.access_logs = self._access_log_bucket(f"{name}-access-logs", s, account, s.home_region, archive_arn, args.tags)
        self.archive = SecureBucket(
            f"{name}-archive",
            SecureBucketArgs(
                bucket_name=archive_name,
                region=s.home_region,
                policy=docs.with_erasure_deny(self._with_extra(args, archive_arn, docs.org_archive_bucket_policy(
                    bucket_arn=archive_arn,
                    partition=partition,
                    organization_id=args.organization_id,
                    org_trail_arn=args.trail_arn,
                    trail_prefix=TRAIL_PREFIX,
                    config_prefix=CONFIG_PREFIX,
                    flow_logs_prefix=FLOW_LOGS_PREFIX,
                    readers=s.log_reader_principals,
                )
                if args.organization_id
                else docs.archive_bucket_policy(
                    bucket_arn=archive_arn,
                    partition=partition,
                    account_id=account,
                    trail_arn=args.trail_arn,
                    trail_prefix=TRAIL_PREFIX,
                    config_prefix=CONFIG_PREFIX,
                    flow_logs_prefix=FLOW_LOGS_PREFIX,
                    readers=s.log_reader_principals,
                )), archive_arn, s.break_glass_principal_arn),
                lifecycle_rules=lifecycle,
                kms_key_arn=args.archive_key_arn,
                object_lock=lock,
                access_log_bucket=self.access_logs.name,
                access_log_prefix=ACCESS_LOG_PREFIX,
                protect=s.protect_resources,
                # Brings the archive into the s3-bucket-replication-enabled rule's tag scope (catalog/config_rules.yaml).
                tags={**args.tags, REPLICATION_SCOPE_TAG[0]: REPLICATION_SCOPE_TAG[1]},
                defer_policy=True,  # attached after the replication configuration below
            ),
            opts=child(self),
        )

        cross_account = bool(s.replica_account_id)
        self.replica_access_logs: SecureBucket | None = None
        if cross_account:
            self.replica = None
            replica_arn = f"arn:{partition}:s3:::{s.replica_bucket_name}"
            replica_key_arn: pulumi.Input[str] = s.replica_kms_key_arn
            destination_ready: list[pulumi.Resource] = []
        else:
            replica_name = f"{s.name_prefix}-log-replica-{account}-{s.replica_region}"
            replica_arn = f"arn:{partition}:s3:::{replica_name}"
            replica_key_arn = args.replica_key_arn
            # Security Hub S3.9: the replica logs its access too, to a bucket in its own region (S3 delivers
            # server access logs only to a bucket of the source bucket's region).
            self.replica_access_logs = self._access_log_bucket(
                f"{name}-replica-access-logs", s, account, s.replica_region, replica_arn, args.tags
            )
            self.replica = SecureBucket(
                f"{name}-replica",
                SecureBucketArgs(
                    bucket_name=replica_name,
                    region=s.replica_region,
                    policy=docs.with_erasure_deny(docs.tls_only_bucket_policy(replica_arn, s.log_reader_principals), replica_arn, s.break_glass_principal_arn),
                    lifecycle_rules=lifecycle,
                    kms_key_arn=replica_key_arn,
                    object_lock=lock,
                    access_log_bucket=self.replica_access_logs.name,
                    access_log_prefix=ACCESS_LOG_PREFIX,
                    protect=s.protect_resources,
                    tags=args.tags,
                ),
                opts=child(self),
            )
            destination_ready = [self.replica.versioning]

        self.replication_role = aws.iam.Role(
            f"{name}-replication-role",
            name=f"{s.name_prefix}-log-replication-{s.home_region}",
            description="S3 replication of the log archive to its replica",
            assume_role_policy=pulumi.Output.json_dumps(
                docs.assume_role_policy(
                    "s3.amazonaws.com",
                    {"StringEquals": {"aws:SourceAccount": account}, "ArnLike": {"aws:SourceArn": archive_arn}},
                )
            ),
            tags=args.tags,
            opts=child(self),
        )
        self.replication_policy = aws.iam.RolePolicy(
            f"{name}-replication-policy",
            role=self.replication_role.name,
            policy=pulumi.Output.json_dumps(
                docs.replication_role_policy(
                    source_bucket_arn=archive_arn,
                    destination_bucket_arn=replica_arn,
                    source_key_arn=args.archive_key_arn,
                    replica_key_arn=replica_key_arn,
                    source_region=s.home_region,
                    replica_region=s.replica_region,
                    cross_account=cross_account,
                )
            ),
            opts=child(self),
        )
        destination: dict = {
            "bucket": replica_arn,
            "storage_class": "STANDARD",
            "encryption_configuration": {"replica_kms_key_id": replica_key_arn},
        }
        if cross_account:
            destination["account"] = s.replica_account_id
            destination["access_control_translation"] = {"owner": "Destination"}
        # S3 rejects a replication rule until versioning is on for both buckets.
        self.replication = aws.s3.BucketReplicationConfig(
            f"{name}-replication",
            bucket=self.archive.name,
            region=s.home_region,
            role=self.replication_role.arn,
            rules=[
                {
                    "id": "replicate-all-logs",
                    "status": "Enabled",
                    "priority": 1,
                    "filter": {"prefix": ""},
                    "delete_marker_replication": {"status": "Disabled"},
                    "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
                    "destination": destination,
                }
            ],
            opts=child(self, [self.archive.versioning, self.replication_policy, *destination_ready]),
        )
        self.archive.attach_policy(after=[self.replication])
        self.replica_destination_policy = (
            pulumi.Output.json_dumps(
                docs.cross_account_replica_bucket_policy(
                    destination_bucket_arn=replica_arn,
                    replication_role_arn=self.replication_role.arn,
                    source_account_id=account,
                )
            )
            if cross_account
            else None
        )
        self.register_outputs(
            {
                "archiveBucket": self.archive.name,
                "archiveBucketArn": self.archive.arn,
                "accessLogBucket": self.access_logs.name,
                "replicaAccessLogBucket": self.replica_access_logs.name if self.replica_access_logs else None,
                "replicaBucketArn": replica_arn,
            }
        )

    def _access_log_bucket(
        self, name: str, s: Settings, account: str, region: str, source_bucket_arn: str, tags: dict[str, str]
    ) -> SecureBucket:
        """A server access log target for one bucket, in that bucket's region. S3 writes server access logs with
        SSE-S3 only, and Object Lock on a log target is not supported."""
        bucket_name = access_log_bucket_name(s, account, region)
        return SecureBucket(
            name,
            SecureBucketArgs(
                bucket_name=bucket_name,
                region=region,
                policy=docs.access_log_bucket_policy(
                    bucket_arn=f"arn:{s.partition}:s3:::{bucket_name}",
                    source_bucket_arn=source_bucket_arn,
                    account_id=account,
                    prefix=ACCESS_LOG_PREFIX,
                ),
                lifecycle_rules=[
                    {
                        "id": "access-log-expiry",
                        "status": "Enabled",
                        "filter": {"prefix": ""},
                        "expiration": {"days": s.access_log_expiration_days},
                        "noncurrent_version_expiration": {"noncurrent_days": 30},
                        "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                    }
                ],
                kms_key_arn=None,
                protect=s.protect_resources,
                tags=tags,
            ),
            opts=child(self),
        )


    @staticmethod
    def _with_extra(args: "LogArchiveArgs", archive_arn: str, policy: dict) -> dict:
        return docs.with_statements(policy, args.extra_statements(archive_arn)) if args.extra_statements else policy


def add_archive_with_replica(
    parent: pulumi.Resource,
    name: str,
    settings: Settings,
    account_id: pulumi.Input[str],
    trail_arn: str,
    archive_key_arn: pulumi.Input[str],
    replica_alias: str,
    tags: dict[str, str],
    organization_id: str | None = None,
    archive_extra_statements: Callable[[str], list[dict]] | None = None,
) -> tuple[LogKey | None, LogArchive]:
    """The archive and, unless replicas go to another account, the replica region's key it replicates under."""
    s = settings
    replica_key = None
    if not s.replica_account_id:
        replica_key = LogKey(
            f"{name}-replica-key",
            LogKeyArgs(
                region=s.replica_region,
                partition=s.partition,
                account_id=account_id,
                services=frozenset({"s3"}),
                alias=replica_alias,
                readers=s.log_reader_principals,
                protect=s.protect_resources,
                tags=tags,
            ),
            opts=child(parent),
        )
    archive = LogArchive(
        f"{name}-log-archive",
        LogArchiveArgs(
            settings=s,
            account_id=account_id,
            trail_arn=trail_arn,
            archive_key_arn=archive_key_arn,
            replica_key_arn=replica_key.arn if replica_key else None,
            organization_id=organization_id,
            extra_statements=archive_extra_statements,
            tags=tags,
        ),
        opts=child(parent),
    )
    return replica_key, archive
