"""Hostile and broken input refused cheaply: aliases ("billion laughs"), deep nesting, huge values, wrong shapes,
ids in other scripts' digits, tags beyond AWS's rules. Each is exit 2 with short lines naming the key, every
problem of a stack file at once, no traceback, in well under a second."""

import json
import shutil
import time
from pathlib import Path

import pytest

from aws_logging_baseline.components.settings import SettingsError, load_settings, unknown_setting_problems
from aws_logging_baseline.echo import echo
from aws_logging_baseline.offline.crossguard import load_policy_config, read_pack_project
from tests.cli_helpers import cli
from tests.engine_helpers import REPO
from tests.settings_helpers import settings_problems

FIXTURE = REPO / "examples" / "account.yaml"
BILLION_LAUGHS = "config:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 9)) + "  baseline:namePrefix: *a8\n"


@pytest.fixture
def program(tmp_path) -> Path:
    """A copy of this repository's program (Pulumi.yaml, entry point) with an empty `dev` stack."""
    directory = tmp_path / "program"
    directory.mkdir()
    shutil.copy(REPO / "Pulumi.yaml", directory / "Pulumi.yaml")
    shutil.copy(REPO / "__main__.py", directory / "__main__.py")
    (directory / "Pulumi.dev.yaml").write_text("config: {}\n")
    return directory


def preview(capsys, program: Path, *extra: str, fixture: Path = FIXTURE) -> tuple[int, str, str]:
    began = time.monotonic()
    result = cli(capsys, "preview", "--program", str(program), "--stack", "dev", "--account", str(fixture), "--no-tree",
                 *extra)
    assert time.monotonic() - began < 5
    return result


def assert_refused(code: int, out: str, err: str, *expected: str, lines: int | None = 1) -> list[str]:
    assert code == 2, err
    assert "Traceback" not in err and out == ""
    found = err.strip().splitlines()
    if lines is not None:
        assert len(found) == lines, found
    assert all(len(line) < 500 for line in found)
    for text in expected:
        assert text in err, err
    return found


# --- YAML itself --------------------------------------------------------------------------------------------

def test_billion_laughs_in_a_stack_file_is_refused_at_once(capsys, program):
    assert len(BILLION_LAUGHS) < 1500
    (program / "Pulumi.dev.yaml").write_text(BILLION_LAUGHS)
    assert_refused(*preview(capsys, program), "YAML aliases (*a0) are not accepted (line 3)")


@pytest.mark.parametrize("target", ["Pulumi.yaml", "fixture", "PulumiPolicy.yaml"])
def test_aliases_are_refused_in_every_file_the_tools_read(capsys, program, tmp_path, target):
    alias = "x: &x [1]\ny: *x\n"
    if target == "Pulumi.yaml":
        (program / "Pulumi.yaml").write_text((program / "Pulumi.yaml").read_text() + "\nanchors: &x {}\nmore: *x\n")
        assert_refused(*preview(capsys, program), "YAML aliases (*x) are not accepted")
    elif target == "fixture":
        fixture = tmp_path / "account.yaml"
        fixture.write_text('accountId: &id "111111111111"\ncallerArn: *id\n')
        assert_refused(*preview(capsys, program, fixture=fixture), f"{fixture}: YAML aliases (*id) are not accepted")
    else:
        pack = tmp_path / "pack"
        pack.mkdir()
        (pack / "PulumiPolicy.yaml").write_text("runtime: python\n" + alias)
        with pytest.raises(Exception) as caught:
            read_pack_project(pack)
        assert "YAML aliases (*x) are not accepted" in str(caught.value)


def test_deep_nesting_and_huge_integers_are_one_line(capsys, program):
    (program / "Pulumi.dev.yaml").write_text("config:\n  baseline:tags: " + "[" * 1000 + "]" * 1000 + "\n")
    assert_refused(*preview(capsys, program), "nested more than 32 levels deep")
    (program / "Pulumi.dev.yaml").write_text("config:\n  baseline:logRetentionDays: " + "9" * 5000 + "\n")
    assert_refused(*preview(capsys, program), "a value cannot be read")


def test_an_oversized_file_is_refused_before_it_is_parsed(capsys, program):
    (program / "Pulumi.dev.yaml").write_text("config:\n  baseline:namePrefix: " + "a" * (2 << 20) + "\n")
    assert_refused(*preview(capsys, program), "config files are limited to 1024 KiB")


