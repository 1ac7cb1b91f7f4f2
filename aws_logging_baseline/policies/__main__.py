"""The policy pack's entry point: the PolicyPack call (it starts the analyzer server and blocks)."""

import sys
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack

try:  # the access proofs live in the package; run from a checkout where it is not installed, use the checkout
    import aws_logging_baseline.access  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from baseline_policies import ALL_POLICIES, PACK_DESCRIPTION, PACK_NAME, sdk_memo

sdk_memo.install()  # each resource's properties deserialized once per request, not once per policy

PolicyPack(
    name=PACK_NAME,
    description=PACK_DESCRIPTION,
    display_name="AWS logging & monitoring baseline",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=ALL_POLICIES,
    tags=["aws", "cis", "security-hub", "logging", "monitoring"],
)
