"""RootActivityAlarm: this team's own alarm on the trail's log group: any use of the root user."""

from typing import TypedDict

import pulumi
import pulumi_aws as aws

# CIS AWS Foundations 1.7 / Security Hub CloudWatch.1, the reference pattern
# (https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-1).
ROOT_ACTIVITY = (
    '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
)


class RootActivityAlarmArgs(TypedDict):
    log_group_name: pulumi.Input[str]
    """The trail's CloudWatch Logs group."""
    region: str
    """The log group's region."""
    topic_arn: pulumi.Input[str]
    """Where the alarm notifies."""


class RootActivityAlarm(pulumi.ComponentResource):
    def __init__(self, name: str, args: RootActivityAlarmArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("team:monitoring:RootActivityAlarm", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        metric = {"name": "RootActivity", "namespace": "Team/Security", "value": "1"}
        self.metric_filter = aws.cloudwatch.LogMetricFilter(
            f"{name}-filter", log_group_name=args["log_group_name"], region=args["region"], pattern=ROOT_ACTIVITY,
            metric_transformation=metric, opts=child,
        )
        self.alarm = aws.cloudwatch.MetricAlarm(
            f"{name}-alarm", name="team-root-activity", region=args["region"], namespace=metric["namespace"],
            metric_name=metric["name"], statistic="Sum", period=300, threshold=1, evaluation_periods=1,
            comparison_operator="GreaterThanOrEqualToThreshold", treat_missing_data="notBreaching",
            actions_enabled=True, alarm_actions=[args["topic_arn"]],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.metric_filter]),
        )
        self.register_outputs({"alarmName": self.alarm.name})
