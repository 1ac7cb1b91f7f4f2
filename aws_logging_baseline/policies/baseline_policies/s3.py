"""S3 log buckets: each side resource's settings (inputs), and per-bucket coverage of the whole stack."""

from typing import Any, Mapping

from .catalog import resource_policy, stack_policy
from .common import (
    SOURCE_CONDITION_KEYS,
    StackView,
    as_list,
    bucket_name_from_arn,
    condition_keys,
    is_public,
    policy_document,
    statements,
)

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
OBJECT_LOCK = (
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
)
TRAIL = "aws:cloudtrail/trail:Trail"
DELIVERY_CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PUBLIC_LIMITING_KEYS = SOURCE_CONDITION_KEYS + (
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourcevpce", "aws:sourcevpc",
)


# --- resource policies ---------------------------------------------------------------------------------

def _versioning(args, report):
    props = args.props
    if args.resource_type in VERSIONING:
        status = (props.get("versioningConfiguration") or {}).get("status")
        if status != "Enabled":
            report(f"versioningConfiguration.status is {status!r}: set it to \"Enabled\".")
    elif args.resource_type in BUCKETS:
        inline = props.get("versioning")
        if isinstance(inline, Mapping) and inline.get("enabled") is False:
            report("versioning.enabled is false on the bucket: enable versioning (aws.s3.BucketVersioning status Enabled).")


def _public_access_block(args, report):
    if args.resource_type != PUBLIC_ACCESS_BLOCK:
        return
    off = [flag for flag in PAB_FLAGS if args.props.get(flag) is not True]
    if off:
        report(f"{', '.join(off)} not true (each defaults to false): set all four Block Public Access flags to true.")


def _ownership(args, report):
    if args.resource_type != OWNERSHIP:
        return
    ownership = (args.props.get("rule") or {}).get("objectOwnership")
    if ownership != "BucketOwnerEnforced":
        report(f"rule.objectOwnership is {ownership!r}: set it to \"BucketOwnerEnforced\" so ACLs are disabled.")


def _is_tls_deny(statement: Mapping, bucket: str) -> bool:
    if statement.get("Effect") != "Deny" or not is_public(statement):
        return False
    actions = {str(a).lower() for a in as_list(statement.get("Action"))}
    if not actions & {"s3:*", "*"}:
        return False
    secure = None
    for operator in ("Bool", "BoolIfExists"):
        block = (statement.get("Condition") or {}).get(operator) or {}
        for key, value in block.items():
            if key.lower() == "aws:securetransport":
                secure = value
    if str(secure).lower() != "false":
        return False
    resources = [str(r) for r in as_list(statement.get("Resource"))]
    if "*" in resources:
        return True
    return any(r.endswith(f":::{bucket}") for r in resources) and any(r.endswith(f":::{bucket}/*") for r in resources)


def _ssl_only(args, report):
    if args.resource_type != BUCKET_POLICY:
        return
    document = policy_document(args.props.get("policy"))
    if document is None:
        report("policy is not a JSON policy document: it must contain the TLS-only Deny statement.")
        return
    bucket = args.props.get("bucket")
    if not any(_is_tls_deny(s, bucket) for s in statements(document)):
        report(
            f"no Deny of s3:* for Principal \"*\" on arn:aws:s3:::{bucket} and arn:aws:s3:::{bucket}/* "
            "with Condition Bool aws:SecureTransport \"false\": add that statement to the bucket policy."
        )


def _no_public_principal(args, report):
    if args.resource_type != BUCKET_POLICY:
        return
    for index, statement in enumerate(statements(policy_document(args.props.get("policy")))):
        if statement.get("Effect") == "Allow" and is_public(statement):
            if not condition_keys(statement) & set(PUBLIC_LIMITING_KEYS):
                label = statement.get("Sid") or f"Statement[{index}]"
                report(
                    f"statement {label} allows Principal \"*\" without a source or principal condition: name the "
                    "principal, or add aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID."
                )


# --- stack policies -------------------------------------------------------------------------------------

