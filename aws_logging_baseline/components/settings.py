"""Typed, validated settings from stack config (namespace `baseline`).

Every setting is one dataclass field whose metadata carries its config key, type and description; Pulumi.yaml
declares the same keys (a test keeps the two identical). `load_settings` reads them all, then runs every
check and raises one `SettingsError` listing each problem by key, before any resource is registered.
"""

import json
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Mapping

import pulumi

from aws_logging_baseline.components.regions import default_enabled_regions, partition_of
from aws_logging_baseline.components.tag_rules import tag_problems
from aws_logging_baseline.echo import echo
from aws_logging_baseline.components.regional_settings import check_config, check_flow_logs, check_inspector, default_flow_log_fields
from aws_logging_baseline.components.analytics_settings import check_analytics
from aws_logging_baseline.components.detective_settings import check_detective_services

NAMESPACE = "baseline"

# CloudWatch Logs accepts only these retention values (PutRetentionPolicy).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
ROLES = ("standalone", "log-archive", "management", "security", "member")
ORG_ROLES = ROLES[1:]
OBJECT_LOCK_MODES = ("GOVERNANCE", "COMPLIANCE")
STORAGE_CLASSES = ("STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
_ACCOUNT_ID = re.compile(r"[0-9]{12}\Z")  # ASCII digits; \Z, not $ (which matches before a trailing newline)
MAX_PROBLEM_LINE = 300  # characters of one problem line (values are echoed cut; this bounds the rest)


class SettingsError(pulumi.RunError):
    """All stack-config problems at once; each line names its key. Pulumi prints a RunError without a traceback."""

    def __init__(self, problems: list[str]):
        self.problems = [p if len(p) <= MAX_PROBLEM_LINE else f"{p[:MAX_PROBLEM_LINE]}... ({len(p)} characters)"
                         for p in problems]
        super().__init__("\n".join(self.problems))


def setting(type_: str, default: Any, description: str, items: str | None = None) -> Any:
    """A settings field: its config key is `baseline:<fieldName in camelCase>`."""
    meta = {"type": type_, "description": description, "items": items}
    if isinstance(default, (list, tuple)):
        return field(default_factory=lambda: tuple(default), metadata=meta)
    return field(default=default, metadata=meta)


def config_key(field_name: str) -> str:
    head, *rest = field_name.split("_")
    return NAMESPACE + ":" + head + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True)
