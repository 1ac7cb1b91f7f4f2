"""LogStreaming (opt-in) through the engine: nothing by default; switched on, the trail's log group streams through
an encrypted Firehose stream to the named OpenSearch domain or HTTPS endpoint, failures to a protected bucket,
and the two roles allow exactly the documented requests (proved with the offline IAM evaluator)."""

import functools

import pytest

from aws_logging_baseline.access.evaluator import Policy, Principal, Request, evaluate
from tests.engine_helpers import example, only, policy_of, run_baseline
from tests.settings_helpers import settings_problems

ACCOUNT = "111111111111"
DOMAIN = f"arn:aws:es:us-east-1:{ACCOUNT}:domain/siem"
STREAM_ARN = f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/baseline-trail-stream"
FAILURES = f"baseline-log-stream-failures-{ACCOUNT}-us-east-1"
STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
SUBSCRIPTION = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"


@functools.lru_cache(maxsize=1)
def opensearch():
    return run_baseline(logStreaming=True, logStreamingOpensearchDomainArn=DOMAIN)


def home_key_arn(result):
    return only(result, "aws:kms/key:Key", "home-key").outputs["arn"]


def test_off_by_default():
    assert example().of_type(STREAM) == [] and example().of_type(SUBSCRIPTION) == []


def test_trail_group_streams_every_event_to_the_encrypted_stream():
    result = opensearch()
    stream = only(result, STREAM).inputs
    assert stream["name"] == "baseline-trail-stream" and stream["region"] == "us-east-1"
    assert stream["serverSideEncryption"] == {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": home_key_arn(result)}
    subscription = only(result, SUBSCRIPTION).inputs
    assert subscription["logGroup"] == "/baseline/cloudtrail" and subscription["filterPattern"] == ""
    assert subscription["destinationArn"] == only(result, STREAM).outputs["arn"] == STREAM_ARN
    assert subscription["roleArn"] == only(result, "aws:iam/role:Role", "log-streaming-logs-role").outputs["arn"]


def test_opensearch_destination_decompresses_and_keeps_failed_documents():
    config = only(opensearch(), STREAM).inputs["opensearchConfiguration"]
    assert config["domainArn"] == DOMAIN and config["indexName"] == "cloudtrail" and config["indexRotationPeriod"] == "OneDay"
    assert config["s3BackupMode"] == "FailedDocumentsOnly"
    assert config["s3Configuration"]["bucketArn"] == f"arn:aws:s3:::{FAILURES}"
    assert config["s3Configuration"]["kmsKeyArn"] == home_key_arn(opensearch())
    assert [p["type"] for p in config["processingConfiguration"]["processors"]] == ["Decompression", "CloudWatchLogProcessing"]


def test_failure_bucket_is_a_protected_encrypted_log_store():
    bucket = only(opensearch(), "aws:s3/bucket:Bucket", "log-streaming-failures")
    assert bucket.inputs["bucket"] == FAILURES and bucket.protect
    sse = only(opensearch(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
               "log-streaming-failures").inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert sse == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": home_key_arn(opensearch())}


def _role(result, name):
    role = only(result, "aws:iam/role:Role", name)
    policy = only(result, "aws:iam/rolePolicy:RolePolicy", name.replace("-role", "-policy"))
    return role, Policy("trust", policy_of(role, "assumeRolePolicy")), Policy("identity", policy_of(policy))


def test_firehose_role_is_trusted_by_this_stream_only_and_writes_only_its_destinations():
    role, trust, identity = _role(opensearch(), "log-streaming-firehose-role")
    assume = lambda arn: evaluate(  # noqa: E731
        Request(Principal.service("firehose.amazonaws.com"), "sts:AssumeRole", role.outputs["arn"],
                {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": arn}),
        resource_account=ACCOUNT, resource_policy=trust, resource_kind="trust")
    assert assume(STREAM_ARN).allowed
    assert not assume(f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/other").allowed
    session = Principal.aws(f"arn:aws:sts::{ACCOUNT}:assumed-role/baseline-trail-stream-delivery/firehose")
    can = lambda action, resource: evaluate(  # noqa: E731
        Request(session, action, resource), resource_account=ACCOUNT, identity_policies=[identity]).allowed
    assert can("s3:PutObject", f"arn:aws:s3:::{FAILURES}/failed/x.gz")
    assert not can("s3:PutObject", f"arn:aws:s3:::baseline-log-archive-{ACCOUNT}-us-east-1/cloudtrail/x.gz")
    assert not can("s3:DeleteObject", f"arn:aws:s3:::{FAILURES}/failed/x.gz")
    assert can("es:ESHttpPost", f"{DOMAIN}/_bulk")
    assert not can("es:ESHttpPost", f"arn:aws:es:us-east-1:{ACCOUNT}:domain/other/_bulk")
    assert not can("es:ESHttpDelete", f"{DOMAIN}/cloudtrail")


def test_logs_role_may_only_put_records_into_this_stream():
    role, trust, identity = _role(opensearch(), "log-streaming-logs-role")
    assert evaluate(
        Request(Principal.service("logs.amazonaws.com"), "sts:AssumeRole", role.outputs["arn"],
                {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/baseline/cloudtrail"}),
        resource_account=ACCOUNT, resource_policy=trust, resource_kind="trust").allowed
    assert not evaluate(
        Request(Principal.service("logs.amazonaws.com"), "sts:AssumeRole", role.outputs["arn"],
                {"aws:SourceAccount": "999999999999", "aws:SourceArn": "arn:aws:logs:us-east-1:999999999999:log-group:x"}),
        resource_account=ACCOUNT, resource_policy=trust, resource_kind="trust").allowed
    session = Principal.aws(f"arn:aws:sts::{ACCOUNT}:assumed-role/baseline-trail-stream-source/logs")
    put = lambda action, arn: evaluate(Request(session, action, arn), resource_account=ACCOUNT, identity_policies=[identity]).allowed  # noqa: E731
    assert put("firehose:PutRecordBatch", STREAM_ARN) and put("firehose:PutRecord", STREAM_ARN)
    assert not put("firehose:PutRecordBatch", f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/other")
    assert not put("firehose:DeleteDeliveryStream", STREAM_ARN)


def test_http_endpoint_destination():
    result = run_baseline(logStreaming=True, logStreamingHttpEndpointUrl="https://siem.example.com/collector")
    stream = only(result, STREAM).inputs
    assert "opensearchConfiguration" not in stream
    config = stream["httpEndpointConfiguration"]
    assert config["url"] == "https://siem.example.com/collector" and config["s3BackupMode"] == "FailedDataOnly"
    assert config["requestConfiguration"] == {"contentEncoding": "GZIP"}
    policy = policy_of(only(result, "aws:iam/rolePolicy:RolePolicy", "log-streaming-firehose-policy"))
    assert not [s for s in policy["Statement"] if any(str(a).startswith("es:") for a in s["Action"])]


@pytest.mark.parametrize("config, message", [
    ({"logStreaming": "true"},
     "baseline:logStreaming: streaming needs a destination: set baseline:logStreamingOpensearchDomainArn or baseline:logStreamingHttpEndpointUrl"),
    ({"logStreaming": "true", "logStreamingOpensearchDomainArn": DOMAIN, "logStreamingHttpEndpointUrl": "https://x.example.com"},
     "baseline:logStreaming: set one destination"),
    ({"logStreaming": "true", "logStreamingHttpEndpointUrl": "http://siem.example.com"},
     "baseline:logStreamingHttpEndpointUrl: must be an https:// URL"),
    ({"logStreaming": "true", "logStreamingOpensearchDomainArn": f"arn:aws:es:eu-west-1:{ACCOUNT}:domain/siem"},
     "baseline:logStreamingOpensearchDomainArn: the domain must be in homeRegion us-east-1"),
    ({"logStreamingHttpEndpointUrl": "https://x.example.com"}, "baseline:logStreamingHttpEndpointUrl: only used with baseline:logStreaming true"),
])
def test_bad_streaming_settings_name_their_key(config, message):
    problems = settings_problems(**config)
    assert any(p.startswith(message) for p in problems), problems


def test_organization_streams_the_organization_trail_from_the_management_account():
    from tests.org.org_helpers import MANAGEMENT, run_role

    result = run_role("management", logStreaming=True, logStreamingHttpEndpointUrl="https://siem.example.com/collector")
    subscription = only(result, SUBSCRIPTION).inputs
    assert subscription["logGroup"] == only(result, "aws:cloudwatch/logGroup:LogGroup", "org-trail").inputs["name"]
    assert subscription["destinationArn"] == f"arn:aws:firehose:us-east-1:{MANAGEMENT}:deliverystream/acme-trail-stream"
