"""The analytics policies through the analyzer protocol (violating and passing programs), and the project's own
stacks passing them (test_check_command keeps `check` clean for the example and org stacks)."""

import pytest

from tests.policies.test_policies import _violations, assert_verdict

# (policy, case, violates, fragment the message must contain, policy config)
CASES = [
    ("athena-workgroup-enforced-encrypted", "athena-good", False, "", None),
    ("athena-workgroup-enforced-encrypted", "athena-not-enforced", True, "enforceWorkgroupConfiguration is false", None),
    ("athena-workgroup-enforced-encrypted", "athena-sse-s3", True, "results are encrypted with SSE_S3 and no key", None),
    ("athena-workgroup-enforced-encrypted", "athena-no-cutoff", True, "no bytesScannedCutoffPerQuery", None),
    ("athena-workgroup-enforced-encrypted", "athena-results-no-expiry", True,
     "results bucket results has no enabled lifecycle rule with an expiration", None),
    ("dashboard-shows-every-cis-alarm", "dashboard-good", False, "", None),
    ("dashboard-shows-every-cis-alarm", "alarms-good", False, "", None),  # no dashboard: not applicable
    ("dashboard-shows-every-cis-alarm", "dashboard-missing-alarm", True,
     "1 CIS alarm(s) are on no dashboard's alarm widget: alarm-cis-4-1", None),
]


@pytest.mark.parametrize(("policy", "case", "violates", "fragment", "config"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{'fail' if c[2] else 'pass'}" for c in CASES])
def test_analytics_policy(pack, policy, case, violates, fragment, config):
    found, _ = _violations(pack, case, policy, config)
    assert_verdict(found, policy, violates, fragment)
