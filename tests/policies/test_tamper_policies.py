"""The tamper-resistance policies (issue 12) through the real analyzer protocol: a violating and a passing program each."""

import pytest

from tests.policies.test_policies import _violations, assert_verdict

# (policy, case, violates, fragment the message must contain, policy config)
CASES = [
    ("log-store-erasure-denied", "erasure-denied", False, "", None),
    ("log-store-erasure-denied", "erasure-wildcard-deny", False, "", None),
    ("log-store-erasure-denied", "erasure-replica-forgets-bypass", True,
     "log bucket replica does not deny s3:BypassGovernanceRetention to every principal but a break-glass role", None),
    ("log-store-erasure-denied", "erasure-deny-only-over-http", True, "log bucket archive does not deny s3:BypassGovernanceRetention, s3:PutBucketObjectLockConfiguration", None),
    ("log-store-erasure-denied", "erasure-not-denied", True, "set baseline:breakGlassPrincipalArn", None),
    ("cloudtrail-archive-data-events", "trail-archive-deletions", False, "", None),
    ("cloudtrail-archive-data-events", "trail-archive-every-object-event", True, "records PutObject on its own archive archive", None),
    ("cloudtrail-archive-data-events", "trail-archive-basic-data-events", True, "records PutObject on its own archive archive", None),
    ("cloudtrail-archive-data-events", "trail-archive-no-data-events", True,
     "does not record DeleteObject, DeleteObjects, PutObjectRetention, PutObjectLegalHold on its archive archive", None),
]


@pytest.mark.parametrize(("policy", "case", "violates", "fragment", "config"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{'fail' if c[2] else 'pass'}" for c in CASES])
def test_tamper_policy(pack, policy, case, violates, fragment, config):
    found, _ = _violations(pack, case, policy, config)
    assert_verdict(found, policy, violates, fragment)


def test_only_the_replica_is_reported_when_only_the_replica_forgets(pack):
    found, _ = _violations(pack, "erasure-replica-forgets-bypass", "log-store-erasure-denied")
    assert [v.urn.rsplit("::", 1)[-1] for v in found] == ["replica-policy"]
