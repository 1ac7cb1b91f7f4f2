"""`check` judges a stack's regional coverage against the account fixture: a stack that narrows baseline:regions or
flowLogVpcIds exports only what it covers, so the fixture's VPCs and their regions are what prove the gap."""

import json

import pytest

from aws_logging_baseline.cli.main import main
from aws_logging_baseline.offline.account_facts import with_account_facts
from aws_logging_baseline.offline.fixture import load_fixture
from tests.policies.conftest import FIXTURE
from tests.policies.test_judgment import PROGRAM

ARGS = ["check", "--program", str(PROGRAM), "--stack", "test", "--account", str(FIXTURE), "--no-tree", "--format", "json"]


def _check(tmp_path, case, *extra):
    output = tmp_path / "verdict.json"
    code = main([*ARGS, "--output", str(output), "-c", f"policy-judgment:case={case}", *extra])
    return code, json.loads(output.read_text())


def test_regions_narrowed_below_the_accounts_vpc_regions_fail(tmp_path):
    code, verdict = _check(tmp_path, "regions-narrowed")
    found = [v for v in verdict["violations"] if v["policy"] == "baseline-covers-required-regions"]
    assert code == 1 and len(found) == 1
    assert "the stack covers 1 region(s) but not ap-northeast-1, " in found[0]["message"]
    assert "eu-west-1" in found[0]["message"] and "us-east-1," not in found[0]["message"]


def test_a_vpc_left_out_of_flow_log_vpc_ids_fails(tmp_path):
    code, verdict = _check(tmp_path, "one-vpc-covered")
    missing = sorted(v["message"].split()[1] for v in verdict["violations"] if v["policy"] == "vpc-flow-logs-enabled")
    assert code == 1 and "vpc-0a1b2c3d4e5f60002" in missing and "vpc-0a1b2c3d4e5f60001" not in missing


def test_the_users_policy_config_wins_over_the_fixture(tmp_path):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"baseline-covers-required-regions": {"requiredRegions": ["us-east-1"]}}))
    code, verdict = _check(tmp_path, "regions-narrowed", "--policy-config", str(config))
    assert [v for v in verdict["violations"] if v["policy"] == "baseline-covers-required-regions"] == []


@pytest.mark.parametrize("outputs", [{}, {"unrelated": 1}])
def test_stacks_that_claim_no_regional_coverage_are_not_judged_against_the_account(outputs):
    assert with_account_facts({"all": "advisory"}, load_fixture(FIXTURE), outputs) == {"all": "advisory"}


def test_the_example_stack_narrowed_below_the_organization_and_the_account_fails(tmp_path):
    """The real program: baseline:regions cut to two regions while the organization requires eu-west-1, and
    flowLogVpcIds naming one of the two us-east-1 VPCs of the account."""
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"baseline-covers-required-regions": {"requiredRegions": ["us-east-1", "us-west-2", "eu-west-1"]}}))
    output = tmp_path / "verdict.json"
    code = main(["check", "--stack", "example", "--no-tree", "--format", "json", "--output", str(output),
                 "--policy-config", str(config), "-c", "baseline:regions=[us-east-1, us-west-2]",
                 "-c", "baseline:flowLogVpcIds=[us-east-1:vpc-0a1b2c3d4e5f60001]"])
    verdict = json.loads(output.read_text())
    messages = {}
    for violation in verdict["violations"]:
        messages.setdefault(violation["policy"], []).append(violation["message"])
    assert code == 1
    [regions] = messages["baseline-covers-required-regions"]
    assert "but not eu-west-1, which the organization requires" in regions
    missing = sorted(m.split()[1] for m in messages["vpc-flow-logs-enabled"])
    assert missing == ["vpc-0a1b2c3d4e5f60002", "vpc-0a1b2c3d4e5f60005", "vpc-0a1b2c3d4e5f60006"]  # us-east-1, us-west-2


def test_another_pack_without_the_two_policies_gets_no_facts(tmp_path):
    """The facts go only to policies the pack has: a team's own pack judges a stack that exports its regions
    without an error about policies it never had (nor a --policy-config the user never gave)."""
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text(
        "from pulumi_policy import PolicyPack, ResourceValidationPolicy\n"
        "PolicyPack('own', [ResourceValidationPolicy('own', 'judges nothing', validate=lambda args, report: None)])\n")
    code, verdict = _check(tmp_path, "regions-narrowed", "--policy-pack", str(pack))
    assert code == 0 and verdict["violations"] == [] and [p["name"] for p in verdict["policies"]] == ["own"]
    assert with_account_facts(None, load_fixture(FIXTURE), {"regions": ["us-east-1"]}, ["own"]) == {}
