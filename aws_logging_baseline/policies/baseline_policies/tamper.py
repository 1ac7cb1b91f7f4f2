"""Tamper resistance (issue 12): the log buckets deny erasure to all but a break-glass principal, and the trail
records deletions on its own archive without recording its deliveries.

The pack runs in its own process with only its requirements, so the advanced-selector semantics are restated
here in a few lines (the repository's aws_logging_baseline/event_selectors.py is the full version the tests and the
audit use): selectors are OR'ed, field selectors AND'ed, Equals/StartsWith/EndsWith values are alternatives,
NotEquals/NotStartsWith/NotEndsWith values must all hold
(https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html).
"""

from fnmatch import fnmatchcase
from typing import Any, Mapping

from .catalog import resource_policy, stack_policy
from .common import StackView, as_list, bucket_name_from_arn, policy_document, principals, statements

TRAIL = "aws:cloudtrail/trail:Trail"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
DELIVERY_CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
ERASURE_ACTIONS = ("s3:BypassGovernanceRetention", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration",
                   "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutReplicationConfiguration", "s3:DeleteBucket")
# A deny that spares only named principals; any other condition makes the deny apply only sometimes.
_EXCEPTION_OPERATORS = {"arnnotequals", "arnnotlike", "stringnotequals", "stringnotlike"}
ARCHIVE_ERASURES = ("DeleteObject", "DeleteObjects", "PutObjectRetention", "PutObjectLegalHold")


# --- log-store-erasure-denied --------------------------------------------------------------------------

def _log_stores(view: StackView) -> set[str]:
    """Buckets the stack delivers logs to, and both ends of its replication (the archive and its replica)."""
    names = {t.props.get("s3BucketName") for t in view.of(TRAIL)}
    names |= {c.props.get("s3BucketName") for c in view.of(DELIVERY_CHANNEL)}
    names |= {bucket_name_from_arn(f.props.get("logDestination")) for f in view.of(FLOW_LOG) if f.props.get("logDestinationType") == "s3"}
    for replication in view.of(REPLICATION):
        names.add(bucket_name_from_arn(replication.props.get("bucket")))
        for rule in as_list(replication.props.get("rules")):
            names.add(bucket_name_from_arn(((rule or {}).get("destination") or {}).get("bucket")))
    return {n for n in names if isinstance(n, str) and n}


def _covers(patterns: Any, value: str) -> bool:
    return any(isinstance(p, str) and fnmatchcase(value.lower(), p.lower()) for p in as_list(patterns))


def _spares_only_named_principals(statement: Mapping) -> bool:
    condition = statement.get("Condition") or {}
    if not condition:
        return False  # a deny without an exception locks everyone out: not the control either
    for operator, keys in condition.items():
        if operator.lower() not in _EXCEPTION_OPERATORS:
            return False
        if {k.lower() for k in (keys or {})} != {"aws:principalarn"}:
            return False
    return True


def denied_erasures(document: dict | None, bucket: str) -> set[str]:
    """The erasing actions some statement denies to every principal but named break-glass ones."""
    arn = f"arn:aws:s3:::{bucket}"
    denied: set[str] = set()
    for statement in statements(document):
        if statement.get("Effect") != "Deny" or "NotAction" in statement or "NotResource" in statement:
            continue
        if principals(statement).get("AWS") != ["*"] and statement.get("Principal") != "*":
            continue
        if not (_covers(statement.get("Resource"), arn) and _covers(statement.get("Resource"), f"{arn}/object")):
            continue
        if not _spares_only_named_principals(statement):
            continue
        denied |= {a for a in ERASURE_ACTIONS if _covers(statement.get("Action"), a)}
    return denied


def _erasure_denied(args, report_violation):
    view = StackView(args)
    policies = {bucket_name_from_arn(p.props.get("bucket")): p for p in view.of(BUCKET_POLICY)}
    for name in sorted(_log_stores(view)):
        policy = policies.get(name)
        if policy is None:
            continue  # a bucket of another stack or account: its own stack is checked
        missing = [a for a in ERASURE_ACTIONS if a not in denied_erasures(policy_document(policy.props.get("policy")), name)]
        if missing:
            report_violation(
                f"log bucket {name} does not deny {', '.join(missing)} to every principal but a break-glass role: "
                "an administrator can erase or shorten the logs; set baseline:breakGlassPrincipalArn.",
                policy.urn,
            )


# --- cloudtrail-archive-data-events --------------------------------------------------------------------

def _field_matches(selector: Mapping, event: Mapping[str, str]) -> bool:
    value = event.get(selector.get("field"))
    tests = {"equals": lambda v: value == v, "startsWiths": lambda v: value.startswith(v), "endsWiths": lambda v: value.endswith(v)}
    for key, values in selector.items():
        if key == "field" or not values:
            continue
        negated = key.startswith("not")
        base = key[3].lower() + key[4:] if negated else key
        if base not in tests:
            return False  # an operator this policy does not know: not counted as recording
        if value is None:
            if negated:
                continue
            return False
        hit = any(tests[base](v) for v in as_list(values) if isinstance(v, str))
        if hit == negated:
            return False
    return True


def records(selectors: Any, event: Mapping[str, str]) -> bool:
    for selector in as_list(selectors):
        fields = as_list((selector or {}).get("fieldSelectors"))
        if fields and all(_field_matches(f, event) for f in fields if isinstance(f, Mapping)):
            return True
    return False


def _basic_records_archive_writes(selectors: Any, bucket: str) -> bool:
    for selector in as_list(selectors):
        if (selector or {}).get("readWriteType", "All") == "ReadOnly":
            continue
        for resource in as_list((selector or {}).get("dataResources")):
            if (resource or {}).get("type") == "AWS::S3::Object" and any(
                isinstance(v, str) and (v in ("arn:aws:s3", "arn:aws:s3:::") or v.startswith(f"arn:aws:s3:::{bucket}/") or v == f"arn:aws:s3:::{bucket}")
                for v in as_list(resource.get("values"))
            ):
                return True
    return False


def _archive_data_events(args, report):
    if args.resource_type != TRAIL:
        return
    bucket = args.props.get("s3BucketName")
    if not isinstance(bucket, str) or not bucket:
        return

    def event(name):
        return {"eventCategory": "Data", "resources.type": "AWS::S3::Object", "resources.ARN": f"arn:aws:s3:::{bucket}/AWSLogs/object",
                "eventName": name, "readOnly": "false"}

    advanced = args.props.get("advancedEventSelectors")
    if records(advanced, event("PutObject")) or _basic_records_archive_writes(args.props.get("eventSelectors"), bucket):
        report(f"the trail records PutObject on its own archive {bucket}: every delivery logs a delivery; leave the archive "
               "out of that selector (resources.ARN not_starts_withs the archive).")
        return
    missing = [name for name in ARCHIVE_ERASURES if not records(advanced, event(name))]
    if missing:
        report(f"the trail does not record {', '.join(missing)} on its archive {bucket}: add an advanced event selector "
               "(Data, AWS::S3::Object, resources.ARN starts_withs the archive, those eventName values).")


POLICIES = [
    stack_policy("log-store-erasure-denied", _erasure_denied),
    resource_policy("cloudtrail-archive-data-events", _archive_data_events, [TRAIL]),
]
