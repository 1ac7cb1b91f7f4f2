"""Role member: recording, rules, flow logs, Inspector and event forwarding into the organization's archive.

No trail of its own while an organization trail covers the account (`orgTrailExists`, the default): a second
copy of management events is paid for and adds nothing. With `orgTrailExists: false` the member gets its own
multi-region trail (into the same archive) and the CIS alarms on it.
"""

import pulumi

from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.roles.archive_reference import archive_destination
from aws_logging_baseline.components.regional_coverage import trail_alarms
from aws_logging_baseline.components.roles.coverage import AccountCoverage, CoverageArgs, account_id_of, archive_trail, local_key
from aws_logging_baseline.components.roles.naming import verify_organization, role_tags
from aws_logging_baseline.components.settings import Settings


class MemberAccount(pulumi.ComponentResource):
    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:roles:MemberAccount", name, None, opts)
        s = settings
        account_id = account_id_of(self)
        tags = role_tags(s)
        verify_organization(s, self)
        archive = archive_destination(name, s, self)
        self.local_key = local_key(f"{name}-local-key", s, account_id, tags, self)
        self.trail = None
        if not s.org_trail_exists:
            self.trail = archive_trail(
                f"{name}-cloudtrail", s, account_id, f"{s.name_prefix}-trail", archive, self.local_key, tags, self
            )
        self.coverage = AccountCoverage(
            f"{name}-coverage",
            CoverageArgs(
                settings=s, account_id=account_id, archive=archive, local_key=self.local_key,
                trail_log_group_arn=self.trail.trail.cloud_watch_logs_group_arn if self.trail else None,
                trail=self.trail,
                tags=tags,
            ),
            opts=child(self),
        )
        self.alarms = (
            trail_alarms(name, s, self.trail.log_group.name, self.coverage.alert_topic.arn, tags, self) if self.trail else None
        )
        self.outputs = {
            "role": s.role,
            "accountId": account_id,
            "organizationId": s.organization_id,
            # read by the policy pack: the organization trail, not a trail of this stack, records this account
            "orgTrailCoversAccount": s.org_trail_exists,
            "archiveBucket": archive.bucket_name,
            "ownTrailArn": self.trail.trail.arn if self.trail else None,
            **self.coverage.outputs,
        }
        self.register_outputs(self.outputs)
