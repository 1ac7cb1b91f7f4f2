"""Issue 11 through the real analyzer protocol: resource policies judged by evaluation (each statement that looks
guarded but is open is a mandatory violation) and the two access-proof stack policies."""

import pytest

from tests.policies.conftest import run_case
from tests.policies.test_policies import CONTROLS

# (policy, case, violates, fragment the message must contain, policy config)
CASES = [
    # the five open statements of issue 11, each reported by the policy that judges its document
    ("s3-bucket-policy-no-public-principal", "bucket-open-ifexists", True, "statement LooksGuarded allows Principal \"*\" beyond this account: anonymous may s3:GetObject", None),
    ("s3-bucket-policy-no-public-principal", "bucket-open-notprincipal", True, "statement LooksGuarded allows NotPrincipal", None),
    ("kms-no-unconditioned-wildcard-principal", "key-open-principal-arn", True, "a principal of another organization may kms:Decrypt", None),
    ("kms-no-unconditioned-wildcard-principal", "key-open-not-caller-account", True, "statement LooksGuarded allows Principal {\"AWS\": \"*\"}", None),
    ("kms-no-unconditioned-wildcard-principal", "key-scoped-to-account", False, "", None),
    ("iam-service-principal-source-conditions", "trust-any-trail", True,
     "lets cloudtrail.amazonaws.com act without aws:SourceAccount / aws:SourceArn limiting it to this account: "
     "cloudtrail.amazonaws.com acting for another account may sts:AssumeRole", None),
    ("iam-service-principal-source-conditions", "trust-this-trail", False, "", None),
    # a trust policy and a topic open to everyone
    ("resource-policy-refuses-outsiders", "trust-anyone", True, "assumeRolePolicy statement Statement[0] (Principal {\"AWS\": \"*\"}) lets anonymous may sts:AssumeRole", None),
    ("resource-policy-refuses-outsiders", "topic-public", True, "policy statement Anyone (Principal \"*\") lets anonymous may sns:Publish", None),
    ("resource-policy-refuses-outsiders", "topic-alarms-only", False, "", None),
    ("resource-policy-refuses-outsiders", "trust-this-trail", False, "", None),
    # the stack proofs
    ("log-delivery-paths-allowed", "delivery-good", False, "", None),
    ("log-delivery-paths-allowed", "delivery-no-acl-check", True,
     "CloudTrail (trail) cannot deliver to archive bucket archive: s3:GetBucketAcl on arn:aws:s3:::archive is denied", None),
    ("log-stores-refuse-outsiders", "delivery-good", False, "", None),
    ("log-stores-refuse-outsiders", "delivery-decrypt-in-account", True,
     "a principal of this account with no grant may kms:Decrypt (allowed by key policy of", None),
]


@pytest.mark.parametrize(("policy", "case", "violates", "fragment", "config"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{'fail' if c[2] else 'pass'}" for c in CASES])
def test_access_policy(pack, policy, case, violates, fragment, config):
    result = pack.check(run_case(case), config)
    found = [v for v in result.violations if v.policy == policy]
    if not violates:
        assert found == [], [v.message for v in found]
        return
    assert found, f"{policy} reported nothing for {case}"
    assert any(fragment in v.message for v in found), [v.message for v in found]
    assert {v.enforcement for v in found} == {"mandatory"} == {CONTROLS[policy]["enforcement"]}


def test_a_denied_delivery_names_the_missing_grant_and_points_at_the_bucket_policy(pack):
    found = [v for v in pack.check(run_case("delivery-no-acl-check")).violations if v.policy == "log-delivery-paths-allowed"]
    assert len(found) == 1  # only the ACL check: the write and both key requests are allowed
    assert "no statement of bucket policy of archive allows s3:GetBucketAcl" in found[0].message
    assert found[0].urn.endswith("aws:s3/bucketPolicy:BucketPolicy::archive-policy")
