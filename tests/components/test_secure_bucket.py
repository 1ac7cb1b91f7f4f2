"""SecureBucket on its own, built from SecureBucketArgs alone (no Settings): the protections every log store gets
without asking, and the options that stay off unless given."""

import pytest

from tests.components.direct_args import run_direct
from tests.engine_helpers import only, policy_of, statement

BUCKET = "team-logs-222222222222"


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_direct(tmp_path_factory.mktemp("secure-bucket"), f"""
        from aws_logging_baseline.components import policy_documents as docs
        from aws_logging_baseline.components.secure_bucket import SecureBucket, log_lifecycle
        SecureBucket("team", {{
            "bucket_name": "{BUCKET}",
            "region": "eu-west-1",
            "policy": docs.tls_only_bucket_policy("arn:aws:s3:::{BUCKET}"),
            "lifecycle_rules": log_lifecycle(transition_days=90, storage_class="GLACIER_IR", noncurrent_days=365),
        }})
    """)


def side(result, type_: str):
    matches = [r for r in result.of_type(type_) if r.inputs.get("bucket") == BUCKET]
    assert len(matches) == 1, (type_, [m.name for m in matches])
    return matches[0]


def test_secure_bucket_on_its_own_args_defaults_to_every_protection_and_sse_s3(result):
    bucket = only(result, "aws:s3/bucket:Bucket", "team")
    assert bucket.inputs["bucket"] == BUCKET and bucket.inputs["region"] == "eu-west-1"
    assert bucket.protect is True and bucket.retain_on_delete is True
    assert bucket.inputs["objectLockEnabled"] is False and bucket.inputs["forceDestroy"] is False
    block = side(result, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    assert side(result, "aws:s3/bucketVersioning:BucketVersioning").inputs["versioningConfiguration"] == {"status": "Enabled"}
    encryption = side(result, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert encryption.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    # Options that are off unless given: no Object Lock configuration, no access logging.
    assert result.of_type("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration") == []
    assert result.of_type("aws:s3/bucketLogging:BucketLogging") == []
    # The policy is attached (not deferred) and denies any request without TLS.
    deny = statement(policy_of(side(result, "aws:s3/bucketPolicy:BucketPolicy")), "DenyInsecureTransport")
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