def test_policy_config_nested_too_deep_is_one_line(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(Exception) as caught:
        load_policy_config(path)
    assert f"--policy-config {path}: cannot be read" in str(caught.value)


# --- shapes ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("project_text, message", [
    ("name: demo\nruntime: python\nconfig: [a, b]\n", "`config:` must be a mapping of key: {type, default, description}"),
    ("name: demo\nruntime: python\nconfig:\n  ports: {type: array, items: 5}\n", "config ports: `items` must be a mapping"),
    ("name: demo\nruntime: python\nconfig:\n  ports: {type: array, items: {type: list}}\n", "`items` must be a mapping"),
    ("name: demo\nruntime: python\nconfig:\n  port: {type: [integer]}\n", "config port: unknown type ['integer']"),
    ("name: demo\nruntime: python\nconfig:\n  port: {type: integer, description: 5}\n", "`description` must be a string"),
    ("name: demo\nruntime: python\nconfig:\n  'a:b:c': 1\n", "config 'a:b:c': a key is namespace:name or name"),
    ("name: [demo]\nruntime: python\n", "a Pulumi project file needs a string `name`"),
])
def test_pulumi_yaml_shape_is_validated(capsys, program, project_text, message):
    (program / "Pulumi.yaml").write_text(project_text)
    assert_refused(*preview(capsys, program), f"{program / 'Pulumi.yaml'}: ", message)


def test_every_problem_of_a_stack_file_is_reported_together_and_unknown_sections_are_named(capsys, program):
    (program / "Pulumi.dev.yaml").write_text(
        "configx:\n  baseline:alertEmails: [a@example.com]\n"
        "config:\n  baseline:logRetentionDays: a year\n  baseline:protectResources: maybe\n  aws:region: mars-1\n")
    found = assert_refused(*preview(capsys, program), lines=4)
    stack = program / "Pulumi.dev.yaml"
    assert found[0] == f"error: {stack}: 'configx': unknown section; did you mean config?"
    assert found[1] == f"{stack}: baseline:logRetentionDays: expected integer, got str 'a year'"
    assert found[2] == f"{stack}: baseline:protectResources: expected boolean, got str 'maybe'"
    assert found[3] == f"{stack}: aws:region: not an AWS region, got str 'mars-1' (e.g. us-east-1)"


@pytest.mark.parametrize("value", ["mars-1", "5", "[us-east-1]", "''"])
def test_aws_region_must_be_a_region_of_a_known_partition(capsys, program, value):
    (program / "Pulumi.dev.yaml").write_text(f"config:\n  aws:region: {value}\n")
    assert_refused(*preview(capsys, program), "aws:region: not an AWS region")


@pytest.mark.parametrize("flag", [":=x", "a:b:c=d", "=x", "baseline:=x", "key with space=1", "x"])
def test_malformed_config_flags_are_refused(capsys, program, flag):
    assert_refused(*preview(capsys, program, "-c", flag), "--config ")


def test_a_huge_value_is_echoed_as_a_prefix_with_its_length(capsys, program):
    (program / "Pulumi.dev.yaml").write_text("config:\n  baseline:logRetentionDays: '" + "x" * 500_000 + "'\n")
    [line] = assert_refused(*preview(capsys, program), "(500000 characters)")
    assert len(line) < 300
    problems = settings_problems(namePrefix="a" * 5_000_000)
    [line] = [p for p in problems if "namePrefix" in p]
    assert line.startswith("baseline:namePrefix: 1 to 20 lower-case letters") and "(5000000 characters)" in line
    assert len(line) < 300


def test_echo_bounds_every_kind_of_value():
    assert echo("short") == "'short'"
    assert echo("y" * 1000) == "'" + "y" * 60 + "'... (1000 characters)"
    assert echo(list(range(100_000))) == "a list of 100000 items"
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    assert len(echo(deep)) < 100


# --- ids: ASCII digits only, anchored at the very end ------------------------------------------------------------

@pytest.mark.parametrize("account", ["١١١١١١١١١١١١", "１１１１１１１１１１１１", "111111111111\n", "11111111111"])
def test_account_ids_are_twelve_ascii_digits(account):
    problems = settings_problems(replicaAccountId=account, replicaBucketName="replica-bucket",
                                 replicaKmsKeyArn=f"arn:aws:kms:us-west-2:{account}:key/abc")
    assert "baseline:replicaAccountId: must be a 12-digit account id" in problems
    problems = settings_problems(role="security", organizationId="o-a1b2c3d4e5", managementAccountId=account,
                                 securityAccountId="222222222222")
    assert any(p.startswith("baseline:managementAccountId: must be a 12-digit account id") for p in problems)


