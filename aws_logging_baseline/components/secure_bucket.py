"""SecureBucket: an S3 bucket with every protection a log store needs, as one component.

Versioning, default encryption (SSE-KMS with a bucket key, or SSE-S3 where S3 requires it), all four
public-access-block flags, BucketOwnerEnforced (ACLs off), a bucket policy (always with a TLS-only deny),
lifecycle rules, and optionally Object Lock and server access logging.
"""

from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child, log_store
from aws_logging_baseline.components.regions import partition_of


class ObjectLock(TypedDict):
    """Default Object Lock retention of every new object version."""

    mode: str
    """GOVERNANCE (a principal allowed s3:BypassGovernanceRetention may shorten it) or COMPLIANCE (no one can)."""
    days: int
    """Retention in days."""


class SecureBucketArgs(TypedDict):
    """Arguments of SecureBucket: the bucket's name and region, its policy, lifecycle, encryption and options."""

    bucket_name: str
    """The bucket's physical name."""
    region: str
    """The bucket's region."""
    policy: dict[str, Any]
    """The bucket policy document; the TLS-only deny (Sid DenyInsecureTransport) is added when it is missing."""
    lifecycle_rules: list[dict[str, Any]]
    """Lifecycle rules (aws.s3.BucketLifecycleConfiguration rules); log_lifecycle() builds the log stores' rule."""
    kms_key_arn: NotRequired[pulumi.Input[str]]
    """The key of SSE-KMS default encryption, with a bucket key. Default: none (SSE-S3, which server access log targets require)."""
    object_lock: NotRequired[ObjectLock]
    """Object Lock with this default retention (set at creation only). Default: none (no Object Lock)."""
    access_log_bucket: NotRequired[pulumi.Input[str]]
    """The bucket that receives this bucket's server access logs (same region). Default: none (no access logging)."""
    access_log_prefix: NotRequired[str]
    """Key prefix of this bucket's server access logs in access_log_bucket. Default: "" (none)."""
    protect: NotRequired[bool]
    """Protect the bucket from `pulumi destroy` and keep it when removed from the program. Default: true."""
    tags: NotRequired[dict[str, str]]
    """Tags of the bucket. Default: none."""


class SecureBucket(pulumi.ComponentResource):
    """An S3 bucket with every protection a log store needs: versioning, encryption, no public access, no ACLs, TLS only."""

    bucket: aws.s3.Bucket
    versioning: aws.s3.BucketVersioning
    policy: aws.s3.BucketPolicy
    arn: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: SecureBucketArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        defer_policy: bool = False,
    ):
        """`defer_policy` (Python only): the caller attaches the policy itself with attach_policy(), after
        configuration it creates outside this component (the archive's replication): a policy that denies
        configuration changes must come last."""
        check_args("SecureBucket", name, args, SecureBucketArgs)
        super().__init__("baseline:s3:SecureBucket", name, None, opts)
        region = args["region"]
        object_lock = args.get("object_lock")
        kms_key_arn = args.get("kms_key_arn")
        access_log_bucket = args.get("access_log_bucket")
        self._name, self._region = name, region
        self.bucket = aws.s3.Bucket(
            name,
            bucket=args["bucket_name"],
            region=region,
            object_lock_enabled=object_lock is not None,
            force_destroy=False,
            tags=args.get("tags", {}),
            opts=log_store(self, args.get("protect", True)),
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
        if kms_key_arn is not None:
            default = {"sse_algorithm": "aws:kms", "kms_master_key_id": kms_key_arn}
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
            rules=args["lifecycle_rules"],
            opts=child(self, [self.versioning]),
        )
        if object_lock is not None:
            self.object_lock = aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock",
                bucket=bucket_id,
                region=region,
                object_lock_enabled="Enabled",
                rule={"default_retention": {"mode": object_lock["mode"], "days": object_lock["days"]}},
                opts=child(self, [self.versioning]),
            )
        if access_log_bucket is not None:
            self.logging = aws.s3.BucketLogging(
                f"{name}-access-logging",
                bucket=bucket_id,
                region=region,
                target_bucket=access_log_bucket,
                target_prefix=args.get("access_log_prefix", ""),
                # Date-partitioned keys (<prefix><account>/<region>/<bucket>/yyyy/MM/dd/...), so that Athena can
                # project the day (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html).
                target_object_key_format={"partitioned_prefix": {"partition_date_source": "EventTime"}},
                opts=child(self),
            )
        # The TLS-only deny is part of every policy this component attaches, whoever wrote the rest.
        arn = f"arn:{partition_of(region) or 'aws'}:s3:::{args['bucket_name']}"
        statements = args["policy"].get("Statement", [])
        has_tls_deny = any(isinstance(s, dict) and s.get("Sid") == "DenyInsecureTransport" for s in statements)
        self._policy_document = args["policy"] if has_tls_deny else docs.with_statements(
            {"Version": "2012-10-17", **args["policy"], "Statement": list(statements)}, [docs.deny_insecure_transport(arn)]
        )
        self._configuration: list[pulumi.Resource] = [self.public_access_block, self.lifecycle]
        if object_lock is not None:
            self._configuration.append(self.object_lock)
        if not defer_policy:
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
