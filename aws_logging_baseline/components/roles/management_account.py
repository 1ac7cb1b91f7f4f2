"""Role management: the organization trail and the delegated administrators.

The organization trail logs management events of every account into the log-archive bucket (key: the
log-archive key), and to a CloudWatch Logs group here: CloudTrail delivers an organization trail's events
only to a log group of the account that owns the trail, so the CIS metric filters and alarms for the whole
organization live in this account (with its alert topic). Config, Inspector (each region) and optionally
CloudTrail get the security account as delegated administrator.
"""

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.dashboard import PostureDashboard, deployed_inputs
from aws_logging_baseline.components.from_settings import log_streaming_args, posture_dashboard_args
from aws_logging_baseline.components.log_streaming import LogStreaming
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.roles.archive_reference import archive_destination
from aws_logging_baseline.components.regional_coverage import trail_alarms
from aws_logging_baseline.components.roles.coverage import AccountCoverage, CoverageArgs, account_id_of, archive_trail, local_key
from aws_logging_baseline.components.roles.naming import require_account, verify_organization, org_trail_name, role_tags
from aws_logging_baseline.components.settings import Settings

# Services whose organization-wide administration moves to the security account.
CONFIG_SERVICE_PRINCIPALS = ("config.amazonaws.com", "config-multiaccountsetup.amazonaws.com")


class ManagementAccount(pulumi.ComponentResource):
    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:roles:ManagementAccount", name, None, opts)
        s = settings
        account_id = account_id_of(self)
        tags = role_tags(s)
        verify_organization(s, self)
        require_account(s, "management_account_id", s.management_account_id, account_id)
        archive = archive_destination(name, s, self)
        self.local_key = local_key(f"{name}-local-key", s, account_id, tags, self)
        self.trail = archive_trail(
            f"{name}-org-trail", s, account_id, org_trail_name(s), archive, self.local_key, tags, self,
            is_organization_trail=True,
        )
        self.coverage = AccountCoverage(
            f"{name}-coverage",
            CoverageArgs(
                settings=s, account_id=account_id, archive=archive, local_key=self.local_key,
                trail_log_group_arn=self.trail.trail.cloud_watch_logs_group_arn,
                trail=self.trail,
                tags=tags,
            ),
            opts=child(self),
        )
        self.alarms = trail_alarms(name, s, self.trail.log_group.name, self.coverage.alert_topic.arn, tags, self)
        security = s.security_account_id
        self.config_admins = [
            aws.organizations.DelegatedAdministrator(
                f"{name}-delegate-{principal.split('.')[0]}",
                account_id=security,
                service_principal=principal,
                opts=child(self),
            )
            for principal in CONFIG_SERVICE_PRINCIPALS
        ]
        self.inspector_admins = {
            region: aws.inspector2.DelegatedAdminAccount(
                f"{name}-delegate-inspector-{region}", account_id=security, region=region, opts=child(self)
            )
            for region in s.regions
        }
        self.cloudtrail_admin = (
            aws.cloudtrail.OrganizationDelegatedAdminAccount(f"{name}-delegate-cloudtrail", account_id=security, opts=child(self))
            if s.delegate_cloudtrail_admin
            else None
        )
        # Issue 16: the organization's CIS alarms live here, so the posture dashboard does too (the saved queries
        # live in the log-archive account, docs/analytics.md).
        self.dashboard = (
            PostureDashboard(f"{name}-posture", posture_dashboard_args(
                s, **deployed_inputs(self.alarms.alarms, self.coverage.security_events.rules), trail_log_group_name=self.trail.log_group.name,
            ), opts=child(self))
            if s.dashboard
            else None
        )
        # The organization trail's group is here, so the opt-in stream to a search or SIEM starts here too.
        self.streaming = (
            LogStreaming(f"{name}-log-streaming", log_streaming_args(
                s, account_id=account_id, log_group_name=self.trail.log_group.name, key_arn=self.local_key.arn, tags=tags,
            ), opts=child(self))
            if s.log_streaming
            else None
        )
        self._detective_admins(name, s, security)
        self.outputs = {
            "role": s.role,
            "accountId": account_id,
            "organizationId": s.organization_id,
            "orgTrailArn": self.trail.trail.arn,
            "orgTrailLogGroupName": self.trail.log_group.name,
            "archiveBucket": archive.bucket_name,
            "delegatedAdministrator": security,
            **self.coverage.outputs,
            "guardDutyAdminRegions": list(self.guardduty_admins),
            "securityHubAdminRegion": s.home_region if self.security_hub_admin else None,
        }
        if self.streaming is not None:
            self.outputs["logStreamArn"] = self.streaming.stream.arn
        if self.dashboard is not None:
            self.outputs["postureDashboard"] = self.dashboard.dashboard.dashboard_name
        self.register_outputs(self.outputs)

    def _detective_admins(self, name: str, s: Settings, security: str) -> None:
        """Issue 18: the security account administers GuardDuty (each region), Security Hub (central configuration
        from homeRegion; the management account enables Security Hub there first, as EnableOrganizationAdminAccount
        requires) and IAM Access Analyzer (an AWS Organizations delegated administrator)."""
        self.guardduty_admins = (
            {
                region: aws.guardduty.OrganizationAdminAccount(
                    f"{name}-delegate-guardduty-{region}", admin_account_id=security, region=region, opts=child(self)
                )
                for region in s.regions
            }
            if s.guard_duty_enabled
            else {}
        )
        self.security_hub_admin = None
        if s.security_hub_enabled:
            self.security_hub_account = aws.securityhub.Account(
                f"{name}-security-hub-{s.home_region}",
                region=s.home_region,
                enable_default_standards=False,
                control_finding_generator="SECURITY_CONTROL",
                auto_enable_controls=True,
                opts=child(self),
            )
            self.security_hub_admin = aws.securityhub.OrganizationAdminAccount(
                f"{name}-delegate-security-hub", admin_account_id=security, region=s.home_region,
                opts=child(self, [self.security_hub_account]),
            )
        self.access_analyzer_admin = (
            aws.organizations.DelegatedAdministrator(
                f"{name}-delegate-access-analyzer", account_id=security, service_principal="access-analyzer.amazonaws.com",
                opts=child(self),
            )
            if s.access_analyzer_enabled and s.access_analyzer_zone_of_trust == "ORGANIZATION"
            else None
        )
