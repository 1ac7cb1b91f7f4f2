"""SecurityEvents through the engine: exact event patterns (parsed), readable messages, and the cross-region path.

Event shapes: EventBridge user guide and CloudTrail integration ("AWS API Call via CloudTrail", "AWS Console Sign In
via CloudTrail", source aws.<service>), "EC2 Instance State-change
Notification", "Config Rules Compliance Change", "Inspector2 Finding", "CloudWatch Alarm State Change"
(aws-controls-facts.md 4.12). Global services (IAM, console sign-in) deliver their events in us-east-1 only.
"""

import json

import pytest

from aws_logging_baseline.errors import UserError
from aws_logging_baseline.components.security_events import MAX_PATTERN_LENGTH, alternatives, combine
from tests.engine_helpers import example, only, policy_of, run_baseline

ACCOUNT = "111111111111"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:baseline-security-alerts"
API_CALL = ["AWS API Call via CloudTrail"]
SIGN_IN = ["AWS Console Sign In via CloudTrail"]  # the only sign-in detail-type AWS emits (Appendix D)

EXPECTED = {
    "root-activity": {
        "detail-type": API_CALL + SIGN_IN,
        "detail": {"userIdentity": {"type": ["Root"], "invokedBy": [{"exists": False}]}},
    },
    "console-signin-alerts": {
        "source": ["aws.signin"],
        "detail-type": SIGN_IN,
        "$or": [
            {"detail": {"userIdentity": {"type": ["IAMUser"]}, "responseElements": {"ConsoleLogin": ["Failure"]}}},
            {
                "detail": {
                    "userIdentity": {"type": ["IAMUser", "Root"]},
                    "additionalEventData": {"MFAUsed": ["No"]},
                    "responseElements": {"ConsoleLogin": ["Success"]},
                }
            },
        ],
    },
    "iam-policy-changes": {
        "source": ["aws.iam"],
        "detail-type": API_CALL,
        "detail": {
            "eventSource": ["iam.amazonaws.com"],
            "eventName": [
                "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
                "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion",
                "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy",
            ],
        },
    },
    "logging-tampering": {
        "source": ["aws.cloudtrail", "aws.config", "aws.ec2"],
        "detail-type": API_CALL,
        "$or": [
            {"detail": {"eventSource": ["cloudtrail.amazonaws.com"],
                        "eventName": ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors"]}},
            {"detail": {"eventSource": ["config.amazonaws.com"],
                        "eventName": ["StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel"]}},
            {"detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": ["DeleteFlowLogs"]}},
        ],
    },
    "kms-key-disable-or-deletion": {
        "source": ["aws.kms"],
        "detail-type": API_CALL,
        "detail": {"eventSource": ["kms.amazonaws.com"], "eventName": ["DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy"]},
    },
    "network-changes": {
        "source": ["aws.ec2"],
        "detail-type": API_CALL,
        "detail": {
            "eventSource": ["ec2.amazonaws.com"],
            "eventName": [
                "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup", "ModifySecurityGroupRules",
                "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
                "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation",
                "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable",
                "DeleteRoute", "DisassociateRouteTable",
                "CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
                "DeleteInternetGateway", "DetachInternetGateway",
            ],
        },
    },
    "instance-state-changes": {
        "source": ["aws.ec2"],
        "detail-type": ["EC2 Instance State-change Notification"],
        "detail": {"state": ["stopped", "terminated"]},
    },
    "config-noncompliant": {
        "source": ["aws.config"],
        "detail-type": ["Config Rules Compliance Change"],
        "detail": {"messageType": ["ComplianceChangeNotification"], "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]}},
    },
    "inspector-findings": {
        "source": ["aws.inspector2"],
        "detail-type": ["Inspector2 Finding"],
        "detail": {"severity": ["HIGH", "CRITICAL"]},
    },
    # Issue 18: GuardDuty severity is numeric (HIGH 7.0-8.9, CRITICAL 9.0-10.0).
    "guardduty-findings": {
        "source": ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        "detail": {"severity": [{"numeric": [">=", 7]}]},
    },
    "security-hub-findings": {
        "source": ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        "detail": {
            "findings": {"Severity": {"Label": ["HIGH", "CRITICAL"]}, "Workflow": {"Status": ["NEW"]}, "RecordState": ["ACTIVE"]}
        },
    },
    "access-analyzer-findings": {
        "source": ["aws.access-analyzer"],
        "detail-type": ["Access Analyzer Finding", "Unused Access Finding for IAM entities"],
        "detail": {"status": ["ACTIVE"]},
    },
    "alarm-tampering": {
        "detail-type": API_CALL,
        "detail": {"eventSource": ["monitoring.amazonaws.com"], "eventName": ["DeleteAlarms", "DisableAlarmActions"],
                   "requestParameters": {"alarmNames": [{"prefix": "baseline-"}]}},
    },
    "log-group-tampering": {
        "detail-type": API_CALL,
        "detail": {"eventSource": ["logs.amazonaws.com"],
                   "eventName": ["DeleteMetricFilter", "DeleteLogGroup", "PutRetentionPolicy", "DeleteRetentionPolicy", "DeleteSubscriptionFilter"],
                   "requestParameters": {"logGroupName": [{"prefix": "/baseline/"}, {"prefix": "/aws/lambda/baseline-"}]}},
    },
    "event-rule-tampering": {
        "detail-type": API_CALL,
        "detail": {"eventSource": ["events.amazonaws.com"], "eventName": ["DeleteRule", "DisableRule"],
                   "requestParameters": {"name": [{"prefix": "baseline-"}]}},
    },
    "event-target-removal": {
        "detail-type": API_CALL,
        "detail": {"eventSource": ["events.amazonaws.com"], "eventName": ["RemoveTargets"],
                   "requestParameters": {"rule": [{"prefix": "baseline-"}]}},
    },
    "alert-topic-tampering": {
        "detail-type": API_CALL,
        "detail": {"eventSource": ["sns.amazonaws.com"], "eventName": ["DeleteTopic", "SetTopicAttributes"],
                   "requestParameters": {"topicArn": [{"prefix": f"arn:aws:sns:us-east-1:{ACCOUNT}:baseline-"}]}},
    },
    "alert-subscription-removal": {
        "detail-type": API_CALL,
        "detail": {"eventSource": ["sns.amazonaws.com"], "eventName": ["Unsubscribe"],
                   "requestParameters": {"subscriptionArn": [{"prefix": f"arn:aws:sns:us-east-1:{ACCOUNT}:baseline-"}]}},
    },
    "log-store-tampering": {
        "detail-type": API_CALL,
        "detail": {"eventSource": ["s3.amazonaws.com"],
                   "eventName": ["PutBucketPolicy", "DeleteBucketPolicy", "PutBucketLifecycle", "DeleteBucketLifecycle",
                                 "PutObjectLockConfiguration", "PutBucketReplication", "DeleteBucketReplication",
                                 "PutBucketVersioning", "PutBucketLogging", "DeleteBucket"],
                   "requestParameters": {"bucketName": [{"prefix": "baseline-"}]}},
    },
}
GLOBAL = {"iam-policy-changes"}  # us-east-1 only
EVERYWHERE = {"console-signin-alerts"}  # every covered region and us-east-1
HOME = {"security-hub-findings"}  # aggregated into the home region by Security Hub itself: never forwarded
REGIONAL = [k for k in EXPECTED if k not in GLOBAL | HOME]  # what a covered region other than us-east-1 forwards


def alarm_state(exclude_home: str | None = None) -> dict:
    pattern = {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "detail": {"alarmName": [{"prefix": "baseline-"}], "state": {"value": ["ALARM"]}},
    }
    if exclude_home:
        pattern["region"] = [{"anything-but": exclude_home}]
    return pattern


def flattened(ids, home: str = "us-east-1") -> list[dict]:
    """What a forwarding rule's $or holds: each pattern, a top-level $or distributed into its alternatives."""
    out = []
    for i in ids:
        p = json.loads(json.dumps(EXPECTED[i]).replace("arn:aws:sns:us-east-1:", f"arn:aws:sns:{home}:"))
        if "$or" in p:
            base = {k: v for k, v in p.items() if k != "$or"}
            for option in p["$or"]:
                merged = json.loads(json.dumps(base))
                for k, v in option.items():
                    merged[k] = {**merged.get(k, {}), **v} if isinstance(v, dict) else v
                out.append(merged)
        else:
            out.append(p)
    return out


def rules_by_region(result):
    found: dict[str, dict[str, object]] = {}
    for rule in result.of_type(RULE):
        found.setdefault(rule.inputs["region"], {})[rule.inputs["name"]] = rule
    return found


def pattern(rule) -> dict:
    return json.loads(rule.inputs["eventPattern"])


def forwarded(rules) -> list[dict]:
    """Every alternative the forwarding rules of one region carry, in rule order."""
    out = []
    for rule in sorted(rules, key=lambda r: r.inputs["name"]):
        p = pattern(rule)
        out.extend(p["$or"] if "$or" in p else [p])
    return out


def forward_rules(by_region, region, home):
    return [r for name, r in by_region[region].items() if name.startswith(f"baseline-forward-to-{home}")]


def target_of(result, rule):
    [target] = [t for t in result.of_type(TARGET) if t.inputs["rule"] == rule.inputs["name"] and t.inputs["region"] == rule.inputs["region"]]
    return target


@pytest.mark.parametrize("event_id", list(EXPECTED))
def test_home_rule_pattern_is_exact(event_id):
    rule = rules_by_region(example())["us-east-1"][f"baseline-{event_id}"]
    assert pattern(rule) == EXPECTED[event_id]
    assert rule.inputs["state"] == "ENABLED"
    assert len(rule.inputs["eventPattern"]) <= MAX_PATTERN_LENGTH


@pytest.mark.parametrize("event_id", list(EXPECTED))
def test_home_rule_sends_a_sentence_to_the_topic(event_id):
    result = example()
    rule = rules_by_region(result)["us-east-1"][f"baseline-{event_id}"]
    target = target_of(result, rule)
    assert target.inputs["arn"] == TOPIC_ARN and "roleArn" not in target.inputs
    transformer = target.inputs["inputTransformer"]
    message = json.loads(transformer["inputTemplate"])  # a JSON string: SNS delivers plain text
    assert isinstance(message, str) and not message.lstrip().startswith("{")
    placeholders = {part.split(">")[0] for part in message.split("<")[1:]}
    assert placeholders == set(transformer["inputPaths"])  # every placeholder filled, no unused path
    assert {"region", "time", "account"} <= placeholders  # where and when, always
    assert all(path.startswith("$.") for path in transformer["inputPaths"].values())


def test_cloudtrail_messages_say_who_did_what_where_and_when():
    result = example()
    target = target_of(result, rules_by_region(result)["us-east-1"]["baseline-root-activity"])
    assert target.inputs["inputTransformer"]["inputPaths"] == {
        "who": "$.detail.userIdentity.arn",
        "action": "$.detail.eventName",
        "service": "$.detail.eventSource",
        "ip": "$.detail.sourceIPAddress",
        "account": "$.account",
        "region": "$.region",
        "time": "$.time",
    }
    assert json.loads(target.inputs["inputTransformer"]["inputTemplate"]).startswith(
        "Root user activity: <who> performed <service> <action> in account <account>, region <region>, at <time>"
    )


def test_every_other_region_forwards_its_regional_events_to_the_home_bus():
    result = example()
    by_region = rules_by_region(result)
    role = only(result, "aws:iam/role:Role", "forwarding")
    assert len(by_region) == 17
    for region, rules in by_region.items():
        if region == "us-east-1":
            assert set(rules) == {f"baseline-{i}" for i in EXPECTED}
            continue
        assert sorted(rules) == ["baseline-forward-to-us-east-1-1", "baseline-forward-to-us-east-1-2"], region
        assert forwarded(rules.values()) == flattened(REGIONAL)  # no global events outside us-east-1
        for rule in rules.values():
            assert len(rule.inputs["eventPattern"]) <= MAX_PATTERN_LENGTH
            target = target_of(result, rule)
            assert target.inputs["arn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"
            assert target.inputs["roleArn"] == role.outputs["arn"]
            assert "inputTransformer" not in target.inputs  # forwarded unchanged: the home rules format them


def test_forwarding_role_is_least_privilege():
    result = example()
    role = only(result, "aws:iam/role:Role", "forwarding")
    assert policy_of(role, "assumeRolePolicy") == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:events:*:{ACCOUNT}:rule/baseline-forward-*"},
                },
            }
        ],
    }
    role_policy = only(result, "aws:iam/rolePolicy:RolePolicy", "forwarding")
    assert role_policy.inputs["role"] == role.inputs["name"]
    assert policy_of(role_policy) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PutEventsOnHomeBus",
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Resource": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default",
            }
        ],
    }


