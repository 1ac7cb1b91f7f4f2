"""CustomConfigRule: a periodic custom AWS Config rule backed by a Lambda function ("author custom rules
using AWS Lambda"), in the home region only.

The function is packaged from its source folder in components/lambdas/ (the Python files only: boto3 comes
with the runtime). It runs under a least-privilege role (trusted by lambda.amazonaws.com for this account),
writes to a KMS-encrypted log group with the baseline's retention, created before the function so Lambda
never creates an unencrypted one. AWS Config may invoke it through a permission scoped to this account;
the rule is created after that permission (Config checks it) and after the home region's recorder.
"""

from pathlib import Path
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.config_rules import rule_parameters
from aws_logging_baseline.components.options import child, log_store
from aws_logging_baseline.components.regional_settings import rule_by_name
from aws_logging_baseline.components.regions import partition_of

LAMBDAS = Path(__file__).parent / "lambdas"
RUNTIME = "python3.12"


def source_archive(folder: Path) -> pulumi.AssetArchive:
    """The function's code: every .py file of its folder (no tests, caches or docs), at the archive root."""
    files = sorted(p for p in folder.glob("*.py") if p.is_file())
    if not files:
        raise ValueError(f"{folder}: no Python source to package")
    return pulumi.AssetArchive({p.name: pulumi.FileAsset(str(p)) for p in files})


class CustomConfigRuleArgs(TypedDict):
    """Arguments of CustomConfigRule: which catalog rule, where it runs, and how its Lambda function runs."""

    account_id: str
    """The account the function, its role and the rule belong to."""
    region: str
    """The rule's region: the home region (the catalog's custom rule is about global resources)."""
    rule_name: str
    """A catalog rule (catalog/config_rules.yaml) with identifier CUSTOM_LAMBDA and a `lambda:` source folder."""
    kms_key_arn: pulumi.Input[str]
    """The key of the function's CloudWatch Logs group; its policy must let CloudWatch Logs in `region` use it."""
    parameter_overrides: NotRequired[dict[str, str]]
    """Input parameters over the catalog's (parameterName -> value). Default: none."""
    rule_frequency: NotRequired[str]
    """How often the rule runs: One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours. Default: TwentyFour_Hours."""
    handler: NotRequired[str]
    """The function's entry point (module.function). Default: handler.handler."""
    timeout_seconds: NotRequired[int]
    """The function's timeout (the credential report can take ~30 s to generate). Default: 120."""
    alarm_topic_arn: NotRequired[pulumi.Input[str]]
    """Where an alarm on the function's Errors metric notifies (the alert topic). Default: none (no alarm)."""
    reserved_concurrency: NotRequired[int]
    """Executions reserved for the function: one at a time suits a periodic rule, keeps other functions from
    starving it and bounds what a runaway invocation loop could cost. Default: 1."""
    name_prefix: NotRequired[str]
    """Prefix of the function, role, rule and alarm names. Default: baseline."""
    log_retention_days: NotRequired[int]
    """Retention of the function's log group, in days. Default: 365."""
    protect: NotRequired[bool]
    """Protect the log group from `pulumi destroy` and keep it when removed from the program. Default: true."""
    tags: NotRequired[dict[str, str]]
    """Tags of every resource. Default: none."""


