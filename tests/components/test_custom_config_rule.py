"""CustomConfigRule through the engine: the IAM credential-report Lambda rule, its role, logs and permission."""

import json
from pathlib import Path

import pytest

from aws_logging_baseline.components.lambdas.iam_credentials_rule import handler as rule_handler
from aws_logging_baseline.components.regional_settings import rule_by_name
from aws_logging_baseline.errors import UserError
from tests.components.component_program import run_component_program
from tests.engine_helpers import REPO, example, only, policy_of, run_baseline

ACCOUNT = "111111111111"
FUNCTION = "baseline-iam-credentials-hygiene"
HANDLER_DIR = REPO / "aws_logging_baseline" / "components" / "lambdas" / "iam_credentials_rule"


def custom_rules(result):
    return [r for r in result.of_type("aws:cfg/rule:Rule") if r.inputs["source"]["owner"] == "CUSTOM_LAMBDA"]


def test_function_packaged_from_its_folder_on_python_3_12():
    function = only(example(), "aws:lambda/function:Function")
    inputs = function.inputs
    assert (inputs["name"], inputs["runtime"], inputs["handler"], inputs["region"]) == (FUNCTION, "python3.12", "handler.handler", "us-east-1")
    assets = inputs["code"]["assets"]
    assert set(assets) == {"handler.py"}  # sources only: no README, tests or caches
    assert Path(assets["handler.py"]["path"]) == HANDLER_DIR / "handler.py"
    assert inputs["timeout"] == 120
    assert inputs["loggingConfig"] == {"logFormat": "Text", "logGroup": f"/aws/lambda/{FUNCTION}"}


def test_log_group_encrypted_kept_and_created_before_the_function():
    result = example()
    group = only(result, "aws:cloudwatch/logGroup:LogGroup", "iam-credentials-hygiene")
    assert group.inputs["name"] == f"/aws/lambda/{FUNCTION}"
    assert group.inputs["kmsKeyId"] == only(result, "aws:kms/key:Key", "home-key").outputs["arn"]
    assert group.inputs["retentionInDays"] == 365 and group.protect
    assert group.urn in only(result, "aws:lambda/function:Function").dependencies


def test_role_is_least_privilege_for_the_handler():
    result = example()
    role = only(result, "aws:iam/role:Role", "iam-credentials-hygiene")
    assert only(result, "aws:lambda/function:Function").inputs["role"] == role.outputs["arn"]
    assert policy_of(role, "assumeRolePolicy")["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    ]
    statements = policy_of(only(result, "aws:iam/rolePolicy:RolePolicy", "iam-credentials-hygiene"))["Statement"]
    assert statements == [
        {
            "Sid": "ReadCredentialReportAndReportEvaluations",
            "Effect": "Allow",
            "Action": ["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListUsers", "config:PutEvaluations"],
            "Resource": "*",
        },
        {
            "Sid": "WriteOwnLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/{FUNCTION}:log-stream:*",
        },
    ]


def test_config_may_invoke_it_from_this_account_only():
    permission = only(example(), "aws:lambda/permission:Permission")
    assert permission.inputs == {
        "statementId": "AllowConfigInvoke",
        "region": "us-east-1",
        "action": "lambda:InvokeFunction",
        "function": FUNCTION,
        "principal": "config.amazonaws.com",
        "sourceAccount": ACCOUNT,
    }


def test_periodic_rule_in_the_home_region_after_permission_and_recorder():
    result = example()
    [rule] = custom_rules(result)
    function = only(result, "aws:lambda/function:Function")
    home_recorder = next(r for r in result.of_type("aws:cfg/recorder:Recorder") if r.inputs["region"] == "us-east-1")
    assert rule.inputs["region"] == "us-east-1" and rule.inputs["name"] == FUNCTION
    assert rule.inputs["source"] == {
        "owner": "CUSTOM_LAMBDA",
        "sourceIdentifier": function.outputs["arn"],
        "sourceDetails": [{"messageType": "ScheduledNotification", "maximumExecutionFrequency": "TwentyFour_Hours"}],
    }
    assert json.loads(rule.inputs["inputParameters"]) == {"maxAccessKeyAgeDays": "90", "maxCredentialUnusedDays": "45"}
    assert only(result, "aws:lambda/permission:Permission").urn in rule.dependencies
    assert home_recorder.urn in rule.dependencies


def test_catalog_parameters_are_exactly_the_handlers_and_valid_for_it():
    spec = rule_by_name()["iam-credentials-hygiene"]
    assert set(spec.parameter_names()) == set(rule_handler.PARAMETER_DEFAULTS)
    parsed = rule_handler.parse_rule_parameters(json.dumps(spec.parameters))
    assert (parsed.max_access_key_age_days, parsed.max_credential_unused_days) == (90, 45)


def test_switched_off_or_reparameterized_by_name():
    off = run_baseline(configRulesDisabled=["iam-credentials-hygiene"])
    assert custom_rules(off) == [] and off.of_type("aws:lambda/function:Function") == []
    tuned = run_baseline(configRuleParameters=["iam-credentials-hygiene.maxAccessKeyAgeDays=30"])
    [rule] = custom_rules(tuned)
    assert json.loads(rule.inputs["inputParameters"]) == {"maxAccessKeyAgeDays": "30", "maxCredentialUnusedDays": "45"}


def test_constructed_from_its_own_args_without_settings(tmp_path):
    result = run_component_program(
        tmp_path,
        """
        from aws_logging_baseline.components.custom_config_rule import CustomConfigRule, CustomConfigRuleArgs
        CustomConfigRule("creds", CustomConfigRuleArgs(
            account_id="222222222222", region="eu-west-1", rule_name="iam-credentials-hygiene",
            kms_key_arn="arn:aws:kms:eu-west-1:222222222222:key/logs", parameter_overrides={"maxCredentialUnusedDays": "30"},
        ))
        """,
    )
    [rule] = custom_rules(result)
    function = only(result, "aws:lambda/function:Function")
    assert (rule.inputs["region"], rule.inputs["name"]) == ("eu-west-1", FUNCTION)
    assert json.loads(rule.inputs["inputParameters"]) == {"maxAccessKeyAgeDays": "90", "maxCredentialUnusedDays": "30"}
    assert rule.inputs["source"]["sourceIdentifier"] == function.outputs["arn"]
    assert (function.inputs["reservedConcurrentExecutions"], function.inputs["timeout"]) == (1, 120)
    group = only(result, "aws:cloudwatch/logGroup:LogGroup")
    assert (group.inputs["kmsKeyId"], group.inputs["retentionInDays"], group.protect) == ("arn:aws:kms:eu-west-1:222222222222:key/logs", 365, True)
    assert only(result, "aws:lambda/permission:Permission").inputs["sourceAccount"] == "222222222222"
    assert result.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") == []  # no alarm topic given: no alarm


def test_only_a_custom_lambda_rule_of_the_catalog_is_accepted(tmp_path):
    with pytest.raises(UserError, match="rule_name: 'restricted-ssh' is not a CUSTOM_LAMBDA rule"):
        run_component_program(
            tmp_path,
            """
            from aws_logging_baseline.components.custom_config_rule import CustomConfigRule, CustomConfigRuleArgs
            CustomConfigRule("x", CustomConfigRuleArgs(account_id="222222222222", region="eu-west-1", rule_name="restricted-ssh", kms_key_arn="k"))
            """,
        )
