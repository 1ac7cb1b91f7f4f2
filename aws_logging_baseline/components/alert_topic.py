"""AlertTopic: the one SNS topic that CIS alarms and security events publish to, in the home region.

Encrypted with a customer managed key: CloudWatch and EventBridge cannot publish to a topic encrypted with the AWS
managed `alias/aws/sns` key (its policy cannot grant them). The key's policy must let `cloudwatch.amazonaws.com` and
`events.amazonaws.com` use it (LogKey with the "sns" service does). The topic policy admits only this account's
alarms and the baseline's rules in the home region, and denies any access without TLS.
"""

import hashlib
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regions import partition_of


def require_customer_managed_key(kms_key: str) -> None:
    if kms_key.endswith("alias/aws/sns"):
        raise ValueError("alias/aws/sns cannot encrypt the alert topic: CloudWatch and EventBridge cannot publish with it")


class AlertTopicArgs(TypedDict):
    """Arguments of AlertTopic: the topic's name and key, who may publish, and who is told."""

    topic_name: str
    """The topic's physical name."""
    region: str
    """The topic's region (the home region: alarms and rules of other regions publish across regions)."""
    account_id: pulumi.Input[str]
    """The account whose CloudWatch alarms and EventBridge rules may publish (aws:SourceAccount)."""
    kms_key_arn: pulumi.Input[str]
    """A customer managed key whose policy lets cloudwatch.amazonaws.com and events.amazonaws.com use it; never alias/aws/sns."""
    rule_name_prefix: str
    """EventBridge rules allowed to publish are named <prefix>... (their ARN is the topic policy's aws:SourceArn)."""
    emails: NotRequired[list[str]]
    """Email addresses subscribed to the topic (each confirms by mail). Default: none."""
    https_endpoints: NotRequired[list[str]]
    """HTTPS endpoints subscribed to the topic. Default: none."""
    tags: NotRequired[dict[str, str]]
    """Tags of the topic. Default: none."""


class AlertTopic(pulumi.ComponentResource):
    """The SNS topic, encrypted with a customer managed key, that security alarms and events publish to."""

    topic: aws.sns.Topic
    policy: aws.sns.TopicPolicy
    subscriptions: list[aws.sns.TopicSubscription]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: AlertTopicArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("AlertTopic", name, args, AlertTopicArgs)
        super().__init__("baseline:sns:AlertTopic", name, None, opts)
        region, kms_key_arn, rule_name_prefix = args["region"], args["kms_key_arn"], args["rule_name_prefix"]
        partition = partition_of(region) or "aws"
        if isinstance(kms_key_arn, str):
            require_customer_managed_key(kms_key_arn)
        self.topic = aws.sns.Topic(
            f"{name}-topic",
            name=args["topic_name"],
            region=region,
            display_name="Security alerts",
            kms_master_key_id=kms_key_arn,
            tags=args.get("tags", {}),
            opts=child(self),
        )
        self.policy = aws.sns.TopicPolicy(
            f"{name}-policy",
            arn=self.topic.arn,
            region=region,
            policy=to_json(
                pulumi.Output.all(self.topic.arn, args["account_id"]).apply(
                    lambda values: docs.alert_topic_policy(
                        topic_arn=values[0],
                        partition=partition,
                        region=region,
                        account_id=values[1],
                        rule_name_prefix=rule_name_prefix,
                    )
                )
            ),
            opts=child(self),
        )
        endpoints = [("email", e) for e in args.get("emails", [])] + [("https", u) for u in args.get("https_endpoints", [])]
        self.subscriptions = [
            aws.sns.TopicSubscription(
                # named by the endpoint, so removing one address does not replace the others
                f"{name}-{protocol}-{hashlib.sha256(endpoint.encode()).hexdigest()[:8]}",
                topic=self.topic.arn,
                region=region,
                protocol=protocol,
                endpoint=endpoint,
                opts=child(self),
            )
            for protocol, endpoint in endpoints
        ]
        self.arn = self.topic.arn
        self.register_outputs({"topicArn": self.topic.arn, "subscriptionCount": len(self.subscriptions)})
