"""Inspector: Amazon Inspector (the inspector2 API) enabled for this account in every configured region.

Only the current Amazon Inspector: Inspector Classic (aws.inspector.*, assessment targets and templates)
reached end of support on 2026-05-20 and is not used. Enabling scanning is slow (the service provisions
per resource type and reports status asynchronously), hence the generous timeouts.
"""

from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.options import child

TIMEOUTS = pulumi.CustomTimeouts(create="30m", update="30m", delete="30m")
DEFAULT_RESOURCE_TYPES = ["EC2", "ECR", "LAMBDA"]


class InspectorArgs(TypedDict):
    """Arguments of Inspector: the account, its regions and what Inspector scans there."""

    account_id: str
    """The account Inspector is enabled for."""
    regions: list[str]
    """The regions Inspector scans (one enabler each)."""
    resource_types: NotRequired[list[str]]
    """What Inspector scans: EC2, ECR, LAMBDA, LAMBDA_CODE (needs LAMBDA), CODE_REPOSITORY. Default: EC2, ECR, LAMBDA."""


class Inspector(pulumi.ComponentResource):
    """Amazon Inspector (inspector2) enabled for one account in every given region."""

    enablers: dict[str, aws.inspector2.Enabler]  # region -> enabler

    def __init__(self, name: str, args: InspectorArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("Inspector", name, args, InspectorArgs)
        super().__init__("baseline:inspector2:Inspector", name, None, opts)
        self.enablers = {
            region: aws.inspector2.Enabler(
                f"{name}-{region}",
                region=region,
                account_ids=[args["account_id"]],
                resource_types=list(args.get("resource_types", DEFAULT_RESOURCE_TYPES)),
                opts=child(self, custom_timeouts=TIMEOUTS),
            )
            for region in args["regions"]
        }
        self.register_outputs({"regions": list(self.enablers)})
