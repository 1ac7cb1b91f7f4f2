"""Detective services (issue 18): GuardDuty, Security Hub CSPM and IAM Access Analyzer in every required region.

In an organization the security account (delegated administrator) runs GuardDuty and Security Hub for every
account: there the policies check the organization configuration; member, management and log-archive stacks
are not applicable (the services reach them through that configuration).
"""

from .catalog import stack_policy
from .common import StackView, as_list, joined, setting
from .org_context import declared_role

DETECTOR = "aws:guardduty/detector:Detector"
FEATURE = "aws:guardduty/detectorFeature:DetectorFeature"
DESTINATION = "aws:guardduty/publishingDestination:PublishingDestination"
GD_ORG = "aws:guardduty/organizationConfiguration:OrganizationConfiguration"
GD_ORG_FEATURE = "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature"
SH_ACCOUNT = "aws:securityhub/account:Account"
SH_SUBSCRIPTION = "aws:securityhub/standardsSubscription:StandardsSubscription"
SH_AGGREGATOR = "aws:securityhub/findingAggregator:FindingAggregator"
SH_ORG = "aws:securityhub/organizationConfiguration:OrganizationConfiguration"
SH_POLICY = "aws:securityhub/configurationPolicy:ConfigurationPolicy"
SH_ASSOCIATION = "aws:securityhub/configurationPolicyAssociation:ConfigurationPolicyAssociation"
ANALYZER = "aws:accessanalyzer/analyzer:Analyzer"
ADMINISTERED = ("member", "management", "log-archive")


def _scope(args, policy: str) -> tuple[StackView, list[str], str | None]:
    view = StackView(args)
    role, _ = declared_role(args)
    regions = view.required_regions(args, policy)
    if not regions:
        args.not_applicable("no required regions: set requiredRegions or export `regions` from the stack")
    return view, regions, role


def _administered(args, role: str | None, service: str) -> None:
    if role in ADMINISTERED:
        args.not_applicable(f"role {role}: {service} is enabled for this account by the security account's organization configuration")