class Settings:
    # --- where ---------------------------------------------------------------------------------------
    role: str = setting(
        "string",
        "standalone",
        "What this stack is in the organization: standalone (one account on its own), log-archive, management, security or member.",
    )
    name_prefix: str = setting("string", "baseline", "Prefix of every physical name (buckets, trail, log groups, keys' aliases).")
    home_region: str = setting("string", "us-east-1", "Region of the trail, the archive bucket and the alert topic.")
    regions: tuple[str, ...] = setting(
        "array", default_enabled_regions(), "Regions to cover (recording, flow logs, events); must include homeRegion.", "string"
    )
    replica_region: str = setting("string", "us-west-2", "Region of the archive's cross-region replica; must differ from homeRegion.")
    # --- retention -----------------------------------------------------------------------------------
    log_retention_days: int = setting(
        "integer", 365, "Retention of every CloudWatch Logs group; a value CloudWatch Logs accepts, at least 365 unless allowShortLogRetention."
    )
    allow_short_log_retention: bool = setting("boolean", False, "Allow logRetentionDays below 365 (sandboxes only; CIS expects a year).")
    archive_transition_days: int = setting("integer", 90, "Days before archived logs move to archiveTransitionStorageClass.")
    archive_transition_storage_class: str = setting(
        "string", "GLACIER_IR", "Storage class for archived logs after archiveTransitionDays (STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE)."
    )
    archive_expiration_days: int = setting(
        "integer", 0, "Days after which archived logs expire; 0 keeps them forever. Must exceed objectLockDays and archiveTransitionDays."
    )
    archive_noncurrent_expiration_days: int = setting("integer", 365, "Days a replaced or deleted log version is kept before it expires.")
    access_log_expiration_days: int = setting("integer", 365, "Days S3 server access logs of the archive are kept.")
    # --- tamper resistance ---------------------------------------------------------------------------
    object_lock_enabled: bool = setting("boolean", True, "Enable S3 Object Lock on the archive and its replica (only at bucket creation).")
    object_lock_mode: str = setting("string", "GOVERNANCE", "Default Object Lock retention mode: GOVERNANCE or COMPLIANCE (COMPLIANCE cannot be shortened by anyone).")
    object_lock_days: int = setting("integer", 365, "Default Object Lock retention in days (1 to 36500).")
    protect_resources: bool = setting(
        "boolean", True, "Mark log buckets and keys protect and retainOnDelete so `pulumi destroy` cannot remove them; turn off only in sandboxes."
    )
    # --- replication ---------------------------------------------------------------------------------
    replica_account_id: str = setting(
        "string", "", "Replicate to a bucket in this other account instead of one created here (empty: same account, off by default)."
    )
    replica_bucket_name: str = setting("string", "", "With replicaAccountId: name of the destination bucket in that account.")
    replica_kms_key_arn: str = setting("string", "", "With replicaAccountId: ARN of the destination bucket's KMS key in that account.")
    # --- trail options (cost) -----------------------------------------------------------------------
    trail_s3_data_events: bool = setting("boolean", False, "Log S3 object-level data events for all buckets (extra CloudTrail cost).")
    trail_lambda_data_events: bool = setting("boolean", False, "Log Lambda invoke data events for all functions (extra CloudTrail cost).")
    trail_insights: bool = setting("boolean", False, "Enable CloudTrail Insights on API call and error rates (extra cost).")
    # --- regional coverage: VPC Flow Logs, AWS Config, Inspector (issue 3) ---------------------------
    flow_log_traffic_type: str = setting(
        "string", "REJECT", "Traffic the VPC flow logs capture: REJECT (the CIS minimum, cheapest), ALL or ACCEPT."
    )
    flow_log_destination: str = setting(
        "string", "s3", "Where flow logs go: s3 (the archive bucket) or cloud-watch-logs (a KMS-encrypted log group per region)."
    )
    flow_log_file_format: str = setting(
        "string", "parquet", "File format of flow logs delivered to S3 (Hive-compatible partitions): parquet or plain-text."
    )
    flow_log_max_aggregation_interval: int = setting("integer", 600, "Flow log aggregation interval in seconds: 600 or 60.")
    flow_log_fields: tuple[str, ...] = setting(
        "array", default_flow_log_fields(), "Flow log record fields (custom format, names without ${}), each a documented field name.", "string"
    )
    flow_log_vpc_ids: tuple[str, ...] = setting(
        "array", [], "VPCs to log as REGION:VPC_ID; empty: every VPC of every region, read from the account.", "string"
    )
    config_recording_frequency: str = setting("string", "CONTINUOUS", "AWS Config recording frequency: CONTINUOUS or DAILY (cheaper, less timely).")
    config_snapshot_frequency: str = setting(
        "string", "TwentyFour_Hours", "Configuration snapshot delivery: One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours."
    )
    config_sns_topic_arn: str = setting("string", "", "SNS topic for AWS Config notifications from every region (empty: none).")
    config_service_linked_role_exists: bool = setting(
        "boolean", False, "AWSServiceRoleForConfig already exists in the account: use it instead of creating it."
    )
    config_rule_frequency: str = setting(
        "string", "TwentyFour_Hours", "How often periodic Config rules run: One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours."
    )
    config_rules_disabled: tuple[str, ...] = setting("array", [], "Config rules (catalog names) not to deploy.", "string")
    config_rule_parameters: tuple[str, ...] = setting(
        "array", [], "Config rule parameter overrides as rule-name.parameterName=value.", "string"
    )
    config_required_tags: tuple[str, ...] = setting(
        "array", ["Owner", "CostCenter"], "Tags the required-tags rule demands, as Key or Key=value1,value2 (1 to 6).", "string"
    )
    config_restricted_ports: tuple[int, ...] = setting(
        "array", [20, 21, 3389, 3306, 4333], "TCP ports the restricted-common-ports rule forbids from anywhere (1 to 5).", "integer"
    )
    config_remediation_rules: tuple[str, ...] = setting(
        "array", [], "Rules whose findings are remediated automatically with AWS-owned SSM Automation runbooks (off by default).", "string"
    )
    inspector_enabled: bool = setting("boolean", True, "Enable Amazon Inspector (inspector2) in every region.")
    inspector_resource_types: tuple[str, ...] = setting(
        "array", ["EC2", "ECR", "LAMBDA"], "Resource types Inspector scans: EC2, ECR, LAMBDA, LAMBDA_CODE, CODE_REPOSITORY.", "string"
    )
    # --- detection: alert topic, CIS alarms, security events (issue 4) -------------------------------
    alert_emails: tuple[str, ...] = setting(
        "array", [], "E-mail addresses subscribed to the alert topic; a deployment needs at least one (or an alertHttpsEndpoints entry).", "string"
    )
    alert_https_endpoints: tuple[str, ...] = setting(
        "array", [], "Optional https:// endpoints (chat or paging webhooks) subscribed to the alert topic.", "string"
    )
    cis_alarm_namespace: str = setting("string", "CISBenchmark", "CloudWatch metric namespace of the CIS metric filters and alarms.")
    disabled_cis_alarms: tuple[str, ...] = setting(
        "array", [], "Ids of CIS alarms to switch off (aws_logging_baseline/components/catalog/cis_alarms.yaml), e.g. organizations-changes.", "string"
    )
    flow_log_reject_alarm_threshold: int = setting(
        "integer", 100, "Rejected flow-log records per 5 minutes that raise the REJECT-spike alarm (flow logs in CloudWatch Logs only); 0 switches it off."
    )
    disabled_security_events: tuple[str, ...] = setting(
        "array", [], "Ids of security-event rules to switch off (aws_logging_baseline/components/catalog/security_events.yaml), e.g. instance-state-changes.", "string"
    )
    instance_state_alert_states: tuple[str, ...] = setting(
        "array", ["stopped", "terminated"], "EC2 instance states that raise an alert (pending, running, shutting-down, stopping, stopped, terminated); empty switches the rule off.", "string"
    )
    security_events_schedule: str = setting(
        "string", "", "Optional schedule of a heartbeat alert proving delivery works: rate(N minutes|hours|days) or cron(6 fields), at least one minute; empty: none."
    )
    # --- organization (roles other than standalone; docs/org-rollout.md) ----------------------------
    organization_id: str = setting("string", "", "AWS Organization id (o-...); required by every role except standalone.")
    management_account_id: str = setting(
        "string", "", "The organization's management account id; required by roles log-archive, management and security."
    )
    security_account_id: str = setting(
        "string", "", "Delegated administrator account for Config, Inspector (and CloudTrail); required by roles management and security."
    )
    log_archive_stack: str = setting(
        "string", "", "StackReference name (org/project/stack) of the log-archive stack; member, management and security stacks read its bucket and key."
    )
    log_archive_bucket: str = setting("string", "", "Instead of logArchiveStack: name of the organization's log-archive bucket.")
    log_archive_key_arn: str = setting("string", "", "Instead of logArchiveStack: ARN of the log-archive bucket's KMS key.")
    org_trail_exists: bool = setting(
        "boolean", True, "Members: an organization trail covers this account, so the member creates no trail of its own."
    )
    delegate_cloudtrail_admin: bool = setting(
        "boolean", False, "Management: also register securityAccountId as CloudTrail delegated administrator."
    )
    # --- analytics: query-ready archive, saved investigations, posture dashboard (issue 16, docs/analytics.md)
    analytics: bool = setting(
        "boolean", True, "Athena workgroup, results bucket, Glue database and partition-projected tables over the archive (home region), with the saved queries."
    )
    athena_bytes_scanned_cutoff: int = setting(
        "integer", 10737418240, "Most bytes one Athena query of the workgroup may scan before Athena cancels it (at least 10485760, i.e. 10 MB)."
    )
    disabled_queries: tuple[str, ...] = setting(
        "array", [], "Ids of saved queries to leave out (aws_logging_baseline/components/catalog/saved_queries.yaml), e.g. top-rejected-flows.", "string"
    )
    analytics_account_ids: tuple[str, ...] = setting(
        "array", [], "Role log-archive: the organization's account ids the tables project (the account partition); add an account when it joins.", "string"
    )
    log_streaming: bool = setting(
        "boolean", False, "Stream the trail's CloudWatch Logs group through Firehose to logStreamingOpensearchDomainArn or logStreamingHttpEndpointUrl (cost: docs/analytics.md)."
    )
    log_streaming_opensearch_domain_arn: str = setting("string", "", "With logStreaming: the OpenSearch domain (ARN, home region) that receives the trail's events.")
    log_streaming_opensearch_index: str = setting("string", "cloudtrail", "With an OpenSearch destination: the index name (rotated daily).")
    log_streaming_http_endpoint_url: str = setting("string", "", "With logStreaming: instead of OpenSearch, an https:// endpoint (a SIEM's HTTP collector) that receives the events.")
    dashboard: bool = setting(
        "boolean", True, "One CloudWatch posture dashboard in the home region: CIS alarms, security-event rules, trail and Config health, links to the saved queries."
    )
    # --- detective services: GuardDuty, Security Hub, IAM Access Analyzer (issue 18; docs/detective-services.md) --
    guard_duty_enabled: bool = setting(
        "boolean", True, "Enable GuardDuty in every region (standalone; in an organization the security account runs it for all accounts)."
    )
    guard_duty_finding_publishing_frequency: str = setting(
        "string", "FIFTEEN_MINUTES", "How often updated GuardDuty findings are published: FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."
    )
    guard_duty_protection_plans: tuple[str, ...] = setting(
        "array",
        ["eks-audit-logs", "ebs-malware-protection", "rds-login-events", "lambda-network-logs"],
        "GuardDuty protection plans to enable: s3-data-events, eks-audit-logs, runtime-monitoring, ebs-malware-protection, rds-login-events, lambda-network-logs.",
        "string",
    )
    guard_duty_export_findings: bool = setting(
        "boolean", True, "Export GuardDuty findings to the log archive (prefix guardduty/) encrypted with the archive key."
    )
    security_hub_enabled: bool = setting(
        "boolean", True, "Enable Security Hub CSPM in every region with cross-region aggregation into homeRegion."
    )
    security_hub_standards: tuple[str, ...] = setting(
        "array",
        ["cis-aws-foundations-benchmark-v5.0.0", "aws-foundational-security-best-practices-v1.0.0"],
        "Security Hub standards to enable (ids in aws_logging_baseline/components/catalog/detective_services.yaml).",
        "string",
    )
    access_analyzer_enabled: bool = setting(
        "boolean", True, "Create an IAM Access Analyzer external-access analyzer in every region (free)."
    )
    access_analyzer_zone_of_trust: str = setting(
        "string", "ACCOUNT", "Zone of trust of the external-access analyzers: ACCOUNT, or ORGANIZATION (organization roles; created in the security account)."
    )
    access_analyzer_unused_access_days: int = setting(
        "integer", 0, "Days without use after which IAM Access Analyzer reports unused access (1 to 365, paid per IAM role and user); 0: no unused-access analyzer."
    )
    # --- tamper resistance (issue 12; docs/tamper-resistance.md) ------------------------------------
    break_glass_principal_arn: str = setting(
        "string", "",
        "IAM role or user ARN (this partition) that alone may bypass governance retention and change the archive's and replica's policy, lifecycle, Object Lock, replication or delete them; empty: that deny is not deployed.",
    )
    archive_data_events: bool = setting(
        "boolean", True, "The trail records S3 data events for deletions and retention changes of archive objects (never its PutObject deliveries)."
    )
    auto_respond: bool = setting(
        "boolean", False, "Restore within minutes, and say so on the alert topic, when the trail is stopped, its event selectors changed or a Config recorder stopped."
    )
    # --- metadata ------------------------------------------------------------------------------------
    tags: tuple[str, ...] = setting("array", [], "Tags for every taggable resource, as Key=Value strings.", "string")
    # --- log readers (issue 11: access proofs) -----------------------------------------------------------
    log_reader_principals: tuple[str, ...] = setting(
        "array", [],
        "IAM role/user ARNs (or account roots) that may read the archived logs: named in the archive and replica "
        "bucket and key policies (decrypt through S3 only). Empty: only principals an IAM policy of the key's account "
        "grants kms:Decrypt can decrypt them.",
        "string",
    )

    @property
    def partition(self) -> str:
        return partition_of(self.home_region) or "aws"

    @property
    def tag_map(self) -> dict[str, str]:
        pairs = dict(tag.split("=", 1) for tag in self.tags)
        return {"ManagedBy": "pulumi", "Baseline": self.name_prefix, **pairs}

    @property
    def other_regions(self) -> list[str]:
        return [r for r in self.regions if r != self.home_region]