def _bucket_name(resource: Any) -> str | None:
    name = resource.props.get("bucket") or resource.props.get("id")
    return name if isinstance(name, str) else None


def _by_bucket(view: StackView, *types: str) -> dict[str, list[Any]]:
    index: dict[str, list[Any]] = {}
    for resource in view.of(*types):
        name = resource.props.get("bucket")
        if isinstance(name, str):
            index.setdefault(bucket_name_from_arn(name), []).append(resource)
    return index


def _log_buckets(view: StackView) -> set[str]:
    """Buckets that receive CloudTrail, AWS Config or VPC Flow Logs deliveries."""
    names = {t.props.get("s3BucketName") for t in view.of(TRAIL)}
    names |= {c.props.get("s3BucketName") for c in view.of(DELIVERY_CHANNEL)}
    for flow_log in view.of(FLOW_LOG):
        if flow_log.props.get("logDestinationType") == "s3":
            names.add(bucket_name_from_arn(flow_log.props.get("logDestination")))
    return {n for n in names if isinstance(n, str) and n}


def _buckets(view: StackView) -> dict[str, Any]:
    return {name: b for b in view.of(*BUCKETS) if (name := _bucket_name(b))}


def _protections(args, report_violation):
    view = StackView(args)
    sides = {
        "aws.s3.BucketVersioning": _by_bucket(view, *VERSIONING),
        "aws.s3.BucketPublicAccessBlock": _by_bucket(view, PUBLIC_ACCESS_BLOCK),
        "aws.s3.BucketOwnershipControls": _by_bucket(view, OWNERSHIP),
        "aws.s3.BucketPolicy": _by_bucket(view, BUCKET_POLICY),
    }
    for name, bucket in _buckets(view).items():
        missing = [kind for kind, index in sides.items() if name not in index]
        inline = bucket.props.get("versioning")
        if isinstance(inline, Mapping) and inline.get("enabled") is True:  # deprecated inline versioning
            missing = [m for m in missing if m != "aws.s3.BucketVersioning"]
        if policy_document(bucket.props.get("policy")) is not None:  # deprecated inline policy (v7 still applies it)
            missing = [m for m in missing if m != "aws.s3.BucketPolicy"]
        if missing:
            report_violation(f"bucket {name} has no {', '.join(missing)}: add them (or build it with SecureBucket).", bucket.urn)


def _inline_encryption_rules(bucket: Any) -> list:
    """The deprecated inline serverSideEncryptionConfiguration of a v7 Bucket (still applied): its rule(s)."""
    inline = bucket.props.get("serverSideEncryptionConfiguration")
    if not isinstance(inline, Mapping):
        return []
    return [r for r in as_list(inline.get("rule")) + as_list(inline.get("rules")) if isinstance(r, Mapping)]


def _sse_kms(args, report_violation):
    view = StackView(args)
    encryption = _by_bucket(view, *ENCRYPTION)
    log_targets = {bucket_name_from_arn(r.props.get("targetBucket")) for r in view.of(*LOGGING)}
    for name, bucket in _buckets(view).items():
        configs = encryption.get(name, [])
        inline_rules = _inline_encryption_rules(bucket)
        if not configs and not inline_rules:
            report_violation(
                f"bucket {name} has no aws.s3.BucketServerSideEncryptionConfiguration (S3 falls back to SSE-S3): "
                "add one with sse_algorithm \"aws:kms\" and a customer managed kms_master_key_id.",
                bucket.urn,
            )
            continue
        defaults = [
            (r.get("applyServerSideEncryptionByDefault") or {})
            for r in [*(r for c in configs for r in as_list(c.props.get("rules"))), *inline_rules]
        ]
        algorithms = {d.get("sseAlgorithm") for d in defaults}
        if name in log_targets and algorithms <= {"AES256", "aws:kms", "aws:kms:dsse"} and algorithms:
            continue  # S3 writes server access logs with SSE-S3 only
        kms = [d for d in defaults if d.get("sseAlgorithm") in ("aws:kms", "aws:kms:dsse")]
        if not kms:
            report_violation(
                f"bucket {name} encrypts with {sorted(a for a in algorithms if a) or 'nothing'}: "
                "set sse_algorithm \"aws:kms\" with a customer managed kms_master_key_id.",
                bucket.urn,
            )
        elif any(not d.get("kmsMasterKeyId") or str(d.get("kmsMasterKeyId")).endswith("alias/aws/s3") for d in kms):
            report_violation(
                f"bucket {name} uses the AWS managed key (kmsMasterKeyId unset or alias/aws/s3): "
                "set kms_master_key_id to a customer managed key ARN.",
                bucket.urn,
            )


