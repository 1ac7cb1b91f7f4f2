"""Role management: the organization trail and the delegated administrators.

The organization trail logs management events of every account into the log-archive bucket (key: the
log-archive key), and to a CloudWatch Logs group here: CloudTrail delivers an organization trail's events
only to a log group of the account that owns the trail, so the CIS metric filters and alarms for the whole
organization live in this account (with its alert topic). Config, Inspector (each region) and optionally
CloudTrail get the security account as delegated administrator.
"""

import pulumi
import pulumi_aws as aws

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
        self.outputs = {
            "role": s.role,
            "accountId": account_id,
            "organizationId": s.organization_id,
            "orgTrailArn": self.trail.trail.arn,
            "orgTrailLogGroupName": self.trail.log_group.name,
            "archiveBucket": archive.bucket_name,
            "delegatedAdministrator": security,
            **self.coverage.outputs,
        }
        self.register_outputs(self.outputs)
