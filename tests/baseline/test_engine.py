"""The offline engine on small programs of its own: config defaults, invokes, synthesized outputs, errors."""

import gc
import textwrap
import warnings
from pathlib import Path

import pytest

from aws_logging_baseline.offline.engine import run_program
from aws_logging_baseline.errors import UserError
from tests.engine_helpers import FIXTURE


def program(tmp_path: Path, main: str, config: str = "config: {}\n", project_config: str = "") -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n" + project_config)
    (tmp_path / "Pulumi.dev.yaml").write_text(config)
    (tmp_path / "__main__.py").write_text(textwrap.dedent(main))
    return tmp_path


def test_project_defaults_apply_and_stack_values_win(tmp_path):
    p = program(
        tmp_path,
        """
        import pulumi
        c = pulumi.Config()
        pulumi.export("a", c.get("a")); pulumi.export("b", c.get_int("b")); pulumi.export("l", c.get_object("l"))
        """,
        config="config:\n  demo:b: 7\n",
        project_config="config:\n  a: {type: string, default: x}\n  b: {type: integer, default: 1}\n  l: {type: array, items: {type: string}, default: [p, q]}\n",
    )
    result = run_program(p, "dev", FIXTURE)
    assert result.stack_outputs == {"a": "x", "b": 7, "l": ["p", "q"]}


def test_stack_value_of_the_wrong_type_names_the_key(tmp_path):
    p = program(tmp_path, "", config="config:\n  demo:b: many\n", project_config="config:\n  b: {type: integer, default: 1}\n")
    with pytest.raises(UserError, match=r"Pulumi.dev.yaml: demo:b: expected integer, got str 'many'"):
        run_program(p, "dev", FIXTURE)


def test_invokes_are_answered_from_the_fixture(tmp_path):
    p = program(
        tmp_path,
        """
        import pulumi, pulumi_aws as aws
        pulumi.export("account", aws.get_caller_identity().account_id)
        pulumi.export("partition", aws.get_partition().partition)
        pulumi.export("vpcs", aws.ec2.get_vpcs(region="eu-central-1").ids)
        """,
    )
    out = run_program(p, "dev", FIXTURE).stack_outputs
    assert out == {"account": "111111111111", "partition": "aws", "vpcs": ["vpc-0a1b2c3d4e5f6000e", "vpc-0a1b2c3d4e5f6000f"]}


def test_an_invoke_the_fixture_cannot_answer_is_named(tmp_path):
    p = program(tmp_path, "import pulumi_aws as aws\naws.get_availability_zones()\n")
    with pytest.raises(UserError, match="getAvailabilityZones, which the offline engine cannot answer"):
        run_program(p, "dev", FIXTURE)


def test_outputs_are_synthesized_so_references_resolve(tmp_path):
    p = program(
        tmp_path,
        """
        import pulumi, pulumi_aws as aws
        key = aws.kms.Key("k", region="eu-west-1")
        alias = aws.kms.Alias("a", name="alias/x", target_key_id=key.key_id, region="eu-west-1")
        group = aws.cloudwatch.LogGroup("g", region="eu-west-1")
        flt = aws.cloudwatch.LogMetricFilter("f", log_group_name=group.name, pattern="{ $.x = 1 }",
            metric_transformation={"name": "m", "namespace": "n", "value": "1"}, region="eu-west-1")
        role = aws.iam.Role("r", assume_role_policy="{}")
        """,
    )
    result = run_program(p, "dev", FIXTURE)
    by_name = {r.name: r for r in result.resources}
    assert by_name["k"].outputs["arn"] == f"arn:aws:kms:eu-west-1:111111111111:key/{by_name['k'].outputs['keyId']}"
    assert by_name["a"].inputs["targetKeyId"] == by_name["k"].outputs["keyId"]
    assert by_name["f"].inputs["logGroupName"] == by_name["g"].outputs["name"]
    assert by_name["g"].outputs["arn"] == f"arn:aws:logs:eu-west-1:111111111111:log-group:{by_name['g'].outputs['name']}"
    assert by_name["r"].outputs["arn"].startswith("arn:aws:iam::111111111111:role/r-")
    assert "region" not in by_name["r"].outputs
    # deterministic: the same program gives the same ids
    again = {r.name: r for r in run_program(p, "dev", FIXTURE).resources}
    assert again["k"].outputs["keyId"] == by_name["k"].outputs["keyId"]


