"""Read-only live audit of an AWS account against the logging & monitoring baseline (`pulumi-baseline audit`).

Data flow: AwsContext (credentials, clients) -> tasks (account-wide groups + one per region) -> runner (thread
pool) -> findings -> report (text, JSON, SARIF).
"""

from dataclasses import dataclass, field

from aws_logging_baseline.audit.checks.archive_bucket import bucket_region, check_bucket, no_bucket
from aws_logging_baseline.audit.checks.aws_config import check_config
from aws_logging_baseline.audit.checks.cis_alarms import check_cis_alarms, no_log_group
from aws_logging_baseline.audit.checks.cloudtrail import TRAIL_CONTROLS, check_trail, find_trails
from aws_logging_baseline.audit.checks.detective import check_aggregation, check_detective_services
from aws_logging_baseline.audit.checks.flow_logs import check_flow_logs
from aws_logging_baseline.audit.checks.guard import guarded
from aws_logging_baseline.audit.checks.iam import check_iam
from aws_logging_baseline.audit.checks.inspector import check_inspector
from aws_logging_baseline.audit.checks.kms import CONTROL as KMS_CONTROL, check_key
from aws_logging_baseline.audit.checks.tamper import (
    ERASURE_CONTROL, check_archive_data_events, check_erasure_denied, check_tamper_events, no_trail_for_data_events, tamper_calls,
)
from aws_logging_baseline.audit.controls import CONTROLS
from aws_logging_baseline.audit.findings import GLOBAL, Finding, unknown
from aws_logging_baseline.audit.regions import enabled_regions
from aws_logging_baseline.audit.runner import run_tasks
from aws_logging_baseline.audit.session import AwsContext, ClientHook

DEFAULT_WORKERS = 16


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

    def trail_findings() -> list[Finding]:
        found.extend(find_trails(ctx))
        return check_trail(found[0] if found else None)

    findings = guarded(TRAIL_CONTROLS, GLOBAL, "account", trail_findings)
    trail = found[0] if found else None
    description = trail.description if trail else {}
    buckets = _unique([description.get("S3BucketName"), *options.archive_buckets])
    keys = [description.get("KmsKeyId"), *options.log_keys]
    if not buckets:
        findings += no_bucket()
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
    if description.get("CloudWatchLogsLogGroupArn"):
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


def run_audit(options: AuditOptions) -> AuditReport:
    ctx = AwsContext(options.profile, options.endpoint_url, options.hooks)
    regions = options.regions or enabled_regions(ctx)
    tasks = {"CloudTrail, archive bucket, keys, alarms, tamper events": lambda: _trail_group(ctx, options, list(regions)),
             "IAM": lambda: check_iam(ctx),
             "Security Hub aggregation": lambda: check_aggregation(ctx, list(regions))}
    for region in regions:
        tasks[region] = lambda region=region: _region(ctx, region)
    findings = run_tasks(tasks, options.workers, options.progress)
    return AuditReport(ctx.account_id, list(regions), sorted(findings, key=_order))