class CustomConfigRule(pulumi.ComponentResource):
    """A periodic custom AWS Config rule backed by a least-privilege Lambda function with encrypted logs."""

    function: aws.lambda_.Function
    log_group: aws.cloudwatch.LogGroup
    role: aws.iam.Role
    permission: aws.lambda_.Permission
    rule: aws.cfg.Rule

    def __init__(
        self,
        name: str,
        args: CustomConfigRuleArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        recorder: pulumi.Resource | None = None,
    ):
        """`recorder` (Python only): the region's recorder, which the rule waits for (AWS Config refuses a rule
        before the region has a recorder)."""
        check_args("CustomConfigRule", name, args, CustomConfigRuleArgs)
        super().__init__("baseline:cfg:CustomConfigRule", name, None, opts)
        account, region, prefix = args["account_id"], args["region"], args.get("name_prefix", "baseline")
        spec = rule_by_name().get(args["rule_name"])
        if spec is None or not spec.custom or not spec.lambda_folder:
            raise ValueError(f"rule_name: {args['rule_name']!r} is not a CUSTOM_LAMBDA rule with a source folder in catalog/config_rules.yaml")
        partition = partition_of(region) or "aws"
        tags = args.get("tags", {})
        function_name = f"{prefix}-{spec.name}"
        function_arn = f"arn:{partition}:lambda:{region}:{account}:function:{function_name}"
        group_name = f"/aws/lambda/{function_name}"
        group_arn = f"arn:{partition}:logs:{region}:{account}:log-group:{group_name}"

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group",
            name=group_name,
            region=region,
            retention_in_days=args.get("log_retention_days", 365),
            kms_key_id=args["kms_key_arn"],
            tags=tags,
            opts=log_store(self, args.get("protect", True)),
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            name=f"{prefix}-{spec.name}-rule",
            description=f"Lambda of the custom Config rule {spec.name}",
            assume_role_policy=to_json(
                docs.assume_role_policy("lambda.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account}})
            ),
            tags=tags,
            opts=child(self),
        )
        self.role_policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=self.role.name,
            policy=to_json(docs.config_rule_function_policy(log_group_arn=group_arn)),
            opts=child(self),
        )
        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=function_name,
            region=region,
            description=spec.description[:256],
            runtime=RUNTIME,
            handler=args.get("handler", "handler.handler"),
            code=source_archive(LAMBDAS / spec.lambda_folder),
            role=self.role.arn,
            timeout=args.get("timeout_seconds", 120),
            memory_size=256,
            reserved_concurrent_executions=args.get("reserved_concurrency", 1),
            logging_config={"log_format": "Text", "log_group": group_name},
            tags=tags,
            opts=child(self, [self.log_group, self.role_policy]),
        )
        self.permission = aws.lambda_.Permission(
            f"{name}-config-invoke",
            statement_id="AllowConfigInvoke",
            region=region,
            action="lambda:InvokeFunction",
            function=self.function.name,
            principal="config.amazonaws.com",
            source_account=account,
            opts=child(self),
        )
        frequency = args.get("rule_frequency", "TwentyFour_Hours")
        parameters = rule_parameters(spec, {}, overrides=args.get("parameter_overrides"))
        self.rule = aws.cfg.Rule(
            f"{name}-rule",
            name=function_name,
            region=region,
            description=spec.description[:256],
            source={
                "owner": "CUSTOM_LAMBDA",
                "source_identifier": self.function.arn,
                "source_details": [{"message_type": "ScheduledNotification", "maximum_execution_frequency": frequency}],
            },
            input_parameters=to_json(parameters) if parameters else None,
            maximum_execution_frequency=frequency,
            tags=tags,
            opts=child(self, [self.permission] + ([recorder] if recorder is not None else [])),
        )
        # A failed run leaves the rule's results stale without a word: alarm on the function's Errors metric
        # (AWS/Lambda, dimension FunctionName; https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
        alarm_topic_arn = args.get("alarm_topic_arn")
        self.errors_alarm = (
            aws.cloudwatch.MetricAlarm(
                f"{name}-errors-alarm",
                name=f"{prefix}-{spec.name}-errors",
                region=region,
                alarm_description=f"The Lambda of the custom Config rule {spec.name} failed: its evaluations are stale",
                namespace="AWS/Lambda",
                metric_name="Errors",
                dimensions={"FunctionName": function_name},
                statistic="Sum",
                period=300,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[alarm_topic_arn],
                tags=tags,
                opts=child(self, [self.function]),
            )
            if alarm_topic_arn is not None
            else None
        )
        self.function_arn = function_arn
        self.register_outputs({"functionArn": self.function.arn, "ruleName": self.rule.name})
