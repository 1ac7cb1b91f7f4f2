"""Read-only live audit of an AWS account against the logging & monitoring baseline (`pulumi-baseline audit`).

Data flow: AwsContext (credentials, clients) -> tasks (account-wide groups + one per region) -> runner (thread
pool) -> findings -> report (text, JSON, SARIF).
"""

import threading
import time
from dataclasses import dataclass, field

from aws_logging_baseline.audit.checks import aws_config, cis_alarms, flow_logs, inspector
from aws_logging_baseline.audit.checks.archive_bucket import BUCKET_CONTROLS, bucket_region, check_bucket, no_bucket
from aws_logging_baseline.audit.checks.aws_config import check_config
from aws_logging_baseline.audit.checks.cis_alarms import check_cis_alarms, no_log_group
from aws_logging_baseline.audit.checks.cloudtrail import TRAIL_CONTROLS, check_trail, find_trails
from aws_logging_baseline.audit.checks.detective import AGGREGATION as AGGREGATION_CONTROL, ANALYZER, GUARDDUTY, SECURITY_HUB
from aws_logging_baseline.audit.checks.detective import check_aggregation, check_detective_services
from aws_logging_baseline.audit.checks.flow_logs import check_flow_logs
from aws_logging_baseline.audit.checks.guard import guarded
from aws_logging_baseline.audit.checks.iam import REPORT_CONTROLS, check_iam
from aws_logging_baseline.audit.checks.inspector import check_inspector
from aws_logging_baseline.audit.checks.kms import CONTROL as KMS_CONTROL, check_key
from aws_logging_baseline.audit.checks.tamper import (
    DATA_EVENTS_CONTROL, ERASURE_CONTROL, EVENTS_CONTROL, check_archive_data_events, check_erasure_denied, check_tamper_events, no_trail_for_data_events, tamper_calls,
)
from aws_logging_baseline.audit.controls import CONTROLS
from aws_logging_baseline.audit.findings import GLOBAL, Finding, unknown
from aws_logging_baseline.audit.regions import enabled_regions
from aws_logging_baseline.audit.runner import Task, run_tasks
from aws_logging_baseline.audit.session import AwsContext, ClientHook
from aws_logging_baseline.errors import UserError

DEFAULT_WORKERS = 16
DEFAULT_DEADLINE = 300.0  # seconds for the whole audit; --deadline
TRAIL_GROUP_CONTROLS = [*TRAIL_CONTROLS, *BUCKET_CONTROLS, KMS_CONTROL, cis_alarms.CONTROL, cis_alarms.TOPIC_CONTROL,
                        ERASURE_CONTROL, DATA_EVENTS_CONTROL, EVENTS_CONTROL]
IAM_CONTROLS = [*REPORT_CONTROLS, "iam-password-policy"]
REGIONAL_CONTROLS = [aws_config.RECORDER, aws_config.CHANNEL, flow_logs.CONTROL, inspector.CONTROL, GUARDDUTY, SECURITY_HUB, ANALYZER]


@dataclass
class AuditOptions:
    profile: str | None = None
    regions: list[str] | None = None  # None: every enabled region
    endpoint_url: str | None = None
    archive_buckets: list[str] = field(default_factory=list)  # beyond the trail's bucket (e.g. an org trail's)
    log_keys: list[str] = field(default_factory=list)  # beyond the trail's and the bucket's keys
    workers: int = DEFAULT_WORKERS
    progress: bool = False
    hooks: list[ClientHook] = field(default_factory=list)
    deadline: float | None = DEFAULT_DEADLINE  # seconds for the whole run; None: no limit


@dataclass
class AuditReport:
    account_id: str
    regions: list[str]
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        return {status: sum(f.status == status for f in self.findings) for status in ("pass", "fail", "unknown")}


