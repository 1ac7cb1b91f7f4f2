"""examples/custom: a team's own program (its own components/ package) composing the trail, the archive and AWS
Config recording from their typed Args, with an alarm of its own, checked by the pack (issue 15).

Run from the example's own directory, as its team runs it; the wheel-only venv run is in test_packaging.py."""

import json
import subprocess
import sys

import pytest

from tests.engine_helpers import REPO

CUSTOM = REPO / "examples" / "custom"


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """One `check` of the dev stack with the team's policy config (JSON report), run in the example's directory."""
    out = tmp_path_factory.mktemp("custom") / "check.json"
    done = subprocess.run([sys.executable, "-m", "aws_logging_baseline", "check", "--stack", "dev", "--policy-config",
                           "policy-config.json", "--no-tree", "--format", "json", "--output", str(out)],
                          cwd=CUSTOM, capture_output=True, text=True, timeout=300)
    return done, json.loads(out.read_text())


def test_the_team_program_is_clean_under_its_policy_config(checked):
    done, report = checked
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert report["summary"]["mandatory"] == 0 and report["summary"]["advisory"] == 0, report["violations"]
    # The fixture was generated (no --account given) and the run says so.
    assert "generated" in done.stdout.lower()


def test_the_team_program_composes_the_baseline_components_and_its_own(tmp_path):
    exported = tmp_path / "dev.json"
    done = subprocess.run([sys.executable, "-m", "aws_logging_baseline", "preview", "--stack", "dev", "--no-tree",
                           "--json", str(exported)], cwd=CUSTOM, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    resources = json.loads(exported.read_text())["deployment"]["resources"]
    types = [r["type"] for r in resources]
    for component in ("baseline:kms:LogKey", "baseline:s3:LogArchive", "baseline:cloudtrail:Trail",
                      "baseline:cfg:ConfigRecording", "baseline:sns:AlertTopic", "team:monitoring:RootActivityAlarm"):
        assert component in types, component
    assert "baseline:index:AccountBaseline" not in types  # no Settings, no whole-account composition
    # The team's own arguments reached the components: Object Lock 400 days, the trail in the team's region.
    lock = next(r for r in resources if r["type"] == "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
                and "log-archive" in r["inputs"]["bucket"])
    assert lock["inputs"]["rule"]["defaultRetention"] == {"mode": "GOVERNANCE", "days": 400}
    trail = next(r for r in resources if r["type"] == "aws:cloudtrail/trail:Trail")
    assert trail["inputs"]["region"] == "eu-west-1" and trail["inputs"]["name"] == "team-trail"


def test_every_delivery_of_the_composition_is_allowed(checked):
    _, report = checked
    paths = report["access"]["deliveries"]
    assert paths and all(p["allowed"] for p in paths), [p for p in paths if not p["allowed"]]


def test_the_pack_judges_the_team_alarm_as_cis_4_3_and_still_requires_the_others(tmp_path):
    """requiredAlarms 4.3 (root use) is met by the team's own filter and alarm; asking for 4.1 too is a violation
    naming 4.1 alone: the pack reads what the alarm does, not which component made it."""
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"cis-metric-filters-and-alarms": {"requiredAlarms": ["4.1", "4.3"]}}))
    out = tmp_path / "check.json"
    done = subprocess.run([sys.executable, "-m", "aws_logging_baseline", "check", "--stack", "dev", "--policy-config",
                           str(config), "--no-tree", "--format", "json", "--output", str(out)],
                          cwd=CUSTOM, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    violations = json.loads(out.read_text())["violations"]
    assert [v["policy"] for v in violations] == ["cis-metric-filters-and-alarms"]
    assert "4.1 (Unauthorized API calls)" in violations[0]["message"] and "4.3" not in violations[0]["message"]
