"""`python -m baseline check` as a user runs it: verdict, formats, and bad input (exit 2, no orphan process)."""

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jsonschema
import yaml
import pytest

from baseline import crossguard
from baseline.cli import main
from tests.policies.conftest import CASES_PROGRAM, FIXTURE, REPO

SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
CASE_ARGS = ["--program", str(CASES_PROGRAM), "--stack", "test", "--account", str(FIXTURE), "--no-tree"]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one report line per line, as in a wide CI log


@pytest.fixture
def started(monkeypatch):
    """Every pack process the command starts, to prove none outlives it."""
    processes = []
    original = crossguard.PolicyPackProcess.start

    def start(self):
        try:
            original(self)
        finally:
            processes.append(self.process)
    monkeypatch.setattr(crossguard.PolicyPackProcess, "start", start)
    yield processes
    for process in processes:
        assert process is None or process.poll() is not None


def check(capsys, *args):
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_violations_are_grouped_by_policy_with_urn_and_exit_1(capsys, started):
    code, out, _ = check(capsys, *CASE_ARGS, "-c", "policy-cases:case=trail-no-kms")
    assert code == 1
    assert "[mandatory]  cloud-trail-encryption-enabled (medium, 1 violation)" in out
    assert "urn:pulumi:test::policy-cases::aws:cloudtrail/trail:Trail::trail" in out
    assert "kmsKeyId is not set" in out
    assert len(started) == 1


def test_advisory_only_exits_0(capsys, tmp_path):
    path = tmp_path / "advisory.json"
    path.write_text(json.dumps({"all": "advisory"}))
    code, out, _ = check(capsys, *CASE_ARGS, "-c", "policy-cases:case=trail-no-kms", "--policy-config", str(path))
    assert code == 0 and "[advisory]  cloud-trail-encryption-enabled" in out


def test_json_report_on_stdout(capsys):
    code, out, _ = check(capsys, *CASE_ARGS, "-c", "policy-cases:case=trail-no-validation", "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["summary"]["mandatory"] >= 1
    assert {"policy": "cloud-trail-log-file-validation-enabled", "enforcement": "mandatory", "severity": "low",
            "urn": "urn:pulumi:test::policy-cases::aws:cloudtrail/trail:Trail::trail",
            "message": "enableLogFileValidation is not true (provider default false): set enable_log_file_validation=True."} in document["violations"]
    assert set(document["timings"]) == {"engine", "packStart", "policies", "total"}


def test_sarif_report_validates_against_the_oasis_schema(capsys, tmp_path):
    target = tmp_path / "check.sarif"
    code, _, _ = check(capsys, *CASE_ARGS, "-c", "policy-cases:case=policy-public-read", "--format", "sarif", "--output", str(target))
    document = json.loads(target.read_text())
    jsonschema.validate(document, SARIF_SCHEMA)
    run = document["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert code == 1 and len(rules) == len(set(rules)) == len(yaml.safe_load((REPO / 'policies' / 'controls.yaml').read_text())['policies'])
    public = [r for r in run["results"] if r["ruleId"] == "s3-bucket-policy-no-public-principal"]
    assert len(public) == 1 and public[0]["level"] == "error"
    assert public[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("aws:s3/bucketPolicy:BucketPolicy::b-policy")


def _bad(capsys, tmp_path, config):
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(config))
    return check(capsys, *CASE_ARGS, "--policy-config", str(path))


def test_unknown_policy_in_config(capsys, tmp_path, started):
    code, _, err = _bad(capsys, tmp_path, {"cloud-trail-encrypted": "mandatory"})
    assert code == 2
    assert "unknown policy 'cloud-trail-encrypted' (the pack aws-logging-baseline has: " in err
    assert len(err.strip().splitlines()) == 1


def test_wrong_type_in_config(capsys, tmp_path, started):
    code, _, err = _bad(capsys, tmp_path, {"cw-loggroup-retention-period-check": {"minRetentionDays": "a year"}})
    assert code == 2
    assert "cw-loggroup-retention-period-check.minRetentionDays: 'a year' is not of type 'integer'" in err


def test_unknown_setting_and_bad_level_in_config(capsys, tmp_path, started):
    code, _, err = _bad(capsys, tmp_path, {"kms-key-deletion-window": {"minimumDay": 7}})
    assert code == 2 and "kms-key-deletion-window: Additional properties are not allowed ('minimumDay'" in err
    code, _, err = _bad(capsys, tmp_path, {"all": "strict"})
    assert code == 2 and "all: enforcement level must be one of advisory, mandatory, disabled, remediate, got 'strict'" in err


def test_config_file_not_json(capsys, tmp_path):
    path = tmp_path / "c.json"
    path.write_text("all: mandatory\n")
    code, _, err = check(capsys, *CASE_ARGS, "--policy-config", str(path))
    assert code == 2 and f"--policy-config {path}: not JSON" in err


def test_pack_dir_without_pulumipolicy_yaml(capsys, tmp_path):
    code, _, err = check(capsys, *CASE_ARGS, "--policy-pack", str(tmp_path))
    assert code == 2 and f"--policy-pack {tmp_path}: no PulumiPolicy.yaml (not a policy pack directory)" in err


def _pack(tmp_path, body):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(body))
    return tmp_path


def test_pack_that_crashes_on_start(capsys, tmp_path, started):
    pack = _pack(tmp_path, "raise RuntimeError('policy module broken: missing catalog')\n")
    code, _, err = check(capsys, *CASE_ARGS, "--policy-pack", str(pack))
    assert code == 2
    assert f"--policy-pack {pack}: the pack exited (exit code 1) before it started serving" in err
    assert "RuntimeError: policy module broken: missing catalog" in err
    assert len(started) == 1 and started[0].poll() is not None


def test_policy_that_raises_is_a_clear_error(capsys, tmp_path, started):
    pack = _pack(tmp_path, """
        from pulumi_policy import PolicyPack, ResourceValidationPolicy
        def boom(args, report):
            raise KeyError("no such property")
        PolicyPack("broken", [ResourceValidationPolicy("boom", "raises", validate=boom)])
    """)
    code, _, err = check(capsys, *CASE_ARGS, "-c", "policy-cases:case=trail-good", "--policy-pack", str(pack))
    assert code == 2 and f"--policy-pack {pack}: a policy failed" in err and "no such property" in err


def test_ctrl_c_during_analysis_stops_the_pack(capsys, monkeypatch, started):
    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(crossguard.PolicyPackProcess, "check", interrupted)
    assert main(["check", *CASE_ARGS]) == 130
    assert len(started) == 1 and started[0].poll() is not None


def _children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def test_sigterm_and_sigint_to_the_command_leave_no_orphan(tmp_path):
    pack = _pack(tmp_path, """
        import time
        from pulumi_policy import PolicyPack, ResourceValidationPolicy
        def slow(args, report):
            time.sleep(30)
        PolicyPack("slow", [ResourceValidationPolicy("slow", "sleeps", validate=slow)])
    """)
    for sig in (signal.SIGINT, signal.SIGTERM):
        command = subprocess.Popen([sys.executable, "-m", "baseline", "check", *CASE_ARGS, "--policy-pack", str(pack)],
                                   cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline, children = time.monotonic() + 60, []
        while not children and time.monotonic() < deadline:
            time.sleep(0.1)
            children = _children(command.pid)
        assert children, "the pack process never started"
        time.sleep(0.5)  # the pack is serving (or analyzing)
        command.send_signal(sig)
        assert command.wait(timeout=30) in (130, 128 + signal.SIGTERM)
        for child in children:
            assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]
