"""Automatic rotation of the log keys: the trail's key, the archive bucket's default key, and any --log-key."""

from aws_logging_baseline.audit.checks.guard import guarded
from aws_logging_baseline.audit.findings import GLOBAL, Finding, failed, passed

CONTROL = "cmk-backing-key-rotation-enabled"


def _region_of(key: str, default: str) -> str:
    # arn:aws:kms:REGION:ACCOUNT:key/ID ; a bare id or alias lives in the region of the resource that uses it
    parts = key.split(":")
    return parts[3] if key.startswith("arn:") and len(parts) > 3 else default


def check_key(ctx, key: str, default_region: str) -> list[Finding]:
    def run() -> list[Finding]:
        kms = ctx.client("kms", _region_of(key, default_region))
        metadata = kms.describe_key(KeyId=key)["KeyMetadata"]
        arn = metadata["Arn"]
        if metadata.get("KeyManager") == "AWS":
            return [passed(CONTROL, GLOBAL, arn, "AWS managed key: AWS rotates it every year")]
        if metadata.get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT" or metadata.get("Origin") != "AWS_KMS":
            return [failed(CONTROL, GLOBAL, arn, "key cannot rotate automatically (asymmetric, HMAC, imported or "
                                                 "custom key store); use a symmetric AWS_KMS key")]
        # Always in AWS's answer: a missing field is a malformed answer ("unknown"), not "rotation is off".
        if kms.get_key_rotation_status(KeyId=metadata["KeyId"])["KeyRotationEnabled"]:
            return [passed(CONTROL, GLOBAL, arn, "automatic rotation is enabled")]
        return [failed(CONTROL, GLOBAL, arn, "automatic rotation is off; run EnableKeyRotation")]

    return guarded([CONTROL], GLOBAL, key, run)
