"""Config as the Pulumi CLI resolves it: undeclared keys of the project are refused, and `-c KEY=VALUE` text is
converted to the key's declared type (so an account id stays a string)."""

import pytest

from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.project import load_project, parse_override, resolve_config

SCHEMA = """config:
  accountId: {type: string, default: ""}
  retentionDays: {type: integer, default: 365}
  protect: {type: boolean, default: true}
  regions: {type: array, items: {type: string}, default: [us-east-1]}
  ports: {type: array, items: {type: integer}, default: [22]}
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n" + SCHEMA)
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    return load_project(tmp_path)


def resolve(project, *flags: str) -> dict[str, str]:
    return resolve_config(project, "dev", dict(parse_override(flag) for flag in flags))


def test_command_line_values_take_the_declared_type(project):
    config = resolve(project, "accountId=012345678901", "retentionDays=731", "protect=false",
                     "regions=[us-east-1, eu-west-1]", "ports=[22, 3389]", "aws:region=us-west-2")
    assert config["demo:accountId"] == "012345678901"  # not the number 12345678901
    assert config["demo:retentionDays"] == "731"
    assert config["demo:protect"] == "false"
    assert config["demo:regions"] == '["us-east-1", "eu-west-1"]'
    assert config["demo:ports"] == "[22, 3389]"
    assert config["aws:region"] == "us-west-2"  # other namespaces pass as text


@pytest.mark.parametrize(("flag", "message"), [
    ("protect=yes", "--config demo:protect: expected boolean, got 'yes'"),
    ("retentionDays=a year", "--config demo:retentionDays: expected integer, got 'a year'"),
    ("regions=us-east-1", "--config demo:regions: expected an array such as [a, b], got 'us-east-1'"),
    ("ports=[22, ssh]", "--config demo:ports: expected integer, got 'ssh'"),
    ("retentionDay=400", "--config demo:retentionDay: not a setting of project demo; did you mean demo:retentionDays?"),
    ("demo:zzz=1", "--config demo:zzz: not a setting of project demo (see the config: block of"),
])
def test_bad_command_line_values_name_the_flag_and_key(project, flag, message):
    with pytest.raises(UserError) as caught:
        resolve(project, flag)
    assert str(caught.value).startswith(message)


def test_an_undeclared_key_in_the_stack_file_is_refused(project):
    (project.directory / "Pulumi.dev.yaml").write_text("config:\n  demo:protects: false\n")
    with pytest.raises(UserError) as caught:
        resolve(project)
    assert str(caught.value) == (
        f"{project.directory / 'Pulumi.dev.yaml'}: demo:protects: not a setting of project demo; did you mean demo:protect?"
    )


def test_a_project_without_a_config_block_takes_any_key(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: free\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  free:anything: 1\n")
    assert resolve_config(load_project(tmp_path), "dev", {"free:other": "x"}) == {"free:anything": "1", "free:other": "x"}


def test_a_stack_file_that_is_not_utf8_is_named(project):
    stack_file = project.directory / "Pulumi.dev.yaml"
    stack_file.write_bytes(b"config:\n  demo:accountId: \xff\xfe\n")
    with pytest.raises(UserError) as caught:
        resolve(project)
    assert str(caught.value) == f"{stack_file}: stack file for stack 'dev' is not UTF-8 text (byte 26)"
