"""Issue 12, detection of tampering: from the plan of the example stack and of every organization role, each API
call that silences or erases the evidence is matched by an alert rule in every covered region (the home rule
directly, other regions through their forwarding rule), judged by evaluating the deployed event patterns against
a synthetic CloudTrail event (aws_logging_baseline/event_pattern.py), never by searching strings. The same calls
on another team's resources page nobody.

CloudTrail events on EventBridge: detail-type "AWS API Call via CloudTrail", the request's parameters under
detail.requestParameters (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-cloudtrail.html).
"""

from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from aws_logging_baseline.audit.cis_filters import pattern_terms
from tests.engine_helpers import REPO, example
from tests.event_routes import alert_path, matching_rules
from tests.org.org_helpers import ROLES, role_run

STACKS = ("example", *ROLES)
ACCOUNTS = {"example": "111111111111", "management": "111111111111", "log-archive": "222222222222",
            "security": "333333333333", "member": "444444444444"}


def run(stack):
    return example() if stack == "example" else role_run(stack)


@lru_cache(maxsize=None)
def stack_config(stack) -> dict:
    path = REPO / "Pulumi.example.yaml" if stack == "example" else REPO / "examples" / "org" / f"Pulumi.{stack}.yaml"
    config = yaml.safe_load(Path(path).read_text())["config"]
    defaults = {k: v.get("default") for k, v in yaml.safe_load((REPO / "Pulumi.yaml").read_text())["config"].items()}
    return {**defaults, **config}


def covered_regions(stack) -> list[str]:
    result = run(stack)
    return list(result.stack_outputs.get("regions") or stack_config(stack)["baseline:regions"])


