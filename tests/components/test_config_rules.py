"""ConfigRules through the engine: the catalog's managed rules, where they run, their parameters and switches."""

import json
from collections import defaultdict
from functools import lru_cache

import pytest
import yaml

from aws_logging_baseline.components.regional_settings import config_rule_catalog
from aws_logging_baseline.errors import UserError
from tests.components.component_program import run_component_program
from tests.engine_helpers import REPO, example, only, policy_of, run_baseline

ACCOUNT = "111111111111"
RULE = "aws:cfg/rule:Rule"
REMEDIATION = "aws:cfg/remediationConfiguration:RemediationConfiguration"
HOME = "us-east-1"
TALK = {
    "INSTANCES_IN_VPC", "ENCRYPTED_VOLUMES", "CLOUD_TRAIL_ENABLED", "INCOMING_SSH_DISABLED", "EIP_ATTACHED",
    "REQUIRED_TAGS", "RESTRICTED_INCOMING_TRAFFIC",
}
CIS_REGIONAL = {
    "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", "CLOUD_TRAIL_ENCRYPTION_ENABLED", "MULTI_REGION_CLOUD_TRAIL_ENABLED",
    "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", "VPC_FLOW_LOGS_ENABLED", "S3_BUCKET_SSL_REQUESTS_ONLY",
    "S3_BUCKET_VERSIONING_ENABLED", "S3_BUCKET_REPLICATION_ENABLED", "CMK_BACKING_KEY_ROTATION_ENABLED",
    "CLOUDWATCH_LOG_GROUP_ENCRYPTED", "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
}
CIS_GLOBAL = {
    "ROOT_ACCOUNT_MFA_ENABLED", "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", "ACCESS_KEYS_ROTATED", "IAM_PASSWORD_POLICY",
    "IAM_USER_UNUSED_CREDENTIALS_CHECK",
}
TRAIL_WIRING = {
    "s3BucketName": f"baseline-log-archive-{ACCOUNT}-us-east-1",
    # the trail's own CloudWatchLogsLogGroupArn, with the ":*" CloudTrail requires
    "cloudWatchLogsLogGroupArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/baseline/cloudtrail:*",
}


def managed(result):
    """identifier -> {region: rule} for the AWS-owned rules."""
    found = defaultdict(dict)
    for rule in result.of_type(RULE):
        if rule.inputs["source"]["owner"] == "AWS":
            region = rule.inputs["region"]
            assert region not in found[rule.inputs["source"]["sourceIdentifier"]], rule.urn
            found[rule.inputs["source"]["sourceIdentifier"]][region] = rule
    return found


def params(rule):
    return json.loads(rule.inputs["inputParameters"]) if "inputParameters" in rule.inputs else {}


@lru_cache(maxsize=1)
def adjusted():
    return run_baseline(
        configRulesDisabled=["eip-attached", "access-keys-rotated"],
        configRuleParameters=["encrypted-volumes.kmsId=alias/ebs", "iam-password-policy.MaxPasswordAge=365"],
        configRequiredTags=["Owner", "Environment=prod,staging"],
        configRestrictedPorts=[22, 3389],
        configRuleFrequency="Twelve_Hours",
        flowLogTrafficType="ALL",
        logRetentionDays=400,
        configRemediationRules=["restricted-ssh", "s3-bucket-versioning-enabled"],
    )


def test_talk_and_cis_rules_deployed_where_they_belong():
    rules = managed(example())
    regions = set(example().stack_outputs["regions"])
    assert set(rules) == TALK | CIS_REGIONAL | CIS_GLOBAL
    for identifier in TALK | CIS_REGIONAL:
        assert set(rules[identifier]) == regions, identifier
    for identifier in CIS_GLOBAL:
        assert set(rules[identifier]) == {HOME}, identifier
    assert len(example().of_type(RULE)) == 18 * 17 + 5 + 1  # + the custom Lambda rule


def test_every_rule_depends_on_its_regions_recorder():
    recorders = {r.inputs["region"]: r.urn for r in example().of_type("aws:cfg/recorder:Recorder")}
    for rule in example().of_type(RULE):
        assert recorders[rule.inputs["region"]] in rule.dependencies, rule.urn
        assert rule.inputs["name"].startswith("baseline-")


