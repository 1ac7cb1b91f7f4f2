"""Regions, denied access and bad input: never a crash; "unknown" with the reason, or exit 2 naming the flag."""

import pytest

from aws_logging_baseline.audit import AuditOptions, run_audit
from aws_logging_baseline.audit.regions import enabled_regions, parse_regions
from aws_logging_baseline.audit.session import AwsContext
from aws_logging_baseline.errors import UserError
from tests.audit.conftest import HOME, REGIONS, OnlyStubber, statuses

REGIONAL = ["config-recorder-enabled", "config-delivery-channel-healthy", "vpc-flow-logs-enabled", "inspector-enabled",
            "guardduty-enabled", "securityhub-enabled", "iam-external-access-analyzer-enabled", "tamper-events-alerted"]
REGIONAL_CALLS = {"config": ["describe_configuration_recorder_status", "describe_delivery_channels"],
                  "ec2": ["describe_vpcs"], "inspector2": ["batch_get_account_status"], "events": ["list_rules"],
                  "guardduty": ["list_detectors"], "securityhub": ["describe_hub"], "accessanalyzer": ["list_analyzers"]}


def refuse_region(denied: str, code: str, message: str):
    """A client hook: every regional call in `denied` fails the way AWS fails in a region that is not enabled."""
    def hook(client, service, region):
        if region != denied or service not in REGIONAL_CALLS:
            return
        stubber = OnlyStubber(client)
        for operation in REGIONAL_CALLS[service]:
            stubber.add_client_error(operation, service_error_code=code, service_message=message, http_status_code=403)
        stubber.activate()
    return hook


def test_a_region_that_refuses_is_unknown_with_the_reason(build):
    account = build()
    report = account.audit(hooks=[refuse_region("eu-west-1", "UnrecognizedClientException",
                                                "The security token included in the request is invalid.")])
    denied = [f for f in report.findings if f.region == "eu-west-1"]
    assert sorted((f.control, f.status) for f in denied) == sorted((c, "unknown") for c in REGIONAL)
    assert all("UnrecognizedClientException: The security token" in f.message for f in denied)
    home = {f.control: f.status for f in report.findings if f.region == HOME}
    # the other region is still audited; the account-wide aggregation check runs in the profile's region (HOME)
    assert home == {**{c: "pass" for c in REGIONAL}, "securityhub-findings-aggregated": "pass"}


def test_access_denied_on_one_service_leaves_the_others_checked(build):
    def deny_ec2(client, service, region):
        if service == "ec2":
            stubber = OnlyStubber(client)
            stubber.add_client_error("describe_vpcs", service_error_code="UnauthorizedOperation",
                                     service_message="You are not authorized", http_status_code=403)
            stubber.activate()

    report = build(regions=[HOME]).audit(hooks=[deny_ec2])
    result = statuses(report)
    assert result["vpc-flow-logs-enabled"] == {"unknown"}
    assert result["config-recorder-enabled"] == {"pass"}


def test_all_regions_means_the_enabled_ones(aws):
    ctx = AwsContext(None, None)
    regions = enabled_regions(ctx)
    assert "us-east-1" in regions and "eu-west-1" in regions
    assert "ap-east-1" not in regions  # an opt-in region this account has not opted into


def test_sequential_and_concurrent_runs_agree(build):
    account = build()
    assert account.audit(workers=1).findings == account.audit(workers=8).findings


def test_parse_regions():
    assert parse_regions("all") is None
    assert parse_regions(None) is None
    assert parse_regions("us-east-1, eu-west-1,us-east-1") == ["us-east-1", "eu-west-1"]
    with pytest.raises(UserError, match=r"^--regions: unknown region name\(s\): us-east-9$"):
        parse_regions("us-east-1,us-east-9")
    with pytest.raises(UserError, match="^--regions: expected"):
        parse_regions(" , ")


def test_no_credentials_is_a_user_error(aws, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(UserError, match="^no AWS credentials found"):
        run_audit(AuditOptions(regions=REGIONS))


def test_unknown_profile_is_a_user_error(aws, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(UserError, match="^--profile nobody: no such profile"):
        run_audit(AuditOptions(profile="nobody", regions=REGIONS))
