"""Every policy against a violating and a passing program: engine -> analyzer protocol -> the real pack process."""

import importlib
from pathlib import Path

import pytest
import yaml

from tests.policies.conftest import PACK_DIR, run_case

CONTROLS = {c["name"]: c for c in yaml.safe_load((PACK_DIR / "controls.yaml").read_text())["policies"]}

# (policy, case, violates, fragment the message must contain, policy config)
CASES = [
    ("cloudtrail-multi-region-trail", "trail-good", False, "", None),
    ("cloudtrail-multi-region-trail", "trail-single-region", True, "is_multi_region_trail=True", None),
    ("cloudtrail-logging-enabled", "trail-good", False, "", None),
    ("cloudtrail-logging-enabled", "trail-not-logging", True, "enable_logging=True", None),
    ("cloud-trail-log-file-validation-enabled", "trail-good", False, "", None),
    ("cloud-trail-log-file-validation-enabled", "trail-no-validation", True, "enable_log_file_validation=True", None),
    ("cloud-trail-encryption-enabled", "trail-good", False, "", None),
    ("cloud-trail-encryption-enabled", "trail-no-kms", True, "kms_key_id", None),
    ("cloud-trail-cloud-watch-logs-enabled", "trail-good", False, "", None),
    ("cloud-trail-cloud-watch-logs-enabled", "trail-no-cloudwatch", True, "cloudWatchLogsGroupArn and cloudWatchLogsRoleArn", None),
    ("cloudtrail-global-service-events-enabled", "trail-good", False, "", None),
    ("cloudtrail-global-service-events-enabled", "trail-no-global-events", True, "includeGlobalServiceEvents is false", None),
    ("cloudtrail-management-events-not-excluded", "trail-good", False, "", None),
    ("cloudtrail-management-events-not-excluded", "trail-excludes-kms-events", True, "excludeManagementEventSources ['kms.amazonaws.com']", None),
    ("cloudtrail-management-events-not-excluded", "trail-write-only-advanced", True, "filter on readOnly (false only)", None),
    ("multi-region-cloud-trail-enabled", "trail-good", False, "", None),
    ("multi-region-cloud-trail-enabled", "trail-single-region", True, "no logging multi-region trail", None),
    ("multi-region-cloud-trail-enabled", "trail-excludes-kms-events", True, "no logging multi-region trail", None),
    ("cloudtrail-single-management-events-copy", "trail-good", False, "", None),
    ("cloudtrail-single-management-events-copy", "two-trails", True, "trail second-trail records management events too", None),
    ("s3-bucket-versioning-enabled", "log-stack", False, "", None),
    ("s3-bucket-versioning-enabled", "versioning-suspended", True, "versioningConfiguration.status is 'Suspended'", None),
    ("s3-bucket-level-public-access-prohibited", "log-stack", False, "", None),
    ("s3-bucket-level-public-access-prohibited", "pab-partial", True, "restrictPublicBuckets not true", None),
    ("s3-bucket-ownership-enforced", "log-stack", False, "", None),
    ("s3-bucket-ownership-enforced", "ownership-preferred", True, "'BucketOwnerPreferred'", None),
    ("s3-bucket-ssl-requests-only", "log-stack", False, "", None),
    ("s3-bucket-ssl-requests-only", "policy-without-tls-deny", True, "aws:SecureTransport", None),
    ("s3-bucket-policy-no-public-principal", "log-stack", False, "", None),
    ("s3-bucket-policy-no-public-principal", "policy-public-read", True, "statement PublicRead allows Principal", None),
    ("s3-bucket-protections-present", "log-stack", False, "", None),
    ("s3-bucket-protections-present", "bucket-bare", True,
     "bucket bare has no aws.s3.BucketVersioning, aws.s3.BucketPublicAccessBlock, aws.s3.BucketOwnershipControls, aws.s3.BucketPolicy", None),
    ("s3-default-encryption-kms", "log-stack", False, "", None),
    ("s3-default-encryption-kms", "archive-sse-s3", True, "bucket archive encrypts with ['AES256']", None),
    ("s3-default-encryption-kms", "bucket-bare", True, "bucket bare has no aws.s3.BucketServerSideEncryptionConfiguration", None),
    ("s3-bucket-logging-enabled", "log-stack", False, "", None),
    ("s3-bucket-logging-enabled", "archive-no-access-logging", True, "log bucket archive has no server access logging", None),
    ("s3-bucket-replication-enabled", "log-stack", False, "", None),
    ("s3-bucket-replication-enabled", "archive-no-replication", True, "log bucket archive has no enabled replication rule", None),
    ("s3-bucket-replication-enabled", "replica-same-region", True, "destination replica is in the same region us-east-1", None),
    ("s3-bucket-default-lock-enabled", "log-stack", False, "", None),
    ("s3-bucket-default-lock-enabled", "archive-no-object-lock", True, "object_lock_enabled=True", None),
    ("cmk-backing-key-rotation-enabled", "key-good", False, "", None),
    ("cmk-backing-key-rotation-enabled", "key-no-rotation", True, "enable_key_rotation=True", None),
    ("kms-key-deletion-window", "key-good", False, "", None),
    ("kms-key-deletion-window", "key-short-window", True, "set deletion_window_in_days to at least 30", None),
    ("kms-key-deletion-window", "key-short-window", False, "", {"kms-key-deletion-window": {"minimumDays": 7}}),
    ("kms-no-unconditioned-wildcard-principal", "key-good", False, "", None),
    ("kms-no-unconditioned-wildcard-principal", "key-wildcard", True, "statement Anyone allows Principal", None),
    ("cloudwatch-log-group-encrypted", "log-group-good", False, "", None),
    ("cloudwatch-log-group-encrypted", "log-group-plain", True, "kms_key_id", None),
    ("cw-loggroup-retention-period-check", "log-group-good", False, "", None),
    ("cw-loggroup-retention-period-check", "log-group-plain", True, "retentionInDays is 30: set retention_in_days to at least 365", None),
    ("cw-loggroup-retention-period-check", "log-group-plain", False, "", {"cw-loggroup-retention-period-check": {"minRetentionDays": 30}}),
    ("vpc-flow-logs-traffic-type", "vpc-flow-log-good", False, "", None),
    ("vpc-flow-logs-traffic-type", "vpc-flow-log-accept", True, "trafficType is 'ACCEPT': set traffic_type to one of REJECT, ALL", None),
    ("vpc-flow-logs-traffic-type", "vpc-flow-log-accept", False, "", {"vpc-flow-logs-traffic-type": {"allowedTrafficTypes": ["ACCEPT"]}}),
    ("vpc-flow-logs-enabled", "vpc-flow-log-good", False, "", None),
    ("vpc-flow-logs-enabled", "vpc-without-flow-log", True, "has no flow log: add an aws.ec2.FlowLog", None),
    ("vpc-flow-logs-enabled", "exported-vpc-without-flow-log", True, "VPC vpc-0fixture0001 has no flow log", None),
    ("vpc-flow-logs-enabled", "empty", True, "VPC vpc-0required0001 has no flow log",
     {"vpc-flow-logs-enabled": {"requiredVpcIds": ["vpc-0required0001"]}}),
    ("sns-encrypted-kms", "topic-good", False, "", None),
    ("sns-encrypted-kms", "topic-aws-managed-key", True, "alias/aws/sns", None),
    ("cis-metric-filters-and-alarms", "alarms-good", False, "", None),
    ("cis-metric-filters-and-alarms", "alarms-missing-root", True, "4.3 (Usage of the root user): no metric filter with the reference pattern", None),
    ("cis-metric-filters-and-alarms", "alarms-missing-root", False, "", {"cis-metric-filters-and-alarms": {"requiredAlarms": ["4.1", "4.15"]}}),
    ("cis-metric-filters-and-alarms", "alarms-without-actions", True, "alarm alarm-cis-4-1: it has no alarm action", None),
    ("cis-metric-filters-and-alarms", "trail-no-cloudwatch", True, "no trail delivers to CloudWatch Logs", None),
    ("alarm-topic-has-confirmed-subscription", "alarms-good", False, "", None),
    ("alarm-topic-has-confirmed-subscription", "alarm-topic-unsubscribed", True, "topic alerts is notified by 15 alarm(s) but has no subscription", None),
    ("iam-no-wildcard-action", "role-good", False, "", None),
    ("iam-no-wildcard-action", "role-star-action", True, "allows Action \"*\"", None),
    ("iam-service-principal-source-conditions", "role-good", False, "", None),
    ("iam-service-principal-source-conditions", "role-trust-without-condition", True, "lets lambda.amazonaws.com act without aws:SourceAccount", None),
    ("iam-service-principal-source-conditions", "role-trust-without-condition", False, "",
     {"iam-service-principal-source-conditions": {"exemptServices": ["lambda.amazonaws.com"]}}),
    ("config-recorder-all-supported", "config-good", False, "", None),
    ("config-recorder-all-supported", "config-subset", True, "recordingGroup.allSupported is false", None),
    ("config-recorder-enabled", "config-good", False, "", None),
    ("config-recorder-enabled", "config-status-missing", True, "region us-west-2 has no aws.cfg.RecorderStatus with is_enabled=True", None),
    ("config-recorder-enabled", "empty", True, "region eu-west-1 has no aws.cfg.Recorder, aws.cfg.DeliveryChannel",
     {"config-recorder-enabled": {"requiredRegions": ["eu-west-1"]}}),
    ("config-global-resources-recorded-once", "config-good", False, "", None),
    ("config-global-resources-recorded-once", "config-global-twice", True, "recorded in 2 regions (us-east-1, us-west-2)", None),
    ("config-global-resources-recorded-once", "config-global-none", True, "IAM changes are not recorded", None),
    ("inspector-classic-not-used", "inspector-good", False, "", None),
    ("inspector-classic-not-used", "inspector-classic", True, "aws:inspector/assessmentTarget:AssessmentTarget is Amazon Inspector Classic", None),
    ("inspector-enabled", "inspector-good", False, "", None),
    ("inspector-enabled", "inspector-missing-lambda", True, "region us-west-2 does not scan LAMBDA", None),
]


