"""Inspector: Amazon Inspector (the inspector2 API) enabled for this account in every configured region.

Only the current Amazon Inspector: Inspector Classic (aws.inspector.*, assessment targets and templates)
reached end of support on 2026-05-20 and is not used. Enabling scanning is slow (the service provisions
per resource type and reports status asynchronously), hence the generous timeouts.
"""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.settings import Settings

TIMEOUTS = pulumi.CustomTimeouts(create="30m", update="30m", delete="30m")


@dataclass
class InspectorArgs:
    settings: Settings
    account_id: str


class Inspector(pulumi.ComponentResource):
    enablers: dict[str, aws.inspector2.Enabler]  # region -> enabler

    def __init__(self, name: str, args: InspectorArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:inspector2:Inspector", name, None, opts)
        s = args.settings
        self.enablers = {
            region: aws.inspector2.Enabler(
                f"{name}-{region}",
                region=region,
                account_ids=[args.account_id],
                resource_types=list(s.inspector_resource_types),
                opts=child(self, custom_timeouts=TIMEOUTS),
            )
            for region in s.regions
        }
        self.register_outputs({"regions": list(self.enablers)})
