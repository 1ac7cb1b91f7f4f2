"""The baseline program: validated settings in, the account's composition for its role, outputs exported.

`baseline:role` picks the composition (aws_logging_baseline/components/roles): standalone (AccountBaseline, the default),
log-archive, management, security or member. No logic here.
"""

import pulumi

from aws_logging_baseline.components import load_settings
from aws_logging_baseline.components.roles import build_account

settings = load_settings()
account = build_account("baseline", settings)
for key, value in account.outputs.items():
    pulumi.export(key, value)
