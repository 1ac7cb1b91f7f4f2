"""Issue 12, "signals that mean what they say", from the plan of the example stack and of every organization role.

* CLOUD_TRAIL_ENABLED / MULTI_REGION_CLOUD_TRAIL_ENABLED: their parameters are match criteria ("NON_COMPLIANT if
  the trails do not match input parameters", Config developer guide, cloudtrail-enabled), so they must equal the
  settings of the trail that actually records the account: no snsTopicArn (no trail has one), the trail's own
  CloudWatchLogsLogGroupArn, and in accounts without a trail of their own the organization trail's bucket.
* s3-bucket-replication-enabled evaluates only buckets tagged for replication: the archive, not the access-log
  buckets or the replica.
* The console sign-in rule hears sign-ins of every covered region (and us-east-1), forwarded to the home region.
* The replica logs its server access to a bucket in its own region.
* The custom rule's Lambda has reserved concurrency and an alarm on its Errors metric to the alert topic.
"""

import json

import pytest

from aws_logging_baseline.event_pattern import matches
from tests.engine_helpers import example, only, run_baseline
from tests.event_routes import alert_path
from tests.org.org_helpers import ARCHIVE_BUCKET, ROLES, role_run

RULE = "aws:cfg/rule:Rule"
TRAIL = "aws:cloudtrail/trail:Trail"
BUCKET = "aws:s3/bucket:Bucket"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
TRAIL_RULES = ("CLOUD_TRAIL_ENABLED", "MULTI_REGION_CLOUD_TRAIL_ENABLED")


def plans():
    return {"example": example(), **{role: role_run(role) for role in ROLES}}


def trail_rules(result):
    return [r for r in result.of_type(RULE) if r.inputs["source"]["owner"] == "AWS" and r.inputs["source"]["sourceIdentifier"] in TRAIL_RULES]


def trail_match_parameters(rule) -> dict:
    parameters = json.loads(rule.inputs["inputParameters"])
    return {k: v for k, v in parameters.items() if k in ("s3BucketName", "snsTopicArn", "cloudWatchLogsLogGroupArn")}


def expected_trail_settings(name, result) -> dict:
    """What the trail that records this account actually has, read from the plan."""
    trails = result.of_type(TRAIL)
    if trails:
        (trail,) = trails
        settings = {"s3BucketName": trail.inputs["s3BucketName"], "cloudWatchLogsLogGroupArn": trail.inputs["cloudWatchLogsGroupArn"]}
        assert "snsTopicName" not in trail.inputs  # so a snsTopicArn parameter could never match
        return settings
    # No trail of its own: the organization trail (management account) records it into the log archive; its log
    # group lives in the management account, so only the bucket is a criterion here.
    assert name in ("security", "member"), name
    return {"s3BucketName": ARCHIVE_BUCKET}


@pytest.mark.parametrize("name", ["example", *ROLES])
def test_trail_rules_parameters_equal_the_trails_actual_settings(name):
    result = plans()[name]
    rules = trail_rules(result)
    if name == "log-archive":
        assert rules == []  # the log-archive role runs no Config rules
        return
    assert {r.inputs["source"]["sourceIdentifier"] for r in rules} == set(TRAIL_RULES)
    expected = expected_trail_settings(name, result)
    for rule in rules:
        assert trail_match_parameters(rule) == expected, (name, rule.inputs["name"], rule.inputs["region"])


def test_replication_rule_covers_the_archive_and_not_the_baselines_own_exceptions():
    result = example()
    rules = [r for r in result.of_type(RULE) if r.inputs["source"].get("sourceIdentifier") == "S3_BUCKET_REPLICATION_ENABLED"]
    assert len(rules) == 17
    scope = rules[0].inputs["scope"]
    assert all(r.inputs["scope"] == scope for r in rules)
    key, value = scope["tagKey"], scope["tagValue"]
    buckets = {b.inputs["bucket"]: b for b in result.of_type(BUCKET)}
    in_scope = sorted(name for name, b in buckets.items() if b.inputs.get("tags", {}).get(key) == value)
    assert in_scope == ["baseline-log-archive-111111111111-us-east-1"]
    # Out of scope, each for a reason: the replica is the destination (replicating it again would loop), the
    # access-log targets (of the archive and of the replica, each in its source's region) and the Athena query
    # results hold derived, expiring data.
    assert sorted(set(buckets) - set(in_scope)) == [
        "baseline-access-logs-111111111111-us-east-1",
        "baseline-access-logs-111111111111-us-west-2",
        "baseline-athena-results-111111111111-us-east-1",
        "baseline-log-replica-111111111111-us-west-2",
    ]


def test_log_archive_role_tags_only_its_archive_for_replication():
    buckets = role_run("log-archive").of_type(BUCKET)
    tagged = [b.inputs["bucket"] for b in buckets if b.inputs.get("tags", {}).get("BaselineReplication") == "required"]
    assert tagged == [ARCHIVE_BUCKET]


