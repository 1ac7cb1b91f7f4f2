"""LogArchive through the engine: every bucket setting, every bucket-policy statement, and replication."""

import pytest

from aws_logging_baseline.components.policy_documents import LOG_STORE_ERASURE_ACTIONS
from tests.engine_helpers import example, only, policy_of, run_baseline, statement

ACCOUNT = "111111111111"
ARCHIVE = f"baseline-log-archive-{ACCOUNT}-us-east-1"
ACCESS_LOGS = f"baseline-access-logs-{ACCOUNT}-us-east-1"
REPLICA = f"baseline-log-replica-{ACCOUNT}-us-west-2"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/baseline-trail"


def side(type_: str, bucket: str, result=None):
    matches = [r for r in (result or example()).of_type(type_) if r.inputs.get("bucket") == bucket]
    assert len(matches) == 1, (type_, bucket, [m.name for m in matches])
    return matches[0]


@pytest.mark.parametrize("bucket", [ARCHIVE, ACCESS_LOGS, REPLICA])
def test_every_log_bucket_has_the_baseline_protections(bucket):
    b = [r for r in example().of_type("aws:s3/bucket:Bucket") if r.inputs["bucket"] == bucket][0]
    assert b.protect and b.retain_on_delete and b.inputs.get("forceDestroy") is False
    assert side("aws:s3/bucketVersioning:BucketVersioning", bucket).inputs["versioningConfiguration"] == {"status": "Enabled"}
    pab = side("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket).inputs
    assert all(pab[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    assert side("aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket).inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    policy = policy_of(side("aws:s3/bucketPolicy:BucketPolicy", bucket))
    assert statement(policy, "DenyInsecureTransport") == {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def test_archive_uses_sse_kms_with_the_home_key_and_a_bucket_key():
    key = only(example(), "aws:kms/key:Key", "home-key")
    rules = side("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", ARCHIVE).inputs["rules"]
    assert rules == [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key.outputs["arn"]}, "bucketKeyEnabled": True}
    ]


def test_access_log_bucket_uses_sse_s3_and_no_object_lock():
    rules = side("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", ACCESS_LOGS).inputs["rules"]
    assert rules == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    assert not [r for r in example().of_type("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration") if r.inputs["bucket"] == ACCESS_LOGS]
    bucket = [r for r in example().of_type("aws:s3/bucket:Bucket") if r.inputs["bucket"] == ACCESS_LOGS][0]
    assert bucket.inputs["objectLockEnabled"] is False


def test_object_lock_defaults_and_settings():
    for bucket in (ARCHIVE, REPLICA):
        lock = side("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", bucket).inputs
        assert lock["rule"] == {"defaultRetention": {"mode": "GOVERNANCE", "days": 365}}
    result = run_baseline(objectLockMode="COMPLIANCE", objectLockDays=2555)
    lock = side("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", ARCHIVE, result).inputs
    assert lock["rule"] == {"defaultRetention": {"mode": "COMPLIANCE", "days": 2555}}
    off = run_baseline(objectLockEnabled=False)
    assert off.of_type("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration") == []


def archive_rules(transition_days=90, storage_class="GLACIER_IR", noncurrent_days=365, expiration_days=None) -> list[dict]:
    rule = {
        "id": "log-retention",
        "status": "Enabled",
        "filter": {"prefix": ""},
        "transitions": [{"days": transition_days, "storageClass": storage_class}],
        "noncurrentVersionExpiration": {"noncurrentDays": noncurrent_days},
        "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
    }
    return [rule if expiration_days is None else {**rule, "expiration": {"days": expiration_days}}]


def test_lifecycle_transition_and_noncurrent_expiry_are_configurable():
    lifecycle = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    for bucket in (ARCHIVE, REPLICA):  # the replica keeps what the archive keeps
        assert side(lifecycle, bucket).inputs["rules"] == archive_rules()  # no expiration: kept forever by default
    result = run_baseline(archiveTransitionDays=30, archiveTransitionStorageClass="STANDARD_IA", archiveNoncurrentExpirationDays=90, archiveExpirationDays=3650)
    for bucket in (ARCHIVE, REPLICA):
        assert side(lifecycle, bucket, result).inputs["rules"] == archive_rules(30, "STANDARD_IA", 90, 3650)


def test_server_access_logging_goes_to_the_access_log_bucket():
    logging = side("aws:s3/bucketLogging:BucketLogging", ARCHIVE).inputs
    assert logging["targetBucket"] == ACCESS_LOGS and logging["targetPrefix"] == "s3-access-logs/"
    policy = policy_of(side("aws:s3/bucketPolicy:BucketPolicy", ACCESS_LOGS))
    s = statement(policy, "S3ServerAccessLogsPolicy")
    assert s["Principal"] == {"Service": "logging.s3.amazonaws.com"} and s["Action"] == "s3:PutObject"
    assert s["Resource"] == f"arn:aws:s3:::{ACCESS_LOGS}/s3-access-logs/*"
    assert s["Condition"] == {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{ARCHIVE}"}, "StringEquals": {"aws:SourceAccount": ACCOUNT}}


def access_log_rules(expiration_days: int) -> list[dict]:
    return [
        {
            "id": "access-log-expiry",
            "status": "Enabled",
            "filter": {"prefix": ""},
            "expiration": {"days": expiration_days},
            "noncurrentVersionExpiration": {"noncurrentDays": 30},
            "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
        }
    ]


def test_access_log_lifecycle_is_exactly_one_expiry_rule():
    lifecycle = side("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", ACCESS_LOGS).inputs
    assert lifecycle["region"] == "us-east-1"
    assert lifecycle["rules"] == access_log_rules(365)  # accessLogExpirationDays defaults to 365
    result = run_baseline(accessLogExpirationDays=90)
    lifecycle = side("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", ACCESS_LOGS, result).inputs
    assert lifecycle["rules"] == access_log_rules(90)


def archive_policy():
    return policy_of(side("aws:s3/bucketPolicy:BucketPolicy", ARCHIVE))


def test_archive_policy_has_exactly_these_statements():
    arn = f"arn:aws:s3:::{ARCHIVE}"
    # Sid: (Effect, Principal, Action, Resource); each statement's Condition is asserted exactly by the tests below.
    expected = {
        "DenyInsecureTransport": ("Deny", "*", "s3:*", [arn, f"{arn}/*"]),
        "AWSCloudTrailAclCheck": ("Allow", {"Service": "cloudtrail.amazonaws.com"}, "s3:GetBucketAcl", arn),
        "AWSCloudTrailWrite": ("Allow", {"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", f"{arn}/cloudtrail/AWSLogs/{ACCOUNT}/*"),
        "AWSConfigBucketPermissionsCheck": ("Allow", {"Service": "config.amazonaws.com"}, ["s3:GetBucketAcl", "s3:ListBucket"], arn),
        "AWSConfigBucketDelivery": ("Allow", {"Service": "config.amazonaws.com"}, "s3:PutObject", f"{arn}/config/AWSLogs/{ACCOUNT}/Config/*"),
        "AWSLogDeliveryAclCheck": ("Allow", {"Service": "delivery.logs.amazonaws.com"}, ["s3:GetBucketAcl", "s3:ListBucket"], arn),
        "AWSLogDeliveryWrite": (
            "Allow",
            {"Service": "delivery.logs.amazonaws.com"},
            "s3:PutObject",
            f"{arn}/vpc-flow-logs/AWSLogs/aws-account-id={ACCOUNT}/*",
        ),
        # Issue 18: GuardDuty's findings export (conditions in tests/components/test_detective_services.py).
        "AllowGuardDutyGetBucketLocation": ("Allow", {"Service": "guardduty.amazonaws.com"}, "s3:GetBucketLocation", arn),
        "AllowGuardDutyPutObject": ("Allow", {"Service": "guardduty.amazonaws.com"}, "s3:PutObject", f"{arn}/guardduty/*"),
        # the example names a break-glass role (tests/components/test_tamper_resistance.py proves the deny)
        "DenyLogStoreErasureExceptBreakGlass": (
            "Deny", "*", list(LOG_STORE_ERASURE_ACTIONS), [arn, f"{arn}/*"],
        ),
    }
    policy = archive_policy()
    assert policy["Version"] == "2012-10-17"
    assert [s.get("Sid") for s in policy["Statement"]] == list(expected)
    for s in policy["Statement"]:
        effect, principal, action, resource = expected[s["Sid"]]
        assert set(s) == {"Sid", "Effect", "Principal", "Action", "Resource", "Condition"}, s
        assert (s["Effect"], s["Principal"], s["Action"], s["Resource"]) == (effect, principal, action, resource), s["Sid"]


def test_cloudtrail_statements_are_bound_to_the_trail():
    acl = statement(archive_policy(), "AWSCloudTrailAclCheck")
    assert acl["Principal"] == {"Service": "cloudtrail.amazonaws.com"} and acl["Action"] == "s3:GetBucketAcl"
    assert acl["Resource"] == f"arn:aws:s3:::{ARCHIVE}"
    assert acl["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}
    write = statement(archive_policy(), "AWSCloudTrailWrite")
    assert write["Action"] == "s3:PutObject"
    assert write["Resource"] == f"arn:aws:s3:::{ARCHIVE}/cloudtrail/AWSLogs/{ACCOUNT}/*"
    assert write["Condition"] == {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_ARN}}


def test_config_statements_are_bound_to_this_account():
    check = statement(archive_policy(), "AWSConfigBucketPermissionsCheck")
    assert check["Principal"] == {"Service": "config.amazonaws.com"}
    assert check["Action"] == ["s3:GetBucketAcl", "s3:ListBucket"]
    assert check["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    delivery = statement(archive_policy(), "AWSConfigBucketDelivery")
    assert delivery["Resource"] == f"arn:aws:s3:::{ARCHIVE}/config/AWSLogs/{ACCOUNT}/Config/*"
    assert delivery["Condition"] == {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ACCOUNT}}


def test_flow_log_delivery_statements_are_bound_to_this_account():
    acl = statement(archive_policy(), "AWSLogDeliveryAclCheck")
    assert acl["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert acl["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:logs:*:{ACCOUNT}:*"},
    }
    write = statement(archive_policy(), "AWSLogDeliveryWrite")
    assert write["Resource"] == f"arn:aws:s3:::{ARCHIVE}/vpc-flow-logs/AWSLogs/aws-account-id={ACCOUNT}/*"  # Hive partitions
    assert write["Condition"] == {
        "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:logs:*:{ACCOUNT}:*"},
    }


def test_no_allow_statement_without_a_condition():
    for policy_resource in example().of_type("aws:s3/bucketPolicy:BucketPolicy"):
        for s in policy_of(policy_resource)["Statement"]:
            assert s.get("Condition"), s


def replication():
    return only(example(), "aws:s3/bucketReplicationConfig:BucketReplicationConfig")


def test_replication_rule_covers_all_kms_objects_without_delete_markers():
    r = replication()
    replica_key = only(example(), "aws:kms/key:Key", "replica-key")
    assert r.inputs["bucket"] == ARCHIVE and r.inputs["region"] == "us-east-1"
    assert r.inputs["rules"] == [
        {
            "id": "replicate-all-logs",
            "status": "Enabled",
            "priority": 1,
            "filter": {"prefix": ""},
            "deleteMarkerReplication": {"status": "Disabled"},
            "sourceSelectionCriteria": {"sseKmsEncryptedObjects": {"status": "Enabled"}},
            "destination": {
                "bucket": f"arn:aws:s3:::{REPLICA}",
                "storageClass": "STANDARD",
                "encryptionConfiguration": {"replicaKmsKeyId": replica_key.outputs["arn"]},
            },
        }
    ]


def test_replication_waits_for_versioning_on_both_buckets():
    by_urn = example().by_urn()
    names = {by_urn[u].name for u in replication().dependencies if u in by_urn}
    assert "baseline-log-archive-archive-versioning" in names
    assert "baseline-log-archive-replica-versioning" in names


def test_replica_bucket_is_in_the_replica_region_with_its_own_key():
    replica = [r for r in example().of_type("aws:s3/bucket:Bucket") if r.inputs["bucket"] == REPLICA][0]
    assert replica.inputs["region"] == "us-west-2" and replica.inputs["objectLockEnabled"] is True
    replica_key = only(example(), "aws:kms/key:Key", "replica-key")
    rules = side("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", REPLICA).inputs["rules"]
    assert rules[0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == replica_key.outputs["arn"]


def test_replication_role_trusts_s3_for_this_bucket_only():
    role = only(example(), "aws:iam/role:Role", "replication-role")
    trust = policy_of(role, "assumeRolePolicy")["Statement"]
    assert trust == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{ARCHIVE}"}},
        }
    ]
    assert replication().inputs["role"] == role.outputs["arn"]


def expected_replication_policy(*, source_bucket, destination_bucket, source_key, replica_key, replicate_actions):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadSourceBucketConfiguration",
                "Effect": "Allow",
                "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                "Resource": source_bucket,
            },
            {
                "Sid": "ReadSourceObjectVersions",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging",
                    "s3:GetObjectRetention",
                    "s3:GetObjectLegalHold",
                ],
                "Resource": f"{source_bucket}/*",
            },
            {
                "Sid": "ReplicateIntoDestination",
                "Effect": "Allow",
                "Action": replicate_actions,
                "Resource": f"{destination_bucket}/*",
            },
            {
                "Sid": "DecryptSourceObjects",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": source_key,
                "Condition": {
                    "StringLike": {
                        "kms:ViaService": "s3.us-east-1.amazonaws.com",
                        "kms:EncryptionContext:aws:s3:arn": [source_bucket, f"{source_bucket}/*"],
                    }
                },
            },
            {
                "Sid": "EncryptReplicas",
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": replica_key,
                "Condition": {
                    "StringLike": {
                        "kms:ViaService": "s3.us-west-2.amazonaws.com",
                        "kms:EncryptionContext:aws:s3:arn": [destination_bucket, f"{destination_bucket}/*"],
                    }
                },
            },
        ],
    }


