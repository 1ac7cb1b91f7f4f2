"""`pulumi-baseline preview` as a new user runs it: the export, and one clear line for each bad input."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine_helpers import REPO


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "aws_logging_baseline", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("export") / "out.json"
    done = run_cli("preview", "--stack", "example", "--json", str(out))
    assert done.returncode == 0, done.stderr
    # The default view: the collapsed tree (like components as one line) and resources by service.
    assert "ConfigRecording ×17 (51): cfg.Recorder, cfg.DeliveryChannel, cfg.RecorderStatus in each of" in done.stdout
    assert "offline preview of stack example" in done.stdout and "next: `python -m aws_logging_baseline check --stack example`" in done.stdout
    return json.loads(out.read_text())


def resources_of(export: dict, type_: str) -> list[dict]:
    return [r for r in export["deployment"]["resources"] if r["type"] == type_]


def test_export_has_the_stack_export_shape(export):
    assert export["version"] == 3
    for r in export["deployment"]["resources"][1:]:
        assert {"urn", "type", "custom", "parent", "provider", "protect", "retainOnDelete", "inputs", "outputs",
                "dependencies", "propertyDependencies"} <= set(r)


def test_export_trail(export):
    [trail] = resources_of(export, "aws:cloudtrail/trail:Trail")
    inputs = trail["inputs"]
    assert inputs["isMultiRegionTrail"] and inputs["enableLogFileValidation"] and inputs["includeGlobalServiceEvents"]
    assert inputs["kmsKeyId"].startswith("arn:aws:kms:us-east-1:111111111111:key/")
    assert inputs["cloudWatchLogsGroupArn"].endswith(":*")
    assert inputs["cloudWatchLogsRoleArn"].startswith("arn:aws:iam::111111111111:role/")


def test_export_archive_bucket_settings(export):
    archive = "baseline-log-archive-111111111111-us-east-1"

    def side(type_):
        [r] = [r for r in resources_of(export, type_) if r["inputs"].get("bucket") == archive]
        return r["inputs"]

    [bucket] = [r for r in resources_of(export, "aws:s3/bucket:Bucket") if r["inputs"]["bucket"] == archive]
    assert bucket["protect"] and bucket["retainOnDelete"] and bucket["inputs"]["objectLockEnabled"]
    assert side("aws:s3/bucketVersioning:BucketVersioning")["versioningConfiguration"]["status"] == "Enabled"
    sse = side("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")["rules"][0]
    assert sse["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms" and sse["bucketKeyEnabled"]
    pab = side("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(pab[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    assert side("aws:s3/bucketOwnershipControls:BucketOwnershipControls")["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    assert side("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")["rule"]["defaultRetention"]["mode"] == "GOVERNANCE"
    assert side("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"][0]["transitions"]
    assert side("aws:s3/bucketLogging:BucketLogging")["targetBucket"].startswith("baseline-access-logs-")
    assert "DenyInsecureTransport" in side("aws:s3/bucketPolicy:BucketPolicy")["policy"]
    assert side("aws:s3/bucketReplicationConfig:BucketReplicationConfig")["rules"][0]["status"] == "Enabled"


def copy_program(tmp_path: Path, stack_config: str, main: str | None = None) -> Path:
    program = tmp_path / "program"
    program.mkdir()
    shutil.copy(REPO / "Pulumi.yaml", program / "Pulumi.yaml")
    if main is None:
        shutil.copy(REPO / "__main__.py", program / "__main__.py")
    else:
        (program / "__main__.py").write_text(main)
    (program / "Pulumi.dev.yaml").write_text(stack_config)
    return program


def assert_one_line_error(done: subprocess.CompletedProcess, expected: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert expected in lines[0], lines[0]


@pytest.mark.parametrize(
    "config, expected",
    [
        ("config:\n  baseline:homeRegion: mars-1\n", "error: baseline:homeRegion: unknown region 'mars-1'"),
        ("config:\n  baseline:replicaRegion: us-east-1\n", "error: baseline:replicaRegion: must differ from homeRegion us-east-1"),
        ("config:\n  baseline:logRetentionDays: 7\n", "error: baseline:logRetentionDays: 7 is below 365"),
        ("config:\n  baseline:logRetentionDays: seven\n", "baseline:logRetentionDays: expected integer, got str 'seven'"),
    ],
)
def test_bad_stack_config(tmp_path, config, expected):
    out = tmp_path / "out.json"
    done = run_cli("preview", "--program", str(copy_program(tmp_path, config)), "--stack", "dev", "--json", str(out))
    assert_one_line_error(done, expected)
    assert not out.exists()


def test_malformed_fixture(tmp_path):
    bad = tmp_path / "account.yaml"
    bad.write_text("accountId: [111111111111\n")
    done = run_cli("preview", "--account", str(bad))
    assert_one_line_error(done, f"{bad}: malformed YAML")


def test_fixture_with_a_bad_account_id(tmp_path):
    bad = tmp_path / "account.yaml"
    bad.write_text("accountId: 1234\n")
    done = run_cli("preview", "--account", str(bad))
    assert_one_line_error(done, f"{bad}: accountId: must be a 12-digit string")


def test_missing_stack_file():
    done = run_cli("preview", "--stack", "nope")
    assert_one_line_error(done, "Pulumi.nope.yaml: stack file for stack 'nope' not found")


def test_program_that_raises(tmp_path):
    program = copy_program(tmp_path, "config: {}\n", main="import pulumi\n\nraise ValueError('boom: bad wiring')\n")
    done = run_cli("preview", "--program", str(program), "--stack", "dev")
    assert_one_line_error(done, "__main__.py failed at __main__.py:3: ValueError: boom: bad wiring")


def test_unknown_flag_names_the_flag():
    done = run_cli("preview", "--stacks", "example")
    assert done.returncode == 2 and "--stacks" in done.stderr and "Traceback" not in done.stderr


def test_debug_shows_the_traceback():
    done = run_cli("--debug", "preview", "--stack", "nope")
    assert done.returncode == 2 and "Traceback" in done.stderr


def test_config_override_flag(tmp_path):
    out = tmp_path / "out.json"
    done = run_cli("preview", "--no-tree", "-c", "baseline:logRetentionDays=731", "--json", str(out))
    assert done.returncode == 0, done.stderr
    groups = resources_of(json.loads(out.read_text()), "aws:cloudwatch/logGroup:LogGroup")
    trail_group = [g for g in groups if g["inputs"]["name"] == "/baseline/cloudtrail"][0]
    assert trail_group["inputs"]["retentionInDays"] == 731


def test_the_program_defaults_to_the_current_directory_when_it_is_a_project(tmp_path):
    """As `pulumi preview`: run from a project directory, that project is the program (else this repository)."""
    (tmp_path / "Pulumi.yaml").write_text("name: mine\nruntime: python\n")
    (tmp_path / "Pulumi.example.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text("import pulumi\npulumi.export('project', pulumi.get_project())\n")
    done = run_cli("preview", "--no-tree", "--json", "out.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "offline preview of stack example: 0 registrations" in done.stdout
    assert json.loads((tmp_path / "out.json").read_text())["deployment"]["resources"][0]["outputs"] == {"project": "mine"}
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    done = run_cli("preview", "--no-tree", cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert "offline preview of stack example: 0 registrations" not in done.stdout  # this repository's example
    assert "Resources by region and service (" in done.stdout  # the repository's example, not the empty program


def test_without_a_fixture_a_generated_account_answers_and_says_so(tmp_path):
    """A program of the user's own, no examples/account.yaml, no --account: one VPC per default region."""
    for name in ("Pulumi.yaml", "Pulumi.example.yaml", "__main__.py"):
        shutil.copy(REPO / name, tmp_path / name)
    out = tmp_path / "plan.json"
    done = run_cli("preview", "--program", str(tmp_path), "--tree", "none", "--json", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"no --account given and no {tmp_path}/examples/account.yaml: answering AWS lookups "
                                  "from a generated account fixture (account 111111111111, one VPC in each of 17 regions)")
    flow_logs = resources_of(json.loads(out.read_text()), "aws:ec2/flowLog:FlowLog")
    assert len(flow_logs) == 17 and len({f["inputs"]["vpcId"] for f in flow_logs}) == 17
