"""A role's stack does not grow with the organization: 3 accounts or 300, the same resources."""

import pytest

from tests.org.org_helpers import ROLES, organization_fixture, run_role

# Resources per role for the example stacks (3 regions), custom resources only; printed by -s for the docs.
def shape(result):
    return sorted((r.type, r.name) for r in result.resources)


@pytest.mark.parametrize("role", ROLES)
def test_resource_count_is_identical_for_3_and_300_accounts(role, tmp_path):
    small = run_role(role, organization_fixture(tmp_path, role, 3))
    large = run_role(role, organization_fixture(tmp_path, role, 300))
    assert len(small.resources) == len(large.resources)
    assert shape(small) == shape(large)
    # and not one input differs: nothing lists or depends on the accounts of the organization
    assert [r.inputs for r in sorted(small.resources, key=lambda r: r.urn)] == [
        r.inputs for r in sorted(large.resources, key=lambda r: r.urn)
    ]
    custom = sum(r.custom for r in small.resources)
    print(f"\n{role}: {len(small.resources)} registrations, {custom} resources (3 and 300 accounts)")


def test_the_fixture_really_has_300_accounts(tmp_path):
    from aws_logging_baseline.offline.fixture import load_fixture

    assert len(load_fixture(organization_fixture(tmp_path, "member", 300)).organization.accounts) == 300
