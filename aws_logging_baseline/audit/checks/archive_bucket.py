"""The log archive bucket: versioning, SSE-KMS default encryption, Block Public Access, replication, Object Lock."""

from botocore.exceptions import ClientError

from aws_logging_baseline.audit.checks.guard import error_code, guarded
from aws_logging_baseline.audit.findings import GLOBAL, Finding, failed, passed, unknown
from aws_logging_baseline.audit.session import AwsContext

BUCKET_CONTROLS = ["s3-bucket-versioning-enabled", "s3-default-encryption-kms", "s3-bucket-level-public-access-prohibited",
                   "s3-bucket-replication-enabled", "s3-bucket-default-lock-enabled"]
PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def bucket_region(ctx: AwsContext, bucket: str) -> str:
    location = ctx.client("s3", ctx.home_region).get_bucket_location(Bucket=bucket).get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def _missing(call, code: str, bucket: str):
    """Call a GetBucket* API; None when the bucket simply has no such configuration (AWS answers with an error)."""
    try:
        return call(Bucket=bucket)
    except ClientError as exc:
        if error_code(exc) == code:
            return None
        raise


def check_bucket(ctx: AwsContext, bucket: str) -> tuple[list[Finding], list[str]]:
    """Findings for one bucket, plus the KMS key ids its default encryption uses (for the rotation check)."""
    keys: list[str] = []

    def run() -> list[Finding]:
        s3 = ctx.client("s3", bucket_region(ctx, bucket))
        arn = f"arn:aws:s3:::{bucket}"
        findings = []
        versioning = s3.get_bucket_versioning(Bucket=bucket).get("Status")
        findings.append(passed(BUCKET_CONTROLS[0], GLOBAL, arn, "versioning is enabled") if versioning == "Enabled"
                        else failed(BUCKET_CONTROLS[0], GLOBAL, arn, f"versioning is {versioning or 'off'}; enable it"))

        encryption = _missing(s3.get_bucket_encryption, "ServerSideEncryptionConfigurationNotFoundError", bucket)
        rules = (encryption or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        defaults = [r.get("ApplyServerSideEncryptionByDefault", {}) for r in rules]
        kms = [d for d in defaults if d.get("SSEAlgorithm") in ("aws:kms", "aws:kms:dsse")]
        keys.extend(d["KMSMasterKeyID"] for d in kms if d.get("KMSMasterKeyID"))
        algorithm = defaults[0].get("SSEAlgorithm") if defaults else "none"
        findings.append(passed(BUCKET_CONTROLS[1], GLOBAL, arn, f"default encryption is {kms[0]['SSEAlgorithm']}") if kms
                        else failed(BUCKET_CONTROLS[1], GLOBAL, arn,
                                    f"default encryption is {algorithm}; set aws:kms with a customer managed key"))

        block = _missing(s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", bucket)
        settings = (block or {}).get("PublicAccessBlockConfiguration", {})
        off = [flag for flag in PUBLIC_ACCESS_FLAGS if not settings.get(flag)]
        findings.append(passed(BUCKET_CONTROLS[2], GLOBAL, arn, "all four Block Public Access settings are on") if not off
                        else failed(BUCKET_CONTROLS[2], GLOBAL, arn, f"Block Public Access settings off: {', '.join(off)}; "
                                                                     "turn them on"))

        replication = _missing(s3.get_bucket_replication, "ReplicationConfigurationNotFoundError", bucket)
        enabled = [r for r in (replication or {}).get("ReplicationConfiguration", {}).get("Rules", [])
                   if r.get("Status") == "Enabled"]
        findings.append(passed(BUCKET_CONTROLS[3], GLOBAL, arn, f"{len(enabled)} enabled replication rule(s)") if enabled
                        else failed(BUCKET_CONTROLS[3], GLOBAL, arn, "no enabled replication rule; add one to a "
                                                                     "bucket in another region or account"))

        lock = _missing(s3.get_object_lock_configuration, "ObjectLockConfigurationNotFoundError", bucket)
        lock_config = (lock or {}).get("ObjectLockConfiguration", {})
        retention = lock_config.get("Rule", {}).get("DefaultRetention", {})
        if lock_config.get("ObjectLockEnabled") == "Enabled":
            mode = retention.get("Mode", "no default retention")
            findings.append(passed(BUCKET_CONTROLS[4], GLOBAL, arn, f"Object Lock is enabled ({mode})"))
        else:
            findings.append(failed(BUCKET_CONTROLS[4], GLOBAL, arn, "Object Lock is not enabled; enable it and set "
                                                                    "a default retention"))
        return findings

    return guarded(BUCKET_CONTROLS, GLOBAL, f"arn:aws:s3:::{bucket}", run), keys


def no_bucket(controls: list[str] = BUCKET_CONTROLS) -> list[Finding]:
    return [unknown(control, GLOBAL, "account", "no archive bucket found: the account has no multi-region trail; "
                                                "create one, or name the bucket with --archive-bucket")
            for control in controls]
