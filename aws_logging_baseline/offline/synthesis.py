"""Realistic outputs for resources registered under mocks, so cross-references resolve offline.

The real provider computes ids, ARNs and auto-generated names. Under mocks nothing does, and an input such
as `target_key_id=key.key_id` would silently vanish. This table says, per type token, which input carries
the physical name and what the ARN and id look like; anything not listed gets a generic id and ARN.
Values are derived from a hash of the URN, so repeated runs produce identical exports.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

# ARN templates use: {p} partition, {r} region, {a} account, {name}, {uid} (stable hex), {uuid}.
Extra = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Spec:
    arn: str | None = None
    name_key: str | None = "name"  # input that carries the physical name; autonamed when absent
    default_name: str | None = None  # provider default instead of an autoname (e.g. Config's "default")
    id: str = "{name}"
    outputs: dict[str, str] = field(default_factory=dict)  # extra output -> template
    global_service: bool = False


SPECS: dict[str, Spec] = {
    "aws:s3/bucket:Bucket": Spec(
        arn="arn:{p}:s3:::{name}",
        name_key="bucket",
        outputs={
            "bucket": "{name}",
            "bucketDomainName": "{name}.s3.{dns}",
            "bucketRegionalDomainName": "{name}.s3.{r}.{dns}",
        },
    ),
    **{
        f"aws:s3/{side[0].lower() + side[1:]}:{side}": Spec(name_key="bucket")
        for side in (
            "BucketVersioning",
            "BucketServerSideEncryptionConfiguration",
            "BucketPublicAccessBlock",
            "BucketPolicy",
            "BucketLifecycleConfiguration",
            "BucketReplicationConfig",
            "BucketObjectLockConfiguration",
            "BucketLogging",
            "BucketOwnershipControls",
        )
    },
    "aws:kms/key:Key": Spec(arn="arn:{p}:kms:{r}:{a}:key/{uuid}", name_key=None, id="{uuid}", outputs={"keyId": "{uuid}"}),
    "aws:kms/alias:Alias": Spec(arn="arn:{p}:kms:{r}:{a}:{name}"),
    "aws:cloudtrail/trail:Trail": Spec(arn="arn:{p}:cloudtrail:{r}:{a}:trail/{name}", id="{arn}", outputs={"homeRegion": "{r}"}),
    "aws:cloudwatch/logGroup:LogGroup": Spec(arn="arn:{p}:logs:{r}:{a}:log-group:{name}"),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": Spec(),
    "aws:cloudwatch/metricAlarm:MetricAlarm": Spec(arn="arn:{p}:cloudwatch:{r}:{a}:alarm:{name}"),
    "aws:cloudwatch/eventRule:EventRule": Spec(arn="arn:{p}:events:{r}:{a}:rule/{name}"),
    "aws:cloudwatch/eventBus:EventBus": Spec(arn="arn:{p}:events:{r}:{a}:event-bus/{name}"),
    "aws:cloudwatch/eventTarget:EventTarget": Spec(name_key="targetId", id="{name}"),
    "aws:iam/role:Role": Spec(arn="arn:{p}:iam::{a}:role/{name}", outputs={"uniqueId": "AROA{UID}"}, global_service=True),
    "aws:iam/policy:Policy": Spec(arn="arn:{p}:iam::{a}:policy/{name}", id="{arn}", global_service=True),
    "aws:iam/rolePolicy:RolePolicy": Spec(global_service=True),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": Spec(name_key=None, global_service=True),
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": Spec(
        arn="arn:{p}:iam::{a}:role/aws-service-role/{service}/{name}", name_key=None, global_service=True
    ),
    "aws:sns/topic:Topic": Spec(arn="arn:{p}:sns:{r}:{a}:{name}", id="{arn}"),
    "aws:sns/topicPolicy:TopicPolicy": Spec(name_key=None),
    "aws:sns/topicSubscription:TopicSubscription": Spec(arn="{topic}:{uuid}", name_key=None, id="{arn}"),
    "aws:cfg/recorder:Recorder": Spec(default_name="default"),
    "aws:cfg/deliveryChannel:DeliveryChannel": Spec(default_name="default"),
    "aws:cfg/recorderStatus:RecorderStatus": Spec(),
    "aws:cfg/rule:Rule": Spec(arn="arn:{p}:config:{r}:{a}:config-rule/config-rule-{uid6}", outputs={"ruleId": "config-rule-{uid6}"}),
    "aws:cfg/configurationAggregator:ConfigurationAggregator": Spec(
        arn="arn:{p}:config:{r}:{a}:config-aggregator/config-aggregator-{uid6}"
    ),
    "aws:cfg/remediationConfiguration:RemediationConfiguration": Spec(name_key="configRuleName"),
    "aws:lambda/function:Function": Spec(
        arn="arn:{p}:lambda:{r}:{a}:function:{name}",
        outputs={"qualifiedArn": "{arn}:$LATEST", "invokeArn": "arn:{p}:apigateway:{r}:lambda:path/2015-03-31/functions/{arn}/invocations"},
    ),
    "aws:lambda/permission:Permission": Spec(name_key="statementId"),
    "aws:ec2/flowLog:FlowLog": Spec(arn="arn:{p}:ec2:{r}:{a}:vpc-flow-log/fl-{uid17}", name_key=None, id="fl-{uid17}"),
    "aws:inspector2/enabler:Enabler": Spec(name_key=None),
    "aws:inspector2/delegatedAdminAccount:DelegatedAdminAccount": Spec(name_key="accountId", global_service=True),
    # Analytics (issue 16): a workgroup's id is its name, a named query's id a UUID, Glue ids are catalog:db[:table].
    "aws:athena/workgroup:Workgroup": Spec(arn="arn:{p}:athena:{r}:{a}:workgroup/{name}"),
    "aws:athena/namedQuery:NamedQuery": Spec(id="{uuid}"),
    "aws:glue/catalogDatabase:CatalogDatabase": Spec(arn="arn:{p}:glue:{r}:{a}:database/{name}", id="{a}:{name}"),
    "aws:glue/catalogTable:CatalogTable": Spec(arn="arn:{p}:glue:{r}:{a}:table/{database}/{name}", id="{a}:{database}:{name}"),
    "aws:cloudwatch/dashboard:Dashboard": Spec(arn="arn:{p}:cloudwatch::{a}:dashboard/{name}", name_key="dashboardName"),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": Spec(arn="arn:{p}:firehose:{r}:{a}:deliverystream/{name}", id="{arn}"),
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": Spec(),
}


def _stable_hex(urn: str) -> str:
    return hashlib.sha256(urn.encode()).hexdigest()


def synthesize(
    type_: str, name: str, urn: str, inputs: dict[str, Any], partition: str, dns: str, account: str, region: str,
    read_id: str = "",
) -> tuple[str, dict[str, Any]]:
    """Return (id, outputs): the inputs plus the computed attributes the real provider would return.
    `read_id` is the id of an existing resource the program reads (`Resource.get`): it is the id, and the
    physical name (or key id) too where the type's id is its name (or key id)."""
    spec = SPECS.get(type_) or _generic(type_)
    digest = _stable_hex(urn)
    read_name = read_id if spec.id == "{name}" else ""
    physical = (
        (inputs.get(spec.name_key) if spec.name_key else None) or read_name or spec.default_name or f"{name}-{digest[:7]}"
    )
    values = {
        "p": partition,
        "dns": dns,
        "r": region,
        "a": account,
        "name": physical,
        "uid": digest[:12],
        "UID": digest[:17].upper(),
        "uid6": digest[:6],
        "uid17": digest[:17],
        "uuid": read_id if read_id and spec.id == "{uuid}" else str(uuid.UUID(digest[:32])),
        "service": str(inputs.get("awsServiceName", "")),
        "topic": str(inputs.get("topic", "")),
        "database": str(inputs.get("databaseName", "")),
    }
    outputs = dict(inputs)
    if spec.arn:
        values["arn"] = spec.arn.format(**values)
        outputs.setdefault("arn", values["arn"])
    if spec.name_key and spec.name_key not in outputs:
        outputs[spec.name_key] = physical
    if type_ == "aws:iam/serviceLinkedRole:ServiceLinkedRole":
        outputs.setdefault("name", _service_linked_role_name(values["service"]))
        values["name"] = outputs["name"]
        outputs["arn"] = values["arn"] = SPECS[type_].arn.format(**values)
    for key, template in spec.outputs.items():
        outputs.setdefault(key, template.format(**values))
    if not spec.global_service and type_.startswith("aws:"):
        outputs.setdefault("region", region)
    resource_id = read_id or spec.id.format(**values)
    outputs.setdefault("id", resource_id)
    return resource_id, outputs


def _service_linked_role_name(service: str) -> str:
    known = {"config.amazonaws.com": "AWSServiceRoleForConfig", "inspector2.amazonaws.com": "AWSServiceRoleForAmazonInspector2"}
    return known.get(service, "AWSServiceRoleFor" + service.split(".")[0].capitalize())


def _generic(type_: str) -> Spec:
    # "aws:ec2/vpc:Vpc" -> service "ec2", resource "vpc"
    if not type_.startswith("aws:"):
        return Spec(arn=None)
    module, _, rest = type_[4:].partition(":")
    service, _, resource = module.partition("/")
    return Spec(arn=f"arn:{{p}}:{service}:{{r}}:{{a}}:{resource}/{{name}}", name_key=None)
