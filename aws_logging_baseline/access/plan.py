"""What the access proofs read from a plan: its stores (buckets, keys, topics, roles, functions, log groups) with
the documents that decide requests to them, and the values the service requests name (ARNs, accounts, regions).

A plan is a list of resources with their outputs (camelCase), as the engine records them and as a policy pack
receives them in AnalyzeStack; nothing is retyped here: every ARN and account comes from those outputs.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .evaluator import Policy

STACK_TYPE = "pulumi:pulumi:Stack"
SAMPLE_KEY = "AWSLogs/sample.json.gz"
# GuardDuty generates detector ids; the organization's exporter is another account's detector (any id).
SAMPLE_DETECTOR = "12abc34d567e8fa901bc2d34e56789f0"
# The resource types the proofs read; a pack hands over every resource, and only these are worth converting.
READ_TYPES = frozenset({
    "aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/keyPolicy:KeyPolicy",
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "aws:s3/bucketLogging:BucketLogging",
    "aws:s3/bucketLoggingV2:BucketLoggingV2", "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy",
    "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:lambda/function:Function",
    "aws:lambda/permission:Permission", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudtrail/trail:Trail",
    "aws:cfg/deliveryChannel:DeliveryChannel", "aws:ec2/flowLog:FlowLog", "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget",
    "aws:guardduty/detector:Detector", "aws:guardduty/publishingDestination:PublishingDestination",
})
# Of those, properties never read (large documents that cost time to convert).
_SKIPPED_PROPS = frozenset({"eventPattern", "code", "environment", "tags", "tagsAll"})


@dataclass(frozen=True)
class PlanResource:
    type: str
    urn: str
    name: str
    props: Mapping[str, Any]


def from_run(run: Any) -> tuple[list[PlanResource], dict[str, Any]]:
    """The engine's record (offline.engine.RunResult): resources with their outputs, and the stack outputs."""
    resources = [PlanResource(r.type, r.urn, r.name, r.outputs) for r in run.resources if r.custom and r.type in READ_TYPES]
    return resources, dict(run.stack_outputs)


def from_stack_args(args: Any) -> tuple[list[PlanResource], dict[str, Any]]:
    """A policy pack's StackValidationArgs (outputs of every resource; the Stack carries the stack outputs)."""
    resources, outputs = [], {}
    for r in args.resources:
        if r.resource_type == STACK_TYPE:
            outputs = _plain(r.props)
        elif r.resource_type in READ_TYPES:
            props = {k: _plain(v) for k, v in r.props.items() if k not in _SKIPPED_PROPS}
            resources.append(PlanResource(r.resource_type, r.urn, r.name, props))
    return resources, outputs


