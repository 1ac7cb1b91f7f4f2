"""Querying the archive: Athena workgroups that enforce encrypted, bounded queries into an expiring results
bucket, and posture dashboards that show every CIS alarm the stack deploys."""

import json
from typing import Any, Mapping

from .alarm_semantics import control_ids, is_reference_pattern, metric_of
from .alarms import METRIC_ALARM, METRIC_FILTER, trail_log_groups
from .catalog import stack_policy
from .common import StackView, as_list

WORKGROUP = "aws:athena/workgroup:Workgroup"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
LIFECYCLE = ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
             "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
KMS_OPTIONS = ("SSE_KMS", "CSE_KMS")


def _one(value: Any) -> Mapping:
    """A nested block as a dict (older shapes send a one-element list)."""
    if isinstance(value, list):
        value = value[0] if value else {}
    return value if isinstance(value, Mapping) else {}


def _expiring_buckets(view: StackView) -> set[str]:
    names = set()
    for lifecycle in view.of(*LIFECYCLE):
        rules = [r for r in as_list(lifecycle.props.get("rules")) if isinstance(r, Mapping)]
        if any(r.get("status") == "Enabled" and _one(r.get("expiration")).get("days") for r in rules):
            names.add(lifecycle.props.get("bucket"))
    return names


def _workgroup_problems(workgroup: Any, buckets: set[str], expiring: set[str]) -> list[str]:
    config = _one(workgroup.props.get("configuration"))
    results = _one(config.get("resultConfiguration"))
    encryption = _one(results.get("encryptionConfiguration"))
    problems = []
    if config.get("enforceWorkgroupConfiguration") is False:
        problems.append("enforceWorkgroupConfiguration is false (clients could send results anywhere, unencrypted): set it to true")
    option, key = encryption.get("encryptionOption"), encryption.get("kmsKeyArn")
    if option not in KMS_OPTIONS or not key or str(key).endswith("alias/aws/s3"):
        problems.append(f"results are encrypted with {option or 'nothing'}{'' if key else ' and no key'}: "
                        "set encryption_configuration to SSE_KMS with a customer managed kms_key_arn")
    if not config.get("bytesScannedCutoffPerQuery"):
        problems.append("no bytesScannedCutoffPerQuery: set a per-query scan limit so a query without a partition filter is cancelled")
    location = results.get("outputLocation")
    bucket = location[len("s3://"):].split("/", 1)[0] if isinstance(location, str) and location.startswith("s3://") else None
    if bucket is None:
        problems.append("no resultConfiguration.outputLocation: set it to s3://<results bucket>/")
    elif bucket not in buckets:
        problems.append(f"results bucket {bucket} is not in this stack, so its protections cannot be proven: create it here (SecureBucket)")
    elif bucket not in expiring:
        problems.append(f"results bucket {bucket} has no enabled lifecycle rule with an expiration: expire query results")
    return problems


def _workgroups(args, report_violation):
    view = StackView(args)
    buckets = {b.props.get("bucket") for b in view.of(*BUCKETS)}
    expiring = _expiring_buckets(view)
    for workgroup in view.of(WORKGROUP):
        problems = _workgroup_problems(workgroup, buckets, expiring)
        if problems:
            report_violation(f"Athena workgroup {workgroup.name}: " + "; ".join(problems) + ".", workgroup.urn)


def _cis_alarm_arns(view: StackView) -> dict[str, str]:
    """ARN -> name of every alarm on the metric of a CIS metric filter on a trail's log group."""
    groups = trail_log_groups(view)
    metrics = {
        metric_of(f)[:2] for f in view.of(METRIC_FILTER)
        if f.props.get("logGroupName") in groups
        and any(is_reference_pattern(control, f.props.get("pattern")) for control in control_ids())
    }
    return {
        a.props["arn"]: a.name for a in view.of(METRIC_ALARM)
        if (a.props.get("metricName"), a.props.get("namespace")) in metrics and isinstance(a.props.get("arn"), str)
    }


def _dashboard_alarms(dashboard: Any) -> set[str]:
    body = dashboard.props.get("dashboardBody")
    try:
        widgets = json.loads(body).get("widgets", []) if isinstance(body, str) else []
    except (TypeError, ValueError, AttributeError):
        return set()
    return {arn for w in widgets if isinstance(w, Mapping) and w.get("type") == "alarm"
            for arn in as_list(_one(w.get("properties")).get("alarms"))}


def _dashboard_covers_alarms(args, report_violation):
    view = StackView(args)
    dashboards = view.of(DASHBOARD)
    if not dashboards:
        return  # no dashboard in this stack: nothing to cover (baseline:dashboard false, or another stack's)
    shown = set().union(*(_dashboard_alarms(d) for d in dashboards))
    missing = sorted(name for arn, name in _cis_alarm_arns(view).items() if arn not in shown)
    if missing:
        report_violation(
            f"{len(missing)} CIS alarm(s) are on no dashboard's alarm widget: {', '.join(missing)}. Add their ARNs to an "
            "alarm widget (PostureDashboard builds it from the deployed alarms).",
            dashboards[0].urn,
        )


POLICIES = [
    stack_policy("athena-workgroup-enforced-encrypted", _workgroups),
    stack_policy("dashboard-shows-every-cis-alarm", _dashboard_covers_alarms),
]
