"""AccountBaseline: composes the baseline for one account according to its role."""

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.analytics import QueryArchive
from aws_logging_baseline.components.dashboard import PostureDashboard, deployed_inputs
from aws_logging_baseline.components.log_streaming import LogStreaming
from aws_logging_baseline.components.log_archive import GUARDDUTY_PREFIX, TRAIL_PREFIX, add_archive_with_replica
from aws_logging_baseline.components.log_key import LogKey
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.settings import Settings
from aws_logging_baseline.components.regional_coverage import RegionalCoverageArgs, add_regional_coverage, alert_topic, security_events, trail_alarms
from aws_logging_baseline.components.regional_coverage import access_analyzer, auto_respond, detective_outputs, guardduty, security_hub
from aws_logging_baseline.components.regions import default_enabled_regions
from aws_logging_baseline.components.security_alarms import RejectSpikeAlarms
from aws_logging_baseline.components.from_settings import (
    log_archive_args,
    log_key_args,
    log_streaming_args,
    posture_dashboard_args,
    query_archive_args,
    reject_spike_alarms_args,
    trail_args,
)
from aws_logging_baseline.components.trail import Trail

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
        # Issue 18: GuardDuty exports its findings into the archive under the archive key.
        exports_findings = s.guard_duty_enabled and s.guard_duty_export_findings
        gd_principals = docs.guardduty_principals(list(s.regions), default_enabled_regions())

        self.home_key = LogKey(
            f"{name}-home-key",
            log_key_args(
                s,
                account_id=account_id,
                services=sorted(HOME_KEY_SERVICES),
                alias=f"{s.name_prefix}/logs",
                trail_arn=trail_arn,
                readers=list(s.log_reader_principals),
                tags=tags,
                extra_statements=[
                    docs.guardduty_export_key_statement(partition=s.partition, exporter_account_id=account_id, principals=gd_principals)
                ]
                if exports_findings
                else [],
            ),
            opts=child(self),
        )
        # Issue 4: the alert topic first, so that later components (Config rules, the trail) can use it.
        self.alert_topic = alert_topic(f"{name}-alert-topic", s, account_id, self.home_key.arn, tags, self)
        self.replica_key, self.archive = add_archive_with_replica(
            self, name,
            log_archive_args(s, account_id=account_id, trail_arn=trail_arn, archive_key_arn=self.home_key.arn, tags=tags),
            f"{s.name_prefix}/log-replica",
            extra_statements=(
                lambda bucket_arn: docs.guardduty_export_bucket_statements(
                    bucket_arn=bucket_arn, prefix=GUARDDUTY_PREFIX, partition=s.partition, exporter_account_id=account_id,
                    principals=gd_principals,
                )
            )
            if exports_findings
            else None,
        )
        self.trail = Trail(
            f"{name}-cloudtrail",
            trail_args(
                s,
                account_id=account_id,
                trail_name=trail_name,
                bucket_name=self.archive.archive.name,
                s3_key_prefix=TRAIL_PREFIX,
                kms_key_arn=self.home_key.arn,
                tags=tags,
            ),
            opts=child(self),
            depends_on=[self.archive.archive.policy, self.home_key.key],
        )
        self._regional_coverage(name, s, account_id, tags)
        self._detection(name, s, account_id, tags)
        # Issue 16: the archive made queryable, with the saved investigations.
        self.query_archive = (
            QueryArchive(f"{name}-analytics", query_archive_args(s, account_id=account_id, key_arn=self.home_key.arn, tags=tags), opts=child(self))
            if s.analytics
            else None
        )
        self.streaming = (
            LogStreaming(f"{name}-log-streaming", log_streaming_args(
                s, account_id=account_id, log_group_name=self.trail.log_group.name, key_arn=self.home_key.arn, tags=tags,
            ), opts=child(self))
            if s.log_streaming
            else None
        )
        self.dashboard = (
            PostureDashboard(f"{name}-posture", posture_dashboard_args(
                s, **deployed_inputs(self.security_alarms.alarms, self.security_events.rules, self.query_archive),
                trail_log_group_name=self.trail.log_group.name,
                reject_regions=list(self.reject_alarms.alarms) if self.reject_alarms else [],
            ), opts=child(self))
            if s.dashboard
            else None
        )
        self._detective_services(name, s, tags)
        self.auto_respond = auto_respond(
            name, s, self, trail=self.trail, account_id=account_id, topic=self.alert_topic, key_arn=self.home_key.arn, tags=tags
        )
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
            **self.coverage.outputs,
            **detective_outputs(self.guardduty, self.security_hub, [self.access_analyzer]),
        }
        if self.query_archive is not None:
            self.outputs.update(self.query_archive.outputs)
        if self.streaming is not None:
            self.outputs["logStreamArn"] = self.streaming.stream.arn
        if self.dashboard is not None:
            self.outputs["postureDashboard"] = self.dashboard.dashboard.dashboard_name
        if self.archive.replica_destination_policy is not None:
            self.outputs["replicaDestinationBucketPolicy"] = self.archive.replica_destination_policy
        self.register_outputs(self.outputs)

    def _regional_coverage(self, name: str, s: Settings, account_id: str, tags: dict[str, str]) -> None:
        """Issue 3: flow logs, AWS Config recording and rules (managed, custom, remediation), Inspector."""
        archive_policy = self.archive.archive.policy
        self.coverage = add_regional_coverage(
            self,
            name,
            RegionalCoverageArgs(
                settings=s,
                account_id=account_id,
                archive_bucket_name=self.archive.archive.name,
                archive_bucket_arn=self.archive.archive.arn,
                delivery_key_arn=self.home_key.arn,
                log_key_arn=self.home_key.arn,
                alert_topic_arn=self.alert_topic.arn,
                trail_log_group_arn=self.trail.trail.cloud_watch_logs_group_arn,
                flow_logs_depends_on=[archive_policy],
                channel_depends_on=[archive_policy, self.home_key.key],
                tags=tags,
            ),
        )
        self.flow_logs = self.coverage.flow_logs

    def _detection(self, name: str, s: Settings, account_id: str, tags: dict[str, str]) -> None:
        """Issue 4: CIS metric filters and alarms on the trail's log group, flow-log REJECT spikes, security events."""
        self.security_alarms = trail_alarms(name, s, self.trail.log_group.name, self.alert_topic.arn, tags, self)
        flow_log_groups = self.flow_logs.log_groups
        self.reject_alarms = None
        if flow_log_groups and s.flow_log_reject_alarm_threshold > 0:
            self.reject_alarms = RejectSpikeAlarms(
                f"{name}-flow-log-rejects",
                reject_spike_alarms_args(
                    s, log_group_names={region: group.name for region, group in flow_log_groups.items()},
                    alarm_action_arn=self.alert_topic.arn, tags=tags,
                ),
                opts=child(self),
            )
        self.security_events = security_events(
            name,
            s,
            account_id,
            self.alert_topic.arn,
            tags,
            self,
            alarm_regions=list(self.reject_alarms.alarms) if self.reject_alarms else [],
            depends_on=[self.alert_topic.policy],
        )

    def _detective_services(self, name: str, s: Settings, tags: dict[str, str]) -> None:
        """Issue 18: GuardDuty (findings exported to the archive), Security Hub, IAM Access Analyzer."""
        self.guardduty = guardduty(
            name, s, self, tags,
            export_bucket_arn=self.archive.archive.arn,
            export_key_arn=self.home_key.arn,
            export_depends_on=[self.archive.archive.policy, self.home_key.key],
        )
        self.security_hub = security_hub(name, s, self)
        self.access_analyzer = access_analyzer(name, s, self, tags)
