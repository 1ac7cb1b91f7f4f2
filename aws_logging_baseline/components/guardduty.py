"""GuardDuty: a detector in every covered region, its protection plans, and the findings export to the archive.

Every protection plan of the catalog is declared ENABLED or DISABLED, so what runs is what the settings say
(a detector created through the API otherwise starts with some plans on). The export writes under
`guardduty/AWSLogs/<account>/GuardDuty/<region>/` of the archive, encrypted with the archive key; the bucket and
key statements it needs come from policy_documents.guardduty_export_* (GuardDuty user guide, "Exporting findings").

In an organization the security account, as delegated administrator, runs this component and adds the
organization configuration: every member gets GuardDuty and the same plans automatically (`ALL`), and the
administrator's export carries the members' findings too ("If you enable findings export in a GuardDuty
administrator account, all findings from associated member accounts ... are also exported").
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.detective_settings import protection_plans
from aws_logging_baseline.components.log_archive import GUARDDUTY_PREFIX
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.settings import Settings


@dataclass
class GuardDutyArgs:
    settings: Settings
    export_bucket_arn: pulumi.Input[str] | None = None  # None: no findings export
    export_key_arn: pulumi.Input[str] | None = None
    export_depends_on: list[pulumi.Resource] = field(default_factory=list)  # the bucket and key policies
    organization: bool = False  # the delegated administrator: auto-enable every member with the same plans
    tags: dict[str, str] = field(default_factory=dict)


def feature_status(s: Settings) -> dict[str, bool]:
    """Catalog plan name -> enabled."""
    return {p.plan: p.plan in s.guard_duty_protection_plans for p in protection_plans()}


class GuardDuty(pulumi.ComponentResource):
    detectors: dict[str, aws.guardduty.Detector]
    features: dict[str, list[aws.guardduty.DetectorFeature]]
    destinations: dict[str, aws.guardduty.PublishingDestination]
    organization_configurations: dict[str, aws.guardduty.OrganizationConfiguration]
    organization_features: dict[str, list[aws.guardduty.OrganizationConfigurationFeature]]

    def __init__(self, name: str, args: GuardDutyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:guardduty:GuardDuty", name, None, opts)
        s = args.settings
        enabled = feature_status(s)
        self.detectors, self.features, self.destinations = {}, {}, {}
        self.organization_configurations, self.organization_features = {}, {}
        for region in s.regions:
            detector = aws.guardduty.Detector(
                f"{name}-{region}",
                region=region,
                enable=True,
                finding_publishing_frequency=s.guard_duty_finding_publishing_frequency,
                tags=args.tags,
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
            if args.export_bucket_arn is not None:
                self.destinations[region] = aws.guardduty.PublishingDestination(
                    f"{name}-{region}-export",
                    region=region,
                    detector_id=detector.id,
                    destination_type="S3",
                    # The folder is part of the destination ARN ("arn:aws:s3:::bucket/folder/"); without it
                    # GuardDuty writes at the bucket root, which the archive's statements (guardduty/*) refuse
                    # (API reference, CreatePublishingDestination DestinationProperties).
                    destination_arn=pulumi.Output.from_input(args.export_bucket_arn).apply(
                        lambda arn: f"{arn}/{GUARDDUTY_PREFIX}/"
                    ),
                    kms_key_arn=args.export_key_arn,
                    opts=child(self, args.export_depends_on),
                )
            if args.organization:
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