def settings_fields():
    """(field, config key, metadata) for every setting, in declaration order."""
    return [(f, config_key(f.name), f.metadata) for f in fields(Settings)]


# --- reading ------------------------------------------------------------------------------------------

def _parse(raw: str, type_: str, items: str | None) -> Any:
    if type_ == "string":
        return raw
    if type_ == "integer":
        try:
            if not re.fullmatch(r"[+-]?[0-9]{1,18}", raw.strip()):  # ASCII, and no int() of 5000 digits
                raise ValueError
            return int(raw)
        except ValueError:
            raise ValueError(f"expected an integer, got {echo(raw)}") from None
    if type_ == "boolean":
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise ValueError(f"expected true or false, got {echo(raw)}")
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, RecursionError, ValueError):
        raise ValueError(f"expected a list, got {echo(raw)}") from None
    if not isinstance(value, list) or (items == "string" and not all(isinstance(v, str) for v in value)):
        raise ValueError(f"expected a list of {items or 'values'}, got {echo(raw)}")
    return tuple(value)


def load_settings(config: Mapping[str, str] | None = None) -> Settings:
    """Read every `baseline:*` key (from `config`, or the running program's Pulumi config) and validate."""
    get: Callable[[str], str | None]
    if config is None:
        pulumi_config = pulumi.Config(NAMESPACE)
        get = lambda key: pulumi_config.get(key.split(":", 1)[1])  # noqa: E731
    else:
        get = config.get
    values, problems = {}, []
    for f, key, meta in settings_fields():
        raw = get(key)
        if raw is None:
            continue
        try:
            values[f.name] = _parse(raw, meta["type"], meta["items"])
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    problems += unknown_setting_problems(config)
    settings = Settings(**values)
    problems += [p for check in CHECKS for p in check(settings)]
    if problems:
        raise SettingsError(problems)
    return settings