def test_replica_logs_its_access_to_a_bucket_in_its_own_region():
    result = example()
    logging = {r.inputs["bucket"]: r for r in result.of_type("aws:s3/bucketLogging:BucketLogging")}
    replica = "baseline-log-replica-111111111111-us-west-2"
    target = "baseline-access-logs-111111111111-us-west-2"
    assert logging[replica].inputs["region"] == "us-west-2"
    assert logging[replica].inputs["targetBucket"] == target
    target_bucket = only(result, BUCKET, "replica-access-logs")
    assert target_bucket.inputs["bucket"] == target and target_bucket.inputs["region"] == "us-west-2"
    policy = json.loads(only(result, "aws:s3/bucketPolicy:BucketPolicy", "replica-access-logs").inputs["policy"])
    [allow] = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow["Condition"]["ArnLike"]["aws:SourceArn"] == f"arn:aws:s3:::{replica}"


SIGN_IN_WITHOUT_MFA = {
    "source": "aws.signin",
    "detail-type": "AWS Console Sign In via CloudTrail",
    "detail": {
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111111111111:user/alice"},
        "additionalEventData": {"MFAUsed": "No"},
        "responseElements": {"ConsoleLogin": "Success"},
    },
}
FAILED_SIGN_IN = {
    **SIGN_IN_WITHOUT_MFA,
    "detail": {**SIGN_IN_WITHOUT_MFA["detail"], "responseElements": {"ConsoleLogin": "Failure"}, "errorMessage": "Failed authentication"},
}


@pytest.mark.parametrize("event", [SIGN_IN_WITHOUT_MFA, FAILED_SIGN_IN], ids=["no-mfa", "failure"])
def test_sign_in_alerts_are_heard_in_every_covered_region(event):
    result = example()
    topic = result.stack_outputs["alertTopicArn"]
    for region in result.stack_outputs["regions"]:
        route = alert_path(result, region, "us-east-1", topic, "111111111111", event)
        assert route[-1] == "baseline-console-signin-alerts"
        assert len(route) == (1 if region == "us-east-1" else 2)


def test_sign_in_alerts_of_us_east_1_are_forwarded_when_it_is_not_covered():
    result = run_baseline(homeRegion="eu-west-1", regions=["eu-west-1", "eu-central-1"])
    topic = result.stack_outputs["alertTopicArn"]
    for region in ("eu-west-1", "eu-central-1", "us-east-1"):
        assert alert_path(result, region, "eu-west-1", topic, "111111111111", SIGN_IN_WITHOUT_MFA)[-1] == "baseline-console-signin-alerts"


def test_sign_in_pattern_matches_only_what_aws_emits():
    pattern = json.loads(only(example(), EVENT_RULE, "console-signin-alerts").inputs["eventPattern"])
    assert pattern["detail-type"] == ["AWS Console Sign In via CloudTrail"]
    assert not matches(pattern, {**SIGN_IN_WITHOUT_MFA, "detail-type": "AWS Console Signin via CloudTrail"})
    mfa_used = {**SIGN_IN_WITHOUT_MFA, "detail": {**SIGN_IN_WITHOUT_MFA["detail"], "additionalEventData": {"MFAUsed": "Yes"}}}
    assert not matches(pattern, mfa_used)
    root_without_mfa = {**SIGN_IN_WITHOUT_MFA, "detail": {**SIGN_IN_WITHOUT_MFA["detail"], "userIdentity": {"type": "Root"}}}
    assert matches(pattern, root_without_mfa)  # AWS logs the root user's successful sign-ins
    # The failure branch names IAM users only: AWS never logs a root user's failed sign-in.
    assert [alt["detail"]["userIdentity"]["type"] for alt in pattern["$or"]] == [["IAMUser"], ["IAMUser", "Root"]]


def test_custom_rule_lambda_has_reserved_concurrency_and_an_errors_alarm_to_the_alert_topic():
    result = example()
    function = only(result, "aws:lambda/function:Function", "iam-credentials-hygiene")
    assert function.inputs["reservedConcurrentExecutions"] == 1
    alarm = only(result, "aws:cloudwatch/metricAlarm:MetricAlarm", "iam-credentials-hygiene-errors")
    assert {k: alarm.inputs[k] for k in ("namespace", "metricName", "dimensions", "statistic", "threshold", "comparisonOperator", "region")} == {
        "namespace": "AWS/Lambda",
        "metricName": "Errors",
        "dimensions": {"FunctionName": function.inputs["name"]},
        "statistic": "Sum",
        "threshold": 1,
        "comparisonOperator": "GreaterThanOrEqualToThreshold",
        "region": "us-east-1",
    }
    assert alarm.inputs["alarmActions"] == [result.stack_outputs["alertTopicArn"]]
    assert alarm.inputs["treatMissingData"] == "notBreaching"  # no run, no error: a day without a run is not an error
