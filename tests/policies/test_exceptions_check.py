"""Governed exceptions in `check`: a valid one excepts its violation (shown with owner, reason, days left; the run
passes); an expired or malformed one is a violation; an unused one is reported; in text, JSON and SARIF."""

import datetime as dt
import json

import jsonschema
import pytest
import yaml

from aws_logging_baseline.cli.main import main
from tests.policies.conftest import FIXTURE
from tests.policies.test_check_command import SARIF_SCHEMA
from tests.policies.test_judgment import PROGRAM

TODAY = dt.datetime.now(dt.timezone.utc).date()
POLICY = "iam-no-privilege-escalation"  # the only mandatory violation of the case: RolePolicy worker-policy
VALID = {"policy": POLICY, "resource": "worker-*", "owner": "platform-security@example.com",
         "reason": "Deploy role of the legacy pipeline, replaced in SEC-123", "expires": (TODAY + dt.timedelta(days=30)).isoformat()}
UNUSED = {**VALID, "policy": "cloud-trail-encryption-enabled", "resource": "*", "owner": "nobody@example.com"}
EXPIRED = {**VALID, "expires": (TODAY - dt.timedelta(days=1)).isoformat(), "owner": "former-owner@example.com"}
MALFORMED = {"policy": POLICY, "resource": "worker-*", "reason": "no owner, no date"}


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")


def _check(tmp_path, capsys, entries, fmt="text", via="file"):
    args = ["check", "--program", str(PROGRAM), "--stack", "test", "--account", str(FIXTURE), "--no-tree",
            "-c", "policy-judgment:case=monitored-with-pass-any-role"]
    if via == "file":
        (tmp_path / "exceptions.yaml").write_text(yaml.safe_dump({"exceptions": entries}))
        args += ["--exceptions", str(tmp_path / "exceptions.yaml")]
    else:
        (tmp_path / "policy.json").write_text(json.dumps({"exceptions": entries}))
        args += ["--policy-config", str(tmp_path / "policy.json")]
    if fmt != "text":
        args += ["--format", fmt, "--output", str(tmp_path / f"verdict.{fmt}")]
    code = main(args)
    out = capsys.readouterr().out
    document = json.loads((tmp_path / f"verdict.{fmt}").read_text()) if fmt != "text" else None
    return code, out, document


def test_without_exceptions_the_violation_fails_the_run(tmp_path, capsys):
    code, out, _ = _check(tmp_path, capsys, [])
    assert code == 1 and "role worker may iam:PassRole on every resource" in out


@pytest.mark.parametrize("via", ["file", "policy-config"])
def test_valid_exception_excepts_and_unused_is_reported_text(tmp_path, capsys, via):
    code, out, _ = _check(tmp_path, capsys, [VALID, UNUSED], via=via)
    assert code == 0, out
    assert "excepted (1 violation, governed exceptions; they do not fail the run)" in out
    assert ("excepted: owner platform-security@example.com, reason Deploy role of the legacy pipeline, replaced in "
            "SEC-123, 30 day(s) left") in out
    assert "[advisory]  policy-exception-unused" in out and "entry 2 (policy cloud-trail-encryption-enabled" in out
    # + the undeclared archive, and its deletions not recorded (cloudtrail-archive-data-events)
    assert "0 mandatory and 3 advisory violation(s)" in out and "1 excepted" in out


def test_valid_and_unused_exception_json(tmp_path, capsys):
    code, _, verdict = _check(tmp_path, capsys, [VALID, UNUSED], fmt="json")
    assert code == 0
    assert sorted(v["policy"] for v in verdict["violations"]) == ["cloudtrail-archive-data-events", "log-destination-declared-in-stack", "policy-exception-unused"]
    [excepted] = verdict["excepted"]
    assert excepted["policy"] == POLICY and excepted["urn"].endswith("::worker-policy")
    assert excepted["exception"] == {**VALID, "daysLeft": 30, "source": "exceptions.yaml entry 1"}
    assert verdict["summary"]["excepted"] == 1 and verdict["summary"]["mandatory"] == 0


def test_valid_exception_sarif_is_suppressed_with_the_justification(tmp_path, capsys):
    code, _, log = _check(tmp_path, capsys, [VALID, UNUSED], fmt="sarif")
    assert code == 0
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    [suppressed] = [r for r in results if r.get("suppressions")]
    assert suppressed["ruleId"] == POLICY
    assert suppressed["suppressions"] == [{"kind": "external", "status": "accepted", "justification": (
        "Deploy role of the legacy pipeline, replaced in SEC-123 (owner platform-security@example.com; expires "
        f"{VALID['expires']}, 30 day(s) left; exceptions.yaml entry 1)")}]
    assert sorted(r["ruleId"] for r in results if not r.get("suppressions")) == [
        "cloudtrail-archive-data-events", "log-destination-declared-in-stack", "policy-exception-unused"]


def test_expired_and_malformed_exceptions_are_violations_text(tmp_path, capsys):
    code, out, _ = _check(tmp_path, capsys, [EXPIRED, MALFORMED])
    assert code == 1
    assert "[mandatory]  policy-exception-valid" in out
    assert (f"exceptions.yaml entry 1 (policy {POLICY}, resource worker-*, owner former-owner@example.com) expired on "
            f"{EXPIRED['expires']}") in out
    assert "exceptions.yaml entry 2 is malformed: missing owner, expires; it excepts nothing." in out
    assert "role worker may iam:PassRole on every resource" in out  # the expired exception excepts nothing


def test_expired_and_malformed_exceptions_json(tmp_path, capsys):
    code, _, verdict = _check(tmp_path, capsys, [EXPIRED, MALFORMED], fmt="json")
    assert code == 1
    assert sorted(v["policy"] for v in verdict["violations"] if v["enforcement"] == "mandatory") == [
        POLICY, "policy-exception-valid", "policy-exception-valid"]
    assert verdict["excepted"] == [] and verdict["summary"]["mandatory"] == 3


def test_expired_and_malformed_exceptions_sarif(tmp_path, capsys):
    code, _, log = _check(tmp_path, capsys, [EXPIRED, MALFORMED], fmt="sarif")
    assert code == 1
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    assert not any(r.get("suppressions") for r in results)
    assert sorted(r["ruleId"] for r in results if r["level"] == "error") == [
        POLICY, "policy-exception-valid", "policy-exception-valid"]
    assert {r["level"] for r in results if r["ruleId"] == "policy-exception-valid"} == {"error"}


@pytest.mark.parametrize("text, message", [
    ("exceptions: [unclosed", "error: --exceptions {path}: not YAML (line 1)"),
    ("- policy: x", "error: --exceptions {path}: expected a mapping with one key, `exceptions`"),
])
def test_an_unreadable_exceptions_file_is_bad_input(tmp_path, capsys, text, message):
    path = tmp_path / "exceptions.yaml"
    path.write_text(text)
    code = main(["check", "--program", str(PROGRAM), "--stack", "test", "--account", str(FIXTURE), "--exceptions", str(path)])
    assert code == 2
    err = capsys.readouterr().err
    assert message.format(path=path) in err and len(err.strip().splitlines()) == 1