def unknown_setting_problems(config: Mapping[str, str] | None = None) -> list[str]:
    """Keys of the `baseline:` namespace that are no setting (a typo such as baseline:namePrefx), with a
    did-you-mean: whatever the program's project is called, the components check their own namespace, so a
    misspelled key is never silently ignored. `config`: the stack's config; None reads the running program's."""
    import difflib

    if config is None:
        from pulumi.runtime.config import CONFIG  # every key of the stack's config, as the engine passed it

        config = CONFIG.get()
    known = [key for _, key, _ in settings_fields()]
    problems = []
    for key in sorted(k for k in config if isinstance(k, str) and k.startswith(NAMESPACE + ":") and k not in known):
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean {close[0]}?" if close else " (see the configuration reference in the README)"
        problems.append(f"{echo(key) if len(key) > 80 else key}: not a baseline setting{hint}")
    return problems


# --- checks: each returns a list of "key: problem" strings -------------------------------------------

def _k(name: str) -> str:
    return config_key(name)


def _check_identity(s: Settings) -> list[str]:
    problems = []
    if s.role not in ROLES:
        problems.append(f"{_k('role')}: must be one of {', '.join(ROLES)}, got {s.role!r}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,19}", s.name_prefix):
        problems.append(f"{_k('name_prefix')}: 1 to 20 lower-case letters, digits or hyphens, got {echo(s.name_prefix)}")
    problems += tag_problems(_k("tags"), s.tags)
    return problems


