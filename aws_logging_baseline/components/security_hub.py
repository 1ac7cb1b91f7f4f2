"""Security Hub CSPM: enabled in every covered region with the chosen standards, findings aggregated into homeRegion.

Consolidated control findings (`SECURITY_CONTROL`) and no default standards: the standards are exactly
`standards` (catalog/detective_services.yaml). Cross-region aggregation links the other covered regions to the
home region, so one region's console, API and EventBridge see every finding.

In an organization the security account (delegated administrator) uses central configuration instead of
per-account settings: the aggregator, `CENTRAL` organization configuration, and configuration policies, one
for the organization root (with the controls the baseline makes meaningless outside the management account
disabled) and one for the management account (everything the standards hold). Security Hub user guide,
"Central configuration": https://docs.aws.amazon.com/securityhub/latest/userguide/central-configuration-intro.html
"""

from typing import NotRequired, Sequence, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.detective_settings import organization_disabled_controls, standard_arn
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regions import partition_of

DEFAULT_STANDARDS = ["cis-aws-foundations-benchmark-v5.0.0", "aws-foundational-security-best-practices-v1.0.0"]


class SecurityHubArgs(TypedDict):
    """Arguments of SecurityHub: the regions, the standards, and (in an organization) whom central configuration targets."""

    home_region: str
    """The aggregation region: every other region's findings are linked here (and central configuration lives here)."""
    regions: list[str]
    """The covered regions (including home_region) that enable Security Hub."""
    standards: NotRequired[list[str]]
    """Standards to enable, by catalog id (catalog/detective_services.yaml). Default: cis-aws-foundations-benchmark-v5.0.0, aws-foundational-security-best-practices-v1.0.0."""
    name_prefix: NotRequired[str]
    """Prefix of the configuration policies' names. Default: baseline."""
    organization_root_id: NotRequired[pulumi.Input[str]]
    """Security account (delegated administrator): the organization root the central configuration applies to. Default: none (a standalone account)."""
    management_account_id: NotRequired[str]
    """With organization_root_id: the management account, which keeps every control (the organization trail's CIS alarms live there). Default: none."""


def enabled_standard_arns(standards: Sequence[str], partition: str, region: str) -> list[str]:
    """The ARNs of the catalog `standards` in `region`."""
    return [standard_arn(i, partition, region) for i in standards]


class SecurityHub(pulumi.ComponentResource):
    """Security Hub CSPM in every covered region with exactly the chosen standards, findings aggregated into the home region."""

    accounts: dict[str, aws.securityhub.Account]
    subscriptions: dict[str, list[aws.securityhub.StandardsSubscription]]
    aggregator: aws.securityhub.FindingAggregator | None
    policies: dict[str, aws.securityhub.ConfigurationPolicy]
    associations: dict[str, aws.securityhub.ConfigurationPolicyAssociation]

    def __init__(self, name: str, args: SecurityHubArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("SecurityHub", name, args, SecurityHubArgs)
        super().__init__("baseline:securityhub:SecurityHub", name, None, opts)
        home = args["home_region"]
        partition = partition_of(home) or "aws"
        standards = args.get("standards", DEFAULT_STANDARDS)
        other_regions = [r for r in args["regions"] if r != home]
        organization = args.get("organization_root_id") is not None
        self.accounts, self.subscriptions, self.policies, self.associations = {}, {}, {}, {}
        # Centrally configured accounts are enabled by the policy; the administrator enables itself in home.
        for region in [home] if organization else list(args["regions"]):
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
                    for standard, arn in zip(standards, enabled_standard_arns(standards, partition, region))
                ]
        self.aggregator = None
        if other_regions:
            self.aggregator = aws.securityhub.FindingAggregator(
                f"{name}-aggregator",
                region=home,
                linking_mode="SPECIFIED_REGIONS",
                specified_regions=other_regions,
                opts=child(self, list(self.accounts.values())),
            )
        if organization:
            self._central_configuration(name, args, enabled_standard_arns(standards, partition, home))
        self.register_outputs(
            {"regions": list(self.accounts), "aggregationRegion": home if self.aggregator else None}
        )

    def _central_configuration(self, name: str, args: SecurityHubArgs, standards: list[str]) -> None:
        home = args["home_region"]
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
                name=f"{args.get('name_prefix', 'baseline')}-{key}",
                description=description,
                configuration_policy={
                    "service_enabled": True,
                    "enabled_standard_arns": standards,
                    "security_controls_configuration": {"disabled_control_identifiers": off},
                },
                opts=child(self, [self.organization_configuration]),
            )
        targets = {"organization": args["organization_root_id"], "management": args.get("management_account_id")}
        for key, target in targets.items():
            self.associations[key] = aws.securityhub.ConfigurationPolicyAssociation(
                f"{name}-policy-{key}-association",
                region=home,
                policy_id=self.policies[key].id,
                target_id=target,
                opts=child(self),
            )
