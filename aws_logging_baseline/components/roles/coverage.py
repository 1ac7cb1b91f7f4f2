"""What every account of the organization runs, whatever its role: AWS Config recording and rules, VPC Flow
Logs, Inspector (issue 3) delivering into the organization's log archive, and the account's detection
(alert topic, security-event forwarding, issue 4). Built with the same functions as AccountBaseline
(components/regional_coverage.py).

Nothing here depends on the size of the organization: one set per account, regions from settings.
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.log_archive import TRAIL_PREFIX
from aws_logging_baseline.components.log_key import LogKey
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regional_coverage import RegionalCoverageArgs, add_regional_coverage, alert_topic, security_events
from aws_logging_baseline.components.regional_coverage import access_analyzer, auto_respond
from aws_logging_baseline.components.roles.archive_reference import ArchiveDestination
from aws_logging_baseline.components.settings import Settings
from aws_logging_baseline.components.from_settings import log_key_args, trail_args
from aws_logging_baseline.components.trail import Trail

# The account's own key (home region): its CloudWatch Logs groups (trail, flow logs, Lambda) and the alert
# topic. Deliveries into the archive use the log-archive account's key instead.
LOCAL_KEY_SERVICES = frozenset({"logs", "sns"})


def local_key(name: str, s: Settings, account_id: pulumi.Input[str], tags: dict[str, str], parent: pulumi.Resource) -> LogKey:
    return LogKey(
        name,
        log_key_args(
            s,
            account_id=account_id,
            services=sorted(LOCAL_KEY_SERVICES),
            alias=f"{s.name_prefix}/account-logs",
            tags=tags,
        ),
        opts=child(parent),
    )


def archive_trail(
    name: str, s: Settings, account_id: pulumi.Input[str], trail_name: str, archive: ArchiveDestination,
    local_key: LogKey, tags: dict[str, str], parent: pulumi.Resource, is_organization_trail: bool = False,
) -> Trail:
    """A multi-region trail delivering into the organization's archive under the log-archive account's key,
    with its CloudWatch Logs group under this account's own key."""
    return Trail(
        name,
        trail_args(
            s,
            account_id=account_id,
            trail_name=trail_name,
            bucket_name=archive.bucket_name,
            s3_key_prefix=TRAIL_PREFIX,
            kms_key_arn=archive.key_arn,
            log_group_kms_key_arn=local_key.arn,
            is_organization_trail=is_organization_trail,
            tags=tags,
        ),
        opts=child(parent),
        depends_on=[local_key.key],
    )


@dataclass
class CoverageArgs:
    settings: Settings
    account_id: str
    archive: ArchiveDestination  # the organization's archive bucket and the log-archive account's key
    local_key: LogKey
    trail_log_group_arn: pulumi.Input[str] | None = None  # this account's own trail, if it has one
    trail: Trail | None = None  # the trail this account owns (baseline:autoRespond restores it), if any
    tags: dict[str, str] = field(default_factory=dict)


class AccountCoverage(pulumi.ComponentResource):
    def __init__(self, name: str, args: CoverageArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:roles:AccountCoverage", name, None, opts)
        s, account_id, tags = args.settings, args.account_id, args.tags
        self.alert_topic = alert_topic(f"{name}-alerts", s, account_id, args.local_key.arn, tags, self)
        self.regional = add_regional_coverage(
            self,
            name,
            RegionalCoverageArgs(
                settings=s,
                account_id=account_id,
                archive_bucket_name=args.archive.bucket_name,
                archive_bucket_arn=args.archive.bucket_arn,
                delivery_key_arn=args.archive.key_arn,
                log_key_arn=args.local_key.arn,
                alert_topic_arn=self.alert_topic.arn,
                trail_log_group_arn=args.trail_log_group_arn,
                tags=tags,
            ),
        )
        self.security_events = security_events(name, s, account_id, self.alert_topic.arn, tags, self)
        # Issue 18: every account analyses external access to its own resources (IAM.28 is checked per account).
        self.access_analyzer = access_analyzer(name, s, self, tags, unused_access=s.access_analyzer_zone_of_trust == "ACCOUNT")
        self.auto_respond = auto_respond(
            name, s, self, trail=args.trail, account_id=account_id, topic=self.alert_topic, key_arn=args.local_key.arn, tags=tags
        )
        self.outputs = {
            **self.regional.outputs,
            "alertTopicArn": self.alert_topic.arn,
            "accessAnalyzerRegions": list(self.access_analyzer.external) if self.access_analyzer else [],
            "regions": list(s.regions),  # the policy pack's required regions (as the standalone stack exports them)
        }
        self.register_outputs(self.outputs)


def account_id_of(parent: pulumi.Resource) -> pulumi.Output[str]:
    return aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=parent)).account_id