def _check_regions(s: Settings) -> list[str]:
    problems = []
    home_partition = partition_of(s.home_region)
    if home_partition is None:
        problems.append(f"{_k('home_region')}: unknown region {s.home_region!r}")
    partition = home_partition or "aws"
    for region in s.regions:
        if partition_of(region) != partition:
            problems.append(f"{_k('regions')}: unknown region {region!r} for partition {partition}")
    duplicates = sorted({r for r in s.regions if s.regions.count(r) > 1})
    if duplicates:
        problems.append(f"{_k('regions')}: listed more than once: {', '.join(duplicates)}")
    if home_partition and s.home_region not in s.regions:
        problems.append(f"{_k('regions')}: must include homeRegion {s.home_region}")
    if partition_of(s.replica_region) != partition:
        problems.append(f"{_k('replica_region')}: unknown region {s.replica_region!r} for partition {partition}")
    elif s.replica_region == s.home_region:
        problems.append(f"{_k('replica_region')}: must differ from homeRegion {s.home_region}")
    return problems


def _check_retention(s: Settings) -> list[str]:
    problems = []
    if s.log_retention_days not in LOG_RETENTION_DAYS:
        problems.append(
            f"{_k('log_retention_days')}: {s.log_retention_days} is not a CloudWatch Logs retention value "
            f"(one of {', '.join(map(str, LOG_RETENTION_DAYS))})"
        )
    elif s.log_retention_days < 365 and not s.allow_short_log_retention:
        problems.append(
            f"{_k('log_retention_days')}: {s.log_retention_days} is below 365; set {_k('allow_short_log_retention')} true to allow it"
        )
    if s.archive_transition_storage_class not in STORAGE_CLASSES:
        problems.append(f"{_k('archive_transition_storage_class')}: must be one of {', '.join(STORAGE_CLASSES)}")
    minimum_transition = 30 if s.archive_transition_storage_class in ("STANDARD_IA",) else 0
    if s.archive_transition_days < max(1, minimum_transition):
        problems.append(f"{_k('archive_transition_days')}: must be at least {max(1, minimum_transition)} for {s.archive_transition_storage_class}")
    if s.archive_expiration_days < 0:
        problems.append(f"{_k('archive_expiration_days')}: must be 0 (keep forever) or a positive number of days")
    elif s.archive_expiration_days:
        if s.archive_expiration_days <= s.archive_transition_days:
            problems.append(f"{_k('archive_expiration_days')}: must exceed archiveTransitionDays {s.archive_transition_days}")
        if s.object_lock_enabled and s.archive_expiration_days < s.object_lock_days:
            problems.append(f"{_k('archive_expiration_days')}: must be at least objectLockDays {s.object_lock_days}")
    for name in ("archive_noncurrent_expiration_days", "access_log_expiration_days"):
        if getattr(s, name) < 1:
            problems.append(f"{_k(name)}: must be at least 1 day")
    return problems


