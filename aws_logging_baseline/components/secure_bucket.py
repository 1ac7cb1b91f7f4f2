"""SecureBucket: an S3 bucket with every protection a log store needs, as one component.

Versioning, default encryption (SSE-KMS with a bucket key, or SSE-S3 where S3 requires it), all four
public-access-block flags, BucketOwnerEnforced (ACLs off), a bucket policy (always with a TLS-only deny),
lifecycle rules, and optionally Object Lock and server access logging.
"""

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components.options import child, log_store


@dataclass
class ObjectLock:
    mode: str  # GOVERNANCE or COMPLIANCE
    days: int


@dataclass
class SecureBucketArgs:
    bucket_name: str
    region: str
    policy: dict[str, Any]  # must contain the TLS-only deny (policy_documents.deny_insecure_transport)
    lifecycle_rules: list[dict[str, Any]]
    kms_key_arn: pulumi.Input[str] | None = None  # None: SSE-S3 (server access log targets require it)
    object_lock: ObjectLock | None = None
    access_log_bucket: pulumi.Input[str] | None = None
    access_log_prefix: str = ""
    protect: bool = True
    tags: dict[str, str] = field(default_factory=dict)
    # The caller attaches the policy itself with attach_policy(), after configuration it creates outside this
    # component (the archive's replication): a policy that denies configuration changes must come last.
    defer_policy: bool = False


class SecureBucket(pulumi.ComponentResource):
    bucket: aws.s3.Bucket
    versioning: aws.s3.BucketVersioning
    policy: aws.s3.BucketPolicy
    arn: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:s3:SecureBucket", name, None, opts)
        region = args.region
        self._name, self._region = name, region
        self.bucket = aws.s3.Bucket(
            name,
            bucket=args.bucket_name,
            region=region,
            object_lock_enabled=args.object_lock is not None,
            force_destroy=False,
            tags=args.tags,
            opts=log_store(self, args.protect),
        )
        bucket_id = self.bucket.bucket
        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=bucket_id,
            region=region,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child(self),
        )
        self.ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket_id,
            region=region,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=child(self),
        )
        self.versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket_id,
            region=region,
            versioning_configuration={"status": "Enabled"},
            opts=child(self),
        )
        if args.kms_key_arn is not None:
            default = {"sse_algorithm": "aws:kms", "kms_master_key_id": args.kms_key_arn}
            rule = {"apply_server_side_encryption_by_default": default, "bucket_key_enabled": True}
        else:
            rule = {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}
        self.encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=bucket_id, region=region, rules=[rule], opts=child(self)
        )
        self.lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            region=region,
            rules=args.lifecycle_rules,
            opts=child(self, [self.versioning]),
        )
        if args.object_lock is not None:
            self.object_lock = aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock",
                bucket=bucket_id,
                region=region,
                object_lock_enabled="Enabled",
                rule={"default_retention": {"mode": args.object_lock.mode, "days": args.object_lock.days}},
                opts=child(self, [self.versioning]),
            )
        if args.access_log_bucket is not None:
            self.logging = aws.s3.BucketLogging(
                f"{name}-access-logging",
                bucket=bucket_id,
                region=region,
                target_bucket=args.access_log_bucket,
                target_prefix=args.access_log_prefix,
                # Date-partitioned keys (<prefix><account>/<region>/<bucket>/yyyy/MM/dd/...), so that Athena can
                # project the day (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html).
                target_object_key_format={"partitioned_prefix": {"partition_date_source": "EventTime"}},
                opts=child(self),
            )
        self._policy_document = args.policy
        self._configuration: list[pulumi.Resource] = [self.public_access_block, self.lifecycle]
        if args.object_lock is not None:
            self._configuration.append(self.object_lock)
        if not args.defer_policy:
            self.attach_policy()
        self.arn = self.bucket.arn
        self.name = self.bucket.bucket
        self.register_outputs({"bucketName": self.bucket.bucket, "bucketArn": self.bucket.arn})

    def attach_policy(self, after: list[pulumi.Resource] | None = None) -> aws.s3.BucketPolicy:
        """The bucket policy, last: S3 rejects a policy while the public access block is being applied, and a
        policy that denies configuration changes (the erasure deny) would block the deployment's own lifecycle,
        Object Lock and replication calls made after it."""
        self.policy = aws.s3.BucketPolicy(
            f"{self._name}-policy",
            bucket=self.bucket.bucket,
            region=self._region,
            policy=to_json(self._policy_document),
            opts=child(self, [*self._configuration, *(after or [])]),
        )
        return self.policy


def log_lifecycle(
    *, transition_days: int, storage_class: str, noncurrent_days: int, expiration_days: int = 0
) -> list[dict[str, Any]]:
    """One rule for all objects: tier down, expire old versions, clean up failed uploads."""
    rule: dict[str, Any] = {
        "id": "log-retention",
        "status": "Enabled",
        "filter": {"prefix": ""},
        "transitions": [{"days": transition_days, "storage_class": storage_class}],
        "noncurrent_version_expiration": {"noncurrent_days": noncurrent_days},
        "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
    }
    if expiration_days:
        rule["expiration"] = {"days": expiration_days}
    return [rule]
