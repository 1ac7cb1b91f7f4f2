"""baseline:autoRespond (issue 12): off by default; when on, the baseline's trail stopped or re-selected, or a
recorder stopped in any covered region, reaches a restoring Lambda through one home rule (other regions through
the security-event forwarding), under a role allowed exactly what restoring needs."""

import json
import subprocess
import sys
from functools import lru_cache

import pytest

from aws_logging_baseline.access.evaluator import Policy, Principal, Request, evaluate
from aws_logging_baseline.components.auto_respond import api_selectors
from tests.engine_helpers import REPO, example, only, run_baseline
from tests.event_routes import matching_rules, targets_of
from tests.org.org_helpers import run_role

ACCOUNT = "111111111111"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/baseline-trail"
FUNCTION = "aws:lambda/function:Function"


@lru_cache(maxsize=1)
def responding():
    return run_baseline(autoRespond=True)


def api_call(source, name, parameters, region="us-east-1"):
    return {
        "source": "aws." + source.split(".")[0], "detail-type": "AWS API Call via CloudTrail", "account": ACCOUNT, "region": region,
        "detail": {"eventSource": source, "eventName": name, "requestParameters": parameters,
                   "userIdentity": {"type": "AssumedRole", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/mallory"}},
    }


def responder_rules(result, event, region):
    """Home rules that invoke the responder for `event` recorded in `region`: other regions forward it first (one
    forwarding rule), and a forwarded event keeps its original region."""
    if region != "us-east-1":
        forwarders = matching_rules(result, region, event)
        assert len(forwarders) == 1, (region, [r.inputs["name"] for r in forwarders])
    return [r for r in matching_rules(result, "us-east-1", event, recorded_in=region) if r.inputs["name"] == "baseline-auto-respond"]


def test_off_by_default():
    assert [f for f in example().of_type(FUNCTION) if "restore" in f.inputs["name"]] == []
    assert [r for r in example().of_type("aws:cloudwatch/eventRule:EventRule") if "auto-respond" in r.inputs["name"]] == []


@pytest.mark.parametrize("event, region", [
    (api_call("cloudtrail.amazonaws.com", "StopLogging", {"name": TRAIL_ARN}), "us-east-1"),
    (api_call("cloudtrail.amazonaws.com", "StopLogging", {"name": "baseline-trail"}), "us-east-1"),
    (api_call("cloudtrail.amazonaws.com", "PutEventSelectors", {"trailName": "baseline-trail", "advancedEventSelectors": []}), "us-east-1"),
    (api_call("config.amazonaws.com", "StopConfigurationRecorder", {"configurationRecorderName": "baseline-recorder"}), "us-east-1"),
    (api_call("config.amazonaws.com", "StopConfigurationRecorder", {"configurationRecorderName": "baseline-recorder"}, "eu-west-1"), "eu-west-1"),
    (api_call("config.amazonaws.com", "StopConfigurationRecorder", {"configurationRecorderName": "baseline-recorder"}, "sa-east-1"), "sa-east-1"),
])
def test_what_is_restored_reaches_the_responder_from_every_region(event, region):
    result = responding()
    [rule] = responder_rules(result, event, region)
    [target] = targets_of(result, rule)
    function = only(result, FUNCTION, "auto-respond")
    assert target.inputs["arn"] == function.outputs["arn"]
    permission = only(result, "aws:lambda/permission:Permission", "auto-respond")
    assert permission.inputs["principal"] == "events.amazonaws.com"
    assert permission.inputs["sourceArn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/baseline-auto-respond"


@pytest.mark.parametrize("event", [
    api_call("cloudtrail.amazonaws.com", "StopLogging", {"name": "team-trail"}),
    api_call("cloudtrail.amazonaws.com", "StartLogging", {"name": "baseline-trail"}),
    api_call("config.amazonaws.com", "StopConfigurationRecorder", {"configurationRecorderName": "team-recorder"}),
])
def test_other_resources_and_calls_are_left_alone(event):
    result = responding()
    assert [r for r in matching_rules(result, "us-east-1", event) if r.inputs["name"] == "baseline-auto-respond"] == []


def test_the_role_may_do_exactly_what_restoring_needs():
    result = responding()
    policy = json.loads(only(result, "aws:iam/rolePolicy:RolePolicy", "auto-respond").inputs["policy"])
    topic = result.stack_outputs["alertTopicArn"]
    key = only(result, "aws:kms/key:Key", "home-key").outputs["arn"]
    assert policy["Statement"] == [
        {"Sid": "RestoreTrail", "Effect": "Allow", "Action": ["cloudtrail:StartLogging", "cloudtrail:PutEventSelectors"], "Resource": TRAIL_ARN},
        {"Sid": "RestartRecorder", "Effect": "Allow", "Action": "config:StartConfigurationRecorder", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": list(result.stack_outputs["regions"])}}},
        {"Sid": "TellAlertTopic", "Effect": "Allow", "Action": "sns:Publish", "Resource": topic},
        {"Sid": "EncryptForAlertTopic", "Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key,
         "Condition": {"StringEquals": {"kms:ViaService": "sns.us-east-1.amazonaws.com"}}},
        {"Sid": "WriteOwnLogGroup", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/baseline-restore-logging:log-stream:*"},
    ]
    trust = json.loads(only(result, "aws:iam/role:Role", "auto-respond").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_the_function_restores_what_was_deployed():
    result = responding()
    function = only(result, FUNCTION, "auto-respond")
    env = function.inputs["environment"]["variables"]
    trail = only(result, "aws:cloudtrail/trail:Trail")
    recorders = {r.inputs["name"] for r in result.of_type("aws:cfg/recorder:Recorder")}
    assert env["TRAIL_ARN"] == TRAIL_ARN and recorders == {env["RECORDER_NAME"]}
    assert json.loads(env["TRAIL_SELECTORS"]) == api_selectors(trail.inputs["advancedEventSelectors"])
    assert env["TOPIC_ARN"] == result.stack_outputs["alertTopicArn"]
    assert function.inputs["reservedConcurrentExecutions"] == 1
    assert function.inputs["code"]  # packaged from components/lambdas/restore_logging


def test_the_function_may_publish_to_the_encrypted_alert_topic():
    """Proven with the offline evaluator: the topic policy plus the role's identity policy allow the Publish, the
    key policy plus the identity policy allow the data key SNS asks for on the function's behalf."""
    result = responding()
    role_name = only(result, "aws:iam/role:Role", "auto-respond").inputs["name"]
    session = Principal.aws(f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/baseline-restore-logging")
    identity = Policy("role", json.loads(only(result, "aws:iam/rolePolicy:RolePolicy", "auto-respond").inputs["policy"]))
    topic = result.stack_outputs["alertTopicArn"]
    topic_policy = Policy("topic", json.loads(only(result, "aws:sns/topicPolicy:TopicPolicy").inputs["policy"]))
    publish = Request(session, "sns:Publish", topic, {"aws:SecureTransport": True})
    assert evaluate(publish, resource_account=ACCOUNT, resource_policy=topic_policy, identity_policies=[identity]).allowed
    key = only(result, "aws:kms/key:Key", "home-key")
    key_policy = Policy("key", json.loads(key.inputs["policy"]))
    data_key = Request(session, "kms:GenerateDataKey", key.outputs["arn"], {"kms:ViaService": "sns.us-east-1.amazonaws.com"})
    assert evaluate(data_key, resource_account=ACCOUNT, resource_policy=key_policy, resource_kind="key", identity_policies=[identity]).allowed
    direct = Request(session, "kms:GenerateDataKey", key.outputs["arn"], {})
    assert not evaluate(direct, resource_account=ACCOUNT, resource_policy=key_policy, resource_kind="key", identity_policies=[identity]).allowed
    for action in ("sns:DeleteTopic", "cloudtrail:StopLogging", "config:StopConfigurationRecorder", "s3:DeleteObject"):
        request = Request(session, action, topic if action.startswith("sns") else "*", {"aws:SecureTransport": True})
        assert not evaluate(request, resource_account=ACCOUNT, identity_policies=[identity]).allowed, action


def test_management_restores_the_organization_trail_members_only_recorders():
    management = run_role("management", autoRespond=True)
    env = only(management, FUNCTION, "auto-respond").inputs["environment"]["variables"]
    assert env["TRAIL_ARN"] == "arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail"
    member = run_role("member", autoRespond=True)
    env = only(member, FUNCTION, "auto-respond").inputs["environment"]["variables"]
    assert env["TRAIL_ARN"] == "" and json.loads(env["TRAIL_SELECTORS"]) == []
    policy = json.loads(only(member, "aws:iam/rolePolicy:RolePolicy", "auto-respond").inputs["policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["RestartRecorder", "TellAlertTopic", "EncryptForAlertTopic", "WriteOwnLogGroup"]


def preview(*config):
    args = [sys.executable, "-m", "aws_logging_baseline", "preview", "--stack", "example", "--no-tree"]
    for item in config:
        args += ["-c", item]
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("config, message", [
    (["baseline:breakGlassPrincipalArn=arn:aws:iam::111111111111:group/admins"],
     "baseline:breakGlassPrincipalArn: must be an IAM role or user ARN of partition aws"),
    (["baseline:autoRespond=true", "baseline:alertEmails=[]"],
     "baseline:autoRespond: needs the alert topic to say what was restored: set baseline:alertEmails or baseline:alertHttpsEndpoints"),
])
def test_bad_tamper_settings_are_one_line_and_exit_2(config, message):
    done = preview(*config)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
