"""`audit --format sarif` for a user's program in a git repository of its own: every result points at that
repository's stack file, at the line of the setting that governs the control, and no path of this repository's
package appears. Bad --program/--stack/--repo-root: one line naming the flag, exit 2, before any AWS call."""

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from aws_logging_baseline.audit import AuditReport
from aws_logging_baseline.audit.controls import GOVERNED_BY
from aws_logging_baseline.audit.findings import failed, unknown
from tests.audit.test_report import SCHEMA, assert_every_result_points_at_its_setting
from tests.cli_helpers import assert_one_line_error, cli

ACCOUNT = "210987654321"
VPC = "vpc-0a1b2c3d"
STACK = """\
# the production account's baseline
encryptionsalt: v1:abc
config:
  aws:region: eu-west-1
  baseline:homeRegion: eu-west-1
  baseline:regions:
    - eu-west-1
    - eu-central-1
  baseline:flowLogVpcIds:
    - vpc-0123
  "baseline:breakGlassPrincipalArn": arn:aws:iam::210987654321:role/break-glass
"""
FINDINGS = [
    failed("vpc-flow-logs-enabled", "eu-central-1", VPC, "no active flow log: create one"),
    failed("config-recorder-enabled", "eu-central-1", "default", "the recorder is not recording"),
    failed("log-store-erasure-denied", "global", "prod-logs", "governance bypass is not denied"),
    failed("iam-password-policy", "global", "password-policy", "MinimumPasswordLength 8 < 14"),
    failed("iam-root-access-key-check", "global", f"arn:aws:iam::{ACCOUNT}:root", "the root user has an access key"),
    failed("s3-bucket-versioning-enabled", "global", "legacy-logs", "versioning is Suspended"),
    unknown("guardduty-enabled", "eu-west-1", "guardduty", "could not check: guardduty ListDetectors: AccessDenied"),
]


def line_of(path: Path, text: str) -> int:
    [number] = [n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(text)]
    return number


