"""AutoRespond (baseline:autoRespond, off by default): when the baseline's trail is stopped or its event selectors
are changed, or a Config recorder is stopped, put it back within minutes and tell the alert topic what was
restored.

We found no AWS-owned SSM Automation runbook that restarts an existing trail, re-applies advanced event selectors
or restarts a recorder, so a small Lambda does it (components/lambdas/restore_logging) under a least-privilege role. One EventBridge rule in the home region
invokes it; other regions' recorder events reach the home bus through the security-event forwarding rules (their
logging-tampering entry). The function's reserved concurrency of 1 bounds what a storm of events can cost.
"""

import json
from dataclasses import dataclass, field
from typing import Any, Sequence

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.custom_config_rule import LAMBDAS, RUNTIME, source_archive
from aws_logging_baseline.components.options import child, log_store
from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components.settings import Settings

_API_NAMES = {"name": "Name", "field_selectors": "FieldSelectors", "field": "Field", "equals": "Equals",
              "not_equals": "NotEquals", "starts_withs": "StartsWith", "not_starts_withs": "NotStartsWith",
              "ends_withs": "EndsWith", "not_ends_withs": "NotEndsWith"}


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def api_selectors(selectors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The trail's advanced event selectors (Pulumi input shape, snake_case or the engine's camelCase) in the
    PutEventSelectors API shape."""

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {_API_NAMES[_snake(k)]: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    return [convert(s) for s in selectors]


def response_pattern(trail_arn: str | None, recorder_name: str) -> dict[str, Any]:
    """The calls the responder undoes, on the baseline's own trail and recorder only."""
    options: list[dict[str, Any]] = []
    if trail_arn:
        names = [trail_arn.rsplit("/", 1)[-1], trail_arn]
        options += [
            {"detail": {"eventSource": ["cloudtrail.amazonaws.com"], "eventName": ["StopLogging"], "requestParameters": {"name": names}}},
            {"detail": {"eventSource": ["cloudtrail.amazonaws.com"], "eventName": ["PutEventSelectors"], "requestParameters": {"trailName": names}}},
        ]
    options.append(
        {"detail": {"eventSource": ["config.amazonaws.com"], "eventName": ["StopConfigurationRecorder"],
                    "requestParameters": {"configurationRecorderName": [recorder_name]}}}
    )
    return {"detail-type": ["AWS API Call via CloudTrail"], "$or": options}


@dataclass
class AutoRespondArgs:
    settings: Settings
    account_id: str
    topic_arn: pulumi.Input[str]
    topic_key_arn: pulumi.Input[str]  # the alert topic's KMS key (Publish needs it)
    log_key_arn: pulumi.Input[str]  # the account's key for its log groups
    recorder_name: str
    trail_arn: str | None = None  # None: the account has no trail of its own (the organization trail covers it)
    trail_selectors: Sequence[dict[str, Any]] = ()  # the trail's advanced event selectors, as deployed
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class AutoRespond(pulumi.ComponentResource):
    def __init__(self, name: str, args: AutoRespondArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:events:AutoRespond", name, None, opts)
        s, account, region = args.settings, args.account_id, args.settings.home_region
        function_name = f"{s.name_prefix}-restore-logging"
        group_name = f"/aws/lambda/{function_name}"
        group_arn = f"arn:{s.partition}:logs:{region}:{account}:log-group:{group_name}"
        rule_name = f"{s.name_prefix}-auto-respond"
        role_name = f"{s.name_prefix}-restore-logging"
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group", name=group_name, region=region, retention_in_days=s.log_retention_days,
            kms_key_id=args.log_key_arn, tags=args.tags, opts=log_store(self, s.protect_resources),
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            name=role_name,
            description="Automated response: restore the baseline's trail and Config recorders",
            assume_role_policy=to_json(
                docs.assume_role_policy("lambda.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account}})
            ),
            tags=args.tags,
            opts=child(self),
        )
        self.role_policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=self.role.name,
            policy=pulumi.Output.json_dumps(
                docs.auto_respond_role_policy(
                    trail_arn=args.trail_arn, regions=list(s.regions), topic_arn=args.topic_arn,
                    topic_key_arn=args.topic_key_arn, log_group_arn=group_arn, home_region=region,
                )
            ),
            opts=child(self),
        )
        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=function_name,
            region=region,
            description="Restores the baseline's trail and Config recorders and says so on the alert topic",
            runtime=RUNTIME,
            handler="handler.handler",
            code=source_archive(LAMBDAS / "restore_logging"),
            role=self.role.arn,
            timeout=60,
            memory_size=128,
            reserved_concurrent_executions=1,
            environment={
                "variables": {
                    "TRAIL_ARN": args.trail_arn or "",
                    "TRAIL_SELECTORS": pulumi.Output.json_dumps(api_selectors(list(args.trail_selectors))),
                    "RECORDER_NAME": args.recorder_name,
                    "TOPIC_ARN": args.topic_arn,
                    "OWN_ROLE_NAME": role_name,
                }
            },
            logging_config={"log_format": "Text", "log_group": group_name},
            tags=args.tags,
            opts=child(self, [self.log_group, self.role_policy]),
        )
        self.rule = aws.cloudwatch.EventRule(
            f"{name}-rule",
            name=rule_name,
            region=region,
            description="Automated response: the baseline's trail stopped or re-selected, or a recorder stopped",
            event_pattern=json.dumps(response_pattern(args.trail_arn, args.recorder_name), separators=(",", ":")),
            state="ENABLED",
            tags=args.tags,
            opts=child(self, list(args.depends_on)),
        )
        self.permission = aws.lambda_.Permission(
            f"{name}-invoke",
            statement_id="AllowEventBridgeInvoke",
            region=region,
            action="lambda:InvokeFunction",
            function=self.function.name,
            principal="events.amazonaws.com",
            source_arn=f"arn:{s.partition}:events:{region}:{account}:rule/{rule_name}",
            source_account=account,
            opts=child(self),
        )
        self.target = aws.cloudwatch.EventTarget(
            f"{name}-target",
            region=region,
            rule=self.rule.name,
            target_id="restore-logging",
            arn=self.function.arn,
            opts=child(self, [self.permission]),
        )
        self.register_outputs({"functionName": self.function.name, "ruleName": self.rule.name})


def recorder_name(s: Settings) -> str:
    """The baseline's Config recorder name in every region (components/config_recording.py)."""
    return f"{s.name_prefix}-recorder"


def add_auto_respond(
    parent: pulumi.Resource, name: str, s: Settings, account_id: str, topic: pulumi.Resource, topic_key_arn: pulumi.Input[str],
    log_key_arn: pulumi.Input[str], trail: Any | None, tags: dict[str, str],
) -> "AutoRespond | None":
    """The responder when baseline:autoRespond is on (None otherwise): for `trail` (a Trail component, or None
    where the organization trail covers the account) and the account's recorders."""
    if not s.auto_respond:
        return None
    return AutoRespond(
        f"{name}-auto-respond",
        AutoRespondArgs(
            settings=s, account_id=account_id, topic_arn=topic.arn, topic_key_arn=topic_key_arn, log_key_arn=log_key_arn,
            recorder_name=recorder_name(s), trail_arn=trail.arn if trail else None,
            trail_selectors=trail.event_selectors if trail else (), depends_on=[topic.policy], tags=tags,
        ),
        opts=child(parent),
    )
