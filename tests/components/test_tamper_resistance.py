"""Issue 12, resistance to erasure, proven with the offline IAM evaluator on the planned bucket policies: an
administrator of the account is denied every erasing action on the archive and the replica, the break-glass role
is allowed, the service deliveries still land; the trail records deletions and retention changes on the archive
and never its PutObject deliveries (a delivery logging a delivery would loop).
"""

import json

import pytest

from aws_logging_baseline.access.evaluator import Policy, Principal, Request, evaluate
from aws_logging_baseline.components.policy_documents import LOG_STORE_ERASURE_ACTIONS
from aws_logging_baseline.errors import UserError
from aws_logging_baseline.event_selectors import records
from tests.engine_helpers import example, only, run_baseline
from tests.org.org_helpers import ARCHIVE_BUCKET, LOG_ARCHIVE, MANAGEMENT, ORG_ID, role_run

ACCOUNT = "111111111111"
ARCHIVE = f"baseline-log-archive-{ACCOUNT}-us-east-1"
REPLICA = f"baseline-log-replica-{ACCOUNT}-us-west-2"
BREAK_GLASS = f"arn:aws:iam::{ACCOUNT}:role/security-break-glass"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/baseline-trail"
ADMIN_POLICY = Policy("AdministratorAccess", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
TLS = {"aws:SecureTransport": True}


def bucket_policy(result, bucket):
    [policy] = [p for p in result.of_type("aws:s3/bucketPolicy:BucketPolicy") if p.inputs["bucket"] == bucket]
    return json.loads(policy.inputs["policy"])


def resource_for(action, bucket):
    # object-level actions name an object, bucket-level ones the bucket
    return f"arn:aws:s3:::{bucket}/cloudtrail/AWSLogs/{ACCOUNT}/file.json.gz" if action == "s3:BypassGovernanceRetention" else f"arn:aws:s3:::{bucket}"


def decide(policy, principal_arn, action, resource, account=ACCOUNT):
    return evaluate(
        Request(Principal.aws(principal_arn), action, resource, TLS),
        resource_account=account,
        resource_policy=Policy("bucket", policy),
        identity_policies=[ADMIN_POLICY],
    )


@pytest.mark.parametrize("bucket", [ARCHIVE, REPLICA])
@pytest.mark.parametrize("action", LOG_STORE_ERASURE_ACTIONS)
def test_an_administrator_is_denied_and_break_glass_allowed(bucket, action):
    policy = bucket_policy(example(), bucket)
    resource = resource_for(action, bucket)
    for admin in (f"arn:aws:iam::{ACCOUNT}:role/Admin", f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/mallory", f"arn:aws:iam::{ACCOUNT}:user/ops"):
        decision = decide(policy, admin, action, resource)
        assert not decision.allowed and decision.explicit_deny, (admin, action, decision.reason)
        assert [ref.sid for ref in decision.deciding] == ["DenyLogStoreErasureExceptBreakGlass"]
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/security-break-glass/incident-42"
    assert decide(policy, session, action, resource).allowed, action


def test_the_seven_actions_are_exactly_the_issues():
    assert set(LOG_STORE_ERASURE_ACTIONS) == {
        "s3:BypassGovernanceRetention", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration",
        "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutReplicationConfiguration", "s3:DeleteBucket",
    }


def test_a_role_named_like_break_glass_in_another_account_or_path_is_still_denied():
    policy = bucket_policy(example(), ARCHIVE)
    for impostor in ("arn:aws:iam::999999999999:role/security-break-glass", f"arn:aws:iam::{ACCOUNT}:role/x/security-break-glass"):
        assert not decide(policy, impostor, "s3:PutBucketPolicy", f"arn:aws:s3:::{ARCHIVE}").allowed


def test_service_deliveries_are_still_allowed():
    archive = Policy("archive", bucket_policy(example(), ARCHIVE))
    delivery = Request(
        Principal.service("cloudtrail.amazonaws.com"),
        "s3:PutObject",
        f"arn:aws:s3:::{ARCHIVE}/cloudtrail/AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/30/file.json.gz",
        {**TLS, "aws:SourceArn": TRAIL_ARN, "aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control"},
    )
    assert evaluate(delivery, resource_account=ACCOUNT, resource_policy=archive).allowed
    # Replication: the replication role (same account) writes replicas under its own identity policy.
    result = example()
    role = only(result, "aws:iam/role:Role", "replication-role")
    role_policy = Policy("replication", json.loads(only(result, "aws:iam/rolePolicy:RolePolicy", "replication-policy").inputs["policy"]))
    replica = Policy("replica", bucket_policy(result, REPLICA))
    for action, resource in [
        ("s3:ReplicateObject", f"arn:aws:s3:::{REPLICA}/cloudtrail/AWSLogs/{ACCOUNT}/file.json.gz"),
        ("s3:ReplicateTags", f"arn:aws:s3:::{REPLICA}/cloudtrail/AWSLogs/{ACCOUNT}/file.json.gz"),
    ]:
        request = Request(Principal.aws(f"arn:aws:sts::{ACCOUNT}:assumed-role/{role.inputs['name']}/s3-replication"), action, resource, TLS)
        assert evaluate(request, resource_account=ACCOUNT, resource_policy=replica, identity_policies=[role_policy]).allowed, action
    source = Request(
        Principal.aws(f"arn:aws:sts::{ACCOUNT}:assumed-role/{role.inputs['name']}/s3-replication"),
        "s3:GetObjectVersionForReplication",
        f"arn:aws:s3:::{ARCHIVE}/cloudtrail/AWSLogs/{ACCOUNT}/file.json.gz",
        TLS,
    )
    assert evaluate(source, resource_account=ACCOUNT, resource_policy=archive, identity_policies=[role_policy]).allowed


def test_log_archive_role_denies_its_admins_and_keeps_organization_deliveries():
    result = role_run("log-archive")
    policy = bucket_policy(result, ARCHIVE_BUCKET)
    break_glass = f"arn:aws:iam::{LOG_ARCHIVE}:role/security-break-glass"
    for action in LOG_STORE_ERASURE_ACTIONS:
        resource = f"arn:aws:s3:::{ARCHIVE_BUCKET}" + ("/x" if action == "s3:BypassGovernanceRetention" else "")
        assert not decide(policy, f"arn:aws:iam::{LOG_ARCHIVE}:role/Admin", action, resource, LOG_ARCHIVE).allowed, action
        assert decide(policy, break_glass, action, resource, LOG_ARCHIVE).allowed, action
    org_trail = f"arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/acme-org-trail"
    delivery = Request(
        Principal.service("cloudtrail.amazonaws.com"),
        "s3:PutObject",
        f"arn:aws:s3:::{ARCHIVE_BUCKET}/cloudtrail/AWSLogs/{ORG_ID}/444444444444/CloudTrail/eu-west-1/2026/11/30/f.json.gz",
        {**TLS, "aws:SourceArn": org_trail, "aws:SourceAccount": MANAGEMENT, "aws:SourceOrgID": ORG_ID,
         "s3:x-amz-acl": "bucket-owner-full-control"},
    )
    assert evaluate(delivery, resource_account=LOG_ARCHIVE, resource_policy=Policy("archive", policy)).allowed


def test_without_break_glass_no_deny_is_deployed_and_nobody_is_locked_out():
    result = run_baseline(breakGlassPrincipalArn="")
    for bucket in (ARCHIVE, REPLICA):
        sids = [s.get("Sid") for s in bucket_policy(result, bucket)["Statement"]]
        assert "DenyLogStoreErasureExceptBreakGlass" not in sids
        assert decide(bucket_policy(result, bucket), f"arn:aws:iam::{ACCOUNT}:role/Admin", "s3:PutBucketPolicy", f"arn:aws:s3:::{bucket}").allowed


def test_the_policy_goes_on_after_the_configuration_it_protects():
    """The deploying principal is not the break-glass role: its lifecycle, Object Lock and replication calls must
    happen before the deny exists, or the first deployment would deny itself."""
    result = example()
    by_name = {r.name: r for r in result.of_type("aws:s3/bucketPolicy:BucketPolicy")}
    urns = {r.type + ":" + r.inputs.get("bucket", ""): r.urn for r in result.by_urn().values() if "bucket" in r.inputs}
    for bucket in (ARCHIVE, REPLICA):
        [policy] = [p for p in by_name.values() if p.inputs["bucket"] == bucket]
        for kind in ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"):
            assert urns[f"{kind}:{bucket}"] in policy.dependencies, (bucket, kind)
    [archive_policy] = [p for p in by_name.values() if p.inputs["bucket"] == ARCHIVE]
    replication = only(result, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    assert replication.urn in archive_policy.dependencies


@pytest.mark.parametrize("value", [
    "security-break-glass",
    "arn:aws:iam::111111111111:group/admins",
    "arn:aws-cn:iam::111111111111:role/security-break-glass",
    "arn:aws:sts::111111111111:assumed-role/security-break-glass/me",
    "arn:aws:iam::11111111111:role/x",
])
def test_break_glass_must_be_a_role_or_user_arn_of_this_partition(value):
    with pytest.raises(UserError, match=r"^baseline:breakGlassPrincipalArn: must be an IAM role or user ARN of partition aws"):
        run_baseline(breakGlassPrincipalArn=value)


# --- data events on the archive ----------------------------------------------------------------------


def data_event(bucket, name, key="cloudtrail/AWSLogs/111111111111/f.json.gz"):
    return {"eventCategory": "Data", "resources.type": "AWS::S3::Object", "resources.ARN": f"arn:aws:s3:::{bucket}/{key}", "eventName": name}


ERASURES = ["DeleteObject", "DeleteObjects", "PutObjectRetention", "PutObjectLegalHold"]


@pytest.mark.parametrize("stack, bucket", [("example", ARCHIVE), ("management", ARCHIVE_BUCKET)])
def test_trail_records_archive_deletions_and_not_its_deliveries(stack, bucket):
    result = example() if stack == "example" else role_run(stack)
    selectors = only(result, "aws:cloudtrail/trail:Trail").inputs["advancedEventSelectors"]
    for name in ERASURES:
        assert records(selectors, data_event(bucket, name)), name
    assert not records(selectors, data_event(bucket, "PutObject"))
    assert not records(selectors, data_event(bucket, "GetObject"))
    assert not records(selectors, data_event("team-data", "DeleteObject"))  # only the archive (cost)
    assert not records(selectors, data_event(f"{bucket}-other", "DeleteObject"))  # the prefix ends with "/"
    assert records(selectors, {"eventCategory": "Management", "eventName": "PutBucketPolicy"})


def test_all_bucket_data_events_still_leave_out_the_archives_deliveries():
    result = run_baseline(trailS3DataEvents=True)
    selectors = only(result, "aws:cloudtrail/trail:Trail").inputs["advancedEventSelectors"]
    assert records(selectors, data_event("team-data", "PutObject"))
    assert not records(selectors, data_event(ARCHIVE, "PutObject"))
    assert records(selectors, data_event(ARCHIVE, "DeleteObject"))


def test_archive_data_events_can_be_switched_off():
    selectors = only(run_baseline(archiveDataEvents=False), "aws:cloudtrail/trail:Trail").inputs["advancedEventSelectors"]
    assert not records(selectors, data_event(ARCHIVE, "DeleteObject"))


@pytest.mark.parametrize("selectors, event, expected", [
    ([{"fieldSelectors": [{"field": "eventName", "equals": ["A", "B"]}]}], {"eventName": "B"}, True),
    ([{"fieldSelectors": [{"field": "eventName", "notEquals": ["A", "B"]}]}], {"eventName": "B"}, False),
    ([{"fieldSelectors": [{"field": "resources.ARN", "startsWiths": ["arn:x/"]}]}], {"resources.ARN": "arn:x/k"}, True),
    ([{"fieldSelectors": [{"field": "resources.ARN", "notStartsWiths": ["arn:x/"]}]}], {"resources.ARN": "arn:x/k"}, False),
    ([{"FieldSelectors": [{"Field": "resources.ARN", "EndsWith": [".gz"]}]}], {"resources.ARN": "a.gz"}, True),
    ([{"fieldSelectors": [{"field": "eventName", "equals": ["A"]}, {"field": "readOnly", "equals": ["false"]}]}], {"eventName": "A", "readOnly": "true"}, False),
    ([{"fieldSelectors": [{"field": "eventName", "equals": ["A"]}]}, {"fieldSelectors": [{"field": "eventName", "equals": ["C"]}]}], {"eventName": "C"}, True),
    ([{"fieldSelectors": [{"field": "eventName", "equals": ["A"]}]}], {}, False),
])
def test_selector_semantics(selectors, event, expected):
    assert records(selectors, event) is expected
