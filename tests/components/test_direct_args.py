"""GuardDuty, SecurityHub, AccessAnalyzer, QueryArchive and LogStreaming built straight from their own typed Args
(no Settings, no composition) under the engine: the typed API is usable on its own, and its defaults are the
secure defaults the stack settings have. Each builder below is what a user of the component library writes."""

import pytest

from aws_logging_baseline.components.access_analyzer import AccessAnalyzer, AccessAnalyzerArgs
from aws_logging_baseline.components.analytics import QueryArchive, QueryArchiveArgs
from aws_logging_baseline.components.guardduty import DEFAULT_PROTECTION_PLANS, GuardDuty, GuardDutyArgs
from aws_logging_baseline.components.log_streaming import LogStreaming, LogStreamingArgs
from aws_logging_baseline.components.security_hub import DEFAULT_STANDARDS, SecurityHub, SecurityHubArgs
from aws_logging_baseline.components.settings import Settings
from aws_logging_baseline.errors import UserError
from tests.components.direct import run_direct

ACCOUNT = "111111111111"
BUCKET_ARN = "arn:aws:s3:::team-log-archive"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


# --- GuardDuty ---------------------------------------------------------------------------------------------

def build_guardduty():
    GuardDuty(
        "gd",
        GuardDutyArgs(regions=["us-east-1", "eu-west-1"], export_bucket_arn=BUCKET_ARN, export_key_arn=KEY_ARN),
        export_depends_on=[],
    )


def test_guardduty_from_its_args_exports_each_regions_findings_under_guardduty_with_the_key():
    result = run_direct("test_direct_args:build_guardduty")
    destinations = {d.inputs["region"]: d.inputs for d in result.of_type("aws:guardduty/publishingDestination:PublishingDestination")}
    assert sorted(destinations) == ["eu-west-1", "us-east-1"]
    for inputs in destinations.values():
        # The folder is part of the destination ARN; without it GuardDuty writes at the bucket root.
        assert inputs["destinationArn"] == f"{BUCKET_ARN}/guardduty/"
        assert inputs["destinationType"] == "S3" and inputs["kmsKeyArn"] == KEY_ARN
    enabled = {f.inputs["name"] for f in result.of_type("aws:guardduty/detectorFeature:DetectorFeature") if f.inputs["status"] == "ENABLED"}
    assert enabled == {"EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"}
    assert list(Settings().guard_duty_protection_plans) == DEFAULT_PROTECTION_PLANS
    assert {d.inputs["findingPublishingFrequency"] for d in result.of_type("aws:guardduty/detector:Detector")} == {
        Settings().guard_duty_finding_publishing_frequency
    }
    assert not result.of_type("aws:guardduty/organizationConfiguration:OrganizationConfiguration")


# --- SecurityHub -------------------------------------------------------------------------------------------

def build_security_hub():
    SecurityHub("hub", SecurityHubArgs(home_region="us-gov-west-1", regions=["us-gov-west-1", "us-gov-east-1"]))


def test_security_hub_from_its_args_subscribes_exactly_the_default_standards_in_the_home_partition():
    result = run_direct("test_direct_args:build_security_hub")
    accounts = result.of_type("aws:securityhub/account:Account")
    assert sorted(a.inputs["region"] for a in accounts) == ["us-gov-east-1", "us-gov-west-1"]
    assert all(a.inputs["enableDefaultStandards"] is False for a in accounts)  # exactly the chosen standards
    subscribed = {(s.inputs["region"], s.inputs["standardsArn"]) for s in result.of_type("aws:securityhub/standardsSubscription:StandardsSubscription")}
    assert subscribed == {
        (region, f"arn:aws-us-gov:securityhub:{region}::standards/{standard}")
        for region in ("us-gov-west-1", "us-gov-east-1")
        for standard in ("cis-aws-foundations-benchmark/v/5.0.0", "aws-foundational-security-best-practices/v/1.0.0")
    }
    assert list(Settings().security_hub_standards) == DEFAULT_STANDARDS
    [aggregator] = result.of_type("aws:securityhub/findingAggregator:FindingAggregator")
    assert aggregator.inputs["region"] == "us-gov-west-1" and aggregator.inputs["specifiedRegions"] == ["us-gov-east-1"]
    assert not result.of_type("aws:securityhub/configurationPolicy:ConfigurationPolicy")  # standalone: no central configuration


# --- AccessAnalyzer ----------------------------------------------------------------------------------------

def build_access_analyzers():
    AccessAnalyzer("account", AccessAnalyzerArgs(home_region="eu-west-1", regions=["eu-west-1", "eu-central-1"]))
    AccessAnalyzer(
        "org",
        AccessAnalyzerArgs(home_region="eu-west-1", regions=["eu-west-1"], zone_of_trust="ORGANIZATION", unused_access_days=90, name_prefix="acme"),
    )


