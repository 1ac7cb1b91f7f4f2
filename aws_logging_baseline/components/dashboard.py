"""PostureDashboard: one CloudWatch dashboard in the home region that shows the baseline at work.

The CIS alarms' state (an alarm status widget over their ARNs), the security-event rules' invocations and
failures, the trail's delivery into CloudWatch Logs and AWS Config's recorder health, the flow-log REJECT
volume when flow logs go to CloudWatch Logs, and the saved queries with how to run them. Everything is built
from what the stack deploys (the alarm and rule catalogs, the saved-query catalog), so a new alarm or query
appears here without editing this file.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import pulumi
import pulumi_aws as aws
import yaml

from aws_logging_baseline.components.options import child

CATALOG = Path(__file__).parent / "catalog" / "posture_dashboard.yaml"
WIDTH = 24  # the dashboard grid is 24 columns wide
# An alarm status widget shows at most 100 alarms (CloudWatch dashboard body structure:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
MAX_ALARMS_PER_WIDGET = 100
CONSOLE = {"aws": "console.aws.amazon.com", "aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com"}


@lru_cache(maxsize=1)
def health_catalog() -> dict[str, Any]:
    return yaml.safe_load(CATALOG.read_text())


@dataclass
class SavedQueryLink:
    id: str
    description: str
    named_query_id: pulumi.Input[str]


@dataclass
class PostureDashboardArgs:
    dashboard_name: str
    region: str
    partition: str
    alarm_arns: Sequence[pulumi.Input[str]]  # the CIS alarms (and home-region REJECT alarm)
    event_rule_names: Sequence[pulumi.Input[str]]  # the home region's security-event rules
    trail_log_group_name: pulumi.Input[str] | None = None
    reject_metric: tuple[str, str] | None = None  # (namespace, metric) when flow logs go to CloudWatch Logs
    reject_regions: Sequence[str] = ()
    saved_queries: Sequence[SavedQueryLink] = ()
    workgroup: pulumi.Input[str] | None = None
    tags: dict[str, str] = field(default_factory=dict)


def dashboard_body(args: PostureDashboardArgs) -> dict[str, Any]:
    """The dashboard as a dict (values may be Outputs); `pulumi.Output.json_dumps` turns it into the body."""
    widgets: list[dict[str, Any]] = []
    y = 0

    def add(type_: str, height: int, properties: dict[str, Any], width: int = WIDTH, x: int = 0) -> None:
        widgets.append({"type": type_, "x": x, "y": y, "width": width, "height": height, "properties": properties})

    add("text", 2, {"markdown": f"# Security posture ({args.region})\nCIS alarms, security events, log delivery and "
                                "the saved investigations of the logging baseline (docs/analytics.md)."})
    y += 2
    alarms = list(args.alarm_arns)
    for start in range(0, len(alarms), MAX_ALARMS_PER_WIDGET):
        add("alarm", 6, {"title": "CIS alarms", "alarms": alarms[start : start + MAX_ALARMS_PER_WIDGET], "sortBy": "stateUpdatedTimestamp"})
        y += 6
    catalog = health_catalog()
    rule_metrics = [
        ["AWS/Events", metric, "RuleName", rule] for rule in args.event_rule_names for metric in catalog["event_rule_metrics"]
    ]
    add("metric", 6, _metric_properties("Security-event rules: invocations and failures", args.region, rule_metrics), width=12)
    trail_metrics = (
        [[m["namespace"], m["metric"], m["dimension"], args.trail_log_group_name] for m in catalog["trail_health"]]
        if args.trail_log_group_name is not None
        else []
    )
    config_metrics: list[Any] = []
    for index, m in enumerate(catalog["config_health"]):
        if "search" in m:
            config_metrics.append([{"expression": f"SEARCH('{m['search']}', 'Sum', 300)", "id": f"config{index}", "label": m["metric"]}])
        else:
            config_metrics.append(["AWS/Config", m["metric"]])
    add("metric", 6, _metric_properties("Trail delivery and AWS Config recorder health", args.region, trail_metrics + config_metrics),
        width=12, x=12)
    y += 6
    if args.reject_metric and args.reject_regions:
        namespace, metric = args.reject_metric
        add("metric", 6, _metric_properties(
            "Rejected flow-log records", args.region, [[namespace, metric, {"region": r, "label": r}] for r in args.reject_regions]))
        y += 6
    if args.saved_queries:
        add("text", 2 + len(args.saved_queries), {"markdown": _queries_markdown(args)})
    return {"widgets": widgets}


def _metric_properties(title: str, region: str, metrics: list[Any]) -> dict[str, Any]:
    return {"title": title, "region": region, "view": "timeSeries", "stat": "Sum", "period": 300, "metrics": metrics}


def _queries_markdown(args: PostureDashboardArgs) -> pulumi.Output[str]:
    console = f"https://{args.region}.{CONSOLE.get(args.partition, CONSOLE['aws'])}/athena/home?region={args.region}#/query-editor"

    def render(values: list[Any]) -> str:
        workgroup, *ids = values
        lines = [
            f"## Saved investigations\nOpen [Athena]({console}), workgroup **{workgroup}**, *Saved queries*; "
            "or `aws athena get-named-query --named-query-id <id>` then `start-query-execution` (docs/analytics.md).",
            "",
            "Query | What it answers | Named query id",
            "----|----|----",
        ]
        lines += [f"{q.id} | {q.description} | `{named}`" for q, named in zip(args.saved_queries, ids)]
        return "\n".join(lines)

    return pulumi.Output.all(args.workgroup, *[q.named_query_id for q in args.saved_queries]).apply(render)


class PostureDashboard(pulumi.ComponentResource):
    dashboard: aws.cloudwatch.Dashboard

    def __init__(self, name: str, args: PostureDashboardArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:cloudwatch:PostureDashboard", name, None, opts)
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=args.dashboard_name,
            region=args.region,
            dashboard_body=pulumi.Output.json_dumps(dashboard_body(args)),
            opts=child(self),
        )
        self.register_outputs({"dashboardName": self.dashboard.dashboard_name})


def dashboard_args_for(
    name_prefix: str, region: str, partition: str, alarms: Mapping[str, Any], rules: Mapping[str, Any], **extra: Any
) -> PostureDashboardArgs:
    """Arguments from the deployed alarm and rule components (dicts of resources by catalog id)."""
    return PostureDashboardArgs(
        dashboard_name=f"{name_prefix}-security-posture",
        region=region,
        partition=partition,
        alarm_arns=[a.arn for a in alarms.values()],
        event_rule_names=[r.name for key, r in rules.items()],
        **extra,
    )


def posture_dashboard(
    name: str, settings: Any, alarms: Mapping[str, Any], rules: Mapping[str, Any], parent: pulumi.Resource,
    trail_log_group_name: pulumi.Input[str] | None = None, reject_regions: Sequence[str] = (), query_archive: Any = None,
) -> PostureDashboard:
    """The dashboard of a composition: its CIS alarms, its home security-event rules, its trail, its REJECT
    metric regions, its saved queries (a QueryArchive, when analytics is on)."""
    from aws_logging_baseline.components.security_alarms import REJECT_METRIC

    s = settings
    queries = (
        [SavedQueryLink(q.id, q.description, query_archive.queries[q.id].id) for q in query_archive.saved] if query_archive else []
    )
    args = dashboard_args_for(
        s.name_prefix, s.home_region, s.partition, alarms, rules,
        trail_log_group_name=trail_log_group_name,
        reject_metric=(s.cis_alarm_namespace, REJECT_METRIC) if reject_regions else None,
        reject_regions=list(reject_regions),
        saved_queries=queries,
        workgroup=query_archive.workgroup.name if query_archive else None,
    )
    return PostureDashboard(name, args, opts=child(parent))