def _check_object_lock(s: Settings) -> list[str]:
    problems = []
    if s.object_lock_mode not in OBJECT_LOCK_MODES:
        problems.append(f"{_k('object_lock_mode')}: must be GOVERNANCE or COMPLIANCE, got {s.object_lock_mode!r}")
    if not 1 <= s.object_lock_days <= 36500:
        problems.append(f"{_k('object_lock_days')}: must be between 1 and 36500, got {s.object_lock_days}")
    return problems


def _check_replica_account(s: Settings) -> list[str]:
    if not s.replica_account_id:
        extra = [n for n in ("replica_bucket_name", "replica_kms_key_arn") if getattr(s, n)]
        return [f"{_k(n)}: only used with {_k('replica_account_id')}" for n in extra]
    problems = []
    if not _ACCOUNT_ID.match(s.replica_account_id):
        problems.append(f"{_k('replica_account_id')}: must be a 12-digit account id")
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", s.replica_bucket_name):
        problems.append(f"{_k('replica_bucket_name')}: a valid S3 bucket name is required with replicaAccountId")
    if not re.fullmatch(rf"arn:aws[a-z-]*:kms:{re.escape(s.replica_region)}:{re.escape(s.replica_account_id)}:key/[A-Za-z0-9-]+", s.replica_kms_key_arn):
        problems.append(
            f"{_k('replica_kms_key_arn')}: the ARN of a key in account {s.replica_account_id or '?'} and region {s.replica_region} is required"
        )
    return problems


_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,250}\.[a-zA-Z]{2,63}\Z")
_HTTPS = re.compile(r"https://[^\s/]{1,253}\.[^\s/]+(/\S{0,2000})?\Z")
_NAMESPACE = re.compile(r"[A-Za-z0-9_.#:/ -]{1,255}\Z")
INSTANCE_STATES = ("pending", "running", "shutting-down", "stopping", "stopped", "terminated")
_RATE = re.compile(r"rate\(([0-9]{1,9}) (minute|minutes|hour|hours|day|days)\)\Z")
_CRON = re.compile(r"cron\(([!-~]+ ){5}[!-~]+\)\Z")


