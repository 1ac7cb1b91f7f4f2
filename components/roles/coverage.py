"""What every account of the organization runs, whatever its role: AWS Config recording and rules, VPC Flow
Logs, Inspector (issue 3) delivering into the organization's log archive, and the account's detection
(alert topic, security-event forwarding, issue 4). Composed from the same components as AccountBaseline.

Nothing here depends on the size of the organization: one set per account, regions from settings.
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.alert_topic import AlertTopic, AlertTopicArgs
from components.config_recording import ConfigRecording, ConfigRecordingArgs, config_service_linked_role, service_linked_role_arn
from components.config_remediation import ConfigRemediation, ConfigRemediationArgs
from components.config_rules import ConfigRules, ConfigRulesArgs, enabled_rules
from components.custom_config_rule import CustomConfigRule, CustomConfigRuleArgs
from components.flow_logs import FlowLogs, FlowLogsArgs
from components.inspector import Inspector, InspectorArgs
from components.log_archive import CONFIG_PREFIX, FLOW_LOGS_PREFIX
from components.log_key import LogKey, LogKeyArgs
from components.options import child
from components.security_alarms import SecurityAlarms, SecurityAlarmsArgs
from components.security_events import SecurityEvents, SecurityEventsArgs
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
        self.flow_logs = FlowLogs(
            f"{name}-flow-logs",
            FlowLogsArgs(
                settings=s,
                account_id=account_id,
                archive_bucket_arn=args.archive_bucket_arn,
                s3_prefix=FLOW_LOGS_PREFIX,
                home_key_arn=args.local_key.arn,
                depends_on=list(args.depends_on),
                tags=tags,
            ),
            opts=child(self),
        )
        self.config_role = config_service_linked_role(f"{name}-config-service-role", s, self)
        role_arn = self.config_role.arn if self.config_role else service_linked_role_arn(s.partition, account_id)
        self.config_recording = {
            region: ConfigRecording(
                f"{name}-config-{region}",
                ConfigRecordingArgs(
                    settings=s,
                    region=region,
                    role_arn=role_arn,
                    bucket_name=args.archive_bucket_name,
                    s3_key_prefix=CONFIG_PREFIX,
                    kms_key_arn=args.archive_key_arn,
                    recorder_depends_on=[self.config_role] if self.config_role else [],
                    channel_depends_on=list(args.depends_on),
                ),
                opts=child(self),
            )
            for region in s.regions
        }
        recorders = {region: rec.recorder for region, rec in self.config_recording.items()}
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
        self.config_rules = ConfigRules(
            f"{name}-config-rules",
            ConfigRulesArgs(
                settings=s,
                recorders=recorders,
                wired={
                    "archiveBucket": args.archive_bucket_name,
                    "trailLogGroupArn": args.trail_log_group_arn,
                    "alertTopicArn": self.alert_topic.arn,
                },
                tags=tags,
            ),
            opts=child(self),
        )
        self.custom_rules = [
            CustomConfigRule(
                f"{name}-{rule.name}",
                CustomConfigRuleArgs(
                    settings=s,
                    account_id=account_id,
                    rule=rule,
                    recorder=recorders[s.home_region],
                    kms_key_arn=args.local_key.arn,
                    tags=tags,
                ),
                opts=child(self),
            )
            for rule in enabled_rules(s, custom=True)
        ]
        self.config_remediation = (
            ConfigRemediation(
                f"{name}-config-remediation",
                ConfigRemediationArgs(settings=s, account_id=account_id, rules=self.config_rules.rules, tags=tags),
                opts=child(self),
            )
            if s.config_remediation_rules
            else None
        )
        self.inspector = (
            Inspector(f"{name}-inspector", InspectorArgs(settings=s, account_id=account_id), opts=child(self))
            if s.inspector_enabled
            else None
        )
        self.security_events = SecurityEvents(
            f"{name}-security-events",
            SecurityEventsArgs(
                regions=list(s.regions),
                home_region=s.home_region,
                partition=s.partition,
                account_id=account_id,
                topic_arn=self.alert_topic.arn,
                name_prefix=s.name_prefix,
                disabled=s.disabled_security_events,
                instance_states=s.instance_state_alert_states,
                schedule=s.security_events_schedule,
                tags=tags,
            ),
            opts=child(self),
        )
        self.outputs = {
            "configRecorders": {region: rec.recorder.name for region, rec in self.config_recording.items()},
            "configRuleCount": len(self.config_rules.rules) + len(self.custom_rules),
            "inspectorRegions": list(self.inspector.enablers) if self.inspector else [],
            "alertTopicArn": self.alert_topic.arn,
        }
        self.register_outputs(self.outputs)


def trail_alarms(name: str, s: Settings, log_group_name: pulumi.Input[str], topic_arn: pulumi.Input[str], tags, parent) -> SecurityAlarms:
    """CIS metric filters and alarms on a trail's log group (the account's own trail, or the organization trail
    in the management account, the only account whose log group receives every account's events)."""
    return SecurityAlarms(
        f"{name}-cis-alarms",
        SecurityAlarmsArgs(
            region=s.home_region,
            log_group_name=log_group_name,
            namespace=s.cis_alarm_namespace,
            alarm_action_arn=topic_arn,
            name_prefix=s.name_prefix,
            disabled=s.disabled_cis_alarms,
            tags=tags,
        ),
        opts=child(parent),
    )


def account_id_of(parent: pulumi.Resource) -> pulumi.Output[str]:
    return aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=parent)).account_id
