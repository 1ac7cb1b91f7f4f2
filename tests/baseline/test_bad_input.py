"""Bad input through the real command line: one line naming the file, field or flag, exit 2, no traceback,
and nothing written. Also the help texts' promises (subcommand names, --debug, the report options)."""

import json
import os
import stat
import subprocess
import sys
import tempfile

import pytest

from aws_logging_baseline.cli import config_reference
from aws_logging_baseline.cli.main import build_parser
from aws_logging_baseline.offline.fixture import load_fixture
from tests.cli_helpers import assert_one_line_error, cli
from tests.engine_helpers import REPO

GOOD_FIXTURE = 'accountId: "111111111111"\n'
ORG = 'organization:\n  id: o-a1b2c3d4e5\n  managementAccountId: "111111111111"\n'


# --- 1. account fixture field types ----------------------------------------------------------------------

@pytest.mark.parametrize("body, field, message", [
    ("partition: [aws]\n", "partition", "must be one of aws, aws-cn, aws-us-gov, got list ['aws']"),
    (ORG + "  accounts: 5\n", "organization.accounts", "must be a list of accounts"),
    ("callerArn: [x]\n", "callerArn", "must be an ARN string like arn:aws:iam::111111111111:role/deployer, got list"),
    ("callerArn: deployer\n", "callerArn", "must be an ARN string"),
    ("vpcs:\n  us-east-9: [vpc-0a1b2c3d4e5f60001]\n", "vpcs.us-east-9", "unknown region 'us-east-9' for partition aws"),
    ("partition: aws-cn\nvpcs:\n  eu-west-1: []\n", "vpcs.eu-west-1", "unknown region 'eu-west-1' for partition aws-cn"),
    ("vpcs:\n  us-east-1: vpc-0a1b2c3d4e5f60001\n", "vpcs.us-east-1", "must be a list of VPC ids"),
    ("vpcs: [us-east-1]\n", "vpcs", "must map region -> list of VPC ids"),
    (ORG + "  accounts:\n    - {id: '222222222222', name: [prod]}\n", "organization.accounts[0].name", "must be a string"),
    (ORG + "  accounts:\n    - {id: '222222222222', mail: a@example.com}\n", "organization.accounts[0].mail", "unknown key"),
    (ORG + "  accounts:\n    - 222222222222\n", "organization.accounts[0]", "must be a mapping with id, name, email"),
    ('organization:\n  id: 5\n  managementAccountId: "111111111111"\n', "organization.id", "must be an organization id like o-abcdefghij, got int 5"),
    ('organization:\n  id: o-a1b2c3d4e5\n  managementAccountId: 111111111111\n', "organization.managementAccountId",
     "must be a 12-digit string (quote it in YAML), got int"),
    (ORG + "  owner: me\n", "organization.owner", "unknown key"),
    ("organization: [o-a1b2c3d4e5]\n", "organization", "must be a mapping"),
    ("stackOutputs: [org/logs/prod]\n", "stackOutputs", "must map a stack name"),
    ("stackOutputs:\n  org/logs/prod: central-logs\n", "stackOutputs.org/logs/prod", "must be a mapping of output name"),
    ("vpc: {}\n", "vpc", "unknown key"),
])
def test_fixture_field_of_the_wrong_type_is_one_line_naming_file_and_field(capsys, tmp_path, body, field, message):
    fixture = tmp_path / "account.yaml"
    fixture.write_text(GOOD_FIXTURE + body)
    out = tmp_path / "out.json"
    code, _, err = cli(capsys, "preview", "--no-tree", "--account", str(fixture), "--json", str(out))
    assert_one_line_error(code, err, f"error: {fixture}: {field}: {message}")
    assert not out.exists()


def test_unquoted_account_id_is_a_type_error(capsys, tmp_path):
    fixture = tmp_path / "account.yaml"
    fixture.write_text("accountId: 111111111111\n")
    code, _, err = cli(capsys, "preview", "--account", str(fixture))
    assert_one_line_error(code, err, f"{fixture}: accountId: must be a 12-digit string (quote it in YAML), got int")


