"""Stack-level judgments: what the stack claims must be backed by what it declares.

- A claimed organization role is backed by the stack's configuration (organization id, archive reference).
- A log destination the stack does not declare is named, with what the pack cannot prove about it.
- Replication rules cover every prefix logs are written under; Object Lock and lifecycle keep logs long enough.
- Alerting EventBridge rules (root activity and the other security events) are enabled.
- The regions the stack covers include the organization's required regions.
"""

from typing import Any, Iterable, Mapping

from .catalog import stack_policy
from .common import StackView, as_list, bucket_name_from_arn, setting
from .org_context import ORG_ROLES, role_backing

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
TRAIL = "aws:cloudtrail/trail:Trail"
DELIVERY_CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
OBJECT_LOCK = (
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
)
LIFECYCLE = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
STACK_REFERENCE = "pulumi:pulumi:StackReference"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
TOPIC = "aws:sns/topic:Topic"
UNPROVEN = ("private (Block Public Access, bucket policy)", "encrypted with a customer managed key", "versioned",
            "access-logged", "replicated", "Object Locked")


def log_destinations(view: StackView) -> list[tuple[str, str, Any]]:
    """(bucket, key prefix the service writes under, delivering resource) for trails, Config and flow logs.

    CloudTrail and AWS Config write under `<s3KeyPrefix>/AWSLogs/`, VPC Flow Logs under `<path of the
    destination ARN>/AWSLogs/` (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html,
    https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html)."""
    found = []
    for resource in view.of(TRAIL, DELIVERY_CHANNEL):
        bucket, prefix = resource.props.get("s3BucketName"), resource.props.get("s3KeyPrefix")
        if isinstance(bucket, str) and bucket:
            found.append((bucket, _under(prefix), resource))
    for flow_log in view.of(FLOW_LOG):
        destination = flow_log.props.get("logDestination")
        if flow_log.props.get("logDestinationType") == "s3" and isinstance(destination, str) and destination:
            path = destination.split(":::", 1)[-1].split("/", 1)
            found.append((path[0], _under(path[1] if len(path) > 1 else ""), flow_log))
    return found


def _under(prefix: Any) -> str:
    prefix = prefix.strip("/") if isinstance(prefix, str) else ""
    return f"{prefix}/AWSLogs/" if prefix else "AWSLogs/"


def _declared_buckets(view: StackView) -> dict[str, Any]:
    names = {}
    for bucket in view.of(*BUCKETS):
        name = bucket.props.get("bucket") or bucket.props.get("id")
        if isinstance(name, str):
            names[name] = bucket
    return names


def _by_bucket(view: StackView, *types: str) -> dict[str, list[Any]]:
    index: dict[str, list[Any]] = {}
    for resource in view.of(*types):
        name = bucket_name_from_arn(resource.props.get("bucket"))
        if name:
            index.setdefault(name, []).append(resource)
    return index


# --- the claimed role ---------------------------------------------------------------------------------

def _role_backed(args, report_violation):
    view = StackView(args)
    role, missing = role_backing(args)
    if role not in ORG_ROLES:
        args.not_applicable(f"role {role or 'standalone'}: no organization role is claimed")
    if missing:
        report_violation(
            f"the stack claims organization role {role!r} but its configuration has no {' and no '.join(missing)}: "
            "the trail and alarm checks the organization would meet stay on until baseline:organizationId and the "
            "archive reference (baseline:logArchiveStack or baseline:logArchiveBucket) are set.",
            view.stack_urn,
        )


# --- log destinations outside the stack -----------------------------------------------------------------

def _organization_archives(view: StackView) -> set[str]:
    """Buckets the stack names as the organization's archive: proven by the log-archive stack's own check."""
    names = set()
    for reference in view.of(STACK_REFERENCE):
        outputs = reference.props.get("outputs") or {}
        if isinstance(outputs, Mapping):
            names |= {bucket_name_from_arn(outputs.get(k)) for k in ("archiveBucket", "archiveBucketArn")}
    if view.outputs.get("role") in ORG_ROLES:  # a backed organization role exports the archive it delivers to
        exported = view.outputs.get("archiveBucket")
        names.add(exported if isinstance(exported, str) else None)
    names.add(_config_archive_bucket())
    return {n for n in names if n}


def _config_archive_bucket() -> str | None:
    try:
        import pulumi

        return pulumi.Config("baseline").get("logArchiveBucket")
    except Exception:  # noqa: BLE001 - no runtime config in this pack process
        return None


def _destinations_declared(args, report_violation):
    view = StackView(args)
    declared, archives = _declared_buckets(view), _organization_archives(view)
    for bucket, _, resource in log_destinations(view):
        if bucket in declared:
            continue
        if bucket in archives:
            continue  # the organization's archive, judged in the log-archive stack
        report_violation(
            f"{resource.name} delivers logs to bucket {bucket}, which this stack does not declare: the pack cannot prove "
            f"it is {', '.join(UNPROVEN)}. Declare it here (SecureBucket), name it as the organization archive "
            "(baseline:logArchiveStack / logArchiveBucket), or check it where it is declared.",
            resource.urn,
        )


# --- replication, Object Lock, lifecycle ------------------------------------------------------------------

