"""AlertTopic through the engine: CMK encryption, the key and topic policies, subscriptions, the output.

Facts: a topic encrypted with alias/aws/sns cannot receive from CloudWatch or EventBridge; the key policy must let
the publishers use the key; `aws:SourceAccount` / `aws:SourceArn` in a KMS key policy are NOT supported for
EventBridge-to-encrypted-topic delivery (Amazon SNS developer guide, sns-key-management.html; aws-controls-facts.md
4.11), so EventBridge's key grant is scoped with kms:ViaService instead.
"""

import pytest

from aws_logging_baseline.errors import UserError
from tests.engine_helpers import example, only, policy_of, run_baseline, statement

ACCOUNT = "111111111111"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:baseline-security-alerts"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def home_key(result):
    return only(result, "aws:kms/key:Key", "home-key")


def test_topic_is_in_the_home_region_and_encrypted_with_the_home_cmk():
    result = example()
    topic = only(result, TOPIC)
    assert topic.inputs["name"] == "baseline-security-alerts" and topic.inputs["region"] == "us-east-1"
    assert topic.inputs["kmsMasterKeyId"] == home_key(result).outputs["arn"]
    assert ":key/" in topic.inputs["kmsMasterKeyId"] and "alias/aws/sns" not in topic.inputs["kmsMasterKeyId"]
    assert result.stack_outputs["alertTopicArn"] == TOPIC_ARN


def test_key_policy_lets_the_publishers_use_the_key():
    policy = policy_of(home_key(example()))
    assert statement(policy, "AllowCloudWatchAlarmsToUseKey") == {
        "Sid": "AllowCloudWatchAlarmsToUseKey",
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
    }
    events = statement(policy, "AllowEventBridgeToUseKeyViaSns")
    assert events == {
        "Sid": "AllowEventBridgeToUseKeyViaSns",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": "sns.us-east-1.amazonaws.com"}},
    }
    # No statement may condition EventBridge's key use on aws:Source* (SNS would fail to deliver).
    for s in policy["Statement"]:
        if "events.amazonaws.com" in str(s.get("Principal")):
            assert not any(k.startswith("aws:Source") for c in s.get("Condition", {}).values() for k in c)


def test_topic_policy_admits_only_this_accounts_alarms_and_rules_and_requires_tls():
    policy = policy_of(only(example(), "aws:sns/topicPolicy:TopicPolicy"))
    assert only(example(), "aws:sns/topicPolicy:TopicPolicy").inputs["arn"] == TOPIC_ARN
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sns:*",
                "Resource": TOPIC_ARN,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "AllowCloudWatchAlarmsToPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": TOPIC_ARN,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:*"},
                },
            },
            {
                "Sid": "AllowEventBridgeRulesToPublish",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": TOPIC_ARN,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:events:us-east-1:{ACCOUNT}:rule/baseline-*"},
                },
            },
        ],
    }


def test_every_topic_rule_is_covered_by_the_topic_policy_source_arn():
    """The rules that target the topic are named so that the topic policy's aws:SourceArn admits them."""
    result = example()
    topic_rules = {t.inputs["rule"] for t in result.of_type("aws:cloudwatch/eventTarget:EventTarget") if t.inputs["arn"] == TOPIC_ARN}
    rules = [r for r in result.of_type("aws:cloudwatch/eventRule:EventRule") if r.inputs["name"] in topic_rules]
    assert rules and all(r.inputs["region"] == "us-east-1" and r.inputs["name"].startswith("baseline-") for r in rules)
    alarms = result.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert all(a.inputs["region"] == "us-east-1" for a in alarms if TOPIC_ARN in a.inputs.get("alarmActions", []))


def test_example_has_one_email_subscription():
    [sub] = example().of_type(SUBSCRIPTION)
    assert (sub.inputs["protocol"], sub.inputs["endpoint"], sub.inputs["topic"], sub.inputs["region"]) == (
        "email", "security-alerts@example.com", TOPIC_ARN, "us-east-1"
    )


def test_emails_and_https_endpoints_each_get_a_subscription_named_by_endpoint():
    result = run_baseline(
        alertEmails=["soc@example.com", "security-alerts@example.com"], alertHttpsEndpoints=["https://hooks.example.com/alerts"]
    )
    subs = {(s.inputs["protocol"], s.inputs["endpoint"]): s.name for s in result.of_type(SUBSCRIPTION)}
    assert set(subs) == {
        ("email", "soc@example.com"), ("email", "security-alerts@example.com"), ("https", "https://hooks.example.com/alerts")
    }
    # Removing an address must not rename (replace) the others.
    [name] = [s.name for s in example().of_type(SUBSCRIPTION)]
    assert subs[("email", "security-alerts@example.com")] == name


def test_a_deployment_without_any_subscriber_is_refused_naming_the_key():
    with pytest.raises(UserError, match="baseline:alertEmails: at least one address is required"):
        run_baseline(alertEmails=[])
    only(run_baseline(alertEmails=[], alertHttpsEndpoints=["https://hooks.example.com/x"]), SUBSCRIPTION)


def test_alias_aws_sns_is_rejected():
    from aws_logging_baseline.components.alert_topic import require_customer_managed_key

    for managed in ("alias/aws/sns", "arn:aws:kms:us-east-1:111111111111:alias/aws/sns"):
        with pytest.raises(ValueError, match="alias/aws/sns"):
            require_customer_managed_key(managed)
    require_customer_managed_key("arn:aws:kms:us-east-1:111111111111:key/abcd")


def test_alert_topic_on_its_own_args_admits_only_the_named_rules_under_the_given_key(tmp_path):
    """AlertTopic built from AlertTopicArgs alone (no Settings): encrypted with the given key, publishable by this
    account's rules named with the given prefix in its region only, one subscription per given address."""
    from aws_logging_baseline.access.evaluator import Policy, Principal, Request, evaluate
    from tests.components.direct_args import run_direct

    account, key = ACCOUNT, f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/team"
    result = run_direct(tmp_path, f"""
        from aws_logging_baseline.components.alert_topic import AlertTopic
        AlertTopic("team", {{"topic_name": "team-alerts", "region": "eu-west-1", "account_id": "{account}",
                             "kms_key_arn": "{key}", "rule_name_prefix": "team-", "emails": ["soc@example.com"]}})
    """)
    topic = only(result, TOPIC, "team")
    assert (topic.inputs["name"], topic.inputs["region"], topic.inputs["kmsMasterKeyId"]) == ("team-alerts", "eu-west-1", key)
    topic_arn = topic.outputs["arn"]
    assert topic_arn == f"arn:aws:sns:eu-west-1:{account}:team-alerts"
    policy = Policy("team topic", policy_of(only(result, "aws:sns/topicPolicy:TopicPolicy")))

    def publish_allowed(rule_arn: str) -> bool:
        request = Request(Principal.service("events.amazonaws.com"), "sns:Publish", topic_arn,
                          {"aws:SourceAccount": account, "aws:SourceArn": rule_arn, "aws:SecureTransport": "true"})
        return evaluate(request, resource_account=account, resource_policy=policy).allowed

    assert publish_allowed(f"arn:aws:events:eu-west-1:{account}:rule/team-root-login")
    assert not publish_allowed(f"arn:aws:events:eu-west-1:{account}:rule/other-root-login")
    assert not publish_allowed(f"arn:aws:events:us-east-1:{account}:rule/team-root-login")
    [sub] = result.of_type(SUBSCRIPTION)
    assert (sub.inputs["protocol"], sub.inputs["endpoint"], sub.inputs["region"]) == ("email", "soc@example.com", "eu-west-1")
