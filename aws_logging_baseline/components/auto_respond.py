"""AutoRespond (baseline:autoRespond, off by default): when the baseline's trail is stopped or its event selectors
are changed, or a Config recorder is stopped, put it back within minutes and tell the alert topic what was
restored.

We found no AWS-owned SSM Automation runbook that restarts an existing trail, re-applies advanced event selectors
or restarts a recorder, so a small Lambda does it (components/lambdas/restore_logging) under a least-privilege role. One EventBridge rule in the home region
invokes it; other regions' recorder events reach the home bus through the security-event forwarding rules (their
logging-tampering entry). The function's reserved concurrency of 1 bounds what a storm of events can cost.
"""

import json
from typing import Any, NotRequired, Sequence, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.custom_config_rule import LAMBDAS, RUNTIME, source_archive
from aws_logging_baseline.components.options import child, log_store
from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components.regions import partition_of

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


class AutoRespondArgs(TypedDict):
    """Arguments of AutoRespond: the account, its regions, the trail and recorders to restore, the alert topic."""

    account_id: str
    """The account whose trail and recorders are restored."""
    home_region: str
    """The region of the function, its rule and the alert topic (other regions' events are forwarded there)."""
    regions: list[str]
    """The covered regions whose Config recorder the function may restart."""
    topic_arn: pulumi.Input[str]
    """The alert topic told what was restored."""
    topic_key_arn: pulumi.Input[str]
    """The alert topic's KMS key (publishing needs it)."""
    log_key_arn: pulumi.Input[str]
    """The KMS key of the function's CloudWatch Logs group."""
    recorder_name: NotRequired[str]
    """The baseline's Config recorder name in every region. Default: <name_prefix>-recorder."""
    trail_arn: NotRequired[str]
    """The trail to restart and re-select. Default: none (the organization trail covers the account: recorders only)."""
    trail_selectors: NotRequired[list[dict[str, Any]]]
    """The trail's advanced event selectors as deployed (Pulumi input shape), re-applied when changed; required with trail_arn. Default: none."""
    name_prefix: NotRequired[str]
    """Prefix of the function, role, rule and log group names. Default: baseline."""
    log_retention_days: NotRequired[int]
    """Retention of the function's CloudWatch Logs group, in days. Default: 365."""
    protect: NotRequired[bool]
    """Protect the log group from `pulumi destroy` and keep it when removed from the program. Default: true."""
    tags: NotRequired[dict[str, str]]
    """Tags of every resource. Default: none."""


class AutoRespond(pulumi.ComponentResource):
    """Restores the baseline's trail and Config recorders within minutes when stopped or re-selected, and says so on the alert topic."""

    def __init__(
        self,
        name: str,
        args: AutoRespondArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        depends_on: Sequence[pulumi.Resource] = (),
    ):
        """`depends_on` (Python only): what the rule waits for (the alert topic's policy, so the first response can
        publish)."""
        check_args("AutoRespond", name, args, AutoRespondArgs)
        super().__init__("baseline:events:AutoRespond", name, None, opts)
        account, region = args["account_id"], args["home_region"]
        prefix, tags = args.get("name_prefix", "baseline"), args.get("tags", {})
        partition = partition_of(region) or "aws"
        trail_arn, recorder = args.get("trail_arn"), args.get("recorder_name", recorder_name(prefix))
        if trail_arn and not args.get("trail_selectors"):
            # Restoring "no selectors" would erase what the trail records (the handler puts these selectors back).
            raise ValueError(f"AutoRespond {name}: trail_selectors is required with trail_arn (the trail's advanced event selectors)")
        function_name = f"{prefix}-restore-logging"
        group_name = f"/aws/lambda/{function_name}"
        group_arn = f"arn:{partition}:logs:{region}:{account}:log-group:{group_name}"
        rule_name = f"{prefix}-auto-respond"
        role_name = f"{prefix}-restore-logging"
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group", name=group_name, region=region, retention_in_days=args.get("log_retention_days", 365),
            kms_key_id=args["log_key_arn"], tags=tags, opts=log_store(self, args.get("protect", True)),
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            name=role_name,
            description="Automated response: restore the baseline's trail and Config recorders",
            assume_role_policy=to_json(
                docs.assume_role_policy("lambda.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account}})
            ),
            tags=tags,
            opts=child(self),
        )
        self.role_policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=self.role.name,
            policy=pulumi.Output.json_dumps(
                docs.auto_respond_role_policy(
                    trail_arn=trail_arn, regions=list(args["regions"]), topic_arn=args["topic_arn"],
                    topic_key_arn=args["topic_key_arn"], log_group_arn=group_arn, home_region=region,
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
                    "TRAIL_ARN": trail_arn or "",
                    "TRAIL_SELECTORS": pulumi.Output.json_dumps(api_selectors(list(args.get("trail_selectors", [])))),
                    "RECORDER_NAME": recorder,
                    "TOPIC_ARN": args["topic_arn"],
                    "OWN_ROLE_NAME": role_name,
                }
            },
            logging_config={"log_format": "Text", "log_group": group_name},
            tags=tags,
            opts=child(self, [self.log_group, self.role_policy]),
        )
        self.rule = aws.cloudwatch.EventRule(
            f"{name}-rule",
            name=rule_name,
            region=region,
            description="Automated response: the baseline's trail stopped or re-selected, or a recorder stopped",
            event_pattern=json.dumps(response_pattern(trail_arn, recorder), separators=(",", ":")),
            state="ENABLED",
            tags=tags,
            opts=child(self, list(depends_on)),
        )
        self.permission = aws.lambda_.Permission(
            f"{name}-invoke",
            statement_id="AllowEventBridgeInvoke",
            region=region,
            action="lambda:InvokeFunction",
            function=self.function.name,
            principal="events.amazonaws.com",
            source_arn=f"arn:{partition}:events:{region}:{account}:rule/{rule_name}",
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


def recorder_name(name_prefix: str) -> str:
    """The baseline's Config recorder name in every region (components/config_recording.py)."""
    return f"{name_prefix}-recorder"
