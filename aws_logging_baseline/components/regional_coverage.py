"""What every account runs in every region, whatever composes it: VPC Flow Logs, AWS Config recording and
rules (managed, custom, optional remediation), Inspector, the CIS alarms on a trail's log group and the
security-event rules. The standalone AccountBaseline and the organization roles both build on these
functions, so the two cannot drift apart; the children are parented to the caller's component.
"""

from dataclasses import dataclass, field
from typing import Any, Sequence

import pulumi

from aws_logging_baseline.components.alert_topic import AlertTopic
from aws_logging_baseline.components.auto_respond import AutoRespond
from aws_logging_baseline.components.config_recording import ConfigRecording, config_service_linked_role, service_linked_role_arn
from aws_logging_baseline.components.config_remediation import ConfigRemediation
from aws_logging_baseline.components.config_rules import ConfigRules, enabled_rules
from aws_logging_baseline.components.custom_config_rule import CustomConfigRule
from aws_logging_baseline.components.flow_logs import FlowLogs
from aws_logging_baseline.components.from_settings import (
    alert_topic_args,
    auto_respond_args,
    config_recording_args,
    config_remediation_args,
    config_rules_args,
    custom_config_rule_args,
    flow_logs_args,
    inspector_args,
)
from aws_logging_baseline.components.inspector import Inspector
from aws_logging_baseline.components.log_archive import CONFIG_PREFIX, FLOW_LOGS_PREFIX
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.from_settings import security_alarms_args, security_events_args
from aws_logging_baseline.components.security_alarms import SecurityAlarms
from aws_logging_baseline.components.security_events import SecurityEvents
from aws_logging_baseline.components.settings import Settings, SettingsError, alert_subscription_problems


@dataclass
class RegionalCoverageArgs:
    settings: Settings
    account_id: pulumi.Input[str]
    archive_bucket_name: pulumi.Input[str]
    archive_bucket_arn: pulumi.Input[str]
    delivery_key_arn: pulumi.Input[str]  # the archive's key: AWS Config deliveries are encrypted with it
    log_key_arn: pulumi.Input[str]  # this account's key: its own log groups (flow logs, the rule's Lambda)
    alert_topic_arn: pulumi.Input[str]
    # wired into CLOUD_TRAIL_ENABLED when there is one: the trail's own CloudWatchLogsLogGroupArn (ends in ":*")
    trail_log_group_arn: pulumi.Input[str] | None = None
    flow_logs_depends_on: list[pulumi.Resource] = field(default_factory=list)
    channel_depends_on: list[pulumi.Resource] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class RegionalCoverage:
    flow_logs: FlowLogs
    config_role: pulumi.Resource | None
    config_recording: dict[str, ConfigRecording]
    config_rules: ConfigRules
    custom_rules: list[CustomConfigRule]
    config_remediation: ConfigRemediation | None
    inspector: Inspector | None

    @property
    def outputs(self) -> dict[str, Any]:
        return {
            "vpcIds": self.flow_logs.vpc_ids,
            "configRecorders": {region: rec.recorder.name for region, rec in self.config_recording.items()},
            "configRuleCount": len(self.config_rules.rules) + len(self.custom_rules),
            "inspectorRegions": list(self.inspector.enablers) if self.inspector else [],
        }


def add_regional_coverage(parent: pulumi.Resource, name: str, args: RegionalCoverageArgs) -> RegionalCoverage:
    s, account_id, tags = args.settings, args.account_id, args.tags
    flow_logs = FlowLogs(
        f"{name}-flow-logs",
        flow_logs_args(
            s,
            account_id=account_id,
            archive_bucket_arn=args.archive_bucket_arn,
            s3_prefix=FLOW_LOGS_PREFIX,
            home_key_arn=args.log_key_arn,
            tags=tags,
        ),
        opts=child(parent),
        depends_on=list(args.flow_logs_depends_on),
    )
    config_role = config_service_linked_role(f"{name}-config-service-role", parent, exists=s.config_service_linked_role_exists)
    role_arn = config_role.arn if config_role else service_linked_role_arn(s.partition, account_id)
    config_recording = {
        region: ConfigRecording(
            f"{name}-config-{region}",
            config_recording_args(
                s,
                region=region,
                role_arn=role_arn,
                bucket_name=args.archive_bucket_name,
                s3_key_prefix=CONFIG_PREFIX,
                kms_key_arn=args.delivery_key_arn,
            ),
            opts=child(parent),
            recorder_depends_on=[config_role] if config_role else [],
            channel_depends_on=list(args.channel_depends_on),
        )
        for region in s.regions
    }
    recorders = {region: rec.recorder for region, rec in config_recording.items()}
    config_rules = ConfigRules(
        f"{name}-config-rules",
        config_rules_args(
            s,
            archive_bucket_name=args.archive_bucket_name,
            trail_log_group_arn=args.trail_log_group_arn,
            alert_topic_arn=args.alert_topic_arn,
            tags=tags,
        ),
        opts=child(parent),
        recorders=recorders,
    )
    custom_rules = [
        CustomConfigRule(
            f"{name}-{rule.name}",
            custom_config_rule_args(
                s,
                rule_name=rule.name,
                account_id=account_id,
                kms_key_arn=args.log_key_arn,
                alarm_topic_arn=args.alert_topic_arn,
                tags=tags,
            ),
            opts=child(parent),
            recorder=recorders[s.home_region],
        )
        for rule in enabled_rules(s.config_rules_disabled, custom=True)
    ]
    config_remediation = (
        ConfigRemediation(
            f"{name}-config-remediation",
            config_remediation_args(s, account_id=account_id, tags=tags),
            opts=child(parent),
            rules=config_rules.rules,
        )
        if s.config_remediation_rules
        else None
    )
    inspector = (
        Inspector(f"{name}-inspector", inspector_args(s, account_id=account_id), opts=child(parent))
        if s.inspector_enabled
        else None
    )
    return RegionalCoverage(flow_logs, config_role, config_recording, config_rules, custom_rules, config_remediation, inspector)


