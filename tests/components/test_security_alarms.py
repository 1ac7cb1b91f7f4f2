"""SecurityAlarms through the engine: one filter and one alarm per CIS control 4.1-4.15, exact patterns, exact alarms.

PATTERNS is this test's own copy of the expected filter patterns, with the source each one comes from
(tags of /work/shared/notes/aws-controls-facts.md):
  SH-CW       AWS Security Hub user guide, "CloudWatch controls" (current):
              https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
              Security Hub fails CloudWatch.x unless the pattern is exactly its own.
  NOZAQ       github.com/nozaq/terraform-aws-secure-baseline modules/alarm-baseline/main.tf (commit 6b2d679):
              CIS 4.1 with the negated terms correctly grouped (no Security Hub control in the CIS v1.4 standard).
  PROWLER-CW  github.com/prowler-cloud/prowler cloudwatch checks (commit 3e000faa): CIS 4.15's 18 event names
              plus CancelHandshake, CreateOrganization and EnableAllFeatures (no Security Hub control).
"""

import pytest

from aws_logging_baseline.errors import UserError
from aws_logging_baseline.components.security_alarms import load_catalog, reject_filter_pattern
from tests.engine_helpers import example, run_baseline

FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC_ARN = "arn:aws:sns:us-east-1:111111111111:baseline-security-alerts"

# (CIS v1.4.0 number, CIS v7.0.0 number, Security Hub control, exact filter pattern)
PATTERNS = [
    # NOZAQ
    ('4.1', '5.1', None, '{(($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && (($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}'),
    # SH-CW
    ('4.2', '5.2', 'CloudWatch.3', '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'),
    # SH-CW
    ('4.3', '5.3', 'CloudWatch.1', '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}'),
    # SH-CW
    ('4.4', '5.4', 'CloudWatch.4', '{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy))}'),
    # SH-CW
    ('4.5', '5.5', 'CloudWatch.5', '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}'),
    # SH-CW
    ('4.6', '5.6', 'CloudWatch.6', '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}'),
    # SH-CW
    ('4.7', '5.7', 'CloudWatch.7', '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}'),
    # SH-CW
    ('4.8', '5.8', 'CloudWatch.8', '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}'),
    # SH-CW
    ('4.9', '5.9', 'CloudWatch.9', '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}'),
    # SH-CW
    ('4.10', '5.10', 'CloudWatch.10', '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}'),
    # SH-CW
    ('4.11', '5.11', 'CloudWatch.11', '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}'),
    # SH-CW
    ('4.12', '5.12', 'CloudWatch.12', '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}'),
    # SH-CW
    ('4.13', '5.13', 'CloudWatch.13', '{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}'),
    # SH-CW
    ('4.14', '5.14', 'CloudWatch.14', '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}'),
    # PROWLER-CW
    ('4.15', '5.15', None, '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit") || ($.eventName = "CancelHandshake") || ($.eventName = "CreateOrganization") || ($.eventName = "EnableAllFeatures")) }'),
]
BY_CIS = {row[0]: row for row in PATTERNS}


def catalog_id(number: str) -> str:
    return next(entry.id for entry in load_catalog() if entry.cis["1.4.0"] == number)


def cis_filters(result):
    return [r for r in result.of_type(FILTER) if "-cis-" in r.inputs["name"]]


def cis_alarms(result):
    return [r for r in result.of_type(ALARM) if "-cis-" in r.inputs["name"]]


def cis_number(resource) -> str:
    return resource.inputs["name"].split("-cis-")[1].split("-")[0]


def test_exactly_one_filter_and_one_alarm_per_cis_control():
    result = example()
    filters, alarms = cis_filters(result), cis_alarms(result)
    expected = [f"4.{i}" for i in range(1, 16)]
    assert sorted(map(cis_number, filters), key=lambda n: int(n.split(".")[1])) == expected
    assert sorted(map(cis_number, alarms), key=lambda n: int(n.split(".")[1])) == expected


@pytest.mark.parametrize("number", [f"4.{i}" for i in range(1, 16)])
def test_filter_pattern_is_exact(number):
    [resource] = [f for f in cis_filters(example()) if cis_number(f) == number]
    assert resource.inputs["pattern"] == BY_CIS[number][3]
    assert resource.inputs["logGroupName"] == "/baseline/cloudtrail"
    assert resource.inputs["region"] == "us-east-1"
    transformation = resource.inputs["metricTransformation"]
    assert transformation["value"] == "1" and transformation["namespace"] == "CISBenchmark"


def test_security_hub_controls_use_security_hubs_own_patterns():
    """CloudWatch.1 and .3-.14: character for character; 4.1 and 4.15 have no Security Hub control."""
    catalog = {entry.cis["1.4.0"]: entry for entry in load_catalog()}
    hub_rows = [row for row in PATTERNS if row[2]]
    assert sorted(row[2] for row in hub_rows) == sorted(["CloudWatch.1"] + [f"CloudWatch.{i}" for i in range(3, 15)])
    for number, current, hub, pattern in PATTERNS:
        entry = catalog[number]
        assert (entry.security_hub, entry.pattern, entry.cis["7.0.0"]) == (hub, pattern, current), number
        assert entry.source == {"4.1": "NOZAQ", "4.15": "PROWLER-CW"}.get(number, "SH-CW"), number


