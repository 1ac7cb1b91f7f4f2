"""What every account of the organization runs, whatever its role: AWS Config recording and rules, VPC Flow
Logs, Inspector (issue 3) delivering into the organization's log archive, and the account's detection
(alert topic, security-event forwarding, issue 4). Built with the same functions as AccountBaseline
(components/regional_coverage.py).

Nothing here depends on the size of the organization: one set per account, regions from settings.
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.alert_topic import AlertTopic, AlertTopicArgs
from components.log_key import LogKey, LogKeyArgs
from components.options import child
from components.regional_coverage import RegionalCoverageArgs, add_regional_coverage, security_events
from components.settings import Settings

# The account's own key (home region): its CloudWatch Logs groups (trail, flow logs, Lambda) and the alert
# topic. Deliveries into the archive use the log-archive account's key instead.
LOCAL_KEY_SERVICES = frozenset({"logs", "sns"})


def local_key(name: str, s: Settings, account_id: pulumi.Input[str], tags: dict[str, str], parent: pulumi.Resource) -> LogKey:
    return LogKey(
        name,
        LogKeyArgs(
            region=s.home_region,
            partition=s.partition,
            account_id=account_id,
            services=LOCAL_KEY_SERVICES,
            alias=f"{s.name_prefix}/account-logs",
            protect=s.protect_resources,
            tags=tags,
        ),
        opts=child(parent),
    )


@dataclass
class CoverageArgs:
    settings: Settings
    account_id: str
    archive_bucket_name: pulumi.Input[str]
    archive_bucket_arn: pulumi.Input[str]
    archive_key_arn: pulumi.Input[str]  # the log-archive account's key (Config deliveries)
    local_key: LogKey
    trail_log_group_arn: pulumi.Input[str] | None = None  # this account's own trail, if it has one
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class AccountCoverage(pulumi.ComponentResource):
    def __init__(self, name: str, args: CoverageArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:roles:AccountCoverage", name, None, opts)
        s, account_id, tags = args.settings, args.account_id, args.tags
        self.alert_topic = AlertTopic(
            f"{name}-alerts",
            AlertTopicArgs(
                name=f"{s.name_prefix}-security-alerts",
                region=s.home_region,
                partition=s.partition,
                account_id=account_id,
                kms_key_arn=args.local_key.arn,
                rule_name_prefix=f"{s.name_prefix}-",
                emails=s.alert_emails,
                https_endpoints=s.alert_https_endpoints,
                tags=tags,
            ),
            opts=child(self),
        )
        self.regional = add_regional_coverage(
            self,
            name,
            RegionalCoverageArgs(
                settings=s,
                account_id=account_id,
                archive_bucket_name=args.archive_bucket_name,
                archive_bucket_arn=args.archive_bucket_arn,
                delivery_key_arn=args.archive_key_arn,
                log_key_arn=args.local_key.arn,
                alert_topic_arn=self.alert_topic.arn,
                trail_log_group_arn=args.trail_log_group_arn,
                flow_logs_depends_on=list(args.depends_on),
                channel_depends_on=list(args.depends_on),
                tags=tags,
            ),
        )
        self.security_events = security_events(name, s, account_id, self.alert_topic.arn, tags, self)
        self.outputs = {**self.regional.outputs, "alertTopicArn": self.alert_topic.arn}
        self.register_outputs(self.outputs)


def account_id_of(parent: pulumi.Resource) -> pulumi.Output[str]:
    return aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=parent)).account_id