def _violations(pack, case, policy, config=None):
    result = pack.check(run_case(case), config)
    return [v for v in result.violations if v.policy == policy], result


def assert_verdict(found, policy: str, violates: bool, fragment: str) -> None:
    """A case's verdict: nothing reported when it passes; when it violates, a message with the fragment, at the
    policy's default level from the catalog."""
    if not violates:
        assert found == [], [v.message for v in found]
        return
    assert found, f"{policy} reported nothing"
    assert any(fragment in v.message for v in found), [v.message for v in found]
    assert {v.enforcement for v in found} == {CONTROLS[policy]["enforcement"]}


@pytest.mark.parametrize(("policy", "case", "violates", "fragment", "config"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{'fail' if c[2] else 'pass'}{'-config' if c[4] else ''}" for c in CASES])
def test_policy(pack, policy, case, violates, fragment, config):
    found, _ = _violations(pack, case, policy, config)
    assert_verdict(found, policy, violates, fragment)
    # every violation points at a resource or the stack
    assert all(v.urn.startswith("urn:pulumi:test::policy-cases::") for v in found)


def _all_cases():
    """CASES of this module and of any other tests/policies/test_*.py module that tests more policies."""
    cases = list(CASES)
    for path in Path(__file__).parent.glob("test_*.py"):
        if path.stem != Path(__file__).stem:
            module = importlib.import_module(f"tests.policies.{path.stem}")
            cases += [c for c in getattr(module, "CASES", []) if isinstance(c, tuple) and len(c) == 5]
    return cases


# Policies whose violating and passing programs are tested by another suite (same engine + pack path).
TESTED_ELSEWHERE = {"org-member-no-duplicate-management-trail": "tests/org/test_check.py"}


def test_every_policy_has_a_violating_and_a_passing_case():
    covered = {(policy, violates) for policy, _, violates, _, _ in _all_cases()}
    repo = Path(__file__).resolve().parents[2]
    for name, suite in TESTED_ELSEWHERE.items():
        assert name in (repo / suite).read_text(), f"{suite} no longer tests {name}"
        covered |= {(name, True), (name, False)}
    missing = [f"{name} ({'fail' if v else 'pass'})" for name in CONTROLS for v in (True, False) if (name, v) not in covered]
    assert missing == []


def test_resource_violation_points_at_the_resource(pack):
    found, _ = _violations(pack, "trail-no-kms", "cloud-trail-encryption-enabled")
    assert [v.urn.rsplit("::", 1)[-1] for v in found] == ["trail"]
    assert found[0].description == CONTROLS["cloud-trail-encryption-enabled"]["description"]


def test_value_unknown_during_preview_is_advisory_not_a_crash(pack):
    found, result = _violations(pack, "trail-unknown-kms", "cloud-trail-encryption-enabled")
    assert [v.enforcement for v in found] == ["advisory"]
    assert "can't be known during preview" in found[0].message and ".kmsKeyId" in found[0].message
    assert [v for v in result.violations if v.policy == "cloud-trail-log-file-validation-enabled"] == []


def test_region_policies_are_not_applicable_without_required_regions(pack):
    found, result = _violations(pack, "config-not-exported", "config-recorder-enabled")
    assert found == []
    assert "no required regions" in result.not_applicable["config-recorder-enabled"]


def test_all_mandatory_from_policy_config_promotes_advisory_policies(pack):
    found, _ = _violations(pack, "two-trails", "cloudtrail-single-management-events-copy", {"all": "mandatory"})
    assert [v.enforcement for v in found] == ["mandatory"]


def test_disabled_policy_reports_nothing(pack):
    found, _ = _violations(pack, "trail-no-kms", "cloud-trail-encryption-enabled", {"cloud-trail-encryption-enabled": "disabled"})
    assert found == []