def test_unauthorized_api_calls_pattern_is_correctly_grouped():
    """The CIS v1.4 text ORs the negated terms, which matches nearly every event; ours ANDs them."""
    pattern = BY_CIS["4.1"][3]
    assert "|| ($.sourceIPAddress" not in pattern and "|| ($.eventName!=" not in pattern
    assert pattern.startswith('{(($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ')


@pytest.mark.parametrize("number", [f"4.{i}" for i in range(1, 16)])
def test_alarm_parameters(number):
    result = example()
    [alarm] = [a for a in cis_alarms(result) if cis_number(a) == number]
    [metric_filter] = [f for f in cis_filters(result) if cis_number(f) == number]
    i = alarm.inputs
    assert (i["statistic"], i["period"], i["threshold"], i["comparisonOperator"], i["evaluationPeriods"]) == (
        "Sum", 300, 1, "GreaterThanOrEqualToThreshold", 1
    )
    assert i["treatMissingData"] == "notBreaching" and i["actionsEnabled"] is True
    assert i["alarmActions"] == [TOPIC_ARN]
    assert i["region"] == "us-east-1"
    assert (i["metricName"], i["namespace"]) == (
        metric_filter.inputs["metricTransformation"]["name"], metric_filter.inputs["metricTransformation"]["namespace"]
    )
    assert alarm.inputs["name"] == metric_filter.inputs["name"] == f"baseline-cis-{number}-" + catalog_id(number)


def test_alarms_are_switched_off_by_id_and_namespace_is_configurable():
    result = run_baseline(disabledCisAlarms=["organizations-changes", "console-signin-without-mfa"], cisAlarmNamespace="LogMetrics")
    numbers = sorted(map(cis_number, cis_alarms(result)), key=lambda n: int(n.split(".")[1]))
    assert numbers == [f"4.{i}" for i in range(1, 16) if i not in (2, 15)]
    assert sorted(map(cis_number, cis_filters(result)), key=lambda n: int(n.split(".")[1])) == numbers
    assert {a.inputs["namespace"] for a in cis_alarms(result)} == {"LogMetrics"}


def test_unknown_alarm_id_is_a_config_error():
    with pytest.raises(UserError, match="baseline:disabledCisAlarms: unknown id\\(s\\) root-usage"):
        run_baseline(disabledCisAlarms=["root-usage"])


def test_no_reject_alarm_when_flow_logs_go_to_s3():
    assert not [a for a in example().of_type(ALARM) if "vpc-flow-log-rejects" in a.inputs["name"]]


def test_reject_spike_alarm_per_region_when_flow_logs_go_to_cloudwatch_logs():
    result = run_baseline(flowLogDestination="cloud-watch-logs", flowLogRejectAlarmThreshold=250)
    alarms = {a.inputs["region"]: a for a in result.of_type(ALARM) if "vpc-flow-log-rejects" in a.inputs["name"]}
    filters = {f.inputs["region"]: f for f in result.of_type(FILTER) if "vpc-flow-log-rejects" in f.inputs["name"]}
    groups = {g.inputs["region"]: g for g in result.of_type("aws:cloudwatch/logGroup:LogGroup") if "flow-logs" in g.inputs["name"]}
    assert len(alarms) == 17 and set(alarms) == set(filters) == set(groups)
    from aws_logging_baseline.components.settings import Settings

    expected_pattern = reject_filter_pattern(Settings().flow_log_fields)
    assert 'action="REJECT"' in expected_pattern and expected_pattern.startswith("[") and expected_pattern.endswith("]")
    for region, metric_filter in filters.items():
        assert metric_filter.inputs["logGroupName"] == groups[region].inputs["name"]
        assert metric_filter.inputs["pattern"] == expected_pattern
        i = alarms[region].inputs
        assert (i["threshold"], i["statistic"], i["period"], i["comparisonOperator"], i["treatMissingData"]) == (
            250, "Sum", 300, "GreaterThanOrEqualToThreshold", "notBreaching"
        )
        # Only a same-region topic can be an alarm action: other regions notify through EventBridge.
        assert i.get("alarmActions", []) == ([TOPIC_ARN] if region == "us-east-1" else [])


def test_reject_filter_pattern_follows_the_record_format():
    assert reject_filter_pattern(["version", "account-id", "action", "log-status"]) == (
        '[version, account_id, action="REJECT", log_status]'
    )
    with pytest.raises(ValueError, match="action"):
        reject_filter_pattern(["version", "srcaddr"])


def test_reject_alarm_switched_off_with_threshold_zero():
    result = run_baseline(flowLogDestination="cloud-watch-logs", flowLogRejectAlarmThreshold=0)
    assert not [a for a in result.of_type(ALARM) if "vpc-flow-log-rejects" in a.inputs["name"]]