def test_fixture_type_error_through_the_installed_command_line(tmp_path):
    fixture = tmp_path / "account.yaml"
    fixture.write_text(GOOD_FIXTURE + "partition: [aws]\n")
    done = subprocess.run([sys.executable, "-m", "aws_logging_baseline", "preview", "--account", str(fixture)], cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=120)
    assert_one_line_error(done.returncode, done.stderr, f"{fixture}: partition: must be one of")


@pytest.mark.parametrize("path", [REPO / "examples" / "account.yaml", *sorted((REPO / "examples" / "org" / "accounts").glob("*.yaml"))],
                         ids=lambda p: p.name)
def test_shipped_fixtures_pass_the_stricter_validation(path):
    fixture = load_fixture(path)
    assert fixture.account_id.isdigit() and fixture.partition == "aws" and fixture.caller_arn.startswith("arn:aws:")


# --- 2. policy config that cannot be read -----------------------------------------------------------------

def test_policy_config_that_is_not_utf8(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe{}")
    code, _, err = cli(capsys, "check", "--policy-config", str(bad))
    assert_one_line_error(code, err, f"error: --policy-config {bad}: not UTF-8 text")


def test_policy_config_that_is_a_directory(capsys, tmp_path):
    code, _, err = cli(capsys, "check", "--policy-config", str(tmp_path))
    assert_one_line_error(code, err, f"error: --policy-config {tmp_path}: is a directory")


def test_empty_policy_config_name(capsys):
    code, _, err = cli(capsys, "check", "--policy-config", "")
    assert_one_line_error(code, err, "error: --policy-config: expected a file name, got an empty string")


# --- 3. output files --------------------------------------------------------------------------------------

def _can_create_files_in(directory: str) -> bool:
    try:
        with tempfile.TemporaryFile(dir=directory):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("argv, flag, directory", [
    (["preview", "--json", "/sys/out.json"], "--json", "/sys"),
    (["check", "--format", "sarif", "--output", "/proc/x.sarif"], "--output", "/proc"),
    (["check", "--json", "/sys/out.json"], "--json", "/sys"),
])
def test_existing_but_unwritable_directory_is_bad_input(capsys, argv, flag, directory):
    if not os.path.isdir(directory) or _can_create_files_in(directory):
        pytest.skip(f"{directory} does not refuse new files here")
    code, _, err = cli(capsys, *argv)
    assert_one_line_error(code, err, f"error: {flag} {argv[-1]}: cannot write in {directory}")


def test_empty_file_name_is_bad_input(capsys):
    code, _, err = cli(capsys, "preview", "--json", "")
    assert_one_line_error(code, err, "error: --json: expected a file name, got an empty string")
    code, _, err = cli(capsys, "check", "--format", "json", "--output", "")
    assert_one_line_error(code, err, "error: --output: expected a file name, got an empty string")


def test_a_file_in_the_path_is_named_as_not_a_directory(capsys, tmp_path):
    (tmp_path / "notes.md").write_text("a file\n")
    target = tmp_path / "notes.md" / "x.json"
    code, _, err = cli(capsys, "preview", "--json", str(target))
    assert_one_line_error(code, err, f"error: --json {target}: {tmp_path / 'notes.md'} is not a directory")
    code, _, err = cli(capsys, "preview", "--json", str(tmp_path / "notes.md" / "sub" / "x.json"))
    assert_one_line_error(code, err, f"{tmp_path / 'notes.md'} is not a directory")


def test_output_that_is_a_directory_is_bad_input(capsys, tmp_path):
    code, _, err = cli(capsys, "preview", "--json", str(tmp_path))
    assert_one_line_error(code, err, f"error: --json {tmp_path}: is a directory")


@pytest.fixture
def umask_027():
    previous = os.umask(0o027)
    yield
    os.umask(previous)


def test_written_files_get_the_mode_open_would_give(tmp_path, umask_027):
    from aws_logging_baseline.cli.output_files import write_json_atomically

    new = tmp_path / "new.json"
    write_json_atomically(str(new), {"a": 1}, "--json")
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~0o027
    existing = tmp_path / "existing.json"
    existing.write_text("{}")
    existing.chmod(0o604)
    write_json_atomically(str(existing), {"b": 2}, "--json")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o604 and json.loads(existing.read_text()) == {"b": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.json", "new.json"]  # no temporary file left


def test_preview_export_mode_through_the_command_line(capsys, tmp_path, umask_027):
    out = tmp_path / "out.json"
    code, _, err = cli(capsys, "preview", "--no-tree", "--json", str(out))
    assert code == 0, err
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


# --- 5. help and command-line consistency -----------------------------------------------------------------

def _subparsers() -> dict:
    parser = build_parser()
    [action] = [a for a in parser._actions if a.dest == "command"]
    return dict(action.choices)


def _help_of(parser, option: str) -> str:
    [action] = [a for a in parser._actions if option in a.option_strings]
    return action.help


def test_unrecognized_argument_names_the_subcommand(capsys):
    for command in ("preview", "check", "audit"):
        code, _, err = cli(capsys, command, "--bogus")
        assert_one_line_error(code, err, f"error: python -m aws_logging_baseline {command}: unrecognized arguments: --bogus")


def test_debug_is_accepted_after_the_subcommand(capsys):
    code, _, err = cli(capsys, "preview", "--stack", "nope", "--debug")
    assert code == 2 and "Traceback" in err and "stack file for stack 'nope' not found" in err
    code, _, err = cli(capsys, "--debug", "preview", "--stack", "nope")
    assert code == 2 and "Traceback" in err
    code, _, err = cli(capsys, "preview", "--stack", "nope")
    assert_one_line_error(code, err, "stack file for stack 'nope' not found")


def test_every_subcommand_help_mentions_debug():
    for name, parser in _subparsers().items():
        assert "--debug" in parser.format_help(), name


def test_no_tree_help_describes_both_tables():
    for name in ("preview", "check"):
        text = _help_of(_subparsers()[name], "--no-tree")
        assert "two summary tables" in text and "only the summary table" not in text


def test_report_options_are_worded_the_same_in_check_and_audit(capsys):
    commands = _subparsers()
    for option in ("--format", "--output"):
        assert _help_of(commands["check"], option) == _help_of(commands["audit"], option)
    errors = []
    for command in ("check", "audit"):
        code, _, err = cli(capsys, command, "--output", "report.json")
        assert_one_line_error(code, err, "error: --output: only json and sarif reports are written to a file")
        errors.append(err)
    assert errors[0] == errors[1]


def test_check_help_tells_the_export_from_the_verdict():
    check = _subparsers()["check"]
    assert "plan export" in _help_of(check, "--json") and "--format json --output FILE" in _help_of(check, "--json")
    assert "plan export" in _help_of(_subparsers()["preview"], "--json")


def test_subcommand_descriptions_are_plain_prose():
    for name, parser in _subparsers().items():
        assert parser.description and not parser.description.lstrip().startswith("`"), name
        assert "`" not in parser.description, name


# --- 6. the README generator's command line --------------------------------------------------------------

def test_config_reference_help_does_not_touch_the_readme(capsys, monkeypatch):
    monkeypatch.setattr(config_reference, "update_readme", lambda *a, **k: pytest.fail("README.md rewritten on --help"))
    with pytest.raises(SystemExit) as exited:
        config_reference.main(["--help"])
    assert exited.value.code == 0
    assert "usage: python -m aws_logging_baseline.cli.config_reference" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        config_reference.main(["--bogus"])
    assert exited.value.code == 2


def test_config_reference_help_through_the_command_line():
    readme = REPO / "README.md"
    before = readme.stat().st_mtime_ns
    done = subprocess.run([sys.executable, "-m", "aws_logging_baseline.cli.config_reference", "--help"], cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "usage: python -m aws_logging_baseline.cli.config_reference" in done.stdout
    assert "README.md configuration reference" not in done.stdout
    assert readme.stat().st_mtime_ns == before


def test_config_reference_without_arguments_still_reports(capsys, monkeypatch):
    monkeypatch.setattr(config_reference, "update_readme", lambda: False)
    assert config_reference.main([]) == 0
    assert capsys.readouterr().out.strip() == "README.md configuration reference already up to date"
