"""AccountBaseline: composes the baseline for one account according to its role."""

import pulumi
import pulumi_aws as aws

from components import policy_documents as docs
from components.config_recording import ConfigRecording, ConfigRecordingArgs, config_service_linked_role, service_linked_role_arn
from components.config_remediation import ConfigRemediation, ConfigRemediationArgs
from components.config_rules import ConfigRules, ConfigRulesArgs, enabled_rules
from components.custom_config_rule import CustomConfigRule, CustomConfigRuleArgs
from components.flow_logs import FlowLogs, FlowLogsArgs
from components.inspector import Inspector, InspectorArgs
from components.log_archive import CONFIG_PREFIX, FLOW_LOGS_PREFIX, TRAIL_PREFIX, LogArchive, LogArchiveArgs
from components.log_key import LogKey, LogKeyArgs
from components.options import child
from components.settings import Settings, SettingsError, alert_subscription_problems
from components.alert_topic import AlertTopic, AlertTopicArgs
from components.security_alarms import RejectSpikeAlarms, RejectSpikeAlarmsArgs, SecurityAlarms, SecurityAlarmsArgs
from components.security_events import SecurityEvents, SecurityEventsArgs
from components.trail import Trail, TrailArgs

# Writers that use the home-region key: the trail and its log group, the archive's SSE, AWS Config and
# VPC Flow Logs delivering into the archive from every region, and the alert topic.
HOME_KEY_SERVICES = frozenset({"cloudtrail", "logs", "s3", "config", "delivery.logs", "sns"})


