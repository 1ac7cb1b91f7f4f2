"""IAM Access Analyzer: an external-access analyzer in every covered region and, optionally, an unused-access one.

External access is analysed per region (analyzers are regional; Security Hub IAM.28 checks each region) and
is free. Unused access is about IAM users and roles, which are global, so one analyzer in homeRegion; it is
priced per IAM role and user analysed, hence off unless accessAnalyzerUnusedAccessDays is set.
The zone of trust is the account, or in an organization (security account, delegated administrator) the
organization.
"""

from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.options import child


class AccessAnalyzerArgs(TypedDict):
    """Arguments of AccessAnalyzer: the regions, the zone of trust, and whether unused access is analysed."""

    home_region: str
    """The region of the unused-access analyzer (IAM users and roles are global)."""
    regions: list[str]
    """The regions that get an external-access analyzer (analyzers are regional)."""
    zone_of_trust: NotRequired[str]
    """ACCOUNT, or ORGANIZATION (the organization's delegated administrator). Default: ACCOUNT."""
    unused_access_days: NotRequired[int]
    """Days without use after which unused access is reported (1 to 365, priced per IAM role and user); 0: no unused-access analyzer. Default: 0."""
    name_prefix: NotRequired[str]
    """Prefix of the analyzers' names. Default: baseline."""
    tags: NotRequired[dict[str, str]]
    """Tags of every analyzer. Default: none."""


class AccessAnalyzer(pulumi.ComponentResource):
    """IAM Access Analyzer: an external-access analyzer in every covered region and, optionally, an unused-access one."""

    external: dict[str, aws.accessanalyzer.Analyzer]
    unused: aws.accessanalyzer.Analyzer | None

    def __init__(self, name: str, args: AccessAnalyzerArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("AccessAnalyzer", name, args, AccessAnalyzerArgs)
        super().__init__("baseline:accessanalyzer:AccessAnalyzer", name, None, opts)
        zone, prefix = args.get("zone_of_trust", "ACCOUNT"), args.get("name_prefix", "baseline")
        suffix, tags = zone.lower(), args.get("tags", {})
        unused_days = args.get("unused_access_days", 0)
        self.external = {
            region: aws.accessanalyzer.Analyzer(
                f"{name}-{region}",
                region=region,
                analyzer_name=f"{prefix}-external-access-{suffix}",
                type=zone,
                tags=tags,
                opts=child(self),
            )
            for region in args["regions"]
        }
        self.unused = None
        if unused_days:
            self.unused = aws.accessanalyzer.Analyzer(
                f"{name}-unused",
                region=args["home_region"],
                analyzer_name=f"{prefix}-unused-access-{suffix}",
                type=f"{zone}_UNUSED_ACCESS",
                configuration={"unused_access": {"unused_access_age": unused_days}},
                tags=tags,
                opts=child(self),
            )
        self.register_outputs({"regions": list(self.external), "unusedAccess": self.unused is not None})