def test_access_analyzer_from_its_args_is_external_access_only_by_default_and_analyses_unused_access_when_asked():
    result = run_direct("test_direct_args:build_access_analyzers")
    analyzers = {(a.name, a.inputs["region"]): a.inputs for a in result.of_type("aws:accessanalyzer/analyzer:Analyzer")}
    assert {k: (v["analyzerName"], v["type"]) for k, v in analyzers.items()} == {
        ("account-eu-west-1", "eu-west-1"): ("baseline-external-access-account", "ACCOUNT"),
        ("account-eu-central-1", "eu-central-1"): ("baseline-external-access-account", "ACCOUNT"),
        ("org-eu-west-1", "eu-west-1"): ("acme-external-access-organization", "ORGANIZATION"),
        ("org-unused", "eu-west-1"): ("acme-unused-access-organization", "ORGANIZATION_UNUSED_ACCESS"),
    }
    # Unused access is priced per IAM role and user analysed: off unless days are given (the settings' default, 0).
    assert analyzers[("org-unused", "eu-west-1")]["configuration"] == {"unusedAccess": {"unusedAccessAge": 90}}
    assert Settings().access_analyzer_unused_access_days == 0


# --- LogStreaming ------------------------------------------------------------------------------------------

SIEM_URL = "https://siem.example.com/collector"


def build_log_streaming():
    LogStreaming(
        "stream",
        LogStreamingArgs(
            account_id=ACCOUNT, home_region="us-east-1", log_group_name="/team/cloudtrail", key_arn=KEY_ARN, http_endpoint_url=SIEM_URL
        ),
    )


def test_log_streaming_from_its_args_sends_every_event_of_the_group_to_the_endpoint_through_an_encrypted_stream():
    result = run_direct("test_direct_args:build_log_streaming")
    [stream] = result.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
    assert stream.inputs["name"] == "baseline-trail-stream" and stream.inputs["destination"] == "http_endpoint"
    assert stream.inputs["serverSideEncryption"] == {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": KEY_ARN}
    http = stream.inputs["httpEndpointConfiguration"]
    assert http["url"] == SIEM_URL and http["s3Configuration"]["bucketArn"] == f"arn:aws:s3:::baseline-log-stream-failures-{ACCOUNT}-us-east-1"
    [subscription] = result.of_type("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter")
    assert subscription.inputs["logGroup"] == "/team/cloudtrail" and subscription.inputs["filterPattern"] == ""
    [failures] = [b for b in result.of_type("aws:s3/bucket:Bucket") if "failures" in b.name]
    assert failures.protect is True  # the default: failed records survive `pulumi destroy`


def build_log_streaming_without_destination():
    LogStreaming("stream", LogStreamingArgs(account_id=ACCOUNT, home_region="us-east-1", log_group_name="/g", key_arn=KEY_ARN))


def test_log_streaming_without_a_destination_is_one_clear_error():
    with pytest.raises(UserError, match="LogStreamingArgs: set exactly one destination, opensearch_domain_arn or http_endpoint_url"):
        run_direct("test_direct_args:build_log_streaming_without_destination")


# --- QueryArchive ------------------------------------------------------------------------------------------

def build_query_archive():
    QueryArchive(
        "analytics",
        QueryArchiveArgs(
            account_id=ACCOUNT, home_region="eu-west-1", key_arn=KEY_ARN, archive_bucket_name="team-archive",
            access_log_bucket_name="team-access-logs", regions=["eu-west-1", "eu-central-1"], flow_log_table=False,
        ),
    )


def test_query_archive_from_its_args_enforces_encrypted_results_and_reads_the_named_buckets():
    result = run_direct("test_direct_args:build_query_archive")
    [workgroup] = result.of_type("aws:athena/workgroup:Workgroup")
    config = workgroup.inputs["configuration"]
    # Enforced: a client cannot send results elsewhere, unencrypted, or scan past the cutoff.
    assert config["enforceWorkgroupConfiguration"] is True
    assert config["resultConfiguration"]["encryptionConfiguration"] == {"encryptionOption": "SSE_KMS", "kmsKeyArn": KEY_ARN}
    assert config["resultConfiguration"]["outputLocation"] == f"s3://baseline-athena-results-{ACCOUNT}-eu-west-1/"
    assert config["bytesScannedCutoffPerQuery"] == Settings().athena_bytes_scanned_cutoff
    tables = {t.inputs["name"]: t.inputs for t in result.of_type("aws:glue/catalogTable:CatalogTable")}
    assert "vpc_flow_logs" not in tables  # flow_log_table=False: flow logs are not in the archive as Parquet
    trail = tables["cloudtrail"]
    assert trail["storageDescriptor"]["location"] == f"s3://team-archive/cloudtrail/AWSLogs/{ACCOUNT}/CloudTrail/"
    assert trail["parameters"]["projection.region.values"] == "eu-west-1,eu-central-1"
    assert tables["s3_access_logs"]["storageDescriptor"]["location"].startswith("s3://team-access-logs/")
