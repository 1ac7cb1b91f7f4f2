"""Settings of flow logs, AWS Config and Inspector: defaults, and each error with the message a user sees."""

import pytest

from aws_logging_baseline.components.regional_settings import flow_log_field_names
from aws_logging_baseline.components.settings import load_settings
from tests.settings_helpers import settings_problems as problems



def test_defaults():
    s = load_settings({})
    assert (s.flow_log_traffic_type, s.flow_log_destination, s.flow_log_file_format, s.flow_log_max_aggregation_interval) == (
        "REJECT", "s3", "parquet", 600,
    )
    assert {"vpc-id", "subnet-id", "instance-id", "tcp-flags", "pkt-srcaddr", "pkt-dstaddr", "flow-direction", "traffic-path"} <= set(s.flow_log_fields)
    assert s.flow_log_vpc_ids == ()
    assert (s.config_recording_frequency, s.config_snapshot_frequency, s.config_rule_frequency) == ("CONTINUOUS", "TwentyFour_Hours", "TwentyFour_Hours")
    assert (s.config_sns_topic_arn, s.config_service_linked_role_exists) == ("", False)
    assert (s.config_rules_disabled, s.config_rule_parameters, s.config_remediation_rules) == ((), (), ())
    assert s.config_required_tags == ("Owner", "CostCenter")
    assert s.config_restricted_ports == (20, 21, 3389, 3306, 4333)
    assert (s.inspector_enabled, s.inspector_resource_types) == (True, ("EC2", "ECR", "LAMBDA"))


def test_every_default_field_is_documented_and_unknown_fields_are_named():
    assert set(load_settings({}).flow_log_fields) <= set(flow_log_field_names())
    found = problems(flowLogFields='["version", "srcaddr", "src-addr", "${action}"]')
    assert [p.split(" (")[0] for p in found] == [
        "baseline:flowLogFields: unknown flow log field 'src-addr'",
        "baseline:flowLogFields: unknown flow log field '${action}'",
    ]
    assert "documented fields: version, account-id," in found[0]


