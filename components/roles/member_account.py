"""Role member: recording, rules, flow logs, Inspector and event forwarding into the organization's archive.

No trail of its own while an organization trail covers the account (`orgTrailExists`, the default): a second
copy of management events is paid for and adds nothing. With `orgTrailExists: false` the member gets its own
multi-region trail (into the same archive) and the CIS alarms on it.
"""

import pulumi

from components.log_archive import TRAIL_PREFIX
from components.options import child
from components.roles.archive_reference import archive_destination
from components.regional_coverage import trail_alarms
from components.roles.coverage import AccountCoverage, CoverageArgs, account_id_of, local_key
from components.roles.naming import verify_organization, role_tags
from components.settings import Settings
from components.trail import Trail, TrailArgs


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
            self.trail = Trail(
                f"{name}-cloudtrail",
                TrailArgs(
                    settings=s,
                    account_id=account_id,
                    trail_name=f"{s.name_prefix}-trail",
                    bucket_name=archive.bucket_name,
                    s3_key_prefix=TRAIL_PREFIX,
                    kms_key_arn=archive.key_arn,
                    log_group_kms_key_arn=self.local_key.arn,
                    depends_on=[self.local_key.key],
                    tags=tags,
                ),
                opts=child(self),
            )
        self.coverage = AccountCoverage(
            f"{name}-coverage",
            CoverageArgs(
                settings=s,
                account_id=account_id,
                archive_bucket_name=archive.bucket_name,
                archive_bucket_arn=archive.bucket_arn,
                archive_key_arn=archive.key_arn,
                local_key=self.local_key,
                trail_log_group_arn=self.trail.log_group.arn if self.trail else None,
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