def _plain(value: Any) -> Any:
    """pulumi_policy's proxies as dicts and lists (reading a value unknown during preview raises, as it should:
    the pack reports the policy as not runnable in preview rather than guessing)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return value
    return [_plain(v) for v in value]


def document(value: Any) -> dict | None:
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        return dict(value)
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _s(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def account_of(arn: str | None) -> str | None:
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else None


def region_of(arn: str | None) -> str | None:
    parts = (arn or "").split(":")
    return parts[3] if len(parts) > 5 and parts[3] else None


@dataclass
class Store:
    """A resource requests are made to, and the documents that decide them."""

    kind: str  # bucket | key | topic | role | function | log-group | event-bus
    label: str  # "archive bucket acme-log-archive-..." (what the reports say)
    arn: str
    account: str
    region: str | None
    urn: str = ""  # the resource a violation points at (the policy resource when there is one)
    policy: Policy | None = None  # bucket / key / topic policy, trust policy, function policy
    identity: list[Policy] = field(default_factory=list)  # a role's own policies
    sample_key: str = SAMPLE_KEY

    @property
    def evaluation_kind(self) -> str:
        return {"key": "key", "role": "trust"}.get(self.kind, "resource")


@dataclass
class Plan:
    account: str
    partition: str
    stores: dict[str, Store]
    values: dict[str, Any]  # what the catalog's {placeholders} name
    lists: dict[str, list[dict[str, Any]]]  # what `forEach` iterates over


def read_plan(resources: Iterable[PlanResource], outputs: Mapping[str, Any]) -> Plan:
    resources = list(resources)
    by_type: dict[str, list[PlanResource]] = {}
    for r in resources:
        by_type.setdefault(r.type, []).append(r)

    def of(*types: str) -> list[PlanResource]:
        return [r for t in types for r in by_type.get(t, [])]

    arns = [a for r in resources if (a := _s(r.props.get("arn")))]
    accounts = Counter(a for arn in arns if (a := account_of(arn)))
    account = _s(outputs.get("accountId")) or (accounts.most_common(1)[0][0] if accounts else "000000000000")
    partitions = Counter(arn.split(":")[1] for arn in arns if arn.startswith("arn:"))
    partition = partitions.most_common(1)[0][0] if partitions else "aws"
    org_id = _s(outputs.get("organizationId"))
    stores: dict[str, Store] = {}

    # --- KMS keys (a KeyPolicy resource replaces the key's own policy)
    key_policies = {r.props.get("keyId"): r for r in of("aws:kms/keyPolicy:KeyPolicy")}
    for r in of("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey"):
        arn = _s(r.props.get("arn"))
        if not arn:
            continue
        override = key_policies.get(r.props.get("keyId")) or key_policies.get(arn)
        source = override or r
        policy = document(source.props.get("policy"))
        stores[arn] = Store("key", f"key {arn.rsplit('/', 1)[-1][:8]} ({region_of(arn)})", arn, account_of(arn) or account,
                            region_of(arn), source.urn, Policy(f"key policy of {arn}", policy) if policy else None)

    # --- buckets and their policies
    bucket_policies = {r.props.get("bucket"): r for r in of("aws:s3/bucketPolicy:BucketPolicy")}
    sse = {}
    for r in of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"):
        for rule in _list(r.props.get("rules")):
            default = rule.get("applyServerSideEncryptionByDefault") or {}
            sse[r.props.get("bucket")] = (_s(default.get("kmsMasterKeyId")), rule.get("bucketKeyEnabled") is True)
    for r in of("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
        name = _s(r.props.get("bucket"))
        if not name:
            continue
        arn = _s(r.props.get("arn")) or f"arn:{partition}:s3:::{name}"
        policy_resource = bucket_policies.get(name)
        policy = document(policy_resource.props.get("policy")) if policy_resource else None
        stores[arn] = Store("bucket", f"bucket {name}", arn, account, _s(r.props.get("region")),
                            policy_resource.urn if policy_resource else r.urn,
                            Policy(f"bucket policy of {name}", policy) if policy else None)

    # --- topics
    topic_policies = {r.props.get("arn"): r for r in of("aws:sns/topicPolicy:TopicPolicy")}
    topics = []
    for r in of("aws:sns/topic:Topic"):
        arn = _s(r.props.get("arn"))
        if not arn:
            continue
        source = topic_policies.get(arn) or r
        policy = document(source.props.get("policy"))
        stores[arn] = Store("topic", f"topic {arn.rsplit(':', 1)[-1]}", arn, account_of(arn) or account, region_of(arn),
                            source.urn, Policy(f"topic policy of {arn.rsplit(':', 1)[-1]}", policy) if policy else None)
        topics.append({"arn": arn, "region": region_of(arn), "key_arn": _s(r.props.get("kmsMasterKeyId"))})

    # --- roles: trust policy decides sts:AssumeRole; inline and attached role policies are the role's identity
    role_policies: dict[str, list[Policy]] = {}
    for r in of("aws:iam/rolePolicy:RolePolicy"):
        role = _s(r.props.get("role"))
        policy = document(r.props.get("policy"))
        if role and policy:
            role_policies.setdefault(role, []).append(Policy(f"role policy {r.props.get('name') or r.name}", policy))
    for r in of("aws:iam/role:Role"):
        arn, name = _s(r.props.get("arn")), _s(r.props.get("name"))
        if not arn or not name:
            continue
        trust = document(r.props.get("assumeRolePolicy"))
        inline = [Policy(f"inline policy {p.get('name')} of role {name}", d) for p in _list(r.props.get("inlinePolicies"))
                  if isinstance(p, Mapping) and (d := document(p.get("policy")))]
        stores[arn] = Store("role", f"role {name}", arn, account_of(arn) or account, None, r.urn,
                            Policy(f"trust policy of role {name}", trust) if trust else None,
                            inline + role_policies.get(name, []) + role_policies.get(arn, []))

    # --- Lambda functions: their permissions form the function's resource policy
    functions = {}
    for r in of("aws:lambda/function:Function"):
        arn = _s(r.props.get("arn"))
        if arn:
            functions[r.props.get("name")] = functions[arn] = (arn, r)
    permissions: dict[str, list[dict]] = {}
    permission_urn: dict[str, str] = {}
    for r in of("aws:lambda/permission:Permission"):
        found = functions.get(r.props.get("function"))
        if not found:
            continue
        arn = found[0]
        permissions.setdefault(arn, []).append(_permission_statement(r.props, arn))
        permission_urn[arn] = r.urn
    config_functions = []
    for arn, _ in {v[0]: v for v in functions.values()}.items():
        name = arn.rsplit(":", 1)[-1]
        statements = permissions.get(arn, [])
        stores[arn] = Store("function", f"function {name}", arn, account_of(arn) or account, region_of(arn),
                            permission_urn.get(arn, functions[arn][1].urn),
                            Policy(f"resource policy of function {name}", {"Version": "2012-10-17", "Statement": statements}))
        config_functions.append({"arn": arn, "name": name, "region": region_of(arn)})

    # --- log groups (no resource policy decides these writes: the writer's role does) and event buses
    log_groups = []
    for r in of("aws:cloudwatch/logGroup:LogGroup"):
        arn = _s(r.props.get("arn"))
        if not arn:
            continue
        arn = arn[:-2] if arn.endswith(":*") else arn
        stores[arn] = Store("log-group", f"log group {r.props.get('name')} ({region_of(arn)})", arn,
                            account_of(arn) or account, region_of(arn), r.urn)
        key = _s(r.props.get("kmsKeyId"))
        if key:
            log_groups.append({"arn": arn, "name": r.props.get("name"), "region": region_of(arn), "key_arn": key})

    values: dict[str, Any] = {"account": account, "partition": partition, "org_id": org_id}
    lists: dict[str, list[dict[str, Any]]] = {"log_group": log_groups, "config_function": config_functions}

    # --- the archive, its replica and the access-log bucket, from how the plan links them
    replications = of("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    archive_names = {r.props.get("bucket") for r in replications}
    archive_names |= {r.props.get("s3BucketName") for r in of("aws:cloudtrail/trail:Trail", "aws:cfg/deliveryChannel:DeliveryChannel")}
    flow_logs = of("aws:ec2/flowLog:FlowLog")
    archive_names |= {_bucket_of(r.props.get("logDestination")) for r in flow_logs if r.props.get("logDestinationType") == "s3"}

    def bucket_values(name: str, key_arn: str | None = None) -> dict[str, Any] | None:
        arn = f"arn:{partition}:s3:::{name}"
        store = stores.get(arn)
        if store is None:
            return None
        sse_key, bucket_key = sse.get(name, (None, False))
        key_arn = key_arn or sse_key
        # With S3 Bucket Keys, S3 asks KMS with the BUCKET ARN as encryption context, else the object ARN
        # (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html).
        context = arn if bucket_key else f"{arn}/{store.sample_key}"
        return {"arn": arn, "name": name, "region": store.region, "key_arn": key_arn, "kms_context": context,
                "sample_key": store.sample_key}

    archive = next((v for n in sorted(a for a in archive_names if a) if (v := bucket_values(n))), None)
    if archive:
        values["archive"] = archive
        stores[archive["arn"]].label = f"archive bucket {archive['name']}"
        if archive["key_arn"] in stores:
            values["archive_key"] = {"arn": archive["key_arn"]}
            stores[archive["key_arn"]].label = f"archive key ({region_of(archive['key_arn'])})"
    for r in replications:
        if archive is None or r.props.get("bucket") != archive["name"]:
            continue
        for rule in _list(r.props.get("rules")):
            destination = rule.get("destination") or {}
            replica_key = _s((destination.get("encryptionConfiguration") or {}).get("replicaKmsKeyId"))
            replica = bucket_values(_bucket_of(destination.get("bucket")) or "", replica_key)
            values["replication"] = {
                "role_arn": _s(r.props.get("role")),
                "owner_override": "s3:ObjectOwnerOverrideToBucketOwner" if destination.get("account") else None,
            }
            if replica:
                # Replicas keep the SOURCE object's Bucket Key setting (S3 user guide, "Replicating encrypted objects").
                source_uses_bucket_key = archive["kms_context"] == archive["arn"]
                replica["kms_context"] = replica["arn"] if source_uses_bucket_key else f"{replica['arn']}/{replica['sample_key']}"
                values["replica"] = replica
                stores[replica["arn"]].label = f"replica bucket {replica['name']}"
                if replica_key in stores:
                    stores[replica_key].label = f"replica key ({region_of(replica_key)})"
            break
    # Every server access log target (the archive's, and the replica's in the replica's region), found as a
    # BucketLogging target: each is proven written by S3 server access logging for its source bucket.
    access_logs = []
    for r in of("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"):
        target = _s(r.props.get("targetBucket"))
        arn = f"arn:{partition}:s3:::{target}"
        if target and arn in stores:
            access_logs.append({"arn": arn, "prefix": r.props.get("targetPrefix") or "",
                                "source_arn": f"arn:{partition}:s3:::{r.props.get('bucket')}", "region": stores[arn].region})
            stores[arn].label = f"access-log bucket {target}"
    lists["access_log"] = access_logs
    # The Athena query results bucket (analytics) is named by its stack output.
    results = f"arn:{partition}:s3:::{outputs.get('athenaResultsBucket')}"
    if _s(outputs.get("athenaResultsBucket")) and results in stores:
        stores[results].label = f"query results bucket {outputs['athenaResultsBucket']}"

    # --- GuardDuty's findings export into the archive: this account's detectors (standalone), or the security
    # account's (the organization's delegated administrator), named by the log-archive stack's outputs.
    if archive:
        detectors = {r.props.get("id"): r for r in of("aws:guardduty/detector:Detector")}
        for r in of("aws:guardduty/publishingDestination:PublishingDestination"):
            detector = detectors.get(r.props.get("detectorId"))
            destination = _s(r.props.get("destinationArn"))
            if detector is None or _bucket_of(destination) != archive["name"]:
                continue
            detector_arn = detector.props.get("arn")
            values["guardduty"] = {"account": account_of(detector_arn), "detector_arn": detector_arn,
                                   "region": region_of(detector_arn),
                                   "prefix": _prefix(destination.split(":::", 1)[-1].partition("/")[2])}
            break
        exporter = _s(outputs.get("guardDutyExporterAccountId"))
        if exporter and "guardDuty" in prefixes_of(outputs) and "guardduty" not in values:
            region = _s(outputs.get("homeRegion")) or archive["region"]
            values["guardduty"] = {"account": exporter, "region": region, "prefix": _prefix(prefixes_of(outputs)["guardDuty"]),
                                   "detector_arn": f"arn:{partition}:guardduty:{region}:{exporter}:detector/{SAMPLE_DETECTOR}"}

    # --- writers: the trail, AWS Config, VPC Flow Logs (this account's, or the organization's)
    home_region = _s(outputs.get("homeRegion")) or (archive or {}).get("region")
    for r in of("aws:cloudtrail/trail:Trail"):
        arn = _s(r.props.get("arn"))
        group = _s(r.props.get("cloudWatchLogsGroupArn"))
        home_region = home_region or region_of(arn)
        trail = {
            "arn": arn, "name": r.props.get("name"), "account": account_of(arn), "region": region_of(arn),
            "prefix": _prefix(r.props.get("s3KeyPrefix")), "key_arn": _s(r.props.get("kmsKeyId")),
            "role_arn": _s(r.props.get("cloudWatchLogsRoleArn")),
            "log_group_arn": group[:-2] if group and group.endswith(":*") else group,
        }
        values["trail"] = {k: v for k, v in trail.items() if v is not None}
        if trail["key_arn"] in stores and stores[trail["key_arn"]].label.startswith("key "):
            stores[trail["key_arn"]].label = f"trail key ({region_of(trail['key_arn'])})"
        break
    values["home_region"] = home_region
    prefixes = prefixes_of(outputs)
    org_trail_arn = _s(outputs.get("orgTrailArn"))
    if org_id and org_trail_arn and archive:
        # The log-archive account: the organization's writers. The management account (the org trail's owner)
        # stands for every account of the organization.
        # Where they write is the log-archive stack's output `deliveryPrefixes`; without it those requests are
        # not proven (a guessed prefix would report deliveries that are fine as denied).
        member = account_of(org_trail_arn)

        def known(name: str) -> str | None:
            return _prefix(prefixes[name]) if name in prefixes else None

        values["org_trail"] = {"arn": org_trail_arn, "account": member, "prefix": known("cloudtrail")}
        values["config"] = {"account": member, "org_id": org_id, "prefix": known("config")}
        values["flow_logs"] = {"account": member, "org_id": org_id, "prefix": known("flowLogs")}
    elif archive:
        for r in of("aws:cfg/deliveryChannel:DeliveryChannel"):
            if r.props.get("s3BucketName") == archive["name"]:
                values["config"] = {"account": account, "prefix": _prefix(r.props.get("s3KeyPrefix"))}
                break
        for r in flow_logs:
            if r.props.get("logDestinationType") == "s3" and _bucket_of(r.props.get("logDestination")) == archive["name"]:
                destination = r.props.get("logDestination")
                folder = destination.split(":::", 1)[-1].partition("/")[2]
                values["flow_logs"] = {"account": account, "prefix": _prefix(folder)}
                break
    cwl_flow_logs = [r for r in flow_logs if r.props.get("logDestinationType") in ("cloud-watch-logs", None)
                     and r.props.get("iamRoleArn")]
    if cwl_flow_logs:
        values["flow_logs_role"] = {"arn": cwl_flow_logs[0].props.get("iamRoleArn")}
        groups = {}
        for r in cwl_flow_logs:
            group = _s(r.props.get("logDestination"))
            if group:
                group = group[:-2] if group.endswith(":*") else group
                groups[group] = {"arn": group, "region": region_of(group)}
        lists["flow_log_group"] = list(groups.values())

    # --- the alert topic, an alarm and a rule that publish to it, the forwarding rules
    topic = next((t for t in topics if t["arn"] in _alarm_and_rule_targets(of)), topics[0] if topics else None)
    if topic:
        values["topic"] = {k: v for k, v in topic.items() if v}
        stores[topic["arn"]].label = f"alert topic {topic['arn'].rsplit(':', 1)[-1]}"
        if topic["key_arn"] in stores and stores[topic["key_arn"]].label.startswith("key "):
            stores[topic["key_arn"]].label = f"alert topic key ({region_of(topic['key_arn'])})"
        alarm = next((a for a in of("aws:cloudwatch/metricAlarm:MetricAlarm") if topic["arn"] in _list(a.props.get("alarmActions"))), None)
        if alarm and _s(alarm.props.get("arn")):
            values["alarm"] = {"arn": alarm.props["arn"], "name": alarm.props.get("name")}
    rules = {(r.props.get("name"), r.props.get("region")): r for r in of("aws:cloudwatch/eventRule:EventRule")}
    forward = []
    for target in of("aws:cloudwatch/eventTarget:EventTarget"):
        rule = rules.get((target.props.get("rule"), target.props.get("region")))
        if rule is None or not _s(rule.props.get("arn")):
            continue
        if topic and target.props.get("arn") == topic["arn"] and "rule" not in values:
            values["rule"] = {"arn": rule.props["arn"], "name": rule.props.get("name")}
        if target.props.get("roleArn"):
            bus = target.props.get("arn")
            forward.append({"arn": rule.props["arn"], "region": rule.props.get("region"), "role_arn": target.props["roleArn"],
                            "bus_arn": bus})
            if bus not in stores:
                stores[bus] = Store("event-bus", f"event bus {bus.rsplit('/', 1)[-1]} ({region_of(bus)})", bus,
                                    account_of(bus) or account, region_of(bus), target.urn)
    lists["forward_rule"] = forward
    for store in stores.values():
        if store.kind == "key" and store.label.startswith("key "):
            store.label = f"log key ({store.region})"
    return Plan(account, partition, stores, values, lists)


def prefixes_of(outputs: Mapping[str, Any]) -> Mapping[str, Any]:
    """The log-archive stack's output `deliveryPrefixes`: where the organization's writers deliver."""
    return outputs.get("deliveryPrefixes") if isinstance(outputs.get("deliveryPrefixes"), Mapping) else {}


def _alarm_and_rule_targets(of) -> set[str]:
    targets = {a for alarm in of("aws:cloudwatch/metricAlarm:MetricAlarm") for a in _list(alarm.props.get("alarmActions"))}
    return targets | {t.props.get("arn") for t in of("aws:cloudwatch/eventTarget:EventTarget")}


def _bucket_of(value: Any) -> str | None:
    """arn:aws:s3:::name/prefix -> name; a plain name is returned unchanged."""
    if not isinstance(value, str) or not value:
        return None
    return value.split(":::", 1)[-1].split("/", 1)[0] or None


def _prefix(value: Any) -> str:
    """A key prefix as it sits in an object key: "cloudtrail" -> "cloudtrail/"; nothing -> ""."""
    value = (value or "").strip("/") if isinstance(value, str) else ""
    return f"{value}/" if value else ""


def _permission_statement(props: Mapping[str, Any], function_arn: str) -> dict[str, Any]:
    """A Lambda permission as the statement AWS adds to the function's resource policy
    (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html)."""
    principal = str(props.get("principal") or "")
    statement: dict[str, Any] = {
        "Sid": props.get("statementId") or "permission",
        "Effect": "Allow",
        "Principal": {"Service": principal} if principal.endswith(".amazonaws.com") else (
            "*" if principal == "*" else {"AWS": principal}),
        "Action": props.get("action") or "lambda:InvokeFunction",
        "Resource": function_arn,
    }
    condition: dict[str, dict[str, str]] = {}
    if _s(props.get("sourceAccount")):
        condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = props["sourceAccount"]
    if _s(props.get("sourceArn")):
        condition.setdefault("ArnLike", {})["AWS:SourceArn"] = props["sourceArn"]
    if _s(props.get("principalOrgId")):
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = props["principalOrgId"]
    if condition:
        statement["Condition"] = condition
    return statement