@pytest.mark.parametrize(
    "config, message",
    [
        ({"flowLogTrafficType": "DENY"}, "baseline:flowLogTrafficType: must be one of REJECT, ALL, ACCEPT, got 'DENY'"),
        ({"flowLogDestination": "firehose"}, "baseline:flowLogDestination: must be one of s3, cloud-watch-logs, got 'firehose'"),
        ({"flowLogFileFormat": "csv"}, "baseline:flowLogFileFormat: must be one of parquet, plain-text, got 'csv'"),
        ({"flowLogMaxAggregationInterval": "300"}, "baseline:flowLogMaxAggregationInterval: must be one of 60, 600, got 300"),
        ({"flowLogFields": "[]"}, "baseline:flowLogFields: at least one field is required"),
        ({"flowLogFields": '["action", "action"]'}, "baseline:flowLogFields: listed more than once: action"),
        ({"flowLogVpcIds": '["vpc-0123456789abcdef0"]'}, "baseline:flowLogVpcIds: 'vpc-0123456789abcdef0' is not REGION:VPC_ID"),
        ({"flowLogVpcIds": '["me-south-1:vpc-0123456789abcdef0"]'}, "baseline:flowLogVpcIds: 'me-south-1:vpc-0123456789abcdef0' names region me-south-1, which is not in baseline:regions"),
        ({"configRecordingFrequency": "HOURLY"}, "baseline:configRecordingFrequency: must be one of CONTINUOUS, DAILY, got 'HOURLY'"),
        ({"configSnapshotFrequency": "Daily"}, "baseline:configSnapshotFrequency: must be one of One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours, got 'Daily'"),
        ({"configRuleFrequency": "1h"}, "baseline:configRuleFrequency: must be one of One_Hour,"),
        ({"configSnsTopicArn": "my-topic"}, "baseline:configSnsTopicArn: not an SNS topic ARN: 'my-topic'"),
        ({"configRulesDisabled": '["restricted-rdp"]'}, "baseline:configRulesDisabled: unknown rule 'restricted-rdp' (rules: ec2-instances-in-vpc,"),
        ({"configRuleParameters": '["access-keys-rotated=30"]'}, "baseline:configRuleParameters: 'access-keys-rotated=30' is not rule-name.parameterName=value"),
        ({"configRuleParameters": '["access-key-rotated.maxAccessKeyAge=30"]'}, "baseline:configRuleParameters: unknown rule 'access-key-rotated'"),
        (
            {"configRuleParameters": '["access-keys-rotated.maxAccessKeyAgeDays=30"]'},
            "baseline:configRuleParameters: rule access-keys-rotated has no parameter 'maxAccessKeyAgeDays' (parameters: maxAccessKeyAge)",
        ),
        ({"configRequiredTags": "[]"}, "baseline:configRequiredTags: 1 to 6 tags are required while rule required-tags is enabled"),
        ({"configRequiredTags": '["a", "b", "c", "d", "e", "f", "g"]'}, "baseline:configRequiredTags: 1 to 6 tags are required"),
        ({"configRequiredTags": '["Bad*Key"]'}, "baseline:configRequiredTags: 'Bad*Key' is not Key or Key=value1,value2"),
        ({"configRestrictedPorts": "[22, 23, 25, 80, 443, 8080]"}, "baseline:configRestrictedPorts: 1 to 5 ports are required"),
        ({"configRestrictedPorts": "[0]"}, "baseline:configRestrictedPorts: 0 is not a TCP port (1 to 65535)"),
        ({"configRestrictedPorts": '["22"]'}, "baseline:configRestrictedPorts: '22' is not a TCP port (1 to 65535)"),
        ({"configRestrictedPorts": "[22, 22]"}, "baseline:configRestrictedPorts: a port is listed more than once"),
        ({"configRemediationRules": '["eip-attached"]'}, "baseline:configRemediationRules: no automatic remediation for rule 'eip-attached' (available: cmk-backing-key-rotation-enabled, restricted-ssh, s3-bucket-versioning-enabled)"),
        (
            {"configRemediationRules": '["restricted-ssh"]', "configRulesDisabled": '["restricted-ssh"]'},
            "baseline:configRemediationRules: rule restricted-ssh is switched off in baseline:configRulesDisabled",
        ),
        ({"inspectorResourceTypes": "[]"}, "baseline:inspectorResourceTypes: at least one resource type is required while inspectorEnabled is true"),
        ({"inspectorResourceTypes": '["EC2", "RDS"]'}, "baseline:inspectorResourceTypes: unknown resource type 'RDS' (one of EC2, ECR, LAMBDA, LAMBDA_CODE, CODE_REPOSITORY)"),
        ({"inspectorResourceTypes": '["EC2", "LAMBDA_CODE"]'}, "baseline:inspectorResourceTypes: LAMBDA_CODE needs LAMBDA"),
        ({"inspectorResourceTypes": '["EC2", "EC2"]'}, "baseline:inspectorResourceTypes: a resource type is listed more than once"),
    ],
)
def test_each_error_names_its_key(config, message):
    found = problems(**config)
    assert any(p.startswith(message) for p in found), found


def test_lists_may_be_empty_when_their_rule_is_switched_off():
    s = load_settings(
        {
            "baseline:configRulesDisabled": '["required-tags", "restricted-common-ports"]',
            "baseline:configRequiredTags": "[]",
            "baseline:configRestrictedPorts": "[]",
            "baseline:inspectorEnabled": "false",
            "baseline:inspectorResourceTypes": "[]",
        }
    )
    assert s.config_required_tags == () and s.config_restricted_ports == ()


def test_valid_overrides_are_accepted():
    s = load_settings(
        {
            "baseline:flowLogVpcIds": '["eu-west-1:vpc-0123456789abcdef0"]',
            "baseline:configRuleParameters": '["encrypted-volumes.kmsId=arn:aws:kms:us-east-1:111111111111:key/abc", "required-tags.tag1Value=a,b"]',
            "baseline:configSnsTopicArn": "arn:aws:sns:us-east-1:111111111111:config-events",
            "baseline:configRemediationRules": '["restricted-ssh"]',
        }
    )
    assert s.config_rule_parameters[0].startswith("encrypted-volumes.kmsId=arn:aws:kms")