def test_global_events_come_from_us_east_1_when_home_is_elsewhere():
    result = run_baseline(homeRegion="eu-west-1")
    by_region = rules_by_region(result)
    topic = f"arn:aws:sns:eu-west-1:{ACCOUNT}:baseline-security-alerts"
    assert set(by_region["eu-west-1"]) == {f"baseline-{i}" for i in EXPECTED}
    for rule in by_region["eu-west-1"].values():
        assert target_of(result, rule).inputs["arn"] == topic
    us_east_1 = forward_rules(by_region, "us-east-1", "eu-west-1")
    assert forwarded(us_east_1) == flattened([i for i in EXPECTED if i not in HOME], "eu-west-1")  # regional and global events
    assert forwarded(forward_rules(by_region, "eu-west-2", "eu-west-1")) == flattened(REGIONAL, "eu-west-1")
    for rule in us_east_1:
        assert target_of(result, rule).inputs["arn"] == f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default"


def test_us_east_1_forwards_global_events_even_when_not_a_configured_region():
    result = run_baseline(homeRegion="eu-west-1", regions=["eu-west-1", "eu-central-1"])
    by_region = rules_by_region(result)
    assert set(by_region) == {"eu-west-1", "eu-central-1", "us-east-1"}
    # not covered: only what arises there whatever the coverage (IAM, console sign-in)
    assert forwarded(forward_rules(by_region, "us-east-1", "eu-west-1")) == flattened(sorted(GLOBAL | EVERYWHERE, key=list(EXPECTED).index))
    assert forwarded(forward_rules(by_region, "eu-central-1", "eu-west-1")) == flattened(REGIONAL, "eu-west-1")


