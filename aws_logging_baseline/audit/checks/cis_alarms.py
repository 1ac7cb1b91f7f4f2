"""CIS monitoring: metric filters on the trail's log group, alarms on their metrics with an SNS action, and a
confirmed subscription on every topic those alarms notify. One finding per CIS control (4.1-4.15)."""

from aws_logging_baseline.audit.checks.guard import guarded
from aws_logging_baseline.audit.cis_filters import CIS_CONTROLS, CisControl, covers
from aws_logging_baseline.audit.findings import GLOBAL, Finding, failed, passed

CONTROL = "cis-metric-filters-and-alarms"
TOPIC_CONTROL = "alarm-topic-has-confirmed-subscription"


def _label(cis: CisControl) -> str:
    return f"CIS {cis.number} {cis.title}"


def no_log_group(reason: str) -> list[Finding]:
    return ([failed(CONTROL, GLOBAL, "account", f"{_label(cis)}: not monitored, {reason}") for cis in CIS_CONTROLS]
            + [failed(TOPIC_CONTROL, GLOBAL, "account", f"no CIS alarm topic, {reason}")])


def _evaluate(cis: CisControl, log_group: str, filters: list[dict], alarms: dict) -> tuple[Finding, set[str]]:
    matching = [f for f in filters if covers(f.get("filterPattern", ""), cis)]
    if not matching:
        return failed(CONTROL, GLOBAL, log_group, f"{_label(cis)}: no metric filter on the log group covers it; "
                                                  "add the CIS filter pattern and an alarm"), set()
    alarmed = [a for f in matching for m in f.get("metricTransformations", [])
               for a in alarms.get((m.get("metricNamespace"), m.get("metricName")), [])]
    if not alarmed:
        return failed(CONTROL, GLOBAL, log_group, f"{_label(cis)}: filter {matching[0]['filterName']} has no alarm "
                                                  "on its metric; add one"), set()
    topics = {action for alarm in alarmed for action in alarm.get("AlarmActions", []) if ":sns:" in action}
    if not topics:
        return failed(CONTROL, GLOBAL, log_group, f"{_label(cis)}: alarm {alarmed[0]['AlarmName']} has no SNS "
                                                  "action; add the alarm topic as an alarm action"), set()
    return passed(CONTROL, GLOBAL, log_group, f"{_label(cis)}: filter {matching[0]['filterName']}, "
                                              f"alarm {alarmed[0]['AlarmName']}"), topics


def _topic(ctx, topic_arn: str) -> list[Finding]:
    sns = ctx.client("sns", topic_arn.split(":")[3])
    subscriptions = [s for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn)
                     for s in page["Subscriptions"]]
    # Unconfirmed subscriptions carry the placeholder "PendingConfirmation" instead of an ARN.
    confirmed = [s for s in subscriptions if s.get("SubscriptionArn", "").startswith("arn:")]
    if confirmed:
        return [passed(TOPIC_CONTROL, GLOBAL, topic_arn, f"{len(confirmed)} confirmed subscription(s)")]
    return [failed(TOPIC_CONTROL, GLOBAL, topic_arn, f"{len(subscriptions)} subscription(s), none confirmed; "
                                                     "subscribe an endpoint and confirm it")]


def check_cis_alarms(ctx, log_group_arn: str) -> list[Finding]:
    # arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]
    parts = log_group_arn.split(":")
    region, name = parts[3], parts[6]
    resource = ":".join(parts[:7])

    def run() -> list[Finding]:
        logs, cloudwatch = ctx.client("logs", region), ctx.client("cloudwatch", region)
        filters = [f for page in logs.get_paginator("describe_metric_filters").paginate(logGroupName=name)
                   for f in page["metricFilters"]]
        alarms: dict[tuple[str, str], list[dict]] = {}
        for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]):
            for alarm in page["MetricAlarms"]:
                alarms.setdefault((alarm.get("Namespace"), alarm.get("MetricName")), []).append(alarm)
        findings, topics = [], set()
        for cis in CIS_CONTROLS:
            finding, used = _evaluate(cis, resource, filters, alarms)
            findings.append(finding)
            topics |= used
        if not topics:
            findings.append(failed(TOPIC_CONTROL, GLOBAL, resource, "no CIS alarm notifies an SNS topic; "
                                                                    "add a topic with a confirmed subscription"))
        for topic in sorted(topics):
            findings.extend(guarded([TOPIC_CONTROL], GLOBAL, topic, lambda t=topic: _topic(ctx, t)))
        return findings

    return guarded([CONTROL, TOPIC_CONTROL], GLOBAL, resource, run)
