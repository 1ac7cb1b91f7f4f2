"""S3 log buckets: each side resource's settings (inputs), and per-bucket coverage of the whole stack."""

from typing import Any, Mapping

from aws_logging_baseline.access.evaluator import Policy, Principal, Request, evaluate
from aws_logging_baseline.access.open_grants import open_grants

from .catalog import resource_policy, stack_policy
from .common import StackView, as_list, bucket_name_from_arn, policy_document

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


def _refuses_plain_http(document: dict, bucket: str) -> bool:
    """Judged by evaluation: a read of an object and a listing of the bucket, without TLS (aws:SecureTransport
    false), by a principal of the bucket's own account whose IAM allows everything, must be denied EXPLICITLY:
    only a Deny stops a principal that an Allow elsewhere admits."""
    own = Principal.aws("arn:aws:iam::000000000000:role/any-reader")
    everything = Policy("identity", {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    policy = Policy("policy", document)
    for action, resource in (("s3:GetObject", f"arn:aws:s3:::{bucket}/AWSLogs/x"), ("s3:ListBucket", f"arn:aws:s3:::{bucket}")):
        request = Request(own, action, resource, {"aws:SecureTransport": "false"})
        decision = evaluate(request, resource_account="000000000000", resource_policy=policy, identity_policies=[everything])
        if not decision.explicit_deny:
            return False
    return True


def _ssl_only(args, report):
    if args.resource_type != BUCKET_POLICY:
        return
    document = policy_document(args.props.get("policy"))
    if document is None:
        report("policy is not a JSON policy document: it must contain the TLS-only Deny statement.")
        return
    bucket = args.props.get("bucket")
    if not _refuses_plain_http(document, bucket):
        report(
            f"a request without TLS (aws:SecureTransport false) to arn:aws:s3:::{bucket} or arn:aws:s3:::{bucket}/* is not "
            "denied: add a Deny of s3:* for Principal \"*\" on both ARNs with Condition Bool aws:SecureTransport \"false\"."
        )


def _no_public_principal(args, report):
    """Judged by evaluation (access/open_grants.py): an anonymous caller and a principal of another organization
    try each Allow statement's actions; a statement that looks guarded but is not (IfExists, NotPrincipal, a
    wildcard account in aws:PrincipalArn) lets them in."""
    if args.resource_type != BUCKET_POLICY:
        return
    for grant in open_grants(policy_document(args.props.get("policy")), "resource", people_only=True, name="policy"):
        report(
            f"statement {grant.deciding} allows {grant.principal} beyond this account: {grant.describe()}. Name the "
            "principal, or limit it with aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID (StringEquals or ArnLike, not IfExists)."
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
    resource_policy("s3-bucket-versioning-enabled", _versioning, [*VERSIONING, *BUCKETS]),
    resource_policy("s3-bucket-level-public-access-prohibited", _public_access_block, [PUBLIC_ACCESS_BLOCK]),
    resource_policy("s3-bucket-ownership-enforced", _ownership, [OWNERSHIP]),
    resource_policy("s3-bucket-ssl-requests-only", _ssl_only, [BUCKET_POLICY]),
    resource_policy("s3-bucket-policy-no-public-principal", _no_public_principal, [BUCKET_POLICY]),
    stack_policy("s3-bucket-protections-present", _protections),
    stack_policy("s3-default-encryption-kms", _sse_kms),
    stack_policy("s3-bucket-logging-enabled", _access_logging),
    stack_policy("s3-bucket-replication-enabled", _replication),
    stack_policy("s3-bucket-default-lock-enabled", _object_lock),
]