def test_events_are_switched_off_by_id_everywhere():
    result = run_baseline(disabledSecurityEvents=["network-changes", "iam-policy-changes"], instanceStateAlertStates=[])
    by_region = rules_by_region(result)
    kept = [i for i in EXPECTED if i not in ("network-changes", "iam-policy-changes", "instance-state-changes")]
    assert set(by_region["us-east-1"]) == {f"baseline-{i}" for i in kept}
    assert forwarded(forward_rules(by_region, "eu-west-1", "us-east-1")) == flattened([i for i in REGIONAL if i in kept])


def test_instance_states_are_configurable():
    result = run_baseline(instanceStateAlertStates=["running", "stopping"])
    rule = rules_by_region(result)["us-east-1"]["baseline-instance-state-changes"]
    assert pattern(rule)["detail"] == {"state": ["running", "stopping"]}


def test_optional_heartbeat_schedule():
    assert "baseline-heartbeat" not in rules_by_region(example())["us-east-1"]
    result = run_baseline(securityEventsSchedule="rate(1 day)")
    rule = rules_by_region(result)["us-east-1"]["baseline-heartbeat"]
    assert rule.inputs["scheduleExpression"] == "rate(1 day)" and "eventPattern" not in rule.inputs
    target = target_of(result, rule)
    assert target.inputs["arn"] == TOPIC_ARN
    assert target.inputs["inputTransformer"]["inputPaths"] == {"account": "$.account", "region": "$.region", "time": "$.time"}


