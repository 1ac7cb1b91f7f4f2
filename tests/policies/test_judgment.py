"""Issue 13: the pack judges what a resource does. Each case of programs/judgment runs through the engine and the
real pack process over the analyzer protocol; the verdict names the policy (or the stack is clean)."""

from functools import lru_cache
from pathlib import Path

import pytest

from aws_logging_baseline.offline.engine import RunResult, run_program
from tests.policies.conftest import FIXTURE
from tests.policies.test_policies import assert_verdict

PROGRAM = Path(__file__).resolve().parent / "programs" / "judgment"
ALARMS = "cis-metric-filters-and-alarms"
ADMIN = "iam-no-administrator-access"
ESCALATION = "iam-no-privilege-escalation"

# (policy, case, violates, fragment the message must contain, policy config)
CASES = [
    (ALARMS, "alarms-reference", False, "", None),
    (ALARMS, "alarms-rewritten", False, "", None),
    (ALARMS, "alarm-unauthorized-and", True, "4.1 (Unauthorized API calls): filter filter-unauthorized-api-calls has the metric "
     "UnauthorizedAPICalls but not the reference pattern", None),
    (ALARMS, "alarm-metric-value-0", True, "4.3 (Usage of the root user): filter filter-root-account-usage adds '0' per match", None),
    (ALARMS, "alarm-actions-disabled", True, "alarm alarm-root-account-usage: actionsEnabled is false, so it notifies nobody", None),
    (ALARMS, "alarm-threshold-100", True, "alarm alarm-root-account-usage: threshold is 100", None),
    (ALARMS, "alarm-other-operator", True, "comparisonOperator is 'LessThanThreshold' (expected 'GreaterThanOrEqualToThreshold')", None),
    (ALARMS, "alarm-other-period", True, "period is 86400", None),
    (ALARMS, "alarm-other-namespace", True, "4.3 (Usage of the root user): no alarm on metric CISBenchmark/RootAccountUsage", None),
    (ALARMS, "alarm-to-another-topic-of-the-stack", True, "its alarm actions arn:aws:sns:us-east-1:111111111111:builds",
     None),  # the stack exports alertTopicArn: that topic, not any topic
    (ALARMS, "alarm-foreign-action", True, "its alarm actions arn:aws:sns:us-east-1:999999999999:elsewhere are not an SNS topic "
     "of this stack", None),
    (ADMIN, "role-least-privilege", False, "", None),
    (ADMIN, "role-pass-named-role", False, "", None),
    (ADMIN, "role-admin-attachment", True, "role worker gets administrator access through RolePolicyAttachment worker-admin "
     "of arn:aws:iam::aws:policy/AdministratorAccess", None),
    (ADMIN, "role-admin-managed-arns", True, "role worker gets administrator access through managedPolicyArns", None),
    (ADMIN, "role-admin-customer-policy", True, "through RolePolicyAttachment worker-everything of everything "
     "(a policy allowing \"Action\": \"*\" on \"Resource\": \"*\")", None),
    (ADMIN, "role-admin-inline", True, "role worker gets administrator access through inline policy all", None),
    (ESCALATION, "role-least-privilege", False, "", None),
    (ESCALATION, "role-pass-named-role", False, "", None),
    (ESCALATION, "role-pass-any-role", True, "role worker may iam:PassRole on every resource", None),
    (ESCALATION, "role-put-any-policy", True, "role worker may iam:Put*Policy on every resource", None),
    # False positives of the pack before issue 13: each must pass
    ("cloudtrail-management-events-not-excluded", "data-events-trail", False, "", None),
    ("cloudtrail-multi-region-trail", "data-events-trail", False, "", None),
    ("cloudtrail-global-service-events-enabled", "data-events-trail", False, "", None),
    ("cloudtrail-single-management-events-copy", "data-events-trail", False, "", None),
    ("multi-region-cloud-trail-enabled", "data-events-trail", False, "", None),
    ("cloudtrail-management-events-not-excluded", "management-reads-and-writes", False, "", None),
    ("multi-region-cloud-trail-enabled", "management-reads-and-writes", False, "", None),
    ("iam-service-principal-source-conditions", "ec2-instance-role", False, "", None),
    ("iam-service-principal-source-conditions", "lambda-role-without-condition", True,
     "lets lambda.amazonaws.com act without aws:SourceAccount", None),  # the exemption is EC2's, not every service's
    ("s3-bucket-protections-present", "bucket-inline-arguments", False, "", None),
    ("s3-default-encryption-kms", "bucket-inline-arguments", False, "", None),
    ("s3-default-encryption-kms", "bucket-inline-without-encryption", True,
     "bucket inline has no aws.s3.BucketServerSideEncryptionConfiguration", None),
    # What the stack claims, and where its logs go
    ("org-role-backed-by-configuration", "bare-member-output", True, "claims organization role 'member' but its "
     "configuration has no organization id (baseline:organizationId) and no archive reference", None),
    ("multi-region-cloud-trail-enabled", "bare-member-output", True, "no logging multi-region trail", None),
    ("cis-metric-filters-and-alarms", "bare-member-output", True, "no trail delivers to CloudWatch Logs", None),
    ("org-role-backed-by-configuration", "member-backed", False, "", None),
    ("multi-region-cloud-trail-enabled", "member-backed", False, "", None),
    ("org-role-backed-by-configuration", "empty", False, "", None),
    ("log-destination-declared-in-stack", "trail-to-undeclared-bucket", True, "trail delivers logs to bucket "
     "someone-elses-bucket, which this stack does not declare: the pack cannot prove it is private", None),
    ("log-destination-declared-in-stack", "flow-log-to-undeclared-bucket", True,
     "flow-log delivers logs to bucket shared-network-logs, which this stack does not declare", None),
    ("log-destination-declared-in-stack", "archive-covered", False, "", None),
    ("log-destination-declared-in-stack", "member-backed", False, "", None),
    ("s3-replication-covers-log-prefixes", "archive-covered", False, "", None),
    ("s3-replication-covers-log-prefixes", "replication-misses-prefix", True,
     "trail writes to archive under AWSLogs/, but no enabled replication rule covers that prefix (rule prefixes: 'cloudtrail/')", None),
    ("s3-replication-covers-log-prefixes", "replication-covers-trail-only", True,
     "vpc-flow-log writes to archive under vpc/AWSLogs/", None),
    ("s3-log-retention-minimums", "archive-covered", False, "", None),
    ("s3-log-retention-minimums", "lock-one-day-expiry-30", True, "log bucket archive keeps objects under Object Lock for 1 day(s)", None),
    ("s3-log-retention-minimums", "lock-one-day-expiry-30", True, "log bucket archive expires logs after 30 day(s)", None),
    ("s3-log-retention-minimums", "lock-one-day-expiry-30", False, "",
     {"s3-log-retention-minimums": {"minObjectLockDays": 1, "minExpirationDays": 30}}),
    ("security-event-rules-enabled", "root-rule-enabled", False, "", None),
    ("security-event-rules-enabled", "root-rule-disabled", True, "EventBridge rule root-activity is DISABLED", None),
    ("baseline-covers-required-regions", "regions-narrowed", True, "not eu-west-1, which the organization requires",
     {"baseline-covers-required-regions": {"requiredRegions": ["us-east-1", "eu-west-1"]}}),
    ("baseline-covers-required-regions", "regions-narrowed", False, "",
     {"baseline-covers-required-regions": {"requiredRegions": ["us-east-1"]}}),
    ("vpc-flow-logs-enabled", "one-vpc-covered", True, "VPC vpc-0a1b2c3d4e5f60002 has no flow log",
     {"vpc-flow-logs-enabled": {"requiredVpcIds": ["vpc-0a1b2c3d4e5f60001", "vpc-0a1b2c3d4e5f60002"]}}),
]


@lru_cache(maxsize=None)
def run_case(case: str) -> RunResult:
    return run_program(PROGRAM, "test", FIXTURE, config_overrides={"policy-judgment:case": case})


@lru_cache(maxsize=None)
def _verdict(pack, case: str):
    return pack.check(run_case(case))


@pytest.mark.parametrize(("policy", "case", "violates", "fragment", "config"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{'fail' if c[2] else 'pass'}" for c in CASES])
def test_judgment(pack, policy, case, violates, fragment, config):
    result = pack.check(run_case(case), config) if config else _verdict(pack, case)
    found = [v for v in result.violations if v.policy == policy]
    assert_verdict(found, policy, violates, fragment)  # at the catalog's level, e.g. an outside destination: advisory
    assert all(v.urn.startswith("urn:pulumi:test::policy-judgment::") for v in found)


def test_clean_cases_are_clean_for_every_policy(pack):
    """The secure variants pass the whole pack, not just the policy under test (no false positive elsewhere)."""
    for case in ("alarms-reference", "alarms-rewritten"):
        result = _verdict(pack, case)
        assert [v for v in result.violations if v.policy in (ALARMS, ADMIN, ESCALATION)] == []