def alert_topic(
    name: str, s: Settings, account_id: pulumi.Input[str], kms_key_arn: pulumi.Input[str], tags: dict[str, str],
    parent: pulumi.Resource,
) -> AlertTopic:
    """The account's security-alert topic in the home region, encrypted with `kms_key_arn`. Refuses settings
    without a subscriber: alarms and security events must reach someone."""
    problems = alert_subscription_problems(s)
    if problems:
        raise SettingsError(problems)
    return AlertTopic(
        name,
        alert_topic_args(s, account_id=account_id, kms_key_arn=kms_key_arn, tags=tags),
        opts=child(parent),
    )


def trail_alarms(
    name: str, s: Settings, log_group_name: pulumi.Input[str], topic_arn: pulumi.Input[str], tags: dict[str, str], parent: pulumi.Resource
) -> SecurityAlarms:
    """CIS metric filters and alarms on a trail's log group (the account's own trail, or the organization trail
    in the management account, the only account whose log group receives every account's events)."""
    return SecurityAlarms(
        f"{name}-cis-alarms",
        security_alarms_args(s, log_group_name=log_group_name, alarm_action_arn=topic_arn, tags=tags),
        opts=child(parent),
    )


def security_events(
    name: str,
    s: Settings,
    account_id: pulumi.Input[str],
    topic_arn: pulumi.Input[str],
    tags: dict[str, str],
    parent: pulumi.Resource,
    alarm_regions: Sequence[str] = (),
    depends_on: Sequence[pulumi.Resource] = (),
) -> SecurityEvents:
    """The security-event rules of every configured region, delivered to the home region's alert topic."""
    return SecurityEvents(
        f"{name}-security-events",
        security_events_args(s, account_id=account_id, topic_arn=topic_arn, alarm_regions=list(alarm_regions), tags=tags),
        opts=child(parent, list(depends_on)),
    )


# --- detective services (issue 18) ---------------------------------------------------------------------

def guardduty(
    name: str, s: Settings, parent: pulumi.Resource, tags: dict[str, str], *, export_bucket_arn=None, export_key_arn=None,
    export_depends_on: Sequence[pulumi.Resource] = (), organization: bool = False,
):
    """GuardDuty in every covered region (None when switched off); findings exported when a bucket is given."""
    from aws_logging_baseline.components.from_settings import guardduty_args
    from aws_logging_baseline.components.guardduty import GuardDuty

    if not s.guard_duty_enabled:
        return None
    return GuardDuty(
        f"{name}-guardduty",
        guardduty_args(s, export_bucket_arn=export_bucket_arn, export_key_arn=export_key_arn, organization=organization, tags=tags),
        opts=child(parent),
        export_depends_on=export_depends_on,
    )


def security_hub(name: str, s: Settings, parent: pulumi.Resource, *, organization_root_id=None, management_account_id=None):
    from aws_logging_baseline.components.from_settings import security_hub_args
    from aws_logging_baseline.components.security_hub import SecurityHub

    if not s.security_hub_enabled:
        return None
    return SecurityHub(
        f"{name}-security-hub",
        security_hub_args(s, organization_root_id=organization_root_id, management_account_id=management_account_id),
        opts=child(parent),
    )


def access_analyzer(name: str, s: Settings, parent: pulumi.Resource, tags: dict[str, str], zone_of_trust: str = "ACCOUNT", unused_access: bool = True):
    from aws_logging_baseline.components.access_analyzer import AccessAnalyzer
    from aws_logging_baseline.components.from_settings import access_analyzer_args

    if not s.access_analyzer_enabled:
        return None
    return AccessAnalyzer(
        f"{name}-access-analyzer-{zone_of_trust.lower()}",
        access_analyzer_args(s, unused_access=unused_access, zone_of_trust=zone_of_trust, tags=tags),
        opts=child(parent),
    )


def detective_outputs(guardduty=None, security_hub=None, access_analyzers=()) -> dict[str, Any]:
    analyzers = [a for a in access_analyzers if a is not None]
    return {
        "guardDutyRegions": list(guardduty.detectors) if guardduty else [],
        "guardDutyExportRegions": list(guardduty.destinations) if guardduty else [],
        "securityHubRegions": list(security_hub.accounts) if security_hub else [],
        "accessAnalyzerRegions": sorted({r for a in analyzers for r in a.external}),
    }


def auto_respond(
    name: str, s: Settings, parent: pulumi.Resource, *, trail, account_id: str, topic: AlertTopic, key_arn: pulumi.Input[str],
    tags: dict[str, str],
) -> AutoRespond | None:
    """baseline:autoRespond: the restore-logging response, after the alert topic's policy (its first publish)."""
    if not s.auto_respond:
        return None
    return AutoRespond(
        f"{name}-auto-respond",
        auto_respond_args(s, trail=trail, account_id=account_id, topic_arn=topic.arn, topic_key_arn=key_arn, log_key_arn=key_arn, tags=tags),
        opts=child(parent),
        depends_on=[topic.policy],
    )
