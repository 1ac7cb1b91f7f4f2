"""SecurityAlarms: one metric filter and one alarm per CIS monitoring control, driven by catalog/cis_alarms.yaml.

Each filter reads the trail's CloudWatch Logs group (home region) and counts matching events as 1 in the metric
`<namespace>/<metric>`; each alarm fires on a Sum >= 1 over 5 minutes and notifies the alert topic. Where Security
Hub checks the control (CloudWatch.x) the catalog pattern is Security Hub's own, character for character.

RejectSpikeAlarms: when VPC flow logs go to CloudWatch Logs, a filter on REJECT records and an alarm on their count
per region. A CloudWatch alarm can only notify an SNS topic in its own region, so alarms outside the home region
have no SNS action: their "CloudWatch Alarm State Change" events travel to the home region through the
SecurityEvents forwarding rules, and a home rule publishes them to the topic.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NotRequired, Sequence, TypedDict

import pulumi
import pulumi_aws as aws
import yaml

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.options import child

CATALOG = Path(__file__).parent / "catalog" / "cis_alarms.yaml"


@lru_cache(maxsize=1)
def alarm_parameters() -> dict:
    """Every CIS alarm's parameters (statistic, period, threshold, ...), from the catalog's `alarm` block: the
    values the CIS remediation text and Security Hub's CloudWatch.x remediation prescribe."""
    parameters = dict(yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["alarm"])
    parameters.pop("metric_value")  # the filter's, not the alarm's
    return parameters


@lru_cache(maxsize=1)  # read by every filter of every stack: parse the catalog once per process
def metric_value() -> str:
    """What a filter adds to its metric per matching event."""
    return str(yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["alarm"]["metric_value"])


REJECT_METRIC = "VpcFlowLogRejects"
DEFAULT_NAMESPACE = "CISBenchmark"
DEFAULT_REJECT_THRESHOLD = 100


@dataclass(frozen=True)
class CisAlarm:
    id: str
    title: str
    metric: str
    cis: dict[str, str]  # benchmark version -> control number
    security_hub: str | None
    source: str
    pattern: str
    note: str | None = None


@lru_cache(maxsize=1)
def load_catalog() -> tuple[CisAlarm, ...]:
    entries = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["alarms"]
    return tuple(CisAlarm(**entry) for entry in entries)


def alarm_ids() -> list[str]:
    return [alarm.id for alarm in load_catalog()]


def alarm_name(name_prefix: str, alarm: CisAlarm) -> str:
    return f"{name_prefix}-cis-{alarm.cis['1.4.0']}-{alarm.id}"


def reject_alarm_name(name_prefix: str, region: str) -> str:
    return f"{name_prefix}-vpc-flow-log-rejects-{region}"


def reject_filter_pattern(fields: Sequence[str]) -> str:
    """Space-delimited filter for a flow-log record in the given (custom) format, matching action REJECT."""
    if "action" not in fields:
        raise ValueError("flow-log records without the `action` field cannot be filtered for REJECT")
    terms = ['action="REJECT"' if f == "action" else f.replace("-", "_") for f in fields]
    return "[" + ", ".join(terms) + "]"


class SecurityAlarmsArgs(TypedDict):
    """Arguments of SecurityAlarms: the trail log group the filters read and the topic the alarms notify."""

    region: str
    """The region of the trail's CloudWatch Logs group (the home region); the alarms live there too."""
    log_group_name: pulumi.Input[str]
    """The trail's CloudWatch Logs group that every metric filter reads."""
    alarm_action_arn: pulumi.Input[str]
    """The alert topic every alarm notifies (an SNS topic in the same region)."""
    namespace: NotRequired[str]
    """CloudWatch metric namespace of the filters' metrics and the alarms. Default: CISBenchmark."""
    name_prefix: NotRequired[str]
    """Prefix of the filter and alarm names. Default: baseline."""
    disabled: NotRequired[list[str]]
    """Ids of catalog alarms (catalog/cis_alarms.yaml) switched off. Default: none."""
    tags: NotRequired[dict[str, str]]
    """Tags of every alarm. Default: none."""


