"""IAM Access Analyzer: an external-access analyzer in every covered region and, optionally, an unused-access one.

External access is analysed per region (analyzers are regional; Security Hub IAM.28 checks each region) and
is free. Unused access is about IAM users and roles, which are global, so one analyzer in homeRegion; it is
priced per IAM role and user analysed, hence off unless accessAnalyzerUnusedAccessDays is set.
The zone of trust is the account, or in an organization (security account, delegated administrator) the
organization.
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.settings import Settings


@dataclass
class AccessAnalyzerArgs:
    settings: Settings
    zone_of_trust: str = "ACCOUNT"  # ACCOUNT | ORGANIZATION
    unused_access: bool = True  # also the unused-access analyzer when accessAnalyzerUnusedAccessDays is set
    tags: dict[str, str] = field(default_factory=dict)


class AccessAnalyzer(pulumi.ComponentResource):
    external: dict[str, aws.accessanalyzer.Analyzer]
    unused: aws.accessanalyzer.Analyzer | None

    def __init__(self, name: str, args: AccessAnalyzerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:accessanalyzer:AccessAnalyzer", name, None, opts)
        s, zone = args.settings, args.zone_of_trust
        suffix = zone.lower()
        self.external = {
            region: aws.accessanalyzer.Analyzer(
                f"{name}-{region}",
                region=region,
                analyzer_name=f"{s.name_prefix}-external-access-{suffix}",
                type=zone,
                tags=args.tags,
                opts=child(self),
            )
            for region in s.regions
        }
        self.unused = None
        if args.unused_access and s.access_analyzer_unused_access_days:
            self.unused = aws.accessanalyzer.Analyzer(
                f"{name}-unused",
                region=s.home_region,
                analyzer_name=f"{s.name_prefix}-unused-access-{suffix}",
                type=f"{zone}_UNUSED_ACCESS",
                configuration={"unused_access": {"unused_access_age": s.access_analyzer_unused_access_days}},
                tags=args.tags,
                opts=child(self),
            )
        self.register_outputs({"regions": list(self.external), "unusedAccess": self.unused is not None})