def test_talk_rules_input_parameters():
    rules = managed(example())
    for region in ("us-east-1", "sa-east-1"):
        assert params(rules["CLOUD_TRAIL_ENABLED"][region]) == TRAIL_WIRING  # no snsTopicArn: the trail has no topic
        assert params(rules["REQUIRED_TAGS"][region]) == {"tag1Key": "Owner", "tag2Key": "CostCenter"}
        assert params(rules["RESTRICTED_INCOMING_TRAFFIC"][region]) == {
            "blockedPort1": "20", "blockedPort2": "21", "blockedPort3": "3389", "blockedPort4": "3306", "blockedPort5": "4333",
        }
        for identifier in ("INSTANCES_IN_VPC", "ENCRYPTED_VOLUMES", "INCOMING_SSH_DISABLED", "EIP_ATTACHED"):
            assert params(rules[identifier][region]) == {}, identifier


def test_cis_rules_input_parameters_are_explicit_strings():
    rules = managed(example())
    assert params(rules["ACCESS_KEYS_ROTATED"][HOME]) == {"maxAccessKeyAge": "90"}
    assert params(rules["IAM_USER_UNUSED_CREDENTIALS_CHECK"][HOME]) == {"maxCredentialUsageAge": "45"}
    assert params(rules["IAM_PASSWORD_POLICY"][HOME]) == {
        "RequireUppercaseCharacters": "true", "RequireLowercaseCharacters": "true", "RequireSymbols": "true",
        "RequireNumbers": "true", "MinimumPasswordLength": "14", "PasswordReusePrevention": "24", "MaxPasswordAge": "90",
    }
    assert params(rules["CW_LOGGROUP_RETENTION_PERIOD_CHECK"]["eu-west-1"]) == {"MinRetentionTime": "365"}
    assert params(rules["VPC_FLOW_LOGS_ENABLED"]["eu-west-1"]) == {"trafficType": "REJECT"}
    assert params(rules["MULTI_REGION_CLOUD_TRAIL_ENABLED"]["eu-west-1"]) == {
        **TRAIL_WIRING, "includeManagementEvents": "true", "readWriteType": "ALL",
    }
    for by_region in rules.values():
        for rule in by_region.values():
            assert all(isinstance(v, str) for v in params(rule).values()), rule.urn


def test_triggers_periodic_rules_have_a_frequency_change_rules_a_scope():
    catalog = {r.identifier: r for r in config_rule_catalog()}
    for identifier, by_region in managed(example()).items():
        spec = catalog[identifier]
        for rule in by_region.values():
            if spec.trigger == "periodic":
                assert rule.inputs["maximumExecutionFrequency"] == "TwentyFour_Hours", identifier
                assert "scope" not in rule.inputs
            else:
                assert "maximumExecutionFrequency" not in rule.inputs, identifier
                if spec.scope:
                    tag = {"tagKey": spec.scope_tag[0], "tagValue": spec.scope_tag[1]} if spec.scope_tag else {}
                    assert rule.inputs["scope"] == {"complianceResourceTypes": list(spec.scope), **tag}
    assert managed(example())["INCOMING_SSH_DISABLED"][HOME].inputs["scope"] == {"complianceResourceTypes": ["AWS::EC2::SecurityGroup"]}


def test_switches_parameters_and_settings_lists_change_the_rules():
    rules = managed(adjusted())
    assert "EIP_ATTACHED" not in rules and "ACCESS_KEYS_ROTATED" not in rules
    assert len(rules) == len(TALK | CIS_REGIONAL | CIS_GLOBAL) - 2
    assert all(params(r) == {"kmsId": "alias/ebs"} for r in rules["ENCRYPTED_VOLUMES"].values())
    assert params(rules["IAM_PASSWORD_POLICY"][HOME])["MaxPasswordAge"] == "365"
    assert params(rules["REQUIRED_TAGS"][HOME]) == {"tag1Key": "Owner", "tag2Key": "Environment", "tag2Value": "prod,staging"}
    assert params(rules["RESTRICTED_INCOMING_TRAFFIC"][HOME]) == {"blockedPort1": "22", "blockedPort2": "3389"}
    assert params(rules["VPC_FLOW_LOGS_ENABLED"][HOME]) == {"trafficType": "ALL"}
    assert params(rules["CW_LOGGROUP_RETENTION_PERIOD_CHECK"][HOME]) == {"MinRetentionTime": "400"}
    assert rules["ROOT_ACCOUNT_MFA_ENABLED"][HOME].inputs["maximumExecutionFrequency"] == "Twelve_Hours"


