"""AlertTopic: the one SNS topic that CIS alarms and security events publish to, in the home region.

Encrypted with a customer managed key: CloudWatch and EventBridge cannot publish to a topic encrypted with the AWS
managed `alias/aws/sns` key (its policy cannot grant them). The key's policy must let `cloudwatch.amazonaws.com` and
`events.amazonaws.com` use it (LogKey with the "sns" service does). The topic policy admits only this account's
alarms and the baseline's rules in the home region, and denies any access without TLS.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Sequence

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child


def require_customer_managed_key(kms_key: str) -> None:
    if kms_key.endswith("alias/aws/sns"):
        raise ValueError("alias/aws/sns cannot encrypt the alert topic: CloudWatch and EventBridge cannot publish with it")


@dataclass
class AlertTopicArgs:
    name: str  # physical topic name
    region: str
    partition: str
    account_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]  # customer managed key; never alias/aws/sns
    rule_name_prefix: str  # EventBridge rules allowed to publish are named <prefix>...
    emails: Sequence[str] = ()
    https_endpoints: Sequence[str] = ()
    tags: dict[str, str] = field(default_factory=dict)


class AlertTopic(pulumi.ComponentResource):
    topic: aws.sns.Topic
    policy: aws.sns.TopicPolicy
    subscriptions: list[aws.sns.TopicSubscription]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: AlertTopicArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:sns:AlertTopic", name, None, opts)
        if isinstance(args.kms_key_arn, str):
            require_customer_managed_key(args.kms_key_arn)
        self.topic = aws.sns.Topic(
            f"{name}-topic",
            name=args.name,
            region=args.region,
            display_name="Security alerts",
            kms_master_key_id=args.kms_key_arn,
            tags=args.tags,
            opts=child(self),
        )
        self.policy = aws.sns.TopicPolicy(
            f"{name}-policy",
            arn=self.topic.arn,
            region=args.region,
            policy=to_json(
                pulumi.Output.all(self.topic.arn, args.account_id).apply(
                    lambda values: docs.alert_topic_policy(
                        topic_arn=values[0],
                        partition=args.partition,
                        region=args.region,
                        account_id=values[1],
                        rule_name_prefix=args.rule_name_prefix,
                    )
                )
            ),
            opts=child(self),
        )
        endpoints = [("email", e) for e in args.emails] + [("https", u) for u in args.https_endpoints]
        self.subscriptions = [
            aws.sns.TopicSubscription(
                # named by the endpoint, so removing one address does not replace the others
                f"{name}-{protocol}-{hashlib.sha256(endpoint.encode()).hexdigest()[:8]}",
                topic=self.topic.arn,
                region=args.region,
                protocol=protocol,
                endpoint=endpoint,
                opts=child(self),
            )
            for protocol, endpoint in endpoints
        ]
        self.arn = self.topic.arn
        self.register_outputs({"topicArn": self.topic.arn, "subscriptionCount": len(self.subscriptions)})
