"""CustomConfigRule: a periodic custom AWS Config rule backed by a Lambda function ("author custom rules
using AWS Lambda"), in the home region only.

The function is packaged from its source folder in components/lambdas/ (the Python files only: boto3 comes
with the runtime). It runs under a least-privilege role (trusted by lambda.amazonaws.com for this account),
writes to a KMS-encrypted log group with the baseline's retention, created before the function so Lambda
never creates an unencrypted one. AWS Config may invoke it through a permission scoped to this account;
the rule is created after that permission (Config checks it) and after the home region's recorder.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.config_rules import rule_parameters
from aws_logging_baseline.components.options import child, log_store
from aws_logging_baseline.components.regional_settings import RuleSpec
from aws_logging_baseline.components.settings import Settings

LAMBDAS = Path(__file__).parent / "lambdas"
RUNTIME = "python3.12"


def source_archive(folder: Path) -> pulumi.AssetArchive:
    """The function's code: every .py file of its folder (no tests, caches or docs), at the archive root."""
    files = sorted(p for p in folder.glob("*.py") if p.is_file())
    if not files:
        raise ValueError(f"{folder}: no Python source to package")
    return pulumi.AssetArchive({p.name: pulumi.FileAsset(str(p)) for p in files})


@dataclass
class CustomConfigRuleArgs:
    settings: Settings
    account_id: str
    rule: RuleSpec  # a catalog entry with identifier CUSTOM_LAMBDA
    recorder: pulumi.Resource  # the home region's recorder
    kms_key_arn: pulumi.Input[str]  # the home key (serves CloudWatch Logs in the home region)
    handler: str = "handler.handler"
    timeout_seconds: int = 120  # the credential report can take ~30 s to generate
    # Where the function's Errors alarm notifies (the alert topic); None: no alarm.
    alarm_topic_arn: pulumi.Input[str] | None = None
    # A periodic rule needs one execution at a time; reserving it keeps other functions from starving the rule
    # and bounds what a runaway invocation loop could cost.
    reserved_concurrency: int = 1
    tags: dict[str, str] = field(default_factory=dict)


class CustomConfigRule(pulumi.ComponentResource):
    function: aws.lambda_.Function
    log_group: aws.cloudwatch.LogGroup
    role: aws.iam.Role
    permission: aws.lambda_.Permission
    rule: aws.cfg.Rule

    def __init__(self, name: str, args: CustomConfigRuleArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:cfg:CustomConfigRule", name, None, opts)
        s, account, spec = args.settings, args.account_id, args.rule
        if not spec.custom or not spec.lambda_folder:
            raise ValueError(f"rule {spec.name} is not a CUSTOM_LAMBDA rule with a source folder")
        region = s.home_region
        function_name = f"{s.name_prefix}-{spec.name}"
        function_arn = f"arn:{s.partition}:lambda:{region}:{account}:function:{function_name}"
        group_name = f"/aws/lambda/{function_name}"
        group_arn = f"arn:{s.partition}:logs:{region}:{account}:log-group:{group_name}"

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group",
            name=group_name,
            region=region,
            retention_in_days=s.log_retention_days,
            kms_key_id=args.kms_key_arn,
            tags=args.tags,
            opts=log_store(self, s.protect_resources),
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            name=f"{s.name_prefix}-{spec.name}-rule",
            description=f"Lambda of the custom Config rule {spec.name}",
            assume_role_policy=to_json(
                docs.assume_role_policy("lambda.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account}})
            ),
            tags=args.tags,
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
            handler=args.handler,
            code=source_archive(LAMBDAS / spec.lambda_folder),
            role=self.role.arn,
            timeout=args.timeout_seconds,
            memory_size=256,
            reserved_concurrent_executions=args.reserved_concurrency,
            logging_config={"log_format": "Text", "log_group": group_name},
            tags=args.tags,
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
        frequency = s.config_rule_frequency
        parameters = rule_parameters(s, spec, {})
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
            tags=args.tags,
            opts=child(self, [self.permission, args.recorder]),
        )
        # A failed run leaves the rule's results stale without a word: alarm on the function's Errors metric
        # (AWS/Lambda, dimension FunctionName; https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
        self.errors_alarm = (
            aws.cloudwatch.MetricAlarm(
                f"{name}-errors-alarm",
                name=f"{s.name_prefix}-{spec.name}-errors",
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
                alarm_actions=[args.alarm_topic_arn],
                tags=args.tags,
                opts=child(self, [self.function]),
            )
            if args.alarm_topic_arn is not None
            else None
        )
        self.function_arn = function_arn
        self.register_outputs({"functionArn": self.function.arn, "ruleName": self.rule.name})