def _check_detection(s: Settings) -> list[str]:
    from aws_logging_baseline.components.security_alarms import alarm_ids  # the catalogs are data files read by their components
    from aws_logging_baseline.components.security_events import event_ids

    problems = [f"{_k('alert_emails')}: {e!r} is not an e-mail address" for e in s.alert_emails if not _EMAIL.match(e)]
    problems += [f"{_k('alert_https_endpoints')}: {u!r} is not an https:// URL" for u in s.alert_https_endpoints if not _HTTPS.match(u)]
    for name in ("alert_emails", "alert_https_endpoints"):
        values = [v.lower() for v in getattr(s, name)]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            problems.append(f"{_k(name)}: listed more than once: {', '.join(duplicates)}")
    if (
        getattr(s, "flow_log_destination", "s3") == "cloud-watch-logs"
        and s.flow_log_reject_alarm_threshold > 0
        and "action" not in getattr(s, "flow_log_fields", ("action",))
    ):
        problems.append(
            f"{_k('flow_log_reject_alarm_threshold')}: the REJECT-spike alarm needs the `action` field in baseline:flowLogFields "
            "(add it, or set this to 0)"
        )
    if not _NAMESPACE.match(s.cis_alarm_namespace) or s.cis_alarm_namespace.startswith("AWS/"):
        problems.append(
            f"{_k('cis_alarm_namespace')}: 1 to 255 letters, digits, spaces or . - _ / # : not starting with AWS/, got {s.cis_alarm_namespace!r}"
        )
    for name, known in (("disabled_cis_alarms", alarm_ids()), ("disabled_security_events", event_ids())):
        unknown = [i for i in getattr(s, name) if i not in known]
        if unknown:
            problems.append(f"{_k(name)}: unknown id(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if s.flow_log_reject_alarm_threshold < 0:
        problems.append(f"{_k('flow_log_reject_alarm_threshold')}: must be 0 (off) or a positive number of records")
    bad_states = [x for x in s.instance_state_alert_states if x not in INSTANCE_STATES]
    if bad_states:
        problems.append(f"{_k('instance_state_alert_states')}: unknown state(s) {', '.join(bad_states)}; one of {', '.join(INSTANCE_STATES)}")
    schedule = s.security_events_schedule
    rate = _RATE.match(schedule)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1 or (value == 1) == unit.endswith("s"):
            problems.append(
                f"{_k('security_events_schedule')}: a value of at least 1, singular unit for 1 (rate(1 minute)) and plural otherwise, got {schedule!r}"
            )
    elif schedule and not _CRON.match(schedule):
        problems.append(f"{_k('security_events_schedule')}: expected rate(N minutes|hours|days) or cron(<6 fields>), got {schedule!r}")
    return problems


def alert_subscription_problems(s: Settings) -> list[str]:
    """A deployed alert topic needs a subscriber (the CIS 4.x audits check it). AccountBaseline checks this when it
    builds, so that `load_settings` stays usable for partial configurations (tests, composing programs)."""
    if s.alert_emails or s.alert_https_endpoints:
        return []
    return [
        f"{_k('alert_emails')}: at least one address is required so that alarms and security events reach someone "
        f"(or set {_k('alert_https_endpoints')})"
    ]


_ORG_ID = re.compile(r"o-[a-z0-9]{10,32}\Z")
_STACK_NAME = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+\Z")


def _check_organization(s: Settings) -> list[str]:
    """Which organization settings each role needs; explicit archive values are all-or-nothing."""
    role = s.role
    if role not in ORG_ROLES:
        used = [n for n in ("organization_id", "log_archive_stack", "log_archive_bucket", "log_archive_key_arn", "security_account_id")
                if getattr(s, n)]
        return [f"{_k(n)}: only used with an organization role ({', '.join(ORG_ROLES)}), role is {role!r}" for n in used]
    problems = []
    if not s.organization_id:
        problems.append(f"{_k('organization_id')}: required for role {role} (the o-... id of your AWS Organization)")
    elif not _ORG_ID.match(s.organization_id):
        problems.append(f"{_k('organization_id')}: must look like o-abcdefghij, got {s.organization_id!r}")
    for name in ("management_account_id", "security_account_id"):
        value = getattr(s, name)
        if value and not _ACCOUNT_ID.match(value):
            problems.append(f"{_k(name)}: must be a 12-digit account id, got {value!r}")
    needs_management = role in ("log-archive", "management", "security")
    if needs_management and not s.management_account_id:
        problems.append(f"{_k('management_account_id')}: required for role {role} (the organization trail lives there)")
    if role in ("management", "security") and not s.security_account_id:
        problems.append(f"{_k('security_account_id')}: required for role {role} (the delegated administrator account)")
    if s.security_account_id and s.security_account_id == s.management_account_id:
        problems.append(
            f"{_k('security_account_id')}: must differ from the management account {s.management_account_id} "
            "(AWS does not allow the management account as delegated administrator)"
        )
    if role in ("member", "management", "security"):
        explicit = [n for n in ("log_archive_bucket", "log_archive_key_arn") if getattr(s, n)]
        if s.log_archive_stack and explicit:
            problems.append(f"{_k('log_archive_stack')}: set either logArchiveStack or logArchiveBucket and logArchiveKeyArn, not both")
        elif s.log_archive_stack and not _STACK_NAME.match(s.log_archive_stack):
            problems.append(f"{_k('log_archive_stack')}: must be a stack name org/project/stack, got {s.log_archive_stack!r}")
        elif not s.log_archive_stack and len(explicit) != 2:
            problems.append(
                f"{_k('log_archive_stack')}: a {role} account needs the log-archive bucket: "
                "set logArchiveStack or logArchiveBucket and logArchiveKeyArn"
            )
        if s.log_archive_key_arn and not re.fullmatch(
            rf"arn:aws[a-z-]*:kms:{re.escape(s.home_region)}:[0-9]{{12}}:key/[A-Za-z0-9-]+", s.log_archive_key_arn
        ):
            problems.append(f"{_k('log_archive_key_arn')}: must be the ARN of a KMS key in homeRegion {s.home_region}")
    else:
        used = [n for n in ("log_archive_stack", "log_archive_bucket", "log_archive_key_arn") if getattr(s, n)]
        problems += [f"{_k(n)}: only used by roles member, management and security" for n in used]
    return problems


_IAM_PRINCIPAL = re.compile(r"arn:aws[\w-]*:iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)")


def _check_log_readers(s: Settings) -> list[str]:
    """Only exact IAM ARNs: a wildcard in a key policy's Principal matches nobody, and "*" would open the logs."""
    partition = s.partition
    problems = []
    for arn in s.log_reader_principals:
        if not _IAM_PRINCIPAL.fullmatch(arn) or arn.split(":")[1] != partition or "*" in arn:
            problems.append(
                f"{_k('log_reader_principals')}: {arn!r} is not the ARN of an IAM role, user or account root in partition {partition}"
            )
    return problems


_BREAK_GLASS = r"arn:{partition}:iam::\d{{12}}:(role|user)/([\w+=,.@-]+/)*[\w+=,.@-]{{1,64}}"


def _check_tamper_resistance(s: Settings) -> list[str]:
    problems = []
    if s.break_glass_principal_arn and not re.fullmatch(
        _BREAK_GLASS.format(partition=re.escape(s.partition)), s.break_glass_principal_arn
    ):
        problems.append(
            f"{_k('break_glass_principal_arn')}: must be an IAM role or user ARN of partition {s.partition} "
            f"(arn:{s.partition}:iam::<account>:role/<name>), got {s.break_glass_principal_arn!r}"
        )
    if s.auto_respond and not (s.alert_emails or s.alert_https_endpoints):
        problems.append(
            f"{_k('auto_respond')}: needs the alert topic to say what was restored: set {_k('alert_emails')} or {_k('alert_https_endpoints')}"
        )
    return problems


CHECKS: list[Callable[[Settings], list[str]]] = [
    _check_identity,
    _check_regions,
    _check_retention,
    _check_object_lock,
    _check_replica_account,
    _check_detection,
    check_flow_logs,
    check_config,
    check_inspector,
    _check_organization,
    check_analytics,
    check_detective_services,
    _check_log_readers,
    _check_tamper_resistance,
]


def with_overrides(settings: Settings, **changes: Any) -> Settings:
    """A copy with some fields changed (used by tests and composing programs); not re-validated."""
    return replace(settings, **changes)