def _rule_prefix(rule: Mapping) -> str | None:
    """The key prefix an enabled replication rule covers ("" = every object); None when it filters on tags."""
    if rule.get("status") != "Enabled":
        return None
    filter_ = rule.get("filter")
    if isinstance(filter_, list):
        filter_ = filter_[0] if filter_ else None
    if not filter_:
        prefix = rule.get("prefix")  # the deprecated rule-level prefix, or no filter at all: every object
        return prefix if isinstance(prefix, str) else ""
    and_ = filter_.get("and")
    if isinstance(and_, list):
        and_ = and_[0] if and_ else None
    if filter_.get("tag") or (and_ and and_.get("tags")):
        return None  # services do not tag the log objects they write
    prefix = filter_.get("prefix") if not and_ else and_.get("prefix")
    return prefix if isinstance(prefix, str) else ""


def _replication_covers(args, report_violation):
    view = StackView(args)
    declared, replications = _declared_buckets(view), _by_bucket(view, REPLICATION)
    for bucket, key_prefix, resource in log_destinations(view):
        configs = replications.get(bucket)
        if bucket not in declared or not configs:
            continue  # no replication at all is s3-bucket-replication-enabled's finding
        prefixes = [p for c in configs for r in as_list(c.props.get("rules")) if (p := _rule_prefix(r)) is not None]
        if not any(key_prefix.startswith(p) for p in prefixes):
            report_violation(
                f"{resource.name} writes to {bucket} under {key_prefix}, but no enabled replication rule covers that prefix "
                f"(rule prefixes: {', '.join(repr(p) for p in prefixes) or 'none'}): add a rule with filter prefix \"\" "
                "or one that starts the log prefix.",
                configs[0].urn,
            )


def _lock_days(config: Any) -> int | None:
    retention = ((config.props.get("rule") or {}).get("defaultRetention")) or {}
    if retention.get("days"):
        return int(retention["days"])
    if retention.get("years"):
        return int(retention["years"]) * 365
    return None


def _expiration_days(config: Any) -> list[tuple[str, int]]:
    found = []
    for rule in as_list(config.props.get("rules")):
        if rule.get("status") != "Enabled":
            continue
        for expiration in as_list(rule.get("expiration")):
            if isinstance(expiration, Mapping) and expiration.get("days"):
                found.append((str(rule.get("id") or "rule"), int(expiration["days"])))
    return found


def _retention_minimums(args, report_violation):
    view = StackView(args)
    declared = _declared_buckets(view)
    locks, lifecycles = _by_bucket(view, *OBJECT_LOCK), _by_bucket(view, *LIFECYCLE)
    min_lock = setting(args, "s3-log-retention-minimums", "minObjectLockDays")
    min_expiry = setting(args, "s3-log-retention-minimums", "minExpirationDays")
    for bucket in sorted({b for b, _, _ in log_destinations(view) if b in declared}):
        for config in locks.get(bucket, []):
            days = _lock_days(config)
            if days is not None and days < min_lock:
                report_violation(
                    f"log bucket {bucket} keeps objects under Object Lock for {days} day(s): set the default retention "
                    f"to at least {min_lock} days (policy config minObjectLockDays).",
                    config.urn,
                )
        for config in lifecycles.get(bucket, []):
            for rule_id, days in _expiration_days(config):
                if days < min_expiry:
                    report_violation(
                        f"log bucket {bucket} expires logs after {days} day(s) (lifecycle rule {rule_id}): expire them "
                        f"after at least {min_expiry} days, or not at all (policy config minExpirationDays).",
                        config.urn,
                    )


# --- alerting rules ---------------------------------------------------------------------------------------

def _is_disabled(rule: Any) -> bool:
    return rule.props.get("state") == "DISABLED" or rule.props.get("isEnabled") is False


def _alerting_rules(view: StackView) -> Iterable[Any]:
    """Rules that send events to one of the stack's topics or on to another event bus (forwarding)."""
    topics = {t.props.get("arn") for t in view.of(TOPIC)}
    alerting = set()
    for target in view.of(EVENT_TARGET):
        arn = target.props.get("arn")
        if arn in topics or (isinstance(arn, str) and ":event-bus/" in arn):
            alerting.add(target.props.get("rule"))
    return [r for r in view.of(EVENT_RULE) if (r.props.get("name") or r.name) in alerting]


def _rules_enabled(args, report_violation):
    view = StackView(args)
    for rule in _alerting_rules(view):
        if _is_disabled(rule):
            report_violation(
                f"EventBridge rule {rule.props.get('name') or rule.name} is DISABLED, so the events it forwards "
                "(e.g. root user activity) alert nobody: set state ENABLED.",
                rule.urn,
            )


# --- regions ----------------------------------------------------------------------------------------------

def _required_regions_covered(args, report_violation):
    view = StackView(args)
    required = list(setting(args, "baseline-covers-required-regions", "requiredRegions"))
    if not required:
        args.not_applicable("no required regions: set requiredRegions (check fills it from the account fixture)")
    covered = {r for r in as_list(view.outputs.get("regions")) if isinstance(r, str)}
    missing = [r for r in required if r not in covered]
    if missing:
        report_violation(
            f"the stack covers {len(covered)} region(s) but not {', '.join(missing)}, which the organization requires "
            "(or where the account has VPCs): add them to baseline:regions.",
            view.stack_urn,
        )


POLICIES = [
    stack_policy("org-role-backed-by-configuration", _role_backed),
    stack_policy("log-destination-declared-in-stack", _destinations_declared),
    stack_policy("s3-replication-covers-log-prefixes", _replication_covers),
    stack_policy("s3-log-retention-minimums", _retention_minimums),
    stack_policy("security-event-rules-enabled", _rules_enabled),
    stack_policy("baseline-covers-required-regions", _required_regions_covered),
]