def _unique(items) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _trail_group(ctx: AwsContext, options: AuditOptions, regions: list[str]) -> list[Finding]:
    """CloudTrail first: its bucket, key and log group are what the archive, KMS and CIS checks look at."""
    found: list = []
    looked_up: list[bool] = []

    def trail_findings() -> list[Finding]:
        found.extend(find_trails(ctx))
        looked_up.append(True)
        return check_trail(found[0] if found else None)

    findings = guarded(TRAIL_CONTROLS, GLOBAL, "account", trail_findings)
    trail = found[0] if found else None
    # "There is no trail" is a verdict only when the trails could be listed; otherwise what hangs on the trail
    # (its log group's alarms) cannot be checked.
    trail_reason = next((f.message for f in findings if f.status == "unknown"), "") if not looked_up else ""
    description = trail.description if trail else {}
    buckets = _unique([description.get("S3BucketName"), *options.archive_buckets])
    keys = [description.get("KmsKeyId"), *options.log_keys]
    if not buckets:
        findings += no_bucket([*BUCKET_CONTROLS, ERASURE_CONTROL])
    for bucket in buckets:
        bucket_findings, bucket_keys = check_bucket(ctx, bucket)
        findings += bucket_findings
        keys += bucket_keys
        findings += guarded([ERASURE_CONTROL], GLOBAL, f"arn:aws:s3:::{bucket}",
                            lambda bucket=bucket: check_erasure_denied(ctx, bucket, bucket_region(ctx, bucket)))
    findings.append(check_archive_data_events(trail.arn, trail.selectors, buckets[0]) if trail and buckets
                    else no_trail_for_data_events())
    home = description.get("HomeRegion") or ctx.home_region
    for key in _unique(keys):
        findings += check_key(ctx, key, home)
    if not _unique(keys):
        findings.append(unknown(KMS_CONTROL, GLOBAL, "account", "no log key found: the trail and the archive bucket "
                                                                "name no KMS key (or pass --log-key)"))
    if trail_reason:
        findings += [unknown(control, GLOBAL, "account", f"{trail_reason} (the trail names the log group)")
                     for control in (cis_alarms.CONTROL, cis_alarms.TOPIC_CONTROL)]
    elif description.get("CloudWatchLogsLogGroupArn"):
        findings += check_cis_alarms(ctx, description["CloudWatchLogsLogGroupArn"])
    else:
        findings += no_log_group("the trail sends no events to CloudWatch Logs" if trail else "there is no trail")
    # Tamper events are probed per region with the names found above (the trail, archive, log group, log key).
    log_group_arn = description.get("CloudWatchLogsLogGroupArn") or ""
    calls = tamper_calls(trail.arn if trail else None, buckets[0] if buckets else None,
                         log_group_arn.split(":log-group:", 1)[1].removesuffix(":*") if log_group_arn else None,
                         (_unique(keys) or [None])[0])
    for region in regions:
        findings += check_tamper_events(ctx, region, calls)
    return findings


def _region(ctx: AwsContext, region: str) -> list[Finding]:
    return (check_config(ctx, region) + check_flow_logs(ctx, region) + check_inspector(ctx, region)
            + check_detective_services(ctx, region))


def _order(finding: Finding) -> tuple:
    return (list(CONTROLS).index(finding.control), finding.region != GLOBAL, finding.region, finding.resource)


def _unknown_all(controls: list[str], region: str, resource: str):
    return lambda why: [unknown(control, region, resource, why) for control in controls]


def _within(deadline: float | None, what: str, call):
    """`call()` on a daemon thread, waited for until the deadline: the credential check and the region listing
    come before any finding exists, so a deadline passing there is an error (exit 2), not an empty report."""
    if deadline is None:
        return call()
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="audit-setup", daemon=True)
    worker.start()
    while worker.is_alive() and time.monotonic() < deadline:
        worker.join(timeout=min(0.2, max(0.0, deadline - time.monotonic())))  # short waits: Ctrl-C at once
    if worker.is_alive():
        raise UserError(f"--deadline: no answer while {what} before the deadline; nothing was audited")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def run_audit(options: AuditOptions) -> AuditReport:
    deadline = time.monotonic() + options.deadline if options.deadline is not None else None
    ctx = _within(deadline, "confirming the credentials (sts GetCallerIdentity)",
                  lambda: AwsContext(options.profile, options.endpoint_url, options.hooks))
    regions = options.regions or _within(deadline, "listing the enabled regions (ec2 DescribeRegions)",
                                         lambda: enabled_regions(ctx))
    tasks = {"CloudTrail, archive bucket, keys, alarms, tamper events": Task(lambda: _trail_group(ctx, options, list(regions)),
                                                                             _unknown_all(TRAIL_GROUP_CONTROLS, GLOBAL, "account")),
             "IAM": Task(lambda: check_iam(ctx), _unknown_all(IAM_CONTROLS, GLOBAL, "account")),
             "Security Hub aggregation": Task(lambda: check_aggregation(ctx, list(regions)),
                                              _unknown_all([AGGREGATION_CONTROL], ctx.home_region, "account"))}
    for region in regions:
        tasks[region] = Task(lambda region=region: _region(ctx, region), _unknown_all(REGIONAL_CONTROLS, region, region))
    findings = run_tasks(tasks, options.workers, options.progress, deadline)
    return AuditReport(ctx.account_id, list(regions), sorted(findings, key=_order))
