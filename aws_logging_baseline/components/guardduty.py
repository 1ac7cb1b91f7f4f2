"""GuardDuty: a detector in every covered region, its protection plans, and the findings export to the archive.

Every protection plan of the catalog is declared ENABLED or DISABLED, so what runs is what `protection_plans` says
(a detector created through the API otherwise starts with some plans on). The export writes under
`guardduty/AWSLogs/<account>/GuardDuty/<region>/` of the archive, encrypted with the archive key; the bucket and
key statements it needs come from policy_documents.guardduty_export_* (GuardDuty user guide, "Exporting findings").

In an organization the security account, as delegated administrator, runs this component and adds the
organization configuration: every member gets GuardDuty and the same plans automatically (`ALL`), and the
administrator's export carries the members' findings too ("If you enable findings export in a GuardDuty
administrator account, all findings from associated member accounts ... are also exported").
"""

from typing import NotRequired, Sequence, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.detective_settings import protection_plans
from aws_logging_baseline.components.log_archive import GUARDDUTY_PREFIX
from aws_logging_baseline.components.options import child

DEFAULT_PROTECTION_PLANS = ["eks-audit-logs", "ebs-malware-protection", "rds-login-events", "lambda-network-logs"]


class GuardDutyArgs(TypedDict):
    """Arguments of GuardDuty: the regions, the protection plans, and where findings are exported."""

    regions: list[str]
    """The regions that get a detector (every covered region)."""
    finding_publishing_frequency: NotRequired[str]
    """How often updated findings are published: FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS. Default: FIFTEEN_MINUTES."""
    protection_plans: NotRequired[list[str]]
    """Plans to enable (catalog names), every other one DISABLED. Default: eks-audit-logs, ebs-malware-protection, rds-login-events, lambda-network-logs."""
    export_bucket_arn: NotRequired[pulumi.Input[str]]
    """The archive bucket findings are exported to (under guardduty/); its policy must let GuardDuty write. Default: none (no export)."""
    export_key_arn: NotRequired[pulumi.Input[str]]
    """The KMS key that encrypts exported findings; its policy must let GuardDuty use it; required with export_bucket_arn. Default: none."""
    organization: NotRequired[bool]
    """Delegated administrator: auto-enable every member account with the same plans. Default: false."""
    tags: NotRequired[dict[str, str]]
    """Tags of every detector. Default: none."""


def feature_status(plans: Sequence[str]) -> dict[str, bool]:
    """Catalog plan name -> enabled, for the enabled `plans`."""
    return {p.plan: p.plan in plans for p in protection_plans()}


class GuardDuty(pulumi.ComponentResource):
    """GuardDuty detectors in every covered region with each protection plan declared, and the findings export."""

    detectors: dict[str, aws.guardduty.Detector]
    features: dict[str, list[aws.guardduty.DetectorFeature]]
    destinations: dict[str, aws.guardduty.PublishingDestination]
    organization_configurations: dict[str, aws.guardduty.OrganizationConfiguration]
    organization_features: dict[str, list[aws.guardduty.OrganizationConfigurationFeature]]

    def __init__(
        self,
        name: str,
        args: GuardDutyArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        export_depends_on: Sequence[pulumi.Resource] = (),
    ):
        """`export_depends_on` (Python only): GuardDuty checks the bucket and key policies when the export is
        created, so the export waits for them."""
        check_args("GuardDuty", name, args, GuardDutyArgs)
        super().__init__("baseline:guardduty:GuardDuty", name, None, opts)
        enabled = feature_status(args.get("protection_plans", DEFAULT_PROTECTION_PLANS))
        tags = args.get("tags", {})
        export_bucket_arn = args.get("export_bucket_arn")
        if export_bucket_arn is not None and args.get("export_key_arn") is None:
            raise ValueError(f"GuardDuty {name}: export_key_arn is required with export_bucket_arn (GuardDuty exports only under a KMS key)")
        self.detectors, self.features, self.destinations = {}, {}, {}
        self.organization_configurations, self.organization_features = {}, {}
        for region in args["regions"]:
            detector = aws.guardduty.Detector(
                f"{name}-{region}",
                region=region,
                enable=True,
                finding_publishing_frequency=args.get("finding_publishing_frequency", "FIFTEEN_MINUTES"),
                tags=tags,
                opts=child(self),
            )
            self.detectors[region] = detector
            self.features[region] = [
                aws.guardduty.DetectorFeature(
                    f"{name}-{region}-{plan.plan}",
                    region=region,
                    detector_id=detector.id,
                    name=plan.feature,
                    status="ENABLED" if enabled[plan.plan] else "DISABLED",
                    additional_configurations=[
                        {"name": extra, "status": "ENABLED" if enabled[plan.plan] else "DISABLED"} for extra in plan.additional
                    ]
                    or None,
                    opts=child(self),
                )
                for plan in protection_plans()
            ]
            if export_bucket_arn is not None:
                self.destinations[region] = aws.guardduty.PublishingDestination(
                    f"{name}-{region}-export",
                    region=region,
                    detector_id=detector.id,
                    destination_type="S3",
                    # The folder is part of the destination ARN ("arn:aws:s3:::bucket/folder/"); without it
                    # GuardDuty writes at the bucket root, which the archive's statements (guardduty/*) refuse
                    # (API reference, CreatePublishingDestination DestinationProperties).
                    destination_arn=pulumi.Output.from_input(export_bucket_arn).apply(
                        lambda arn: f"{arn}/{GUARDDUTY_PREFIX}/"
                    ),
                    kms_key_arn=args.get("export_key_arn"),
                    opts=child(self, list(export_depends_on)),
                )
            if args.get("organization", False):
                self._organization(name, region, detector, enabled)
        self.register_outputs({"regions": list(self.detectors), "exportRegions": list(self.destinations)})

    def _organization(self, name: str, region: str, detector: aws.guardduty.Detector, enabled: dict[str, bool]) -> None:
        # ALL: existing and new members (NEW would leave today's accounts out). GuardDuty API reference,
        # UpdateOrganizationConfiguration AutoEnableOrganizationMembers.
        self.organization_configurations[region] = aws.guardduty.OrganizationConfiguration(
            f"{name}-{region}-organization",
            region=region,
            detector_id=detector.id,
            auto_enable_organization_members="ALL",
            opts=child(self),
        )
        self.organization_features[region] = [
            aws.guardduty.OrganizationConfigurationFeature(
                f"{name}-{region}-organization-{plan.plan}",
                region=region,
                detector_id=detector.id,
                name=plan.feature,
                auto_enable="ALL" if enabled[plan.plan] else "NONE",
                additional_configurations=[
                    {"name": extra, "auto_enable": "ALL" if enabled[plan.plan] else "NONE"} for extra in plan.additional
                ]
                or None,
                opts=child(self, [self.organization_configurations[region]]),
            )
            for plan in protection_plans()
        ]