class SecurityAlarms(pulumi.ComponentResource):
    """One CloudWatch metric filter and alarm per CIS monitoring control on the trail's log group."""

    filters: dict[str, aws.cloudwatch.LogMetricFilter]  # catalog id -> filter
    alarms: dict[str, aws.cloudwatch.MetricAlarm]  # catalog id -> alarm

    def __init__(self, name: str, args: SecurityAlarmsArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("SecurityAlarms", name, args, SecurityAlarmsArgs)
        super().__init__("baseline:cloudwatch:SecurityAlarms", name, None, opts)
        disabled = set(args.get("disabled", []))
        unknown = disabled - set(alarm_ids())
        if unknown:
            raise ValueError(f"SecurityAlarms {name}: unknown alarm ids {sorted(unknown)}")
        region, namespace = args["region"], args.get("namespace", DEFAULT_NAMESPACE)
        prefix, tags = args.get("name_prefix", "baseline"), args.get("tags", {})
        self.filters, self.alarms = {}, {}
        for alarm in load_catalog():
            if alarm.id in disabled:
                continue
            physical = alarm_name(prefix, alarm)
            self.filters[alarm.id] = aws.cloudwatch.LogMetricFilter(
                f"{name}-{alarm.id}-filter",
                name=physical,
                region=region,
                log_group_name=args["log_group_name"],
                pattern=alarm.pattern,
                metric_transformation={"name": alarm.metric, "namespace": namespace, "value": metric_value()},
                opts=child(self),
            )
            self.alarms[alarm.id] = aws.cloudwatch.MetricAlarm(
                f"{name}-{alarm.id}-alarm",
                name=physical,
                region=region,
                alarm_description=_description(alarm),
                metric_name=alarm.metric,
                namespace=namespace,
                alarm_actions=[args["alarm_action_arn"]],
                tags=tags,
                opts=child(self, [self.filters[alarm.id]]),
                **alarm_parameters(),
            )
        self.register_outputs({"alarmNames": {i: a.name for i, a in self.alarms.items()}})


def _description(alarm: CisAlarm) -> str:
    numbers = ", ".join(f"v{version} {number}" for version, number in alarm.cis.items())
    hub = f"; Security Hub {alarm.security_hub}" if alarm.security_hub else ""
    return f"{alarm.title} (CIS AWS Foundations {numbers}{hub})."


class RejectSpikeAlarmsArgs(TypedDict):
    """Arguments of RejectSpikeAlarms: the flow-log groups per region, their record format and the alert topic."""

    log_group_names: dict[str, pulumi.Input[str]]
    """Region -> the VPC flow-log CloudWatch Logs group in that region; one filter and alarm per region."""
    fields: list[str]
    """The flow-log record fields in format order (names without ${}); must include `action`."""
    home_region: str
    """The alert topic's region: only the alarm of this region notifies the topic directly."""
    alarm_action_arn: pulumi.Input[str]
    """The alert topic (in home_region)."""
    threshold: NotRequired[int]
    """Rejected records per 5 minutes that raise the alarm (at least 1). Default: 100."""
    namespace: NotRequired[str]
    """CloudWatch metric namespace of the REJECT metric. Default: CISBenchmark."""
    name_prefix: NotRequired[str]
    """Prefix of the filter and alarm names. Default: baseline."""
    tags: NotRequired[dict[str, str]]
    """Tags of every alarm. Default: none."""


class RejectSpikeAlarms(pulumi.ComponentResource):
    """Per region, a metric filter on rejected VPC flow-log records and an alarm on their count."""

    filters: dict[str, aws.cloudwatch.LogMetricFilter]  # region -> filter
    alarms: dict[str, aws.cloudwatch.MetricAlarm]  # region -> alarm

    def __init__(self, name: str, args: RejectSpikeAlarmsArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("RejectSpikeAlarms", name, args, RejectSpikeAlarmsArgs)
        super().__init__("baseline:cloudwatch:RejectSpikeAlarms", name, None, opts)
        threshold = args.get("threshold", DEFAULT_REJECT_THRESHOLD)
        if threshold < 1:
            raise ValueError(f"RejectSpikeAlarms {name}: threshold must be at least 1")
        pattern = reject_filter_pattern(args["fields"])
        namespace, prefix, tags = args.get("namespace", DEFAULT_NAMESPACE), args.get("name_prefix", "baseline"), args.get("tags", {})
        self.filters, self.alarms = {}, {}
        for region, group in args["log_group_names"].items():
            physical = reject_alarm_name(prefix, region)
            self.filters[region] = aws.cloudwatch.LogMetricFilter(
                f"{name}-{region}-filter",
                name=physical,
                region=region,
                log_group_name=group,
                pattern=pattern,
                metric_transformation={"name": REJECT_METRIC, "namespace": namespace, "value": "1"},
                opts=child(self),
            )
            self.alarms[region] = aws.cloudwatch.MetricAlarm(
                f"{name}-{region}-alarm",
                name=physical,
                region=region,
                alarm_description=(
                    f"More than {threshold - 1} rejected VPC flow-log records in 5 minutes in {region}: "
                    "a scan, a misconfigured security group or network ACL, or blocked exfiltration."
                ),
                metric_name=REJECT_METRIC,
                namespace=namespace,
                # Only a same-region topic can be an alarm action; other regions notify via EventBridge.
                alarm_actions=[args["alarm_action_arn"]] if region == args["home_region"] else [],
                tags=tags,
                opts=child(self, [self.filters[region]]),
                **{**alarm_parameters(), "threshold": threshold},
            )
        self.register_outputs({"alarmNames": {r: a.name for r, a in self.alarms.items()}})