def test_remediation_is_off_by_default():
    assert example().of_type(REMEDIATION) == []
    assert not [r for r in example().resources if "remediation" in r.name]


def test_remediation_for_chosen_rules_in_every_region_with_a_least_privilege_automation_role():
    result = adjusted()
    regions = set(result.stack_outputs["regions"])
    fixes = result.of_type(REMEDIATION)
    assert len(fixes) == 2 * len(regions)
    role = only(result, "aws:iam/role:Role", "config-remediation")
    rules = managed(result)
    for fix in fixes:
        region = fix.inputs["region"]
        if fix.inputs["targetId"] == "AWS-DisableIncomingSSHOnPort22":
            rule, resource_parameter, resource_type = rules["INCOMING_SSH_DISABLED"][region], "SecurityGroupIds", "AWS::EC2::SecurityGroup"
            static = []
        else:
            assert fix.inputs["targetId"] == "AWS-ConfigureS3BucketVersioning"
            rule, resource_parameter, resource_type = rules["S3_BUCKET_VERSIONING_ENABLED"][region], "BucketName", "AWS::S3::Bucket"
            static = [{"name": "VersioningState", "staticValue": "Enabled"}]
        assert fix.inputs["configRuleName"] == rule.inputs["name"] and rule.urn in fix.dependencies
        assert fix.inputs["targetType"] == "SSM_DOCUMENT" and fix.inputs["automatic"] is True
        assert fix.inputs["resourceType"] == resource_type
        assert fix.inputs["parameters"] == [
            {"name": "AutomationAssumeRole", "staticValue": role.outputs["arn"]},
            {"name": resource_parameter, "resourceValue": "RESOURCE_ID"},
            *static,
        ]
    assert policy_of(role, "assumeRolePolicy")["Statement"][0]["Principal"] == {"Service": "ssm.amazonaws.com"}
    assert policy_of(role, "assumeRolePolicy")["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:ssm:*:{ACCOUNT}:automation-execution/*"},
    }
    statements = policy_of(only(result, "aws:iam/rolePolicy:RolePolicy", "config-remediation"))["Statement"]
    assert [(s["Action"], s["Resource"]) for s in statements] == [
        (["ec2:RevokeSecurityGroupIngress"], f"arn:aws:ec2:*:{ACCOUNT}:security-group/*"),
        (["ec2:DescribeSecurityGroups"], "*"),
        (["s3:GetBucketVersioning", "s3:PutBucketVersioning"], "arn:aws:s3:::*"),
    ]


def test_catalog_names_and_identifiers_are_unique_and_triggers_known():
    data = yaml.safe_load((REPO / "aws_logging_baseline" / "components" / "catalog" / "config_rules.yaml").read_text())["rules"]
    assert len({r["name"] for r in data}) == len({r["identifier"] for r in data if r["identifier"] != "CUSTOM_LAMBDA"}) + 1 == len(data)
    for spec in config_rule_catalog():
        assert spec.trigger in ("change", "periodic", "change-and-periodic")
        assert spec.global_ == (spec.identifier in CIS_GLOBAL or spec.custom), spec.name



@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    """ConfigRules and ConfigRemediation built directly from their own Args (no Settings), in two regions."""
    return run_component_program(
        tmp_path_factory.mktemp("config-rules"),
        """
        from aws_logging_baseline.components.config_remediation import ConfigRemediation, ConfigRemediationArgs
        from aws_logging_baseline.components.config_rules import ConfigRules, ConfigRulesArgs
        rules = ConfigRules("rules", ConfigRulesArgs(
            regions=["eu-west-1", "eu-north-1"], home_region="eu-west-1", archive_bucket_name="central-archive",
            disabled_rules=["eip-attached"], parameter_overrides={"encrypted-volumes": {"kmsId": "alias/ebs"}},
            restricted_ports=[22, 3389], name_prefix="acme",
        ))
        ConfigRemediation("fix", ConfigRemediationArgs(account_id="222222222222", rule_names=["restricted-ssh"]), rules=rules.rules)
        """,
    )


