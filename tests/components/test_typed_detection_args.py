"""SecurityAlarms, RejectSpikeAlarms, SecurityEvents, PostureDashboard and AutoRespond built directly from their
own typed Args (no Settings, no composition) under the engine: the typed API alone yields the exact alarms,
patterns and wiring a caller asks for, and the documented defaults."""

import json
import textwrap

import pytest

from aws_logging_baseline.offline.engine import RunResult, run_program
from tests.engine_helpers import FIXTURE

RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
TOPIC = "arn:aws:sns:eu-west-1:111111111111:acme-alerts"
TRAIL_ARN = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/acme-trail"
KEY = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# One program that only imports the components and passes plain dicts.
PROGRAM = '''
from aws_logging_baseline.components.auto_respond import AutoRespond
from aws_logging_baseline.components.dashboard import PostureDashboard
from aws_logging_baseline.components.security_alarms import RejectSpikeAlarms, SecurityAlarms
from aws_logging_baseline.components.security_events import SecurityEvents

TOPIC = "arn:aws:sns:eu-west-1:111111111111:acme-alerts"
alarms = SecurityAlarms("direct-alarms", {
    "region": "eu-west-1", "log_group_name": "/acme/cloudtrail", "alarm_action_arn": TOPIC,
    "disabled": ["organizations-changes"],
})
RejectSpikeAlarms("direct-rejects", {
    "log_group_names": {"eu-west-1": "/acme/flow-logs", "eu-central-1": "/acme/flow-logs"},
    "fields": ["srcaddr", "dstaddr", "action", "log-status"], "home_region": "eu-west-1",
    "alarm_action_arn": TOPIC, "threshold": 50, "name_prefix": "acme",
})
events = SecurityEvents("direct-events", {
    "regions": ["eu-west-1", "eu-central-1"], "home_region": "eu-west-1", "account_id": "111111111111",
    "topic_arn": TOPIC, "name_prefix": "acme", "instance_states": ["running"], "schedule": "rate(1 day)",
})
PostureDashboard("direct-dashboard", {
    "dashboard_name": "acme-posture", "region": "eu-west-1",
    "alarm_arns": [a.arn for a in alarms.alarms.values()],
    "event_rule_names": [events.rules["root-activity"].name],
    "reject_regions": ["eu-west-1", "eu-central-1"],
    "saved_queries": [{"id": "root-sign-ins", "description": "Who signed in as root", "named_query_id": "nq-0001"}],
    "workgroup": "acme-investigations",
})
KEY = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
AutoRespond("direct-respond", {
    "account_id": "111111111111", "home_region": "eu-west-1", "regions": ["eu-west-1", "eu-central-1"],
    "topic_arn": TOPIC, "topic_key_arn": KEY, "log_key_arn": KEY, "name_prefix": "acme",
    "trail_arn": "arn:aws:cloudtrail:eu-west-1:111111111111:trail/acme-trail",
    "trail_selectors": [{"name": "Management events", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}],
})
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> RunResult:
    program = tmp_path_factory.mktemp("typed-args")
    (program / "Pulumi.yaml").write_text("name: typed-args\nruntime: python\n")
    (program / "Pulumi.test.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    return run_program(program, "test", FIXTURE)


def named(run: RunResult, type_: str, name: str, region: str | None = None):
    found = [r for r in run.of_type(type_) if r.inputs.get("name") == name and region in (None, r.inputs.get("region"))]
    assert len(found) == 1, f"expected one {type_} named {name}, got {[r.inputs.get('name') for r in run.of_type(type_)]}"
    return found[0]


def test_security_alarms_from_args_alone_watch_root_use_with_security_hubs_pattern_and_notify_the_topic(run):
    # CIS 4.3 / Security Hub CloudWatch.1, pattern verbatim from
    # https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-1
    root_filter = named(run, FILTER, "baseline-cis-4.3-root-account-usage")
    assert root_filter.inputs["pattern"] == '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}'
    assert root_filter.inputs["logGroupName"] == "/acme/cloudtrail"
    assert root_filter.inputs["metricTransformation"] == {"name": "RootAccountUsage", "namespace": "CISBenchmark", "value": "1"}
    alarm = named(run, ALARM, "baseline-cis-4.3-root-account-usage").inputs
    assert (alarm["metricName"], alarm["namespace"], alarm["statistic"], alarm["period"]) == ("RootAccountUsage", "CISBenchmark", "Sum", 300)
    assert (alarm["comparisonOperator"], alarm["threshold"], alarm["alarmActions"]) == ("GreaterThanOrEqualToThreshold", 1, [TOPIC])
    cis = [r.inputs["name"] for r in run.of_type(ALARM) if "-cis-" in r.inputs["name"]]
    assert len(cis) == 14 and not any("organizations" in n for n in cis)  # the disabled id is gone, the rest stay


def test_reject_spike_alarms_from_args_alone_filter_the_given_format_and_notify_only_in_the_home_region(run):
    for region in ("eu-west-1", "eu-central-1"):
        flt = named(run, FILTER, f"acme-vpc-flow-log-rejects-{region}").inputs
        assert flt["pattern"] == '[srcaddr, dstaddr, action="REJECT", log_status]'
        assert (flt["region"], flt["logGroupName"]) == (region, "/acme/flow-logs")
    home = named(run, ALARM, "acme-vpc-flow-log-rejects-eu-west-1").inputs
    remote = named(run, ALARM, "acme-vpc-flow-log-rejects-eu-central-1").inputs
    assert (home["threshold"], home["comparisonOperator"], home["alarmActions"]) == (50, "GreaterThanOrEqualToThreshold", [TOPIC])
    assert remote["threshold"] == 50 and not remote.get("alarmActions")


def targets_of(run: RunResult, rule) -> list[dict]:
    return [t.inputs for t in run.of_type(TARGET) if (t.inputs["rule"], t.inputs["region"]) == (rule.inputs["name"], rule.inputs["region"])]


def test_security_events_from_args_alone_alert_on_the_given_states_and_forward_other_regions_to_the_home_bus(run):
    instance_rule = named(run, RULE, "acme-instance-state-changes", "eu-west-1")
    assert json.loads(instance_rule.inputs["eventPattern"]) == {
        "source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["running"]},
    }
    [to_topic] = targets_of(run, instance_rule)
    assert to_topic["arn"] == TOPIC
    assert json.loads(to_topic["inputTransformer"]["inputTemplate"]).startswith("EC2 instance <instance> is now <state>")
    heartbeat = named(run, RULE, "acme-heartbeat", "eu-west-1").inputs
    assert heartbeat["scheduleExpression"] == "rate(1 day)" and "eventPattern" not in heartbeat
    # The covered eu-central-1 and the global-events region us-east-1 (IAM, sign-in) forward to the home bus.
    # (a pattern over EventBridge's 4096-character limit is split over rules -1, -2, ...)
    forwarding = [r for r in run.of_type(RULE) if r.inputs["name"].startswith("acme-forward-to-eu-west-1")]
    assert {r.inputs["region"] for r in forwarding} == {"eu-central-1", "us-east-1"}
    for rule in forwarding:
        [to_home] = targets_of(run, rule)
        assert to_home["arn"] == "arn:aws:events:eu-west-1:111111111111:event-bus/default"


def test_posture_dashboard_from_args_alone_shows_the_given_alarms_rules_reject_regions_and_queries(run):
    [dashboard] = run.of_type(DASHBOARD)
    assert (dashboard.inputs["dashboardName"], dashboard.inputs["region"]) == ("acme-posture", "eu-west-1")
    widgets = json.loads(dashboard.inputs["dashboardBody"])["widgets"]
    [alarm_widget] = [w["properties"] for w in widgets if w["type"] == "alarm"]
    cis_arns = [a.outputs["arn"] for a in run.of_type(ALARM) if "-cis-" in a.inputs["name"]]
    # Every CIS alarm, in the catalog's order (4.1, 4.2, ... 4.15), whatever order the engine registered them in.
    assert sorted(alarm_widget["alarms"]) == sorted(cis_arns) and len(cis_arns) == 14
    controls = [tuple(int(n) for n in arn.split("-cis-")[1].split("-")[0].split(".")) for arn in alarm_widget["alarms"]]
    assert controls == sorted(controls)
    by_title = {w["properties"].get("title"): w["properties"] for w in widgets if w["type"] == "metric"}
    rule_metrics = by_title["Security-event rules: invocations and failures"]["metrics"]
    assert {m[3] for m in rule_metrics} == {"acme-root-activity"}
    # The REJECT metric RejectSpikeAlarms counts, in its default namespace, per given region.
    assert by_title["Rejected flow-log records"]["metrics"] == [
        ["CISBenchmark", "VpcFlowLogRejects", {"region": "eu-west-1", "label": "eu-west-1"}],
        ["CISBenchmark", "VpcFlowLogRejects", {"region": "eu-central-1", "label": "eu-central-1"}],
    ]
    markdown = [w["properties"]["markdown"] for w in widgets if w["type"] == "text"][-1]
    assert "root-sign-ins | Who signed in as root | `nq-0001`" in markdown
    assert "workgroup **acme-investigations**" in markdown
    assert "https://eu-west-1.console.aws.amazon.com/athena/home?region=eu-west-1" in markdown


def test_auto_respond_from_args_alone_undoes_exactly_the_given_trails_and_the_default_recorders_tampering(run):
    rule = named(run, RULE, "acme-auto-respond", "eu-west-1")
    names = ["acme-trail", TRAIL_ARN]  # CloudTrail calls name a trail by name or by ARN
    assert json.loads(rule.inputs["eventPattern"]) == {
        "detail-type": ["AWS API Call via CloudTrail"],
        "$or": [
            {"detail": {"eventSource": ["cloudtrail.amazonaws.com"], "eventName": ["StopLogging"], "requestParameters": {"name": names}}},
            {"detail": {"eventSource": ["cloudtrail.amazonaws.com"], "eventName": ["PutEventSelectors"], "requestParameters": {"trailName": names}}},
            {"detail": {"eventSource": ["config.amazonaws.com"], "eventName": ["StopConfigurationRecorder"],
                        "requestParameters": {"configurationRecorderName": ["acme-recorder"]}}},  # recorder_name's default
        ],
    }
    [function] = [f.inputs for f in run.of_type("aws:lambda/function:Function") if f.inputs["name"] == "acme-restore-logging"]
    env = function["environment"]["variables"]
    assert (env["TRAIL_ARN"], env["RECORDER_NAME"], env["TOPIC_ARN"]) == (TRAIL_ARN, "acme-recorder", TOPIC)
    # The selectors it re-applies, in the PutEventSelectors API shape.
    assert json.loads(env["TRAIL_SELECTORS"]) == [{"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]
    [permission] = [p.inputs for p in run.of_type("aws:lambda/permission:Permission") if p.inputs["function"] == "acme-restore-logging"]
    assert (permission["principal"], permission["sourceArn"], permission["sourceAccount"]) == (
        "events.amazonaws.com", "arn:aws:events:eu-west-1:111111111111:rule/acme-auto-respond", "111111111111")
    group = [g for g in run.of_type("aws:cloudwatch/logGroup:LogGroup") if g.inputs["name"] == "/aws/lambda/acme-restore-logging"][0]
    assert (group.inputs["retentionInDays"], group.inputs["kmsKeyId"], group.protect) == (365, KEY, True)  # documented defaults
