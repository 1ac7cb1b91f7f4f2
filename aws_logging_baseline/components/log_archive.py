"""LogArchive: the central archive bucket (home region), its access-log bucket and a cross-region replica.

Replication is S3 CRR of SSE-KMS objects: a least-privilege role trusted by s3.amazonaws.com for this
bucket only, all objects, delete markers kept out of the replica (a deletion in the archive must not
propagate), replicas re-encrypted with the replica region's key.
"""

from typing import Callable, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.log_key import LogKey, LogKeyArgs
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regions import partition_of
from aws_logging_baseline.components.secure_bucket import ObjectLock, SecureBucket, SecureBucketArgs, log_lifecycle

TRAIL_PREFIX = "cloudtrail"
CONFIG_PREFIX = "config"
FLOW_LOGS_PREFIX = "vpc-flow-logs"
GUARDDUTY_PREFIX = "guardduty"
ACCESS_LOG_PREFIX = "s3-access-logs/"
# The tag that puts a bucket in scope of the s3-bucket-replication-enabled rule (catalog/config_rules.yaml).
REPLICATION_SCOPE_TAG = ("BaselineReplication", "required")


class LogArchiveArgs(TypedDict):
    """Arguments of LogArchive: whose logs it accepts, under which keys, how long it keeps them, where it replicates."""

    account_id: str
    """The account of the archive (part of its bucket names, the writers' aws:SourceAccount)."""
    home_region: str
    """The archive's region."""
    replica_region: str
    """The region of the cross-region replica; must differ from home_region."""
    trail_arn: str
    """The trail that may write here (known before the trail exists: names are explicit); in a log-archive account the organization trail."""
    archive_key_arn: pulumi.Input[str]
    """The key of the archive's SSE-KMS; its policy must let the writers and the replication role use it."""
    replica_key_arn: NotRequired[pulumi.Input[str]]
    """The replica region's key the replica is encrypted with; required unless replica_account_id is set. Default: none."""
    name_prefix: NotRequired[str]
    """Prefix of the bucket and role names. Default: baseline."""
    organization_id: NotRequired[str]
    """In a log-archive account: deliveries from this whole organization are accepted (aws:SourceOrgID). Default: none (this account's only)."""
    readers: NotRequired[list[str]]
    """IAM ARNs that may list and read the archived logs (baseline:logReaderPrincipals). Default: none."""
    break_glass_principal_arn: NotRequired[str]
    """The one principal allowed to bypass retention and change the archive's and replica's policy, lifecycle, Object Lock or replication; without it that deny is not deployed. Default: none."""
    object_lock_enabled: NotRequired[bool]
    """S3 Object Lock on the archive and its replica (only at bucket creation). Default: true."""
    object_lock_mode: NotRequired[str]
    """Default Object Lock retention mode: GOVERNANCE or COMPLIANCE. Default: GOVERNANCE."""
    object_lock_days: NotRequired[int]
    """Default Object Lock retention in days. Default: 365."""
    archive_transition_days: NotRequired[int]
    """Days before archived logs move to archive_transition_storage_class. Default: 90."""
    archive_transition_storage_class: NotRequired[str]
    """Storage class of archived logs after archive_transition_days. Default: GLACIER_IR."""
    archive_noncurrent_expiration_days: NotRequired[int]
    """Days a replaced or deleted log version is kept before it expires. Default: 365."""
    archive_expiration_days: NotRequired[int]
    """Days after which archived logs expire; 0 keeps them forever. Default: 0."""
    access_log_expiration_days: NotRequired[int]
    """Days the S3 server access logs of the archive and replica are kept. Default: 365."""
    replica_account_id: NotRequired[str]
    """Replicate to a bucket in this other account instead of one created here. Default: none (same account)."""
    replica_bucket_name: NotRequired[str]
    """With replica_account_id: the destination bucket in that account. Default: none."""
    replica_kms_key_arn: NotRequired[str]
    """With replica_account_id: the destination bucket's KMS key in that account. Default: none."""
    protect: NotRequired[bool]
    """Protect the buckets from `pulumi destroy` and keep them when removed from the program. Default: true."""
    tags: NotRequired[dict[str, str]]
    """Tags of every resource. Default: none."""


