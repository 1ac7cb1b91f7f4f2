"""One program for every account of the organization: the stack's `baseline:role` picks the composition.

Everything comes from the installed `pulumi-aws-logging-baseline` distribution; this program only adds
what belongs to this organization (here: an extra tag naming the account's role in the rollout).
"""

import pulumi

from aws_logging_baseline.components import load_settings
from aws_logging_baseline.components.roles import build_account
from aws_logging_baseline.components.settings import with_overrides

settings = load_settings()
settings = with_overrides(settings, tags=(*settings.tags, f"Rollout=org-{settings.role}"))
account = build_account("org", settings)
for key, value in account.outputs.items():
    pulumi.export(key, value)
