"""The audit's tamper controls against what the baseline itself deploys: the example plan's archive bucket policy,
trail selectors and EventBridge rules, loaded into moto, pass; the same without them fail."""

import json

import boto3
import pytest

from aws_logging_baseline.audit.checks.tamper import (
    check_archive_data_events, check_erasure_denied, check_tamper_events, tamper_calls,
)
from aws_logging_baseline.audit.session import AwsContext
from aws_logging_baseline.components.auto_respond import api_selectors
from tests.engine_helpers import example, only

PLAN_ACCOUNT = "111111111111"
ARCHIVE = f"baseline-log-archive-{PLAN_ACCOUNT}-us-east-1"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{PLAN_ACCOUNT}:trail/baseline-trail"


def plan_bucket_policy(bucket):
    [policy] = [p for p in example().of_type("aws:s3/bucketPolicy:BucketPolicy") if p.inputs["bucket"] == bucket]
    return policy.inputs["policy"]


def test_the_planned_archive_policy_passes_and_a_tls_only_one_fails(aws):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=ARCHIVE)
    s3.create_bucket(Bucket="plain-archive")
    s3.put_bucket_policy(Bucket=ARCHIVE, Policy=plan_bucket_policy(ARCHIVE))
    tls_only = json.loads(plan_bucket_policy(ARCHIVE))
    tls_only["Statement"] = [s for s in tls_only["Statement"] if s["Sid"] == "DenyInsecureTransport"]
    s3.put_bucket_policy(Bucket="plain-archive", Policy=json.dumps(tls_only))
    ctx = AwsContext(None, None)
    [good] = check_erasure_denied(ctx, ARCHIVE, "us-east-1")
    assert good.status == "pass", good.message
    [bad] = check_erasure_denied(ctx, "plain-archive", "us-east-1")
    assert bad.status == "fail" and "s3:BypassGovernanceRetention" in bad.message and "s3:DeleteBucket" in bad.message
    s3.create_bucket(Bucket="no-policy")
    [missing] = check_erasure_denied(ctx, "no-policy", "us-east-1")
    assert missing.status == "fail"


def test_the_planned_trail_selectors_record_archive_deletions_not_deliveries():
    trail = only(example(), "aws:cloudtrail/trail:Trail")
    selectors = {"AdvancedEventSelectors": api_selectors(trail.inputs["advancedEventSelectors"])}
    assert check_archive_data_events(TRAIL_ARN, selectors, ARCHIVE).status == "pass"
    management_only = {"AdvancedEventSelectors": selectors["AdvancedEventSelectors"][:1]}
    assert check_archive_data_events(TRAIL_ARN, management_only, ARCHIVE).status == "fail"
    assert check_archive_data_events(TRAIL_ARN, {"EventSelectors": [{"ReadWriteType": "All"}]}, ARCHIVE).status == "fail"


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_the_planned_rules_of_a_region_cover_every_probed_call(aws, region):
    events = boto3.client("events", region_name=region)
    plan_rules = [r for r in example().of_type("aws:cloudwatch/eventRule:EventRule")
                  if r.inputs["region"] == region and "eventPattern" in r.inputs]
    for rule in plan_rules:
        events.put_rule(Name=rule.inputs["name"], EventPattern=rule.inputs["eventPattern"], State="ENABLED")
        events.put_targets(Rule=rule.inputs["name"], Targets=[{"Id": "t", "Arn": f"arn:aws:sns:us-east-1:{PLAN_ACCOUNT}:x"}])
    calls = tamper_calls(TRAIL_ARN, ARCHIVE, "/baseline/cloudtrail", f"arn:aws:kms:us-east-1:{PLAN_ACCOUNT}:key/k")
    assert len(calls) == 21
    ctx = AwsContext(None, None)
    [finding] = check_tamper_events(ctx, region, calls)
    assert finding.status == "pass", finding.message
    # rules without a target alert nobody: the region fails and names what is not covered
    for rule in plan_rules:
        events.remove_targets(Rule=rule.inputs["name"], Ids=["t"])
    [finding] = check_tamper_events(ctx, region, calls)
    assert finding.status == "fail" and "StopLogging" in finding.message