ExtraStatements = Callable[[str], list[dict]]


def archive_bucket_name(name_prefix: str, account_id: str, home_region: str) -> str:
    return f"{name_prefix}-log-archive-{account_id}-{home_region}"


def access_log_bucket_name(name_prefix: str, account_id: str, region: str) -> str:
    """The server access log target of a bucket in `region` (in the home region: the archive's); the analytics
    table reads the same name."""
    return f"{name_prefix}-access-logs-{account_id}-{region}"


class LogArchive(pulumi.ComponentResource):
    """The central log archive bucket, its server access log buckets and its cross-region replica, tamper-resistant."""

    archive_bucket_name: pulumi.Output[str]
    """The archive bucket's name, known once its policy is attached: a trail given it waits for that policy."""
    archive_bucket_arn: pulumi.Output[str]
    """The archive bucket's ARN, known once its bucket policy is attached (for writers that take the ARN)."""

    def __init__(
        self,
        name: str,
        args: LogArchiveArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        extra_statements: ExtraStatements | None = None,
    ):
        """`extra_statements` (Python only): builds archive bucket policy statements for other writers (e.g. the
        GuardDuty findings export) from the archive's ARN."""
        check_args("LogArchive", name, args, LogArchiveArgs)
        super().__init__("baseline:s3:LogArchive", name, None, opts)
        account, home_region, replica_region = args["account_id"], args["home_region"], args["replica_region"]
        prefix, tags = args.get("name_prefix", "baseline"), args.get("tags", {})
        readers, protect = tuple(args.get("readers", ())), args.get("protect", True)
        break_glass = args.get("break_glass_principal_arn", "")
        organization_id = args.get("organization_id")
        if not args.get("replica_account_id") and "replica_key_arn" not in args:
            raise ValueError(f"LogArchive {name}: replica_key_arn is required unless replica_account_id is set")
        if args.get("replica_account_id") and not (args.get("replica_bucket_name") and args.get("replica_kms_key_arn")):
            raise ValueError(f"LogArchive {name}: replica_account_id needs replica_bucket_name and replica_kms_key_arn (the destination in that account)")
        if args["replica_region"] == args["home_region"]:
            raise ValueError(f"LogArchive {name}: replica_region must differ from home_region ({args['home_region']}): the replica is the copy that survives a region")
        if args.get("object_lock_mode", "GOVERNANCE") not in ("GOVERNANCE", "COMPLIANCE"):
            raise ValueError(f"LogArchive {name}: object_lock_mode must be GOVERNANCE or COMPLIANCE, got {args['object_lock_mode']!r}")
        if args.get("object_lock_days", 365) < 1:
            raise ValueError(f"LogArchive {name}: object_lock_days must be at least 1, got {args['object_lock_days']}")
        partition = partition_of(home_region) or "aws"
        self._partition = partition
        archive_name = archive_bucket_name(prefix, account, home_region)
        archive_arn = f"arn:{partition}:s3:::{archive_name}"
        lock = (
            ObjectLock(mode=args.get("object_lock_mode", "GOVERNANCE"), days=args.get("object_lock_days", 365))
            if args.get("object_lock_enabled", True)
            else None
        )
        lifecycle = log_lifecycle(
            transition_days=args.get("archive_transition_days", 90),
            storage_class=args.get("archive_transition_storage_class", "GLACIER_IR"),
            noncurrent_days=args.get("archive_noncurrent_expiration_days", 365),
            expiration_days=args.get("archive_expiration_days", 0),
        )
        access_log_days = args.get("access_log_expiration_days", 365)

        if not break_glass:
            # Never lock everyone out: without a named break-glass principal the deny is left out, and said so.
            pulumi.log.warn(
                "break_glass_principal_arn (baseline:breakGlassPrincipalArn) is not set: the archive and its replica do not deny governance "
                "bypass, lifecycle, Object Lock, policy and replication changes to administrators "
                "(docs/tamper-resistance.md)",
                resource=self,
            )
        self.access_logs: SecureBucket = self._access_log_bucket(
            f"{name}-access-logs", account, home_region, archive_arn, prefix, access_log_days, protect, tags
        )
        self.archive: SecureBucket = SecureBucket(
            f"{name}-archive",
            SecureBucketArgs(
                bucket_name=archive_name,
                region=home_region,
                policy=docs.with_erasure_deny(self._with_extra(extra_statements, archive_arn, docs.org_archive_bucket_policy(
                    bucket_arn=archive_arn,
                    partition=partition,
                    organization_id=organization_id,
                    org_trail_arn=args["trail_arn"],
                    trail_prefix=TRAIL_PREFIX,
                    config_prefix=CONFIG_PREFIX,
                    flow_logs_prefix=FLOW_LOGS_PREFIX,
                    readers=readers,
                )
                if organization_id
                else docs.archive_bucket_policy(
                    bucket_arn=archive_arn,
                    partition=partition,
                    account_id=account,
                    trail_arn=args["trail_arn"],
                    trail_prefix=TRAIL_PREFIX,
                    config_prefix=CONFIG_PREFIX,
                    flow_logs_prefix=FLOW_LOGS_PREFIX,
                    readers=readers,
                )), archive_arn, break_glass),
                lifecycle_rules=lifecycle,
                kms_key_arn=args["archive_key_arn"],
                **({"object_lock": lock} if lock else {}),
                access_log_bucket=self.access_logs.name,
                access_log_prefix=ACCESS_LOG_PREFIX,
                protect=protect,
                # Brings the archive into the s3-bucket-replication-enabled rule's tag scope (catalog/config_rules.yaml).
                tags={**tags, REPLICATION_SCOPE_TAG[0]: REPLICATION_SCOPE_TAG[1]},
            ),
            opts=child(self),
            defer_policy=True,  # attached after the replication configuration below
        )

        replica_account_id = args.get("replica_account_id", "")
        cross_account = bool(replica_account_id)
        self.replica_access_logs: SecureBucket | None = None
        self.replica: SecureBucket | None = None
        if cross_account:
            replica_arn = f"arn:{partition}:s3:::{args.get('replica_bucket_name', '')}"
            replica_key_arn: pulumi.Input[str] = args.get("replica_kms_key_arn", "")
            destination_ready: list[pulumi.Resource] = []
        else:
            replica_name = f"{prefix}-log-replica-{account}-{replica_region}"
            replica_arn = f"arn:{partition}:s3:::{replica_name}"
            replica_key_arn = args["replica_key_arn"]
            # Security Hub S3.9: the replica logs its access too, to a bucket in its own region (S3 delivers
            # server access logs only to a bucket of the source bucket's region).
            self.replica_access_logs = self._access_log_bucket(
                f"{name}-replica-access-logs", account, replica_region, replica_arn, prefix, access_log_days, protect, tags
            )
            self.replica = SecureBucket(
                f"{name}-replica",
                SecureBucketArgs(
                    bucket_name=replica_name,
                    region=replica_region,
                    policy=docs.with_erasure_deny(docs.tls_only_bucket_policy(replica_arn, readers), replica_arn, break_glass),
                    lifecycle_rules=lifecycle,
                    kms_key_arn=replica_key_arn,
                    **({"object_lock": lock} if lock else {}),
                    access_log_bucket=self.replica_access_logs.name,
                    access_log_prefix=ACCESS_LOG_PREFIX,
                    protect=protect,
                    tags=tags,
                ),
                opts=child(self),
            )
            destination_ready = [self.replica.versioning]

        self.replication_role = aws.iam.Role(
            f"{name}-replication-role",
            name=f"{prefix}-log-replication-{home_region}",
            description="S3 replication of the log archive to its replica",
            assume_role_policy=pulumi.Output.json_dumps(
                docs.assume_role_policy(
                    "s3.amazonaws.com",
                    {"StringEquals": {"aws:SourceAccount": account}, "ArnLike": {"aws:SourceArn": archive_arn}},
                )
            ),
            tags=tags,
            opts=child(self),
        )
        self.replication_policy = aws.iam.RolePolicy(
            f"{name}-replication-policy",
            role=self.replication_role.name,
            policy=pulumi.Output.json_dumps(
                docs.replication_role_policy(
                    source_bucket_arn=archive_arn,
                    destination_bucket_arn=replica_arn,
                    source_key_arn=args["archive_key_arn"],
                    replica_key_arn=replica_key_arn,
                    source_region=home_region,
                    replica_region=replica_region,
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
            destination["account"] = replica_account_id
            destination["access_control_translation"] = {"owner": "Destination"}
        # S3 rejects a replication rule until versioning is on for both buckets.
        self.replication = aws.s3.BucketReplicationConfig(
            f"{name}-replication",
            bucket=self.archive.name,
            region=home_region,
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
        policy = self.archive.attach_policy(after=[self.replication])
        self.archive_bucket_name = policy.bucket
        self.archive_bucket_arn = policy.bucket.apply(lambda bucket: f"arn:{partition}:s3:::{bucket}")
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
        self, name: str, account: str, region: str, source_bucket_arn: str, prefix: str, expiration_days: int,
        protect: bool, tags: dict[str, str],
    ) -> SecureBucket:
        """A server access log target for one bucket, in that bucket's region. S3 writes server access logs with
        SSE-S3 only, and Object Lock on a log target is not supported."""
        bucket_name = access_log_bucket_name(prefix, account, region)
        return SecureBucket(
            name,
            SecureBucketArgs(
                bucket_name=bucket_name,
                region=region,
                policy=docs.access_log_bucket_policy(
                    bucket_arn=f"arn:{self._partition}:s3:::{bucket_name}",
                    source_bucket_arn=source_bucket_arn,
                    account_id=account,
                    prefix=ACCESS_LOG_PREFIX,
                ),
                lifecycle_rules=[
                    {
                        "id": "access-log-expiry",
                        "status": "Enabled",
                        "filter": {"prefix": ""},
                        "expiration": {"days": expiration_days},
                        "noncurrent_version_expiration": {"noncurrent_days": 30},
                        "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                    }
                ],
                protect=protect,
                tags=tags,
            ),
            opts=child(self),
        )

    @staticmethod
    def _with_extra(extra_statements: ExtraStatements | None, archive_arn: str, policy: dict) -> dict:
        return docs.with_statements(policy, extra_statements(archive_arn)) if extra_statements else policy


def add_archive_with_replica(
    parent: pulumi.Resource,
    name: str,
    args: LogArchiveArgs,
    replica_alias: str,
    *,
    extra_statements: ExtraStatements | None = None,
) -> tuple[LogKey | None, LogArchive]:
    """The archive and, unless replicas go to another account, the replica region's key it replicates under
    (`replica_alias`, without "alias/"), both children of `parent`; `args` without replica_key_arn."""
    replica_key = None
    if not args.get("replica_account_id"):
        replica_key = LogKey(
            f"{name}-replica-key",
            LogKeyArgs(
                region=args["replica_region"],
                account_id=args["account_id"],
                services=["s3"],
                alias=replica_alias,
                readers=list(args.get("readers", [])),
                protect=args.get("protect", True),
                tags=args.get("tags", {}),
            ),
            opts=child(parent),
        )
        args = {**args, "replica_key_arn": replica_key.arn}
    archive = LogArchive(f"{name}-log-archive", args, opts=child(parent), extra_statements=extra_statements)
    return replica_key, archive