def names(stack):
    """The stack's own resources the events name (its naming convention: '<namePrefix>-...')."""
    prefix = stack_config(stack).get("baseline:namePrefix") or "baseline"
    account, home = ACCOUNTS[stack], "us-east-1"
    topic = f"arn:aws:sns:{home}:{account}:{prefix}-security-alerts"
    return {
        "trail": f"arn:aws:cloudtrail:{home}:{account}:trail/{prefix}-trail",
        "bucket": f"{prefix}-log-archive-{account}-{home}",
        "alarm": f"{prefix}-cis-4.5-cloudtrail-configuration-changes",
        "log_group": f"/{prefix}/cloudtrail",
        "lambda_log_group": f"/aws/lambda/{prefix}-iam-credentials-hygiene",
        "rule": f"{prefix}-logging-tampering",
        "topic": topic,
        "subscription": f"{topic}:0f6a3c5e-1b2d-4e8f-9a7b-3c4d5e6f7a8b",
        "key": f"arn:aws:kms:{home}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    }


def tamper_calls(n):
    """(eventSource, eventName, requestParameters) of every call the issue lists, on the stack's own resources."""
    return [
        ("cloudtrail.amazonaws.com", "StopLogging", {"name": n["trail"]}),
        ("cloudtrail.amazonaws.com", "DeleteTrail", {"name": n["trail"]}),
        ("cloudtrail.amazonaws.com", "UpdateTrail", {"name": n["trail"], "s3BucketName": "attacker-bucket"}),
        ("cloudtrail.amazonaws.com", "PutEventSelectors", {"trailName": n["trail"], "eventSelectors": []}),
        ("cloudtrail.amazonaws.com", "PutInsightSelectors", {"trailName": n["trail"], "insightSelectors": []}),
        ("config.amazonaws.com", "StopConfigurationRecorder", {"configurationRecorderName": "default"}),
        ("config.amazonaws.com", "DeleteConfigurationRecorder", {"configurationRecorderName": "default"}),
        ("config.amazonaws.com", "DeleteDeliveryChannel", {"deliveryChannelName": "default"}),
        ("ec2.amazonaws.com", "DeleteFlowLogs", {"DeleteFlowLogsRequest": {"FlowLogId": {"content": "fl-0123", "tag": 1}}}),
        ("kms.amazonaws.com", "PutKeyPolicy", {"keyId": n["key"], "policyName": "default"}),
        ("kms.amazonaws.com", "DisableKey", {"keyId": n["key"]}),
        ("kms.amazonaws.com", "ScheduleKeyDeletion", {"keyId": n["key"], "pendingWindowInDays": 7}),
        ("monitoring.amazonaws.com", "DeleteAlarms", {"alarmNames": [n["alarm"]]}),
        ("monitoring.amazonaws.com", "DisableAlarmActions", {"alarmNames": ["team-cpu", n["alarm"]]}),
        ("logs.amazonaws.com", "DeleteMetricFilter", {"logGroupName": n["log_group"], "filterName": "cis-4.5"}),
        ("logs.amazonaws.com", "DeleteLogGroup", {"logGroupName": n["lambda_log_group"]}),
        ("logs.amazonaws.com", "PutRetentionPolicy", {"logGroupName": n["log_group"], "retentionInDays": 1}),
        ("events.amazonaws.com", "DeleteRule", {"name": n["rule"]}),
        ("events.amazonaws.com", "DisableRule", {"name": n["rule"]}),
        ("events.amazonaws.com", "RemoveTargets", {"rule": n["rule"], "ids": ["alert-topic"]}),
        ("sns.amazonaws.com", "DeleteTopic", {"topicArn": n["topic"]}),
        ("sns.amazonaws.com", "Unsubscribe", {"subscriptionArn": n["subscription"]}),
        ("sns.amazonaws.com", "SetTopicAttributes", {"topicArn": n["topic"], "attributeName": "Policy"}),
        ("s3.amazonaws.com", "PutBucketPolicy", {"bucketName": n["bucket"]}),
        ("s3.amazonaws.com", "DeleteBucketPolicy", {"bucketName": n["bucket"]}),
        ("s3.amazonaws.com", "PutBucketLifecycle", {"bucketName": n["bucket"]}),
        ("s3.amazonaws.com", "PutObjectLockConfiguration", {"bucketName": n["bucket"]}),
        ("s3.amazonaws.com", "PutBucketReplication", {"bucketName": n["bucket"]}),
        ("s3.amazonaws.com", "DeleteBucketReplication", {"bucketName": n["bucket"]}),
        ("s3.amazonaws.com", "DeleteBucket", {"bucketName": n["bucket"]}),
    ]


def cloudtrail_event(account, source, name, parameters):
    return {
        "version": "0",
        "source": "aws." + {"monitoring": "cloudwatch"}.get(source.split(".")[0], source.split(".")[0]),
        "detail-type": "AWS API Call via CloudTrail",
        "account": account,
        "detail": {
            "eventVersion": "1.09",
            "userIdentity": {"type": "AssumedRole", "arn": f"arn:aws:sts::{account}:assumed-role/Admin/mallory"},
            "eventSource": source,
            "eventName": name,
            "sourceIPAddress": "203.0.113.7",
            "requestParameters": parameters,
        },
    }


@pytest.mark.parametrize("stack", STACKS)
def test_every_listed_call_alerts_from_every_covered_region(stack):
    result = run(stack)
    topic, account = result.stack_outputs["alertTopicArn"], ACCOUNTS[stack]
    calls = tamper_calls(names(stack))
    assert len(calls) == 30
    for region in covered_regions(stack):
        for source, name, parameters in calls:
            route = alert_path(result, region, "us-east-1", topic, account, cloudtrail_event(account, source, name, parameters))
            assert len(route) == (1 if region == "us-east-1" else 2), (stack, region, name, route)


OTHER_TEAMS = [
    ("monitoring.amazonaws.com", "DeleteAlarms", {"alarmNames": ["team-cpu-high"]}),
    ("monitoring.amazonaws.com", "DisableAlarmActions", {"alarmNames": ["team-cpu-high"]}),
    ("logs.amazonaws.com", "DeleteLogGroup", {"logGroupName": "/team/app"}),
    ("logs.amazonaws.com", "PutRetentionPolicy", {"logGroupName": "/aws/lambda/team-fn", "retentionInDays": 7}),
    ("logs.amazonaws.com", "DeleteMetricFilter", {"logGroupName": "/team/app", "filterName": "errors"}),
    ("events.amazonaws.com", "DeleteRule", {"name": "team-nightly"}),
    ("events.amazonaws.com", "RemoveTargets", {"rule": "team-nightly", "ids": ["1"]}),
    ("sns.amazonaws.com", "DeleteTopic", {"topicArn": "arn:aws:sns:us-east-1:111111111111:team-builds"}),
    ("sns.amazonaws.com", "Unsubscribe", {"subscriptionArn": "arn:aws:sns:us-east-1:111111111111:team-builds:0f6a"}),
    ("s3.amazonaws.com", "PutBucketPolicy", {"bucketName": "team-website"}),
    ("s3.amazonaws.com", "PutBucketLifecycle", {"bucketName": "team-data"}),
]


@pytest.mark.parametrize("source, name, parameters", OTHER_TEAMS, ids=[f"{c[1]}-{i}" for i, c in enumerate(OTHER_TEAMS)])
def test_other_teams_resources_page_nobody(source, name, parameters):
    result = example()
    event = cloudtrail_event("111111111111", source, name, parameters)
    for region in covered_regions("example"):
        assert matching_rules(result, region, event) == [], (region, name)


def test_the_topic_of_another_account_or_region_is_not_the_baselines():
    result = example()
    for arn in ("arn:aws:sns:eu-west-1:111111111111:baseline-security-alerts", "arn:aws:sns:us-east-1:999999999999:baseline-security-alerts"):
        event = cloudtrail_event("111111111111", "sns.amazonaws.com", "DeleteTopic", {"topicArn": arn})
        assert matching_rules(result, "us-east-1", event) == []


# Where CIS AWS Foundations has a monitoring control for a listed call, the metric filter on the trail's log group
# carries it too (CIS v1.4.0 4.5 trail changes, 4.7 KMS, 4.8 S3 bucket policy, 4.9 Config changes).
CIS_COVERED = {
    "4.5": ["StopLogging", "DeleteTrail", "UpdateTrail"],
    "4.7": ["DisableKey", "ScheduleKeyDeletion"],
    "4.8": ["PutBucketPolicy", "DeleteBucketPolicy", "PutBucketLifecycle", "PutBucketReplication", "DeleteBucketReplication"],
    "4.9": ["StopConfigurationRecorder", "DeleteDeliveryChannel"],
}


@pytest.mark.parametrize("stack", ["example", "management"])
def test_cis_metric_filters_cover_the_listed_calls_cis_names(stack):
    filters = run(stack).of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    for control, calls in CIS_COVERED.items():
        [metric_filter] = [f for f in filters if f"cis-{control}-" in f.inputs["name"]]
        terms = pattern_terms(metric_filter.inputs["pattern"])
        for call in calls:
            assert ("eventName", "=", call) in terms, (stack, control, call)
