"""The policy pack's entry point: the PolicyPack call (it starts the analyzer server and blocks)."""

from pulumi_policy import EnforcementLevel, PolicyPack

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
