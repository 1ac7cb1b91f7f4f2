"""CIS monitoring: metric filters and alarms on the trail's log group (judged by alarm_semantics.py), and alarm
topics with subscribers."""

from .alarm_semantics import control_problem, title
from .catalog import stack_policy
from .common import StackView, as_list, setting
from .org_context import organization_trail_coverage

TRAIL = "aws:cloudtrail/trail:Trail"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def trail_log_groups(view: StackView) -> set[str]:
    """Names of the log groups trails deliver to (from cloudWatchLogsGroupArn "...:log-group:NAME:*")."""
    names = set()
    for trail in view.of(TRAIL):
        arn = trail.props.get("cloudWatchLogsGroupArn")
        if isinstance(arn, str) and ":log-group:" in arn:
            name = arn.split(":log-group:", 1)[1]
            names.add(name[:-2] if name.endswith(":*") else name)
    return names


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
    topic_arns = {t.props["arn"] for t in view.of(TOPIC) if isinstance(t.props.get("arn"), str)}
    alert_topic = view.outputs.get("alertTopicArn")
    if isinstance(alert_topic, str) and alert_topic in topic_arns:  # the stack names its alert topic: that one
        topic_arns = {alert_topic}
    problems = []
    for control_id in setting(args, "cis-metric-filters-and-alarms", "requiredAlarms"):
        problem = control_problem(control_id, filters, alarms, topic_arns)
        if problem:
            problems.append(f"{control_id} ({title(control_id)}): {problem}")
    if problems:
        report_violation(
            f"on log group {', '.join(sorted(groups))}: " + "; ".join(problems)
            + ". Use the SecurityAlarms component, or a LogMetricFilter with the reference pattern and metric value 1 "
            "and a MetricAlarm on its metric (Sum, 300 s, >= 1, one period, actions enabled, alarm_actions = this "
            "stack's alert topic).",
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
