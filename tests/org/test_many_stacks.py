"""`check --stack PATTERN`: every stack of the organization program in one process with one pack process."""

import json
import subprocess
import sys

import pytest

from tests.engine_helpers import REPO
from tests.org.org_helpers import ORG_PROGRAM, ROLES

ACCOUNTS = ORG_PROGRAM / "accounts"


def check(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, dict | None]:
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "aws_logging_baseline", "check", "--program", str(ORG_PROGRAM),
                           "--tree", "none", "--format", "json", "--output", str(report), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    return done, (json.loads(report.read_text()) if report.is_file() else None)


@pytest.fixture(scope="module")
def strict_run(tmp_path_factory):
    """All four stacks, with a retention minimum that only stacks declaring a short-lived log group miss."""
    tmp_path = tmp_path_factory.mktemp("many")
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"cw-loggroup-retention-period-check": {"minRetentionDays": 3653}}))
    return check(tmp_path, "--stack", "*", "--account", str(ACCOUNTS), "--policy-config", str(config))


def test_every_matching_stack_gets_its_own_verdict(strict_run):
    done, report = strict_run
    assert [s["stack"] for s in report["stacks"]] == sorted(ROLES)
    failing = [s["stack"] for s in report["stacks"] if s["summary"]["mandatory"]]
    assert report["summary"] == {"stacks": 4, "mandatory": sum(s["summary"]["mandatory"] for s in report["stacks"]),
                                 "advisory": sum(s["summary"]["advisory"] for s in report["stacks"])}
    # The combined exit code: 1 when any stack has a mandatory violation, and the stacks are named.
    assert failing and done.returncode == 1, done.stderr[-2000:]
    assert f"mandatory violations in: {', '.join(failing)}" in done.stdout
    for stack in report["stacks"]:  # each stack's violations are its own resources'
        assert all(v["urn"] is None or v["urn"].startswith(f"urn:pulumi:{stack['stack']}::") for v in stack["violations"])


def test_a_pattern_matching_nothing_is_bad_input(tmp_path):
    done, report = check(tmp_path, "--stack", "prod-*", "--account", str(ACCOUNTS))
    assert (done.returncode, report) == (2, None)
    assert "--stack 'prod-*': no stack file Pulumi.<stack>.yaml" in done.stderr and "Traceback" not in done.stderr


def test_a_missing_fixture_in_the_account_directory_is_named_before_any_run(tmp_path):
    accounts = tmp_path / "accounts"
    accounts.mkdir()
    (accounts / "member.yaml").write_text((ACCOUNTS / "member.yaml").read_text())
    done, report = check(tmp_path, "--stack", "m*", "--account", str(accounts))
    assert (done.returncode, report) == (2, None)
    assert done.stderr.strip() == f"error: --account {accounts}: no fixture management.yaml for stack 'management' in that directory"