@pytest.fixture
def user_repo(tmp_path):
    """A user's repository: a git work tree with the program in infra/ and two stacks, prod and dev. A TypeScript
    program using the components: the audit reads only its stack files, so any runtime will do."""
    repo = tmp_path / "platform"
    (repo / "infra").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "infra" / "Pulumi.yaml").write_text("name: account-logging\nruntime: nodejs\n")
    (repo / "infra" / "Pulumi.prod.yaml").write_text(STACK)
    (repo / "infra" / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    return repo


@pytest.fixture
def audited(monkeypatch, tmp_path, capsys):
    """`audit --format sarif` through the command line, the account's answers replaced by FINDINGS."""
    import aws_logging_baseline.audit as audit_package

    monkeypatch.setattr(audit_package, "run_audit", lambda options: AuditReport(ACCOUNT, ["eu-west-1", "eu-central-1"], list(FINDINGS)))

    def run(*flags: str):
        target = tmp_path / "audit.sarif"
        code, out, err = cli(capsys, "audit", "--regions", "eu-west-1", "--format", "sarif", "--output", str(target), *flags)
        assert code == 1, err
        document = json.loads(target.read_text())
        jsonschema.validate(document, SCHEMA)
        return document, err
    return run


def test_results_point_at_the_setting_in_the_users_stack_file(user_repo, audited, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # anywhere but this repository
    document, err = audited("--program", str(user_repo / "infra"), "--stack", "prod")
    assert err == ""
    stack = user_repo / "infra" / "Pulumi.prod.yaml"
    results = {r["ruleId"]: r for r in document["runs"][0]["results"]}
    assert_every_result_points_at_its_setting(list(results.values()), user_repo, "infra/Pulumi.prod.yaml")

    def where(control):
        physical = results[control]["locations"][0]["physicalLocation"]
        return physical["region"]["startLine"], results[control]["properties"].get("setting")

    # the most specific setting the stack sets: the VPCs given flow logs, not the regions
    assert where("vpc-flow-logs-enabled") == (line_of(stack, "  baseline:flowLogVpcIds:"), "baseline:flowLogVpcIds")
    for control in ("config-recorder-enabled", "guardduty-enabled"):  # guardDutyEnabled left at its default
        assert where(control) == (line_of(stack, "  baseline:regions:"), "baseline:regions"), control
    assert where("log-store-erasure-denied") == (line_of(stack, '  "baseline:breakGlassPrincipalArn":'),
                                                 "baseline:breakGlassPrincipalArn")  # a quoted key too
    # settings left at their defaults, or no setting at all: the stack's config: line
    config = line_of(stack, "config:")
    for control in ("iam-password-policy", "iam-root-access-key-check", "s3-bucket-versioning-enabled"):
        assert where(control) == (config, None), control
    assert results["guardduty-enabled"]["kind"] == "open"
    assert results["vpc-flow-logs-enabled"]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == \
        f"{ACCOUNT}/eu-central-1/{VPC}"
    # nothing of this repository's package, nor of this machine, in the log
    text = json.dumps(document)
    assert "aws_logging_baseline/" not in text.replace("/blob/main/docs/", "") and str(tmp_path) not in text
    assert document["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith("https://")


def test_the_program_in_the_current_directory_and_its_only_stack_are_the_defaults(user_repo, audited, monkeypatch):
    (user_repo / "infra" / "Pulumi.dev.yaml").unlink()
    monkeypatch.chdir(user_repo / "infra")
    document, err = audited()
    assert err == ""
    assert_every_result_points_at_its_setting(document["runs"][0]["results"], user_repo, "infra/Pulumi.prod.yaml")


def test_several_stacks_and_no_stack_flag_point_at_the_programs_pulumi_yaml(user_repo, audited, monkeypatch):
    """Pulumi.yaml declares the settings; here it declares regions, so that control points at its declaration."""
    project = user_repo / "infra" / "Pulumi.yaml"
    project.write_text("name: account-logging\nruntime: python\nconfig:\n  baseline:regions:\n    type: array\n")
    monkeypatch.chdir(user_repo / "infra")
    document, err = audited()
    assert "SARIF results point at the program's Pulumi.yaml" in err and "2 stack files (dev, prod)" in err
    results = {r["ruleId"]: r for r in document["runs"][0]["results"]}
    physical = results["config-recorder-enabled"]["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "infra/Pulumi.yaml"}, "region": {"startLine": 4}}
    assert results["iam-password-policy"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}


def test_without_a_program_results_keep_only_their_logical_location(audited, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    document, err = audited()
    assert "SARIF results have only a logical location" in err and "--program DIR" in err
    for result in document["runs"][0]["results"]:
        assert [set(location) for location in result["locations"]] == [{"logicalLocations"}]


def test_exception_problems_point_at_the_exceptions_file_in_the_repository(user_repo, audited, monkeypatch, tmp_path):
    expired = {"exceptions": [{"policy": "s3-bucket-versioning-enabled", "resource": "global/legacy-logs",
                               "owner": "storage@example.com", "reason": "legacy", "expires": "2020-01-01"}]}
    inside = user_repo / "security" / "exceptions.yaml"
    inside.parent.mkdir()
    inside.write_text(yaml.safe_dump(expired))
    outside = tmp_path / "exceptions.yaml"
    outside.write_text(yaml.safe_dump(expired))
    monkeypatch.chdir(tmp_path)
    for path, uri in ((inside, "security/exceptions.yaml"), (outside, "infra/Pulumi.prod.yaml")):
        document, _ = audited("--program", str(user_repo / "infra"), "--stack", "prod", "--exceptions", str(path))
        [problem] = [r for r in document["runs"][0]["results"] if r["ruleId"] == "policy-exception-valid"]
        assert problem["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
    # the package's default file, even where a virtualenv in the repository holds it, is not the user's file
    import aws_logging_baseline.policy_exceptions as pe

    installed = user_repo / ".venv" / "site-packages" / "exceptions.yaml"
    installed.parent.mkdir(parents=True)
    installed.write_text(yaml.safe_dump(expired))
    monkeypatch.setattr(pe, "DEFAULT_FILE", installed)
    document, _ = audited("--program", str(user_repo / "infra"), "--stack", "prod")
    [problem] = [r for r in document["runs"][0]["results"] if r["ruleId"] == "policy-exception-valid"]
    assert problem["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "infra/Pulumi.prod.yaml"},
                                                           "region": {"startLine": 3}}


def test_an_excepted_finding_points_where_the_finding_would(user_repo, audited, monkeypatch, tmp_path):
    import datetime as dt

    valid = {"exceptions": [{"policy": "vpc-flow-logs-enabled", "resource": f"eu-central-1/{VPC}", "owner": "net@example.com",
                             "reason": "being deleted", "expires": (dt.date.today() + dt.timedelta(days=5)).isoformat()}]}
    path = tmp_path / "exceptions.yaml"
    path.write_text(yaml.safe_dump(valid))
    monkeypatch.chdir(tmp_path)
    document, _ = audited("--program", str(user_repo / "infra"), "--stack", "prod", "--exceptions", str(path))
    [excepted] = [r for r in document["runs"][0]["results"] if r.get("suppressions")]
    assert excepted["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "infra/Pulumi.prod.yaml"},
        "region": {"startLine": line_of(user_repo / "infra" / "Pulumi.prod.yaml", "  baseline:flowLogVpcIds:")}}
    assert excepted["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == f"{ACCOUNT}/eu-central-1/{VPC}"


def test_governing_settings_are_searched_in_order():
    from aws_logging_baseline.audit.locations import ConfigFile

    config = ConfigFile("Pulumi.x.yaml", Path("."), 2, {"baseline:regions": 7, "baseline:flowLogVpcIds": 9})
    assert config.locate("vpc-flow-logs-enabled") == (9, "baseline:flowLogVpcIds")
    assert GOVERNED_BY["config-recorder-enabled"][0] == "baseline:regions"
    assert config.locate("config-recorder-enabled") == (7, "baseline:regions")
    assert config.locate("iam-root-access-key-check") == (2, None)


@pytest.mark.parametrize("flags, expected", [
    (["--program", "{tmp}/nowhere"], "--program {tmp}/nowhere: no Pulumi.yaml there"),
    (["--program", "{repo}/infra", "--stack", "staging"], "--stack staging: no stack file Pulumi.staging.yaml in {repo}/infra (stacks there: dev, prod)"),
    (["--program", "{repo}/infra", "--stack", "../prod"], "--stack '../prod': a stack name is 1 to 100 letters"),
    (["--stack", "prod"], "--stack: the current directory has no Pulumi.yaml; add --program DIR"),
    (["--program", "{repo}/infra", "--repo-root", "{tmp}/nowhere"], "--repo-root {tmp}/nowhere: not a directory"),
    (["--program", "{repo}/infra", "--stack", "prod", "--repo-root", "{repo}/docs"], "is not inside it"),
    (["--program", "{repo}/bad", "--stack", "prod"], "{repo}/bad/Pulumi.prod.yaml: malformed YAML"),
])
def test_bad_location_flags_are_one_line_before_any_aws_call(user_repo, monkeypatch, tmp_path, capsys, flags, expected):
    import aws_logging_baseline.audit as audit_package

    def run_audit(options):
        raise AssertionError("the account was audited although a flag is bad")
    monkeypatch.setattr(audit_package, "run_audit", run_audit)
    (user_repo / "docs").mkdir()
    (user_repo / "bad").mkdir()
    (user_repo / "bad" / "Pulumi.yaml").write_text("name: bad\nruntime: python\n")
    (user_repo / "bad" / "Pulumi.prod.yaml").write_text("config: [unclosed\n")
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "audit.sarif"
    fill = {"tmp": str(tmp_path), "repo": str(user_repo)}
    code, _, err = cli(capsys, "audit", "--regions", "eu-west-1", "--format", "sarif", "--output", str(target),
                       *[flag.format(**fill) for flag in flags])
    assert_one_line_error(code, err, expected.format(**fill))
    assert not target.exists()