def _by_region(view: StackView, *types: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for resource in view.of(*types):
        found.setdefault(view.region(resource), []).append(resource)
    return found


def _guardduty_enabled(args, report_violation):
    view, regions, role = _scope(args, "guardduty-enabled")
    _administered(args, role, "GuardDuty")
    detectors = {r: [d for d in ds if d.props.get("enable") is not False] for r, ds in _by_region(view, DETECTOR).items()}
    missing = [r for r in regions if not detectors.get(r)]
    if missing:
        report_violation(
            f"no enabled GuardDuty detector in {joined(missing)}: add an aws.guardduty.Detector with enable=True in each "
            "(region=...).",
            view.stack_urn,
        )
    if role == "security":
        auto = {view.region(c) for c in view.of(GD_ORG) if c.props.get("autoEnableOrganizationMembers") == "ALL"}
        lacking = [r for r in regions if r not in auto]
        if lacking:
            report_violation(
                f"GuardDuty does not auto-enable every member account in {joined(lacking)}: add an "
                "aws.guardduty.OrganizationConfiguration with auto_enable_organization_members='ALL' in each.",
                view.stack_urn,
            )


def _guardduty_exported(args, report_violation):
    view = StackView(args)
    detectors = view.of(DETECTOR)
    if not detectors:
        args.not_applicable("no GuardDuty detector in the stack")
    exported = {
        view.region(d) for d in view.of(DESTINATION)
        if d.props.get("destinationType", "S3") == "S3" and d.props.get("kmsKeyArn") and d.props.get("destinationArn")
    }
    missing = sorted({view.region(d) for d in detectors} - exported)
    if missing:
        report_violation(
            f"GuardDuty findings of {', '.join(missing)} are not exported to S3 with a KMS key (they are kept 90 days "
            "only): add an aws.guardduty.PublishingDestination with destination_arn and kms_key_arn in each.",
            view.stack_urn,
        )


def _protection_plans(args, report_violation):
    view = StackView(args)
    detectors = view.of(DETECTOR)
    if not detectors:
        args.not_applicable("no GuardDuty detector in the stack")
    role, _ = declared_role(args)
    wanted = list(setting(args, "guardduty-protection-plans-enabled", "requiredFeatures"))
    enabled = {(view.region(f), f.props.get("name")) for f in view.of(FEATURE) if f.props.get("status") == "ENABLED"}
    auto = {(view.region(f), f.props.get("name")) for f in view.of(GD_ORG_FEATURE) if f.props.get("autoEnable") in ("ALL", "NEW")}
    for region in sorted({view.region(d) for d in detectors}):
        off = [name for name in wanted if (region, name) not in enabled]
        if off:
            report_violation(
                f"GuardDuty in {region} does not enable {', '.join(off)}: add aws.guardduty.DetectorFeature resources "
                "with status='ENABLED'.",
                view.stack_urn,
            )
        if role == "security":
            not_auto = [name for name in wanted if (region, name) not in auto]
            if not_auto:
                report_violation(
                    f"GuardDuty in {region} does not auto-enable {', '.join(not_auto)} for the organization: add "
                    "aws.guardduty.OrganizationConfigurationFeature resources with auto_enable='ALL'.",
                    view.stack_urn,
                )


def _security_hub_enabled(args, report_violation):
    view, regions, role = _scope(args, "securityhub-enabled")
    _administered(args, role, "Security Hub")
    wanted = list(setting(args, "securityhub-enabled", "requiredStandards"))
    if role == "security":
        central = [c for c in view.of(SH_ORG) if (c.props.get("organizationConfiguration") or {}).get("configurationType") == "CENTRAL"]
        policies = [p for p in view.of(SH_POLICY) if (p.props.get("configurationPolicy") or {}).get("serviceEnabled") is True]
        roots = [a for a in view.of(SH_ASSOCIATION) if str(a.props.get("targetId", "")).startswith("r-")]
        if not central or not policies or not roots:
            report_violation(
                "Security Hub is not centrally configured for the organization: add an aws.securityhub.OrganizationConfiguration "
                "with configuration_type CENTRAL, a ConfigurationPolicy with service_enabled=True and its association with "
                "the organization root.",
                view.stack_urn,
            )
            return
        for policy in policies:
            arns = as_list((policy.props.get("configurationPolicy") or {}).get("enabledStandardArns"))
            lacking = [w for w in wanted if not any(str(a).endswith(w) for a in arns)]
            if lacking:
                report_violation(
                    f"configuration policy {policy.name} does not enable {', '.join(lacking)}.", policy.urn
                )
        return
    accounts = _by_region(view, SH_ACCOUNT)
    subscribed = _by_region(view, SH_SUBSCRIPTION)
    for region in regions:
        if not accounts.get(region):
            report_violation(f"Security Hub is not enabled in {region}: add an aws.securityhub.Account with region={region!r}.", view.stack_urn)
            continue
        arns = [str(s.props.get("standardsArn", "")) for s in subscribed.get(region, [])]
        lacking = [w for w in wanted if not any(a.endswith(w) for a in arns)]
        if lacking:
            report_violation(
                f"Security Hub in {region} does not subscribe to {', '.join(lacking)}: add aws.securityhub.StandardsSubscription "
                "resources for them.",
                view.stack_urn,
            )


def _security_hub_aggregated(args, report_violation):
    view, regions, role = _scope(args, "securityhub-findings-aggregated")
    _administered(args, role, "Security Hub aggregation")
    if not view.of(SH_ACCOUNT):
        args.not_applicable("no Security Hub in the stack")
    if len(regions) < 2:
        args.not_applicable("one required region: nothing to aggregate")
    for aggregator in view.of(SH_AGGREGATOR):
        mode = aggregator.props.get("linkingMode")
        listed = set(as_list(aggregator.props.get("specifiedRegions")))
        home = view.region(aggregator)
        others = [r for r in regions if r != home]
        if mode == "ALL_REGIONS" or (mode == "SPECIFIED_REGIONS" and set(others) <= listed) or (
            mode == "ALL_REGIONS_EXCEPT_SPECIFIED" and not listed & set(others)
        ):
            return
    report_violation(
        f"Security Hub findings of {joined(regions)} are not aggregated into one region: add an "
        "aws.securityhub.FindingAggregator (linking_mode SPECIFIED_REGIONS listing every other region, or ALL_REGIONS).",
        view.stack_urn,
    )


def _access_analyzer(args, report_violation):
    view, regions, _ = _scope(args, "iam-external-access-analyzer-enabled")
    covered = {view.region(a) for a in view.of(ANALYZER) if a.props.get("type", "ACCOUNT") in ("ACCOUNT", "ORGANIZATION")}
    missing = [r for r in regions if r not in covered]
    if missing:
        report_violation(
            f"no IAM Access Analyzer external-access analyzer in {joined(missing)}: add an aws.accessanalyzer.Analyzer "
            "with type ACCOUNT (or ORGANIZATION) in each.",
            view.stack_urn,
        )


POLICIES = [
    stack_policy("guardduty-enabled", _guardduty_enabled),
    stack_policy("guardduty-findings-exported", _guardduty_exported),
    stack_policy("guardduty-protection-plans-enabled", _protection_plans),
    stack_policy("securityhub-enabled", _security_hub_enabled),
    stack_policy("securityhub-findings-aggregated", _security_hub_aggregated),
    stack_policy("iam-external-access-analyzer-enabled", _access_analyzer),
]
