"""Role security: the delegated administrator's organization-wide views.

An AWS Config organization aggregator (all regions, every account, present and future) and, per region,
the Inspector organization configuration that auto-enables the configured scan types for new members.
The CIS alarms on the organization trail live in the management account (see management_account.py);
this account's alert topic receives its own Config, Inspector and security-event alerts.
"""

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.roles.archive_reference import archive_destination
from aws_logging_baseline.components.roles.coverage import AccountCoverage, CoverageArgs, account_id_of, local_key
from aws_logging_baseline.components.roles.naming import require_account, verify_organization, role_tags
from aws_logging_baseline.components.regional_coverage import access_analyzer, guardduty, security_hub
from aws_logging_baseline.components.settings import Settings

AGGREGATOR_POLICY = "service-role/AWSConfigRoleForOrganizations"


def inspector_auto_enable(resource_types) -> dict[str, bool]:
    types = set(resource_types)
    return {
        "ec2": "EC2" in types,
        "ecr": "ECR" in types,
        "lambda_": "LAMBDA" in types,
        "lambda_code": "LAMBDA_CODE" in types,
        "code_repository": "CODE_REPOSITORY" in types,
    }


class SecurityAccount(pulumi.ComponentResource):
    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:roles:SecurityAccount", name, None, opts)
        s = settings
        account_id = account_id_of(self)
        tags = role_tags(s)
        verify_organization(s, self)
        require_account(s, "security_account_id", s.security_account_id, account_id)
        archive = archive_destination(name, s, self)
        self.local_key = local_key(f"{name}-local-key", s, account_id, tags, self)
        self.coverage = AccountCoverage(
            f"{name}-coverage",
            CoverageArgs(settings=s, account_id=account_id, archive=archive, local_key=self.local_key, tags=tags),
            opts=child(self),
        )
        self.aggregator_role = aws.iam.Role(
            f"{name}-aggregator-role",
            name=f"{s.name_prefix}-config-org-aggregator",
            description="AWS Config organization aggregator: read the organization's accounts",
            assume_role_policy=pulumi.Output.json_dumps(docs.config_aggregator_trust_policy(account_id)),
            tags=tags,
            opts=child(self),
        )
        self.aggregator_policy = aws.iam.RolePolicyAttachment(
            f"{name}-aggregator-policy",
            role=self.aggregator_role.name,
            policy_arn=f"arn:{s.partition}:iam::aws:policy/{AGGREGATOR_POLICY}",
            opts=child(self),
        )
        self.aggregator = aws.cfg.ConfigurationAggregator(
            f"{name}-aggregator",
            name=f"{s.name_prefix}-organization",
            region=s.home_region,
            organization_aggregation_source={"all_regions": True, "role_arn": self.aggregator_role.arn},
            tags=tags,
            opts=child(self, [self.aggregator_policy]),
        )
        auto_enable = inspector_auto_enable(s.inspector_resource_types)
        self.inspector_org = {
            region: aws.inspector2.OrganizationConfiguration(
                f"{name}-inspector-org-{region}", region=region, auto_enable=auto_enable, opts=child(self)
            )
            for region in s.regions
        }
        self._detective_services(name, s, archive, tags)
        self.outputs = {
            "role": s.role,
            "accountId": account_id,
            "organizationId": s.organization_id,
            "orgTrailCoversAccount": True,
            "configAggregatorArn": self.aggregator.arn,
            "inspectorOrganizationRegions": list(self.inspector_org),
            **self.coverage.outputs,
            "guardDutyRegions": list(self.guardduty.detectors) if self.guardduty else [],
            "guardDutyExportRegions": list(self.guardduty.destinations) if self.guardduty else [],
            "securityHubAggregationRegion": s.home_region if self.security_hub and self.security_hub.aggregator else None,
            "organizationAccessAnalyzerRegions": list(self.org_access_analyzer.external) if self.org_access_analyzer else [],
        }
        self.register_outputs(self.outputs)

    def _detective_services(self, name: str, s: Settings, archive, tags: dict[str, str]) -> None:
        """Issue 18, as delegated administrator: GuardDuty for every account (auto-enable ALL, the chosen plans,
        findings of the whole organization exported to the archive under the log-archive key), Security Hub
        central configuration applied to the organization root, and organization-wide Access Analyzer."""
        self.guardduty = guardduty(
            name, s, self, tags, export_bucket_arn=archive.bucket_arn, export_key_arn=archive.key_arn, organization=True
        )
        root_id = aws.organizations.get_organization(opts=pulumi.InvokeOptions(parent=self)).roots[0].id
        self.security_hub = security_hub(name, s, self, organization_root_id=root_id, management_account_id=s.management_account_id)
        self.org_access_analyzer = (
            access_analyzer(name, s, self, tags, zone_of_trust="ORGANIZATION")
            if s.access_analyzer_zone_of_trust == "ORGANIZATION"
            else None
        )
