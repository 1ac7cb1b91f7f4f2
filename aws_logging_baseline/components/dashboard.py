"""PostureDashboard: one CloudWatch dashboard in the home region that shows the baseline at work.

The CIS alarms' state (an alarm status widget over their ARNs), the security-event rules' invocations and
failures, the trail's delivery into CloudWatch Logs and AWS Config's recorder health, the flow-log REJECT
volume when flow logs go to CloudWatch Logs, and the saved queries with how to run them. Everything is built
from what the stack deploys (the alarm and rule catalogs, the saved-query catalog), so a new alarm or query
appears here without editing this file.
"""

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws
import yaml

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regions import partition_of
from aws_logging_baseline.components.security_alarms import DEFAULT_NAMESPACE, REJECT_METRIC

CATALOG = Path(__file__).parent / "catalog" / "posture_dashboard.yaml"
WIDTH = 24  # the dashboard grid is 24 columns wide
# An alarm status widget shows at most 100 alarms (CloudWatch dashboard body structure:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
MAX_ALARMS_PER_WIDGET = 100
CONSOLE = {"aws": "console.aws.amazon.com", "aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com"}


@lru_cache(maxsize=1)
def health_catalog() -> dict[str, Any]:
    return yaml.safe_load(CATALOG.read_text())


class SavedQueryLink(TypedDict):
    """A saved Athena query the dashboard lists with how to run it."""

    id: str
    """The query's id in the saved-query catalog."""
    description: str
    """What the query answers."""
    named_query_id: pulumi.Input[str]
    """The id of the Athena named query."""


class PostureDashboardArgs(TypedDict):
    """Arguments of PostureDashboard: what the stack deploys that the dashboard shows."""

    dashboard_name: str
    """The dashboard's name."""
    region: str
    """The home region: the dashboard, the alarms and the security-event rules it shows live there."""
    alarm_arns: list[pulumi.Input[str]]
    """The alarms shown in alarm status widgets (the CIS alarms)."""
    event_rule_names: list[pulumi.Input[str]]
    """The home region's security-event rules whose invocations and failures are shown."""
    trail_log_group_name: NotRequired[pulumi.Input[str]]
    """The trail's CloudWatch Logs group whose delivery is shown. Default: none (no trail delivery metrics)."""
    reject_regions: NotRequired[list[str]]
    """Regions whose rejected flow-log records (RejectSpikeAlarms' metric) are shown. Default: none (no REJECT widget)."""
    reject_namespace: NotRequired[str]
    """CloudWatch metric namespace of the REJECT metric. Default: CISBenchmark."""
    saved_queries: NotRequired[list[SavedQueryLink]]
    """Saved Athena queries listed with how to run them. Default: none."""
    workgroup: NotRequired[pulumi.Input[str]]
    """The Athena workgroup the saved queries run in. Default: none."""