class AccountBaseline(pulumi.ComponentResource):
    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:index:AccountBaseline", name, None, opts)
        s = settings
        account_id = aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=self)).account_id
        tags = s.tag_map
        trail_name = f"{s.name_prefix}-trail"
        trail_arn = docs.trail_arn(s.partition, s.home_region, account_id, trail_name)

        self.home_key = LogKey(
            f"{name}-home-key",
            LogKeyArgs(
                region=s.home_region,
                partition=s.partition,
                account_id=account_id,
                services=HOME_KEY_SERVICES,
                alias=f"{s.name_prefix}/logs",
                trail_arn=trail_arn,
                protect=s.protect_resources,
                tags=tags,
            ),
            opts=child(self),
        )
        # Issue 4: the alert topic first, so that later components (Config rules, the trail) can use it.
        problems = alert_subscription_problems(s)
        if problems:
            raise SettingsError(problems)
        self.alert_topic = AlertTopic(
            f"{name}-alert-topic",
            AlertTopicArgs(
                name=f"{s.name_prefix}-security-alerts",
                region=s.home_region,
                partition=s.partition,
                account_id=account_id,
                kms_key_arn=self.home_key.arn,
                rule_name_prefix=f"{s.name_prefix}-",
                emails=s.alert_emails,
                https_endpoints=s.alert_https_endpoints,
                tags=tags,
            ),
            opts=child(self),
        )
        self.replica_key = None
        if not s.replica_account_id:
            self.replica_key = LogKey(
                f"{name}-replica-key",
                LogKeyArgs(
                    region=s.replica_region,
                    partition=s.partition,
                    account_id=account_id,
                    services=frozenset({"s3"}),
                    alias=f"{s.name_prefix}/log-replica",
                    protect=s.protect_resources,
                    tags=tags,
                ),
                opts=child(self),
            )
        self.archive = LogArchive(
            f"{name}-log-archive",
            LogArchiveArgs(
                settings=s,
                account_id=account_id,
                trail_arn=trail_arn,
                archive_key_arn=self.home_key.arn,
                replica_key_arn=self.replica_key.arn if self.replica_key else None,
                tags=tags,
            ),
            opts=child(self),
        )
        self.trail = Trail(
            f"{name}-cloudtrail",
            TrailArgs(
                settings=s,
                account_id=account_id,
                trail_name=trail_name,
                bucket_name=self.archive.archive.name,
                s3_key_prefix=TRAIL_PREFIX,
                kms_key_arn=self.home_key.arn,
                depends_on=[self.archive.archive.policy, self.home_key.key],
                tags=tags,
            ),
            opts=child(self),
        )
        self._regional_coverage(name, s, account_id, tags)
        self._detection(name, s, account_id, tags)
        self.outputs = {
            "accountId": account_id,
            "homeRegion": s.home_region,
            "regions": list(s.regions),
            "archiveBucket": self.archive.archive.name,
            "archiveBucketArn": self.archive.archive.arn,
            "archiveKeyArn": self.home_key.arn,
            "replicaBucketArn": self.archive.replication.rules[0].destination.bucket,
            "trailArn": self.trail.trail.arn,
            "trailLogGroupName": self.trail.log_group.name,
            "trailLogGroupArn": self.trail.log_group.arn,
            "alertTopicArn": self.alert_topic.arn,
            "cisAlarms": {i: a.name for i, a in self.security_alarms.alarms.items()},
            "flowLogIds": {region: [log.id for log in logs] for region, logs in self.flow_logs.flow_logs.items()},
            "configRecorders": {region: rec.recorder.name for region, rec in self.config_recording.items()},
            "configRuleCount": len(self.config_rules.rules) + len(self.custom_rules),
            "inspectorRegions": list(self.inspector.enablers) if self.inspector else [],
        }
        if self.archive.replica_destination_policy is not None:
            self.outputs["replicaDestinationBucketPolicy"] = self.archive.replica_destination_policy
        self.register_outputs(self.outputs)

    def _regional_coverage(self, name: str, s: Settings, account_id: str, tags: dict[str, str]) -> None:
        """Issue 3: flow logs, AWS Config recording and rules (managed, custom, remediation), Inspector."""
        archive_policy = self.archive.archive.policy
        self.flow_logs = FlowLogs(
            f"{name}-flow-logs",
            FlowLogsArgs(
                settings=s,
                account_id=account_id,
                archive_bucket_arn=self.archive.archive.arn,
                s3_prefix=FLOW_LOGS_PREFIX,
                home_key_arn=self.home_key.arn,
                depends_on=[archive_policy],
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
                    bucket_name=self.archive.archive.name,
                    s3_key_prefix=CONFIG_PREFIX,
                    kms_key_arn=self.home_key.arn,
                    recorder_depends_on=[self.config_role] if self.config_role else [],
                    channel_depends_on=[archive_policy, self.home_key.key],
                ),
                opts=child(self),
            )
            for region in s.regions
        }
        recorders = {region: rec.recorder for region, rec in self.config_recording.items()}
        alert_topic = getattr(self, "alert_topic", None)  # issue 4's AlertTopic, when composed before this
        self.config_rules = ConfigRules(
            f"{name}-config-rules",
            ConfigRulesArgs(
                settings=s,
                recorders=recorders,
                wired={
                    "archiveBucket": self.archive.archive.name,
                    "trailLogGroupArn": self.trail.log_group.arn,
                    "alertTopicArn": alert_topic.arn if alert_topic is not None else None,
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
                    kms_key_arn=self.home_key.arn,
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

    def _detection(self, name: str, s: Settings, account_id: str, tags: dict[str, str]) -> None:
        """Issue 4: CIS metric filters and alarms on the trail's log group, flow-log REJECT spikes, security events."""
        self.security_alarms = SecurityAlarms(
            f"{name}-cis-alarms",
            SecurityAlarmsArgs(
                region=s.home_region,
                log_group_name=self.trail.log_group.name,
                namespace=s.cis_alarm_namespace,
                alarm_action_arn=self.alert_topic.arn,
                name_prefix=s.name_prefix,
                disabled=s.disabled_cis_alarms,
                tags=tags,
            ),
            opts=child(self),
        )
        flow_log_groups = getattr(getattr(self, "flow_logs", None), "log_groups", None) or {}
        self.reject_alarms = None
        if flow_log_groups and s.flow_log_reject_alarm_threshold > 0:
            self.reject_alarms = RejectSpikeAlarms(
                f"{name}-flow-log-rejects",
                RejectSpikeAlarmsArgs(
                    log_group_names={region: group.name for region, group in flow_log_groups.items()},
                    fields=s.flow_log_fields,
                    threshold=s.flow_log_reject_alarm_threshold,
                    namespace=s.cis_alarm_namespace,
                    home_region=s.home_region,
                    alarm_action_arn=self.alert_topic.arn,
                    name_prefix=s.name_prefix,
                    tags=tags,
                ),
                opts=child(self),
            )
        self.security_events = SecurityEvents(
            f"{name}-security-events",
            SecurityEventsArgs(
                regions=s.regions,
                home_region=s.home_region,
                partition=s.partition,
                account_id=account_id,
                topic_arn=self.alert_topic.arn,
                name_prefix=s.name_prefix,
                disabled=s.disabled_security_events,
                instance_states=s.instance_state_alert_states,
                schedule=s.security_events_schedule,
                alarm_regions=list(self.reject_alarms.alarms) if self.reject_alarms else [],
                tags=tags,
            ),
            opts=child(self, [self.alert_topic.policy]),
        )