def test_remote_alarm_state_changes_reach_the_topic_through_the_home_region():
    result = run_baseline(flowLogDestination="cloud-watch-logs")
    by_region = rules_by_region(result)
    home_rule = by_region["us-east-1"]["baseline-alarm-state"]
    # Home alarms notify the topic directly; only other regions' alarms come through EventBridge (no duplicates).
    assert pattern(home_rule) == alarm_state(exclude_home="us-east-1")
    assert target_of(result, home_rule).inputs["arn"] == TOPIC_ARN
    assert forwarded(forward_rules(by_region, "ap-south-1", "us-east-1")) == flattened(REGIONAL) + [alarm_state()]


def test_combine_splits_at_the_limit_and_keeps_every_alternative():
    patterns = [EXPECTED[i] for i in EXPECTED]
    limit = 1000
    combined = combine(patterns, limit=limit)
    assert len(combined) > 1 and all(len(json.dumps(p, separators=(",", ":"))) <= limit for p in combined)
    regained = [alt for p in combined for alt in (p["$or"] if "$or" in p else [p])]
    assert regained == [alt for p in patterns for alt in alternatives(p)]


def test_bad_schedule_and_unknown_ids_are_config_errors():
    with pytest.raises(UserError, match=r"baseline:securityEventsSchedule: expected rate\(N minutes\|hours\|days\) or cron"):
        run_baseline(securityEventsSchedule="every 5 minutes")
    with pytest.raises(UserError, match="baseline:disabledSecurityEvents: unknown id"):
        run_baseline(disabledSecurityEvents=["guardduty"])
