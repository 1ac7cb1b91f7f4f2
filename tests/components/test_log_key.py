"""LogKey through the engine: rotation, deletion window, alias, and each key-policy statement with its conditions."""

import json

import pytest

from aws_logging_baseline.access.evaluator import Policy, Principal, Request, evaluate
from tests.engine_helpers import example, only, policy_of, run_baseline, statement

ACCOUNT = "111111111111"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/baseline-trail"


def home_key():
    return only(example(), "aws:kms/key:Key", "home-key")


@pytest.mark.parametrize(("name", "region", "alias_name"), [
    ("home-key", "us-east-1", "alias/baseline/logs"),
    ("replica-key", "us-west-2", "alias/baseline/log-replica"),
])
def test_key_settings_and_alias(name, region, alias_name):
    key = only(example(), "aws:kms/key:Key", name)
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    assert key.inputs["region"] == region
    alias = only(example(), "aws:kms/alias:Alias", name)
    assert alias.inputs["name"] == alias_name
    assert alias.inputs["region"] == region
    assert alias.inputs["targetKeyId"] == key.outputs["keyId"]
    assert key.protect is True and key.retain_on_delete is True


def test_only_the_account_root_gets_kms_star():
    for key in example().of_type("aws:kms/key:Key"):
        for s in policy_of(key)["Statement"]:
            actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            if "kms:*" in actions:
                assert s["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, s


def test_root_administration():
    s = statement(policy_of(home_key()), "EnableAccountRootAdministration")
    assert s == {
        "Sid": "EnableAccountRootAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def test_cloudtrail_encrypt_is_bound_to_this_trail():
    s = statement(policy_of(home_key()), "AllowCloudTrailToEncryptLogs")
    assert s["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert s["Action"] == "kms:GenerateDataKey*"
    assert s["Condition"] == {
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"},
        "StringEquals": {"aws:SourceArn": TRAIL_ARN},
    }
    describe = statement(policy_of(home_key()), "AllowCloudTrailToDescribeKey")
    assert describe["Action"] == "kms:DescribeKey"
    assert describe["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}


def test_cloudwatch_logs_is_regional_and_bound_to_log_groups_of_this_account():
    s = statement(policy_of(home_key()), "AllowCloudWatchLogsToUseKey")
    assert s["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert s["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:*"}}


def test_config_delivery_and_sns_publishers_are_bound_to_this_account():
    policy = policy_of(home_key())
    config = statement(policy, "AllowConfigToEncryptDeliveries")
    assert config["Principal"] == {"Service": "config.amazonaws.com"}
    assert config["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    delivery = statement(policy, "AllowLogDeliveryToEncryptFlowLogs")
    assert delivery["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert delivery["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:logs:*:{ACCOUNT}:*"},
    }
    alarms = statement(policy, "AllowCloudWatchAlarmsToUseKey")
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert alarms["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    # SNS guide: aws:SourceAccount / aws:SourceArn in a key policy break EventBridge delivery to an encrypted
    # topic, so EventBridge's grant is limited to use through SNS in this region instead.
    events = statement(policy, "AllowEventBridgeToUseKeyViaSns")
    assert events["Principal"] == {"Service": "events.amazonaws.com"}
    assert events["Condition"] == {"StringEquals": {"kms:ViaService": "sns.us-east-1.amazonaws.com"}}


def test_decrypting_logs_needs_an_iam_grant_not_just_membership_of_the_account():
    """Issue 11: the key used to let every principal of the account decrypt (Principal "*" + kms:CallerAccount).
    Now a principal with no IAM grant is denied, one whose IAM policy grants kms:Decrypt is allowed (the root
    statement delegates to IAM: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)."""
    key = home_key()
    policy = Policy("home key policy", policy_of(key))
    reader = Principal.aws(f"arn:aws:iam::{ACCOUNT}:role/log-analyst")
    request = Request(reader, "kms:Decrypt", key.outputs["arn"], {"kms:ViaService": "s3.us-east-1.amazonaws.com"})
    assert not evaluate(request, resource_account=ACCOUNT, resource_policy=policy, resource_kind="key").allowed
    grant = Policy("analyst", {"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key.outputs["arn"]}]})
    decision = evaluate(request, resource_account=ACCOUNT, resource_policy=policy, resource_kind="key", identity_policies=[grant])
    assert decision.allowed and "EnableAccountRootAdministration" in decision.reason


def test_named_log_readers_decrypt_through_s3_only():
    reader = f"arn:aws:iam::{ACCOUNT}:role/log-analyst"
    result = run_baseline(logReaderPrincipals=json.dumps([reader]))
    for name, region in (("home-key", "us-east-1"), ("replica-key", "us-west-2")):
        key = only(result, "aws:kms/key:Key", name)
        s = statement(policy_of(key), "AllowNamedLogReadersToDecrypt")
        assert s["Principal"] == {"AWS": [reader]} and s["Action"] == ["kms:Decrypt", "kms:DescribeKey"]
        policy = Policy(name, policy_of(key))
        via_s3 = Request(Principal.aws(reader), "kms:Decrypt", key.outputs["arn"], {"kms:ViaService": f"s3.{region}.amazonaws.com"})
        direct = Request(Principal.aws(reader), "kms:Decrypt", key.outputs["arn"])
        assert evaluate(via_s3, resource_account=ACCOUNT, resource_policy=policy, resource_kind="key").allowed
        assert not evaluate(direct, resource_account=ACCOUNT, resource_policy=policy, resource_kind="key").allowed


def test_every_service_statement_has_a_source_condition():
    for key in example().of_type("aws:kms/key:Key"):
        for s in policy_of(key)["Statement"]:
            if "Service" in s.get("Principal", {}):
                conditions = {k for block in s["Condition"].values() for k in block}
                if s["Principal"]["Service"] == "events.amazonaws.com":  # aws:Source* unsupported there (SNS guide)
                    assert conditions == {"kms:ViaService"}, s
                    continue
                assert conditions & {"aws:SourceArn", "aws:SourceAccount", "kms:EncryptionContext:aws:logs:arn"}, s


def replica_key(result=None):
    return only(result or example(), "aws:kms/key:Key", "replica-key")


def test_replica_key_lives_in_the_replica_region_with_no_service_statements():
    key = only(example(), "aws:kms/key:Key", "replica-key")
    assert key.inputs["region"] == "us-west-2"
    sids = [s["Sid"] for s in policy_of(key)["Statement"]]
    assert sids == ["EnableAccountRootAdministration"]


def test_unprotected_when_protection_is_switched_off():
    result = run_baseline(protectResources=False)
    keys = result.of_type("aws:kms/key:Key")
    assert sorted(k.name for k in keys) == ["baseline-home-key-key", "baseline-replica-key-key"]
    for key in keys:
        assert key.protect is False and key.retain_on_delete is False, key.name
    replica = replica_key(result)
    assert replica.protect is False and replica.retain_on_delete is False
    assert replica.inputs["enableKeyRotation"] is True and replica.inputs["deletionWindowInDays"] == 30


def test_log_key_on_its_own_args_binds_the_given_trail_and_is_protected_by_default(tmp_path):
    """LogKey built from LogKeyArgs alone (no Settings): the partition follows the region, only the named trail
    may encrypt with it, and protect/retainOnDelete are on without being asked for."""
    from tests.components.direct_args import run_direct

    trail = "arn:aws-us-gov:cloudtrail:us-gov-west-1:222222222222:trail/team-trail"
    result = run_direct(tmp_path, f"""
        from aws_logging_baseline.components.log_key import LogKey
        LogKey("team", {{"region": "us-gov-west-1", "account_id": "222222222222", "services": ["cloudtrail"],
                         "alias": "team/logs", "trail_arn": "{trail}"}})
    """)
    key = only(result, "aws:kms/key:Key", "team")
    assert key.protect is True and key.retain_on_delete is True
    assert key.inputs["region"] == "us-gov-west-1"
    policy = policy_of(key)
    assert statement(policy, "EnableAccountRootAdministration")["Principal"] == {"AWS": "arn:aws-us-gov:iam::222222222222:root"}
    assert statement(policy, "AllowCloudTrailToEncryptLogs")["Condition"]["StringEquals"] == {"aws:SourceArn": trail}
    other_trail = trail.replace("team-trail", "other-trail")
    for source, allowed in ((trail, True), (other_trail, False)):
        request = Request(Principal.service("cloudtrail.amazonaws.com"), "kms:GenerateDataKey", key.outputs["arn"],
                          {"aws:SourceArn": source, "kms:EncryptionContext:aws:cloudtrail:arn": source})
        assert evaluate(request, resource_account="222222222222", resource_policy=Policy("team", policy), resource_kind="key").allowed is allowed
    assert only(result, "aws:kms/alias:Alias", "team").inputs["name"] == "alias/team/logs"