def test_fixture_account_id_in_other_digits_is_refused(capsys, program, tmp_path):
    fixture = tmp_path / "account.yaml"
    fixture.write_text('accountId: "١١١١١١١١١١١١"\n')
    assert_refused(*preview(capsys, program, fixture=fixture), f"{fixture}: accountId: must be a 12-digit string")


@pytest.mark.parametrize("key, value", [
    ("organizationId", "o-a1b2c3d4e5\n"), ("logArchiveStack", "acme/org/stack\n"),
    ("securityEventsSchedule", "rate(٥ minutes)"), ("alertEmails", '["a@example.com\\n"]'),
])
def test_other_ids_refuse_trailing_newlines_and_other_digits(key, value):
    config = {"role": "member", "organizationId": "o-a1b2c3d4e5", "logArchiveStack": "acme/org/stack",
              "managementAccountId": "111111111111", key: value}
    assert any(p.startswith(f"baseline:{key}:") for p in settings_problems(**config))


# --- tags by AWS's rules ---------------------------------------------------------------------------------------------

def _tags(tags: list[str]) -> str:
    return json.dumps(tags)


def test_tags_follow_aws_rules():
    assert load_settings({"baseline:tags": _tags([f"K{i}=v" for i in range(48)])}).tag_map["K47"] == "v"
    [problem] = settings_problems(tags=_tags([f"K{i}=v" for i in range(49)]))
    assert problem == ("baseline:tags: 49 tags; AWS allows 50 per resource and the baseline adds 2 "
                       "(ManagedBy, Baseline), so at most 48")
    problems = settings_problems(tags=_tags(["aws:owner=me", "K" * 129 + "=v", "Owner=" + "v" * 257, "Owner=x",
                                             "Bad#Key=v", "NoEquals", "=empty"]))
    assert "baseline:tags: 'aws:owner=me': the aws: prefix is reserved for AWS" in problems
    assert any("must be 1 to 128 characters, it has 129" in p for p in problems)
    assert any("must be at most 256 characters, it has 257" in p for p in problems)
    assert "baseline:tags: key 'Owner' is given more than once" in problems
    assert any("'Bad#Key=v' has characters AWS does not allow" in p for p in problems)
    assert "baseline:tags: 'NoEquals' is not Key=Value" in problems
    assert "baseline:tags: key '' must be 1 to 128 characters, it has 0" in problems


def test_fifty_thousand_tags_are_refused_in_well_under_a_second():
    began = time.monotonic()
    [problem] = settings_problems(tags=_tags([f"K{i}=v" for i in range(50_000)]))
    assert time.monotonic() - began < 1.0
    assert problem.startswith("baseline:tags: 50000 tags; AWS allows 50")


# --- typos in the baseline: namespace, whatever the program is called --------------------------------------------

def test_the_components_name_a_misspelled_baseline_key_with_a_suggestion():
    with pytest.raises(SettingsError) as caught:
        load_settings({"baseline:namePrefx": "acme", "baseline:alertEmails": '["a@example.com"]', "org:other": "x"})
    assert caught.value.problems == ["baseline:namePrefx: not a baseline setting; did you mean baseline:namePrefix?"]


def test_the_components_read_the_running_programs_config_for_typos():
    from pulumi.runtime import config as pulumi_config

    pulumi_config.set_all_config({"baseline:homeRegoin": "us-east-1", "my-org:anything": "1"}, [])
    try:
        assert unknown_setting_problems() == [
            "baseline:homeRegoin: not a baseline setting; did you mean baseline:homeRegion?"]
    finally:
        pulumi_config.set_all_config({}, [])


def test_examples_org_with_a_misspelled_baseline_key_exits_2_naming_it(capsys, tmp_path):
    org = tmp_path / "org"
    shutil.copytree(REPO / "examples" / "org", org, ignore=shutil.ignore_patterns(".venv", "__pycache__"))
    stack = org / "Pulumi.member.yaml"
    stack.write_text(stack.read_text().replace("baseline:namePrefix: acme", "baseline:namePrefx: acme"))
    code, out, err = cli(capsys, "preview", "--program", str(org), "--stack", "member",
                         "--account", str(org / "accounts" / "member.yaml"), "--no-tree")
    assert_refused(code, out, err, f"{stack}: baseline:namePrefx: not a setting of the baseline components; "
                                   "did you mean baseline:namePrefix?")


@pytest.mark.parametrize("stack", ["../../etc/passwd", ".hidden", "a/b", "", "x" * 101, "stäck"])
def test_stack_names_are_pulumis_characters_only(capsys, program, stack):
    code, out, err = cli(capsys, "preview", "--program", str(program), "--stack", stack, "--account", str(FIXTURE))
    assert_refused(code, out, err, "--stack ")
