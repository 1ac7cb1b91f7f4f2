"""Every control, against a compliant moto account and against the same account with one defect."""

import pytest

from aws_logging_baseline.audit.controls import CONTROLS
from tests.audit.conftest import ACCOUNT, BUCKET, HOME, REGIONS, TRAIL, OnlyStubber, failing, statuses

TRAIL_ARN = f"arn:aws:cloudtrail:{HOME}:{ACCOUNT}:trail/{TRAIL}"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"

# Defects whose effect reaches other controls by design: no log group means nothing to put filters on.
CASCADES = {"cloud-trail-cloud-watch-logs-enabled": {"cis-metric-filters-and-alarms",
                                                     "alarm-topic-has-confirmed-subscription"}}


def test_compliant_account_passes_every_control(build):
    report = build().audit()
    assert statuses(report) == {control: {"pass"} for control in CONTROLS}
    # regional controls report once per region (flow logs: once per VPC, one default VPC per region)
    for control in ("config-recorder-enabled", "config-delivery-channel-healthy", "vpc-flow-logs-enabled",
                    "inspector-enabled", "guardduty-enabled", "securityhub-enabled", "iam-external-access-analyzer-enabled"):
        assert sorted(f.region for f in report.findings if f.control == control) == sorted(REGIONS)
    assert len([f for f in report.findings if f.control == "cis-metric-filters-and-alarms"]) == 15
    assert report.account_id == ACCOUNT


@pytest.mark.parametrize("control", list(CONTROLS))
def test_one_defect_fails_exactly_its_control(build, control):
    report = build(defect=control, regions=[HOME]).audit()  # one region keeps moto fast; see the regional test
    assert failing(report) == {control} | CASCADES.get(control, set())
    assert "fail" in statuses(report)[control]
    assert all(f.status in ("pass", "fail") for f in report.findings)


def _fails(report, control):
    return [f for f in report.findings if f.control == control and f.status == "fail"]


def test_trail_findings_name_the_trail(build):
    [finding] = _fails(build(defect="cloud-trail-log-file-validation-enabled", regions=[HOME]).audit(),
                       "cloud-trail-log-file-validation-enabled")
    assert (finding.region, finding.resource) == ("global", TRAIL_ARN)
    assert "EnableLogFileValidation" in finding.message


def test_delivery_error_is_reported(build):
    [finding] = _fails(build(defect="cloud-trail-delivery-healthy", regions=[HOME]).audit(), "cloud-trail-delivery-healthy")
    assert finding.resource == TRAIL_ARN and "AccessDenied" in finding.message


def test_bucket_findings_name_the_bucket(build):
    [finding] = _fails(build(defect="s3-bucket-level-public-access-prohibited", regions=[HOME]).audit(),
                       "s3-bucket-level-public-access-prohibited")
    assert finding.resource == BUCKET_ARN and "RestrictPublicBuckets" in finding.message


def test_missing_cis_filter_and_missing_alarm_are_separate_findings(build):
    findings = _fails(build(defect="cis-metric-filters-and-alarms", regions=[HOME]).audit(), "cis-metric-filters-and-alarms")
    messages = sorted(f.message for f in findings)
    assert len(messages) == 2
    assert messages[0].startswith("CIS 4.10 security group changes: filter cis-4-10 has no alarm")
    assert messages[1].startswith("CIS 4.3 root account usage: no metric filter")


def test_flow_log_finding_names_the_vpc_in_its_region(build):
    account = build(defect="vpc-flow-logs-enabled")
    report = account.audit()
    [finding] = _fails(report, "vpc-flow-logs-enabled")
    assert (finding.region, finding.resource) == ("eu-west-1", account.uncovered_vpc)
    assert {f.region for f in report.findings if f.control == "vpc-flow-logs-enabled" and f.status == "pass"} \
        == set(REGIONS)  # the default VPCs still pass


@pytest.mark.parametrize("control", ["config-recorder-enabled", "config-delivery-channel-healthy", "inspector-enabled",
                                     "guardduty-enabled", "securityhub-enabled", "iam-external-access-analyzer-enabled"])
def test_regional_defect_is_reported_in_its_region_only(build, control):
    report = build(defect=control).audit()
    assert [(f.region, f.status) for f in report.findings if f.control == control] == \
        [("eu-west-1", "fail"), ("us-east-1", "pass")]


def test_inspector_names_the_disabled_scan_type(build):
    [finding] = _fails(build(defect="inspector-enabled", regions=[HOME]).audit(), "inspector-enabled")
    assert "LAMBDA" in finding.message and "EC2" not in finding.message


@pytest.mark.parametrize("control, user, words", [
    ("mfa-enabled-for-iam-console-access", "bob", "no MFA"),
    ("iam-user-unused-credentials-check", "alice", "password unused"),
    ("access-keys-rotated", "deployer", "access key 1"),
])
def test_iam_findings_name_the_user(build, control, user, words):
    [finding] = _fails(build(defect=control, regions=[HOME]).audit(), control)
    assert finding.resource == f"arn:aws:iam::{ACCOUNT}:user/{user}" and words in finding.message


def test_flow_log_finding_asks_for_the_baselines_default_traffic_type(build):
    """The remediation matches what the baseline deploys (baseline:flowLogTrafficType's default), not ALL."""
    from aws_logging_baseline.offline.project import load_project
    from tests.engine_helpers import REPO

    default = load_project(REPO).schema["baseline:flowLogTrafficType"].default
    account = build(defect="vpc-flow-logs-enabled", regions=[HOME])
    [finding] = _fails(account.audit(), "vpc-flow-logs-enabled")
    assert finding.message == f"VPC has no flow log; create one (traffic type {default}, the baseline's default, or ALL)"


def test_security_hub_finding_names_the_missing_standard(build):
    [finding] = _fails(build(defect="securityhub-enabled").audit(), "securityhub-enabled")
    assert finding.region == "eu-west-1"
    assert finding.message == "standards not enabled: CIS AWS Foundations v5.0.0 (BatchEnableStandards)"


def test_aggregation_names_an_unlinked_region(build):
    account = build()

    def one_region_linked(client, service, region):
        if service == "securityhub":
            stubber = OnlyStubber(client)
            arn = f"arn:aws:securityhub:{HOME}:{ACCOUNT}:finding-aggregator/baseline"
            stubber.add_response("list_finding_aggregators", {"FindingAggregators": [{"FindingAggregatorArn": arn}]})
            stubber.add_response("get_finding_aggregator", {"FindingAggregatorArn": arn, "FindingAggregationRegion": HOME,
                                                            "RegionLinkingMode": "SPECIFIED_REGIONS", "Regions": ["ap-south-1"]})
            stubber.activate()

    [finding] = _fails(account.audit(hooks=[one_region_linked]), "securityhub-findings-aggregated")
    assert finding.message == "regions not aggregated: eu-west-1 (UpdateFindingAggregator)"