def bucket_arn(bucket: str, result=None) -> str:
    found = [r for r in (result or example()).of_type("aws:s3/bucket:Bucket") if r.inputs["bucket"] == bucket]
    assert len(found) == 1, bucket
    return found[0].outputs["arn"]


def test_replication_role_is_least_privilege():
    result = example()
    source_bucket, destination_bucket = bucket_arn(ARCHIVE), bucket_arn(REPLICA)
    assert (source_bucket, destination_bucket) == (result.stack_outputs["archiveBucketArn"], result.stack_outputs["replicaBucketArn"])
    home_key = only(result, "aws:kms/key:Key", "home-key").outputs["arn"]
    assert home_key == result.stack_outputs["archiveKeyArn"]
    replica_key = only(result, "aws:kms/key:Key", "replica-key").outputs["arn"]
    policy = policy_of(only(result, "aws:iam/rolePolicy:RolePolicy", "replication-policy"))
    assert policy == expected_replication_policy(
        source_bucket=source_bucket,
        destination_bucket=destination_bucket,
        source_key=home_key,
        replica_key=replica_key,
        replicate_actions=["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
    )
    for s in policy["Statement"]:
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        assert all("*" not in a for a in actions), s


def test_cross_account_replica_uses_the_other_account_bucket_and_owner_override():
    key = "arn:aws:kms:us-west-2:222222222222:key/0f0f0f0f-1111-2222-3333-444444444444"
    result = run_baseline(replicaAccountId="222222222222", replicaBucketName="org-log-replica", replicaKmsKeyArn=key)
    rule = only(result, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").inputs["rules"][0]
    assert rule["destination"] == {
        "bucket": "arn:aws:s3:::org-log-replica",
        "storageClass": "STANDARD",
        "encryptionConfiguration": {"replicaKmsKeyId": key},
        "account": "222222222222",
        "accessControlTranslation": {"owner": "Destination"},
    }
    assert not [r for r in result.of_type("aws:s3/bucket:Bucket") if "replica" in r.inputs["bucket"]]
    assert not [k for k in result.of_type("aws:kms/key:Key") if "replica" in k.name]
    policy = policy_of(only(result, "aws:iam/rolePolicy:RolePolicy", "replication-policy"))
    assert result.stack_outputs["replicaBucketArn"] == "arn:aws:s3:::org-log-replica"
    assert policy == expected_replication_policy(
        source_bucket=bucket_arn(ARCHIVE, result),
        destination_bucket=result.stack_outputs["replicaBucketArn"],
        source_key=result.stack_outputs["archiveKeyArn"],
        replica_key=key,
        replicate_actions=["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
    )
    assert "replicaDestinationBucketPolicy" in result.stack_outputs


def test_log_archive_on_its_own_args_keeps_todays_secure_defaults(tmp_path):
    """LogArchive built from LogArchiveArgs alone (no Settings): the archive admits only the given trail, is
    Object Locked (GOVERNANCE, 365 days) and protected, and replicates to the given region under the given key."""
    from tests.components.direct_args import run_direct

    account, trail = "222222222222", "arn:aws:cloudtrail:eu-west-1:222222222222:trail/team-trail"
    archive_key, replica_key = (f"arn:aws:kms:{r}:222222222222:key/{k}" for r, k in (("eu-west-1", "archive"), ("eu-central-1", "replica")))
    result = run_direct(tmp_path, f"""
        from aws_logging_baseline.components.log_archive import LogArchive
        LogArchive("team", {{"account_id": "{account}", "home_region": "eu-west-1", "replica_region": "eu-central-1",
                             "trail_arn": "{trail}", "archive_key_arn": "{archive_key}", "replica_key_arn": "{replica_key}"}})
    """)
    archive, replica = f"baseline-log-archive-{account}-eu-west-1", f"baseline-log-replica-{account}-eu-central-1"
    buckets = {r.inputs["bucket"]: r for r in result.of_type("aws:s3/bucket:Bucket")}
    assert set(buckets) == {archive, replica, f"baseline-access-logs-{account}-eu-west-1", f"baseline-access-logs-{account}-eu-central-1"}
    assert all(b.protect and b.retain_on_delete for b in buckets.values())
    for bucket in (archive, replica):
        lock = side("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", bucket, result).inputs
        assert lock["rule"] == {"defaultRetention": {"mode": "GOVERNANCE", "days": 365}}
    policy = policy_of(side("aws:s3/bucketPolicy:BucketPolicy", archive, result))
    assert statement(policy, "AWSCloudTrailAclCheck")["Condition"] == {"StringEquals": {"aws:SourceArn": trail}}
    assert "DenyLogStoreErasureExceptBreakGlass" not in [s["Sid"] for s in policy["Statement"]]  # no break-glass principal given
    destination = only(result, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").inputs["rules"][0]["destination"]
    assert destination["bucket"] == f"arn:aws:s3:::{replica}"
    assert destination["encryptionConfiguration"] == {"replicaKmsKeyId": replica_key}


def test_log_archive_on_its_own_args_refuses_a_same_account_replica_without_its_key(tmp_path):
    from aws_logging_baseline.errors import UserError
    from tests.components.direct_args import run_direct

    with pytest.raises(UserError, match="LogArchive team: replica_key_arn is required unless replica_account_id is set"):
        run_direct(tmp_path, """
            from aws_logging_baseline.components.log_archive import LogArchive
            LogArchive("team", {"account_id": "111111111111", "home_region": "eu-west-1", "replica_region": "eu-central-1",
                                "trail_arn": "arn:aws:cloudtrail:eu-west-1:111111111111:trail/t", "archive_key_arn": "k"})
        """)