def test_config_rules_constructed_from_their_own_args_without_settings(direct):
    rules = managed(direct)
    assert "EIP_ATTACHED" not in rules
    assert set(rules["ROOT_ACCOUNT_MFA_ENABLED"]) == {"eu-west-1"}  # global: the home region only
    assert set(rules["RESTRICTED_INCOMING_TRAFFIC"]) == {"eu-west-1", "eu-north-1"}
    for region in ("eu-west-1", "eu-north-1"):
        assert params(rules["RESTRICTED_INCOMING_TRAFFIC"][region]) == {"blockedPort1": "22", "blockedPort2": "3389"}
        assert params(rules["ENCRYPTED_VOLUMES"][region]) == {"kmsId": "alias/ebs"}
        # no trail log group given: the parameter is left out, not sent empty
        assert params(rules["MULTI_REGION_CLOUD_TRAIL_ENABLED"][region]) == {
            "includeManagementEvents": "true", "readWriteType": "ALL", "s3BucketName": "central-archive",
        }
        assert params(rules["VPC_FLOW_LOGS_ENABLED"][region]) == {"trafficType": "REJECT"}
        assert params(rules["CW_LOGGROUP_RETENTION_PERIOD_CHECK"][region]) == {"MinRetentionTime": "365"}
        assert params(rules["REQUIRED_TAGS"][region]) == {"tag1Key": "Owner", "tag2Key": "CostCenter"}
        assert rules["ACCESS_KEYS_ROTATED"]["eu-west-1"].inputs["maximumExecutionFrequency"] == "TwentyFour_Hours"
        assert rules["INCOMING_SSH_DISABLED"][region].inputs["name"] == "acme-restricted-ssh"


def test_config_remediation_constructed_from_its_own_args_without_settings(direct):
    fixes = {r.inputs["region"]: r for r in direct.of_type(REMEDIATION)}
    ssh_rules = managed(direct)["INCOMING_SSH_DISABLED"]
    assert set(fixes) == {"eu-west-1", "eu-north-1"}
    role = only(direct, "aws:iam/role:Role", "fix-automation-role")
    for region, fix in fixes.items():
        assert fix.inputs["configRuleName"] == ssh_rules[region].outputs["name"] and ssh_rules[region].urn in fix.dependencies
        assert fix.inputs["targetId"] == "AWS-DisableIncomingSSHOnPort22" and fix.inputs["automatic"] is True
        assert {"name": "AutomationAssumeRole", "staticValue": role.outputs["arn"]} in fix.inputs["parameters"]
    assert policy_of(role, "assumeRolePolicy")["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "222222222222"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ssm:*:222222222222:automation-execution/*"},
    }


def test_an_unknown_rule_name_in_the_args_is_refused(tmp_path):
    """A typo would otherwise leave a rule on, or its override unapplied, without a word."""
    with pytest.raises(UserError, match="parameter_overrides: unknown Config rule.s. encrypted-volume "):
        run_component_program(
            tmp_path,
            """
            from aws_logging_baseline.components.config_rules import ConfigRules, ConfigRulesArgs
            ConfigRules("rules", ConfigRulesArgs(regions=["eu-west-1"], home_region="eu-west-1", archive_bucket_name="b",
                                                 parameter_overrides={"encrypted-volume": {"kmsId": "alias/ebs"}}))
            """,
        )


def test_remediation_of_a_rule_that_is_not_deployed_is_refused(tmp_path):
    with pytest.raises(UserError, match="rule_names: restricted-ssh not among the deployed rules"):
        run_component_program(
            tmp_path,
            """
            from aws_logging_baseline.components.config_remediation import ConfigRemediation, ConfigRemediationArgs
            ConfigRemediation("fix", ConfigRemediationArgs(account_id="222222222222", rule_names=["restricted-ssh"]), rules={})
            """,
        )
