"""Role log-archive: the organization's archive bucket, its replica and their keys, and the alerts that watch them.

The bucket and key policies accept the organization trail (from the management account, under
`AWSLogs/<org-id>/`) and AWS Config, VPC Flow Logs and account trails of every account in the organization,
conditioned on `aws:SourceOrgID`: no account list, so nothing here grows with the organization.
"""

import pulumi

from aws_logging_baseline.components.analytics import QueryArchive
from aws_logging_baseline.components.from_settings import query_archive_args
from aws_logging_baseline.components.analytics_settings import organization_analytics_problems
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.log_archive import CONFIG_PREFIX, FLOW_LOGS_PREFIX, GUARDDUTY_PREFIX, TRAIL_PREFIX, add_archive_with_replica
from aws_logging_baseline.components.regions import default_enabled_regions
from aws_logging_baseline.components.log_key import LogKey
from aws_logging_baseline.components.from_settings import log_archive_args, log_key_args
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regional_coverage import alert_topic, security_events
from aws_logging_baseline.components.roles.coverage import account_id_of, local_key
from aws_logging_baseline.components.roles.naming import verify_organization, org_trail_arn, role_tags
from aws_logging_baseline.components.settings import Settings, SettingsError

ARCHIVE_KEY_SERVICES = frozenset({"cloudtrail", "s3", "config", "delivery.logs"})


class LogArchiveAccount(pulumi.ComponentResource):
    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:roles:LogArchiveAccount", name, None, opts)
        s = settings
        account_id = account_id_of(self)
        tags = role_tags(s)
        verify_organization(s, self)
        if organization_analytics_problems(s):
            raise SettingsError(organization_analytics_problems(s))
        trail_arn = org_trail_arn(s)
        # Issue 18: GuardDuty in the security account (delegated administrator) exports the organization's
        # findings here; the statements name that account's detectors (settings require securityAccountId).
        exporter = s.security_account_id if s.guard_duty_enabled and s.guard_duty_export_findings else None
        gd_principals = docs.guardduty_principals(list(s.regions), default_enabled_regions())
        self.archive_key = LogKey(
            f"{name}-archive-key",
            log_key_args(
                s,
                account_id=account_id,
                services=sorted(ARCHIVE_KEY_SERVICES),
                alias=f"{s.name_prefix}/org-logs",
                organization_id=s.organization_id,
                readers=list(s.log_reader_principals),
                tags=tags,
                extra_statements=[
                    docs.guardduty_export_key_statement(partition=s.partition, exporter_account_id=exporter, principals=gd_principals)
                ]
                if exporter
                else [],
            ),
            opts=child(self),
        )
        self.replica_key, self.archive = add_archive_with_replica(
            self,
            name,
            log_archive_args(
                s, account_id=account_id, trail_arn=trail_arn, archive_key_arn=self.archive_key.arn,
                organization_id=s.organization_id, tags=tags,
            ),
            f"{s.name_prefix}/org-log-replica",
            extra_statements=(
                lambda bucket_arn: docs.guardduty_export_bucket_statements(
                    bucket_arn=bucket_arn, prefix=GUARDDUTY_PREFIX, partition=s.partition, exporter_account_id=exporter,
                    principals=gd_principals,
                )
            )
            if exporter
            else None,
        )
        # Issue 16: the organization's archive made queryable here (tables over the organization layout).
        self.query_archive = (
            QueryArchive(
                f"{name}-analytics",
                query_archive_args(
                    s, account_id=account_id, key_arn=self.archive_key.arn, organization_id=s.organization_id,
                    account_ids=list(s.analytics_account_ids), tags=tags,
                ),
                opts=child(self),
            )
            if s.analytics
            else None
        )
        # Issue 12: this account holds the log stores, so tampering with them (bucket policy, lifecycle, Object
        # Lock, replication, the keys) is recorded here: it needs its own alert topic and security events.
        self.local_key = local_key(f"{name}-local-key", s, account_id, tags, self)
        self.alert_topic = alert_topic(f"{name}-alerts", s, account_id, self.local_key.arn, tags, self)
        self.security_events = security_events(
            name, s, account_id, self.alert_topic.arn, tags, self, depends_on=[self.alert_topic.policy]
        )
        # Read by the member and management stacks through a StackReference (logArchiveStack).
        self.outputs = {
            "role": s.role,
            "accountId": account_id,
            "organizationId": s.organization_id,
            "orgTrailCoversAccount": True,
            "homeRegion": s.home_region,
            "archiveBucket": self.archive.archive.name,
            "archiveBucketArn": self.archive.archive.arn,
            "archiveKeyArn": self.archive_key.arn,
            "replicaBucketArn": self.archive.replication.rules[0].destination.bucket,
            "orgTrailArn": trail_arn,
            # where the organization's writers deliver (the access proofs read these)
            "deliveryPrefixes": {"cloudtrail": TRAIL_PREFIX, "config": CONFIG_PREFIX, "flowLogs": FLOW_LOGS_PREFIX,
                                 **({"guardDuty": GUARDDUTY_PREFIX} if exporter else {})},
            "alertTopicArn": self.alert_topic.arn,
        }
        if exporter:
            self.outputs["guardDutyExporterAccountId"] = exporter  # whose detectors the archive's statements name
        if self.query_archive is not None:
            self.outputs.update(self.query_archive.outputs)
        if self.archive.replica_destination_policy is not None:
            self.outputs["replicaDestinationBucketPolicy"] = self.archive.replica_destination_policy
        self.register_outputs(self.outputs)
