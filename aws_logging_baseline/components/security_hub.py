"""Security Hub CSPM: enabled in every covered region with the chosen standards, findings aggregated into homeRegion.

Consolidated control findings (`SECURITY_CONTROL`) and no default standards: the standards are exactly the
settings' (catalog/detective_services.yaml). Cross-region aggregation links the other covered regions to the
home region, so one region's console, API and EventBridge see every finding.

In an organization the security account (delegated administrator) uses central configuration instead of
per-account settings: the aggregator, `CENTRAL` organization configuration, and configuration policies, one
for the organization root (with the controls the baseline makes meaningless outside the management account
disabled) and one for the management account (everything the standards hold). Security Hub user guide,
"Central configuration": https://docs.aws.amazon.com/securityhub/latest/userguide/central-configuration-intro.html
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.detective_settings import organization_disabled_controls, standard_arn
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.settings import Settings


@dataclass
class SecurityHubArgs:
    settings: Settings
    # Organization (security account): the root the policy applies to and the management account that keeps
    # every control. None: a standalone account.
    organization_root_id: pulumi.Input[str] | None = None
    management_account_id: str | None = None


def enabled_standard_arns(s: Settings, region: str) -> list[str]:
    return [standard_arn(i, s.partition, region) for i in s.security_hub_standards]


class SecurityHub(pulumi.ComponentResource):
    accounts: dict[str, aws.securityhub.Account]
    subscriptions: dict[str, list[aws.securityhub.StandardsSubscription]]
    aggregator: aws.securityhub.FindingAggregator | None
    policies: dict[str, aws.securityhub.ConfigurationPolicy]
    associations: dict[str, aws.securityhub.ConfigurationPolicyAssociation]

    def __init__(self, name: str, args: SecurityHubArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:securityhub:SecurityHub", name, None, opts)
        s = args.settings
        organization = args.organization_root_id is not None
        self.accounts, self.subscriptions, self.policies, self.associations = {}, {}, {}, {}
        # Centrally configured accounts are enabled by the policy; the administrator enables itself in home.
        for region in [s.home_region] if organization else list(s.regions):
            account = aws.securityhub.Account(
                f"{name}-{region}",
                region=region,
                enable_default_standards=False,
                control_finding_generator="SECURITY_CONTROL",
                auto_enable_controls=True,
                opts=child(self),
            )
            self.accounts[region] = account
            if not organization:
                self.subscriptions[region] = [
                    aws.securityhub.StandardsSubscription(
                        f"{name}-{region}-{standard}", region=region, standards_arn=arn, opts=child(self, [account])
                    )
                    for standard, arn in zip(s.security_hub_standards, enabled_standard_arns(s, region))
                ]
        self.aggregator = None
        if s.other_regions:
            self.aggregator = aws.securityhub.FindingAggregator(
                f"{name}-aggregator",
                region=s.home_region,
                linking_mode="SPECIFIED_REGIONS",
                specified_regions=list(s.other_regions),
                opts=child(self, list(self.accounts.values())),
            )
        if organization:
            self._central_configuration(name, args)
        self.register_outputs(
            {"regions": list(self.accounts), "aggregationRegion": s.home_region if self.aggregator else None}
        )

    def _central_configuration(self, name: str, args: SecurityHubArgs) -> None:
        s = args.settings
        home = s.home_region
        ready = [self.accounts[home], *([self.aggregator] if self.aggregator else [])]
        self.organization_configuration = aws.securityhub.OrganizationConfiguration(
            f"{name}-organization",
            region=home,
            auto_enable=False,  # central configuration requires both off; the policies decide
            auto_enable_standards="NONE",
            organization_configuration={"configuration_type": "CENTRAL"},
            opts=child(self, ready),
        )
        disabled, _reason = organization_disabled_controls()  # the full reason: catalog and docs/detective-services.md
        standards = enabled_standard_arns(s, home)
        variants = {
            "organization": (
                disabled,
                f"Baseline standards for every account but management; {disabled[0]} to {disabled[-1]} disabled: "
                "the organization trail delivers to CloudWatch Logs only in the management account, where the CIS alarms live",
            ),
            "management": ([], "Baseline standards with every control (the organization trail's CIS alarms live here)."),
        }
        for key, (off, description) in variants.items():
            self.policies[key] = aws.securityhub.ConfigurationPolicy(
                f"{name}-policy-{key}",
                region=home,
                name=f"{s.name_prefix}-{key}",
                description=description,
                configuration_policy={
                    "service_enabled": True,
                    "enabled_standard_arns": standards,
                    "security_controls_configuration": {"disabled_control_identifiers": off},
                },
                opts=child(self, [self.organization_configuration]),
            )
        targets = {"organization": args.organization_root_id, "management": args.management_account_id}
        for key, target in targets.items():
            self.associations[key] = aws.securityhub.ConfigurationPolicyAssociation(
                f"{name}-policy-{key}-association",
                region=home,
                policy_id=self.policies[key].id,
                target_id=target,
                opts=child(self),
            )