def test_stack_references_read_the_fixture(tmp_path):
    fixture = tmp_path / "account.yaml"
    fixture.write_text('accountId: "111111111111"\nstackOutputs:\n  org/logs/prod: {bucket: central-logs}\n')
    p = program(tmp_path, "import pulumi\nref = pulumi.StackReference('org/logs/prod')\npulumi.export('b', ref.get_output('bucket'))\n")
    assert run_program(p, "dev", fixture).stack_outputs == {"b": "central-logs"}
    p2 = program(tmp_path, "import pulumi\npulumi.StackReference('org/logs/dev').get_output('bucket')\n")
    with pytest.raises(UserError, match="stackOutputs: no outputs for stack reference 'org/logs/dev'"):
        run_program(p2, "dev", fixture)


def test_project_without_python_runtime_is_refused(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: nodejs\n")
    with pytest.raises(UserError, match="runtime is 'nodejs'"):
        run_program(tmp_path, "dev", FIXTURE)


def test_a_failed_run_leaves_nothing_behind_to_warn_later(tmp_path, caplog):
    """The SDK's unfinished work from a failed run must not surface as stray warnings in a later one."""
    fixture = tmp_path / "account.yaml"
    fixture.write_text('accountId: "111111111111"\nstackOutputs: {}\n')
    failing = program(tmp_path, "import pulumi\npulumi.StackReference('org/logs/dev').get_output('bucket')\n")
    with pytest.raises(UserError, match="no outputs for stack reference 'org/logs/dev'"):
        run_program(failing, "dev", fixture)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert run_program(program(tmp_path, "import pulumi\npulumi.export('ok', 1)\n"), "dev", fixture).stack_outputs == {"ok": 1}
        gc.collect()
    assert [str(w.message) for w in caught if "never awaited" in str(w.message) or "unclosed" in str(w.message)] == []
    assert [r.getMessage() for r in caplog.records if "never retrieved" in r.getMessage()] == []


def test_a_read_resource_keeps_the_id_it_was_read_by(tmp_path):
    """`Resource.get` as the CLI answers it: the requested id, and the ARN and name derived from it."""
    p = program(tmp_path, """
        import pulumi, pulumi_aws as aws
        bucket = aws.s3.Bucket.get("existing", "central-logs")
        key = aws.kms.Key.get("existing-key", "1234abcd-12ab-34cd-56ef-1234567890ab")
        pulumi.export("bucket", [bucket.id, bucket.bucket, bucket.arn])
        pulumi.export("key", [key.id, key.arn])
    """)
    result = run_program(p, "dev", FIXTURE)
    assert result.stack_outputs["bucket"] == ["central-logs", "central-logs", "arn:aws:s3:::central-logs"]
    assert result.stack_outputs["key"] == [
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ]
    assert [(r.type, r.id) for r in result.resources] == [
        ("aws:s3/bucket:Bucket", "central-logs"),
        ("aws:kms/key:Key", "1234abcd-12ab-34cd-56ef-1234567890ab"),
    ]


def test_main_and_stack_config_dir_of_pulumi_yaml_are_honoured(tmp_path):
    """`main: infra/` runs infra/__main__.py from infra/ (importable there); `stackConfigDir` holds the stacks."""
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\nmain: infra/\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  demo:who: stacks-dir\n")
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "helper.py").write_text("WHERE = 'infra'\n")
    (tmp_path / "infra" / "__main__.py").write_text(
        "import os, pulumi, helper\npulumi.export('where', [helper.WHERE, os.path.basename(os.getcwd()), pulumi.Config().get('who')])\n"
    )
    assert run_program(tmp_path, "dev", FIXTURE).stack_outputs == {"where": ["infra", "infra", "stacks-dir"]}


def test_a_missing_main_is_named(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\nmain: src/app.py\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    with pytest.raises(UserError) as caught:
        run_program(tmp_path, "dev", FIXTURE)
    assert str(caught.value) == f"{tmp_path / 'src' / 'app.py'}: not found; it is the Python program's entry point (Pulumi.yaml `main:`)"
