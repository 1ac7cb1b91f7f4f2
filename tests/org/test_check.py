"""`python -m baseline check` on every role's example stack, and the organization policies."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine_helpers import REPO
from tests.org.org_helpers import ORG_PROGRAM, ROLES, account_fixture


def level(violation: dict) -> str:
    return violation.get("enforcement") or violation.get("enforcementLevel")


def check(program: Path, stack: str, tmp_path: Path, *config: str) -> tuple[int, dict]:
    report = tmp_path / f"check-{stack}.json"
    args = [sys.executable, "-m", "aws_logging_baseline", "check", "--program", str(program), "--stack", stack,
            "--account", str(account_fixture(stack)), "--format", "json", "--output", str(report), "--no-tree"]
    for item in config:
        args += ["-c", item]
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert report.is_file(), done.stdout[-2000:] + done.stderr[-2000:]
    return done.returncode, json.loads(report.read_text())


@pytest.mark.parametrize("role", ROLES)
def test_every_role_passes_check_with_zero_mandatory_violations(role, tmp_path):
    code, report = check(ORG_PROGRAM, role, tmp_path)
    mandatory = [v for v in report["violations"] if level(v) == "mandatory"]
    assert (code, report["summary"]["mandatory"], mandatory) == (0, 0, [])
    assert "org-member-no-duplicate-management-trail" in {p["name"] for p in report["policies"]}
    # the access proofs (issue 11) in the report: every delivery allowed, every store refuses outsiders
    access = report["access"]
    assert access["deliveries"] and all(d["allowed"] for d in access["deliveries"])
    assert access["exposure"] and all(e["refused"] and not e["allowed"] for e in access["exposure"])


def member_with_extra_trail(tmp_path: Path) -> Path:
    """A user's member program that adds its own management-event trail next to the organization trail."""
    program = tmp_path / "member-program"
    program.mkdir()
    shutil.copy(ORG_PROGRAM / "Pulumi.yaml", program / "Pulumi.yaml")
    shutil.copy(ORG_PROGRAM / "Pulumi.member.yaml", program / "Pulumi.member.yaml")
    main = (ORG_PROGRAM / "__main__.py").read_text() + (
        "\nimport pulumi_aws as aws\n"
        "aws.cloudtrail.Trail('extra', name='team-trail', s3_bucket_name='team-bucket', is_multi_region_trail=True,\n"
        "    enable_log_file_validation=True, kms_key_id='arn:aws:kms:us-east-1:444444444444:key/abc')\n"
    )
    (program / "__main__.py").write_text(main)
    return program


def test_member_with_its_own_management_trail_under_an_org_trail_is_flagged(tmp_path):
    code, report = check(member_with_extra_trail(tmp_path), "member", tmp_path)
    flagged = [v for v in report["violations"] if v["policy"] == "org-member-no-duplicate-management-trail"]
    assert code == 1 and len(flagged) == 1
    assert level(flagged[0]) == "mandatory"
    assert "trail extra records management events in a member account" in flagged[0]["message"]


def test_member_without_an_organization_trail_may_have_its_own(tmp_path):
    code, report = check(ORG_PROGRAM, "member", tmp_path, "baseline:orgTrailExists=false")
    assert "org-member-no-duplicate-management-trail" not in {v["policy"] for v in report["violations"]}
    assert (code, report["summary"]["mandatory"]) == (0, 0)
