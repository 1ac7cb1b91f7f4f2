"""CIS monitoring: metric filters and alarms on the trail's log group, and alarm topics with subscribers."""

import re
from typing import Any

from .catalog import CIS_ALARMS, stack_policy
from .common import StackView, as_list, setting
from .org_context import organization_trail_coverage

TRAIL = "aws:cloudtrail/trail:Trail"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def _normalize(pattern: str) -> str:
    return re.sub(r"[\s\"]", "", pattern)


def _terms(control_id: str) -> list[str]:
    spec = CIS_ALARMS[control_id]
    return list(spec.get("terms", [])) + [f"$.eventName={event}" for event in spec.get("events", [])]


def matches(control_id: str, pattern: str) -> bool:
    """True when the filter pattern contains every term of the CIS control (a term ends at a non-alphanumeric)."""
    text = _normalize(pattern)
    return all(re.search(re.escape(term) + r"(?![A-Za-z0-9])", text) for term in _terms(control_id))


def trail_log_groups(view: StackView) -> set[str]:
    """Names of the log groups trails deliver to (from cloudWatchLogsGroupArn "...:log-group:NAME:*")."""
    names = set()
    for trail in view.of(TRAIL):
        arn = trail.props.get("cloudWatchLogsGroupArn")
        if isinstance(arn, str) and ":log-group:" in arn:
            name = arn.split(":log-group:", 1)[1]
            names.add(name[:-2] if name.endswith(":*") else name)
    return names


def _metric(filter_resource: Any) -> tuple[Any, Any]:
    transformation = filter_resource.props.get("metricTransformation") or {}
    if isinstance(transformation, list):  # older shapes: a one-element list
        transformation = transformation[0] if transformation else {}
    return transformation.get("name"), transformation.get("namespace")


def _filters_and_alarms(args, report_violation):
    if organization_trail_coverage(args):  # the alarms are on the organization trail's group (management stack)
        return
    view = StackView(args)
    groups = trail_log_groups(view)
    if not groups:
        report_violation(
            "no trail delivers to CloudWatch Logs, so no CIS metric filter can exist: set cloud_watch_logs_group_arn on the trail.",
            view.stack_urn,
        )
        return
    filters = [f for f in view.of(METRIC_FILTER) if f.props.get("logGroupName") in groups]
    alarms = view.of(METRIC_ALARM)
    problems = []
    for control_id in setting(args, "cis-metric-filters-and-alarms", "requiredAlarms"):
        title = CIS_ALARMS[control_id]["title"]
        matching = [f for f in filters if isinstance(f.props.get("pattern"), str) and matches(control_id, f.props["pattern"])]
        if not matching:
            problems.append(f"{control_id} ({title}): no metric filter with the CIS pattern")
            continue
        alarmed = any(
            (a.props.get("metricName"), a.props.get("namespace")) == _metric(f) and as_list(a.props.get("alarmActions"))
            for f in matching for a in alarms
        )
        if not alarmed:
            problems.append(f"{control_id} ({title}): filter {matching[0].name} has no alarm with an alarm action on its metric")
    if problems:
        report_violation(
            f"on log group {', '.join(sorted(groups))}: " + "; ".join(problems)
            + ". Add the LogMetricFilter and a MetricAlarm (same metric name and namespace, alarm_actions = an SNS topic).",
            view.stack_urn,
        )


def _topics_subscribed(args, report_violation):
    view = StackView(args)
    topics = {t.props.get("arn"): t for t in view.of(TOPIC) if isinstance(t.props.get("arn"), str)}
    subscribed = {s.props.get("topic") for s in view.of(SUBSCRIPTION)}
    notified: dict[str, list[str]] = {}
    for alarm in view.of(METRIC_ALARM):
        for action in as_list(alarm.props.get("alarmActions")):
            if action in topics:
                notified.setdefault(action, []).append(alarm.name)
    for arn, alarm_names in sorted(notified.items()):
        if arn not in subscribed:
            report_violation(
                f"topic {topics[arn].name} is notified by {len(alarm_names)} alarm(s) but has no subscription: "
                "add an aws.sns.TopicSubscription (e.g. protocol email) and confirm it.",
                topics[arn].urn,
            )


POLICIES = [
    stack_policy("cis-metric-filters-and-alarms", _filters_and_alarms),
    stack_policy("alarm-topic-has-confirmed-subscription", _topics_subscribed),
]