def dashboard_body(args: PostureDashboardArgs) -> dict[str, Any]:
    """The dashboard as a dict (values may be Outputs); `pulumi.Output.json_dumps` turns it into the body."""
    region = args["region"]
    widgets: list[dict[str, Any]] = []
    y = 0

    def add(type_: str, height: int, properties: dict[str, Any], width: int = WIDTH, x: int = 0) -> None:
        widgets.append({"type": type_, "x": x, "y": y, "width": width, "height": height, "properties": properties})

    add("text", 2, {"markdown": f"# Security posture ({region})\nCIS alarms, security events, log delivery and "
                                "the saved investigations of the logging baseline (docs/analytics.md)."})
    y += 2
    alarms = list(args["alarm_arns"])
    for start in range(0, len(alarms), MAX_ALARMS_PER_WIDGET):
        add("alarm", 6, {"title": "CIS alarms", "alarms": alarms[start : start + MAX_ALARMS_PER_WIDGET], "sortBy": "stateUpdatedTimestamp"})
        y += 6
    catalog = health_catalog()
    rule_metrics = [
        ["AWS/Events", metric, "RuleName", rule] for rule in args["event_rule_names"] for metric in catalog["event_rule_metrics"]
    ]
    add("metric", 6, _metric_properties("Security-event rules: invocations and failures", region, rule_metrics), width=12)
    trail_metrics = (
        [[m["namespace"], m["metric"], m["dimension"], args["trail_log_group_name"]] for m in catalog["trail_health"]]
        if args.get("trail_log_group_name") is not None
        else []
    )
    config_metrics: list[Any] = []
    for index, m in enumerate(catalog["config_health"]):
        if "search" in m:
            config_metrics.append([{"expression": f"SEARCH('{m['search']}', 'Sum', 300)", "id": f"config{index}", "label": m["metric"]}])
        else:
            config_metrics.append(["AWS/Config", m["metric"]])
    add("metric", 6, _metric_properties("Trail delivery and AWS Config recorder health", region, trail_metrics + config_metrics),
        width=12, x=12)
    y += 6
    reject_regions = args.get("reject_regions", [])
    if reject_regions:
        namespace = args.get("reject_namespace", DEFAULT_NAMESPACE)
        add("metric", 6, _metric_properties(
            "Rejected flow-log records", region, [[namespace, REJECT_METRIC, {"region": r, "label": r}] for r in reject_regions]))
        y += 6
    queries = args.get("saved_queries", [])
    if queries:
        add("text", 2 + len(queries), {"markdown": _queries_markdown(region, queries, args.get("workgroup"))})
    return {"widgets": widgets}


def _metric_properties(title: str, region: str, metrics: list[Any]) -> dict[str, Any]:
    return {"title": title, "region": region, "view": "timeSeries", "stat": "Sum", "period": 300, "metrics": metrics}


def _queries_markdown(region: str, queries: list[SavedQueryLink], workgroup: pulumi.Input[str] | None) -> pulumi.Output[str]:
    partition = partition_of(region) or "aws"
    console = f"https://{region}.{CONSOLE.get(partition, CONSOLE['aws'])}/athena/home?region={region}#/query-editor"

    def render(values: list[Any]) -> str:
        workgroup, *ids = values
        lines = [
            f"## Saved investigations\nOpen [Athena]({console}), workgroup **{workgroup}**, *Saved queries*; "
            "or `aws athena get-named-query --named-query-id <id>` then `start-query-execution` (docs/analytics.md).",
            "",
            "Query | What it answers | Named query id",
            "----|----|----",
        ]
        lines += [f"{q['id']} | {q['description']} | `{named}`" for q, named in zip(queries, ids)]
        return "\n".join(lines)

    return pulumi.Output.all(workgroup, *[q["named_query_id"] for q in queries]).apply(render)


class PostureDashboard(pulumi.ComponentResource):
    """One CloudWatch dashboard in the home region: CIS alarms, security-event rules, trail and Config health, saved queries."""

    dashboard: aws.cloudwatch.Dashboard

    def __init__(self, name: str, args: PostureDashboardArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("PostureDashboard", name, args, PostureDashboardArgs)
        super().__init__("baseline:cloudwatch:PostureDashboard", name, None, opts)
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=args["dashboard_name"],
            region=args["region"],
            dashboard_body=pulumi.Output.json_dumps(dashboard_body(args)),
            opts=child(self),
        )
        self.register_outputs({"dashboardName": self.dashboard.dashboard_name})


def deployed_inputs(alarms: Mapping[str, Any], rules: Mapping[str, Any], query_archive: Any = None) -> dict[str, Any]:
    """The Args fields naming what a composition deployed: its CIS alarms and home security-event rules (dicts of
    resources by catalog id) and, when analytics is on, its saved queries and their workgroup (a QueryArchive)."""
    inputs: dict[str, Any] = {
        "alarm_arns": [a.arn for a in alarms.values()],
        "event_rule_names": [r.name for r in rules.values()],
    }
    if query_archive:
        inputs["saved_queries"] = [
            SavedQueryLink(id=q.id, description=q.description, named_query_id=query_archive.queries[q.id].id) for q in query_archive.saved
        ]
        inputs["workgroup"] = query_archive.workgroup.name
    return inputs
