"""Issue 18 policies through the analyzer protocol (the real pack process): a compliant program and one mutant
per policy, and the project's own stacks with a detective service switched off (a mutant of the real program)."""

import pytest

from tests.engine_helpers import run_baseline
from tests.org.org_helpers import run_role
from tests.policies.test_policies import _violations

# (policy, case, violates, fragment, config): also collected by test_policies' coverage check.
CASES = [
    ("guardduty-enabled", "detective-good", False, "", None),
    ("guardduty-enabled", "detective-guardduty-one-region", True, "no enabled GuardDuty detector in us-west-2", None),
    ("guardduty-enabled", "detective-security-good", False, "", None),
    ("guardduty-enabled", "detective-security-new-members-only", True, "does not auto-enable every member account in us-east-1, us-west-2", None),
    ("guardduty-enabled", "detective-member", False, "", None),
    ("guardduty-findings-exported", "detective-good", False, "", None),
    ("guardduty-findings-exported", "detective-no-export", True, "GuardDuty findings of us-east-1, us-west-2 are not exported", None),
    ("guardduty-protection-plans-enabled", "detective-good", False, "", None),
    ("guardduty-protection-plans-enabled", "detective-security-good", False, "", None),
    ("guardduty-protection-plans-enabled", "detective-no-rds-protection", True, "GuardDuty in us-east-1 does not enable RDS_LOGIN_EVENTS", None),
    ("securityhub-enabled", "detective-good", False, "", None),
    ("securityhub-enabled", "detective-no-cis", True, "does not subscribe to standards/cis-aws-foundations-benchmark/v/5.0.0", None),
    ("securityhub-enabled", "detective-hub-one-region", True, "Security Hub is not enabled in us-west-2", None),
    ("securityhub-enabled", "detective-security-good", False, "", None),
    ("securityhub-enabled", "detective-security-local-configuration", True, "not centrally configured for the organization", None),
    ("securityhub-enabled", "detective-member", False, "", None),
    ("securityhub-findings-aggregated", "detective-good", False, "", None),
    ("securityhub-findings-aggregated", "detective-no-aggregator", True, "are not aggregated into one region", None),
    ("iam-external-access-analyzer-enabled", "detective-good", False, "", None),
    ("iam-external-access-analyzer-enabled", "detective-member", False, "", None),
    ("iam-external-access-analyzer-enabled", "detective-analyzer-one-region", True,
     "no IAM Access Analyzer external-access analyzer in us-west-2", None),
]


@pytest.mark.parametrize(("policy", "case", "violates", "fragment", "config"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{'fail' if c[2] else 'pass'}" for c in CASES])
def test_detective_policy(pack, policy, case, violates, fragment, config):
    found, _ = _violations(pack, case, policy, config)
    if not violates:
        assert found == [], [v.message for v in found]
    else:
        assert any(fragment in v.message for v in found), [v.message for v in found]


def test_project_stacks_switching_a_service_off_are_caught(pack):
    # Mutants of the real programs: the policies read what the components declare, not a hand-built shape.
    small = {"regions": ["us-east-1", "eu-west-1"]}
    standalone = pack.check(run_baseline(securityHubEnabled=False, accessAnalyzerEnabled=False, **small))
    names = {v.policy for v in standalone.violations}
    assert {"securityhub-enabled", "iam-external-access-analyzer-enabled"} <= names
    assert "guardduty-enabled" not in names
    security = pack.check(run_role("security", guardDutyEnabled=False))
    assert [v.message for v in security.violations if v.policy == "guardduty-enabled"] == [
        "no enabled GuardDuty detector in eu-west-1, us-east-1, us-west-2: add an aws.guardduty.Detector with enable=True in each (region=...).",
        "GuardDuty does not auto-enable every member account in eu-west-1, us-east-1, us-west-2: add an "
        "aws.guardduty.OrganizationConfiguration with auto_enable_organization_members='ALL' in each.",
    ]