def _access_logging(args, report_violation):
    view = StackView(args)
    buckets, logging = _buckets(view), _by_bucket(view, *LOGGING)
    for name in sorted(_log_buckets(view)):
        if name in buckets and name not in logging:
            report_violation(
                f"log bucket {name} has no server access logging: add an aws.s3.BucketLogging with a target bucket "
                "in the same region.",
                buckets[name].urn,
            )


def _enabled_versioning(view: StackView) -> set[str]:
    names = set()
    for name, resources in _by_bucket(view, *VERSIONING).items():
        if any((r.props.get("versioningConfiguration") or {}).get("status") == "Enabled" for r in resources):
            names.add(name)
    return names


def _replication(args, report_violation):
    view = StackView(args)
    buckets, replications = _buckets(view), _by_bucket(view, REPLICATION)
    versioned = _enabled_versioning(view)
    for name in sorted(n for n in _log_buckets(view) if n in buckets):
        source = buckets[name]
        rules = [r for c in replications.get(name, []) for r in as_list(c.props.get("rules"))]
        enabled = [r for r in rules if r.get("status") == "Enabled"]
        if not enabled:
            report_violation(
                f"log bucket {name} has no enabled replication rule: add an aws.s3.BucketReplicationConfig "
                "to a versioned bucket in another region.",
                source.urn,
            )
            continue
        problems = []
        for rule in enabled:
            destination = rule.get("destination") or {}
            target = bucket_name_from_arn(destination.get("bucket"))
            if target not in buckets:
                continue  # another stack's or account's bucket: not visible here
            if view.region(buckets[target]) == view.region(source):
                problems.append(f"destination {target} is in the same region {view.region(source)}")
            elif target not in versioned:
                problems.append(f"destination {target} has no versioning Enabled")
            else:
                break
        else:
            if problems:
                report_violation(
                    f"log bucket {name} replicates, but {'; '.join(problems)}: replicate to a versioned bucket in another region.",
                    source.urn,
                )


def _object_lock(args, report_violation):
    view = StackView(args)
    buckets, locks = _buckets(view), _by_bucket(view, *OBJECT_LOCK)
    for name in sorted(n for n in _log_buckets(view) if n in buckets):
        bucket = buckets[name]
        if bucket.props.get("objectLockEnabled") is not True:
            report_violation(f"log bucket {name} is created without objectLockEnabled: set object_lock_enabled=True.", bucket.urn)
            continue
        retention = [((c.props.get("rule") or {}).get("defaultRetention") or {}) for c in locks.get(name, [])]
        if not any(r.get("days") or r.get("years") for r in retention):
            report_violation(
                f"log bucket {name} has no default Object Lock retention: add an aws.s3.BucketObjectLockConfiguration "
                "with rule.default_retention (mode, days).",
                bucket.urn,
            )


POLICIES = [
    resource_policy("s3-bucket-versioning-enabled", _versioning),
    resource_policy("s3-bucket-level-public-access-prohibited", _public_access_block),
    resource_policy("s3-bucket-ownership-enforced", _ownership),
    resource_policy("s3-bucket-ssl-requests-only", _ssl_only),
    resource_policy("s3-bucket-policy-no-public-principal", _no_public_principal),
    stack_policy("s3-bucket-protections-present", _protections),
    stack_policy("s3-default-encryption-kms", _sse_kms),
    stack_policy("s3-bucket-logging-enabled", _access_logging),
    stack_policy("s3-bucket-replication-enabled", _replication),
    stack_policy("s3-bucket-default-lock-enabled", _object_lock),
]
