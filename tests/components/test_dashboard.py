"""PostureDashboard through the engine: a valid dashboard body whose widgets show every deployed CIS alarm (by
ARN), every home security-event rule's invocations and failures, the trail and Config health metrics, the
REJECT volume only when flow logs go to CloudWatch Logs, and every saved query with its named-query id."""

import json

from aws_logging_baseline.components.dashboard import health_catalog
from aws_logging_baseline.components.saved_queries import load_catalog
from tests.components.analytics_runs import switched_off, variant
from tests.engine_helpers import example, only

DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
WIDGET_TYPES = {"text", "metric", "alarm"}  # the dashboard body structure's widget types we use


def body(result=None) -> dict:
    return json.loads(only(result or example(), DASHBOARD).inputs["dashboardBody"])


def widgets(result=None, type_=None, title=None) -> list[dict]:
    return [w for w in body(result)["widgets"] if (type_ is None or w["type"] == type_)
            and (title is None or w["properties"].get("title", "").startswith(title))]


def cis_alarm_arns(result=None) -> list[str]:
    return [a.outputs["arn"] for a in (result or example()).of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if "-cis-" in a.inputs["name"]]


def test_one_dashboard_in_the_home_region_with_a_valid_grid():
    d = only(example(), DASHBOARD).inputs
    assert d["dashboardName"] == "baseline-security-posture" and d["region"] == "us-east-1"
    for w in body()["widgets"]:
        assert w["type"] in WIDGET_TYPES
        assert 0 <= w["x"] and w["x"] + w["width"] <= 24 and w["height"] > 0
    cells = {(w["x"] + dx, w["y"] + dy) for w in body()["widgets"] for dx in range(w["width"]) for dy in range(w["height"])}
    assert len(cells) == sum(w["width"] * w["height"] for w in body()["widgets"])  # no two widgets overlap


def test_alarm_widget_shows_every_deployed_cis_alarm_by_arn():
    (widget,) = widgets(type_="alarm")
    assert len(cis_alarm_arns()) >= 14
    assert sorted(widget["properties"]["alarms"]) == sorted(cis_alarm_arns())
    (trimmed,) = widgets(variant(), type_="alarm")
    assert sorted(trimmed["properties"]["alarms"]) == sorted(cis_alarm_arns(variant()))
    assert not [a for a in trimmed["properties"]["alarms"] if "organizations-changes" in a]


def test_every_home_security_event_rule_has_invocations_and_failures():
    rules = [r.inputs["name"] for r in example().of_type("aws:cloudwatch/eventRule:EventRule") if r.inputs["region"] == "us-east-1"
             and "forward" not in r.inputs["name"]]
    (widget,) = widgets(type_="metric", title="Security-event rules")
    metrics = widget["properties"]["metrics"]
    assert sorted(metrics) == sorted(["AWS/Events", m, "RuleName", rule] for rule in rules for m in ("Invocations", "FailedInvocations"))


def test_trail_delivery_and_config_recorder_health():
    (widget,) = widgets(type_="metric", title="Trail delivery")
    metrics = widget["properties"]["metrics"]
    assert ["AWS/Logs", "IncomingLogEvents", "LogGroupName", "/baseline/cloudtrail"] in metrics
    config = {m[1] for m in metrics if m[0] == "AWS/Config"}
    assert config == {"ConfigHistoryExportFailed", "ConfigSnapshotExportFailed",
                      "ConfigurationRecorderInsufficientPermissionsFailure", "ChangeNotificationsDeliveryFailed"}
    (search,) = [m[0] for m in metrics if isinstance(m[0], dict)]
    assert search["expression"] == "SEARCH('{AWS/Config,ResourceType} MetricName=\"ConfigurationItemsRecorded\"', 'Sum', 300)"
    assert len(metrics) == len(health_catalog()["trail_health"]) + len(health_catalog()["config_health"])


def test_reject_volume_only_when_flow_logs_go_to_cloudwatch_logs():
    assert widgets(type_="metric", title="Rejected flow-log records") == []
    (widget,) = widgets(variant(), type_="metric", title="Rejected flow-log records")
    filters = [f.inputs for f in variant().of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
               if f.inputs["metricTransformation"]["name"] == "VpcFlowLogRejects"]
    assert filters
    assert widget["properties"]["metrics"] == [
        [f["metricTransformation"]["namespace"], "VpcFlowLogRejects", {"region": f["region"], "label": f["region"]}] for f in filters]


def test_saved_queries_are_listed_with_their_named_query_ids():
    (text,) = [w for w in widgets(type_="text") if "Saved investigations" in w["properties"]["markdown"]]
    markdown = text["properties"]["markdown"]
    for query in example().of_type("aws:athena/namedQuery:NamedQuery"):
        assert f"{query.inputs['name']} | " in markdown and f"`{query.outputs['id']}`" in markdown
    assert "workgroup **baseline-investigations**" in markdown
    (text,) = [w for w in widgets(variant(), type_="text") if "Saved investigations" in w["properties"]["markdown"]]
    listed = [line.split(" | ")[0] for line in text["properties"]["markdown"].splitlines() if line.count(" | ") == 2][1:]
    deployed = {q.inputs["name"] for q in variant().of_type("aws:athena/namedQuery:NamedQuery")}
    # Every deployed query, in the catalog's order (not the engine's registration order, which may vary).
    assert listed == [q.id for q in load_catalog() if q.id in deployed] and set(listed) == deployed
    assert "iam-changes" not in listed and "top-rejected-flows" not in listed


def test_dashboard_is_a_switch():
    assert switched_off().of_type(DASHBOARD) == []


def test_organization_dashboard_lives_with_the_cis_alarms_in_the_management_account():
    from tests.org.org_helpers import role_run

    management = role_run("management")
    (widget,) = widgets(management, type_="alarm")
    assert sorted(widget["properties"]["alarms"]) == sorted(cis_alarm_arns(management)) and widget["properties"]["alarms"]
    for role in ("log-archive", "security", "member"):
        assert role_run(role).of_type(DASHBOARD) == []
