"""Governed exceptions in `audit`: the command's real path with a report of one failing and one passing control
(the boto3 checks themselves are tested against moto elsewhere)."""

import datetime as dt
import json

import jsonschema
import pytest
import yaml

from aws_logging_baseline.audit import AuditReport
from aws_logging_baseline.audit.findings import failed, passed
from aws_logging_baseline.cli.main import main
from tests.policies.test_check_command import SARIF_SCHEMA

TODAY = dt.datetime.now(dt.timezone.utc).date()
BUCKET = "legacy-logs-123456789012"
CONTROL = "s3-bucket-versioning-enabled"
VALID = {"policy": CONTROL, "resource": "us-east-1/legacy-logs-*", "owner": "storage-team@example.com",
         "reason": "Read-only legacy archive, deleted in SEC-321", "expires": (TODAY + dt.timedelta(days=10)).isoformat()}
UNUSED = {**VALID, "policy": "cloud-trail-encryption-enabled", "resource": "*"}
EXPIRED = {**VALID, "expires": (TODAY - dt.timedelta(days=3)).isoformat()}
MALFORMED = {**VALID, "expires": "next quarter"}


@pytest.fixture
def audited(monkeypatch, tmp_path, capsys):
    import aws_logging_baseline.audit as audit_package

    report = AuditReport("123456789012", ["us-east-1"], [
        failed(CONTROL, "us-east-1", BUCKET, "versioning is Suspended: enable it"),
        passed("cloud-trail-log-file-validation-enabled", "global", "org-trail", "log file validation is on"),
    ])
    monkeypatch.setattr(audit_package, "run_audit", lambda options: report)

    def run(entries, fmt="text"):
        path = tmp_path / "exceptions.yaml"
        path.write_text(yaml.safe_dump({"exceptions": entries}))
        args = ["audit", "--regions", "us-east-1", "--exceptions", str(path)]
        if fmt != "text":
            args += ["--format", fmt, "--output", str(tmp_path / f"audit.{fmt}")]
        code = main(args)
        out = capsys.readouterr().out
        return code, out, json.loads((tmp_path / f"audit.{fmt}").read_text()) if fmt != "text" else None
    return run


def test_valid_exception_text(audited):
    code, out, _ = audited([VALID, UNUSED])
    assert code == 0
    assert (f"EXCEPTED {CONTROL}  us-east-1  {BUCKET}  versioning is Suspended: enable it  owner storage-team@example.com, "
            "reason Read-only legacy archive, deleted in SEC-321, 10 day(s) left") in out
    assert "NOTE    policy-exception-unused  exceptions.yaml entry 2 (policy cloud-trail-encryption-enabled" in out
    assert "FAIL " not in out


def test_valid_exception_json(audited):
    code, _, document = audited([VALID, UNUSED], "json")
    assert code == 0
    assert [f["status"] for f in document["findings"]] == ["pass"]
    [excepted] = document["excepted"]
    assert excepted["control"] == CONTROL and excepted["exception"]["daysLeft"] == 10
    assert excepted["exception"]["owner"] == "storage-team@example.com"
    assert [p["rule"] for p in document["exceptionProblems"]] == ["policy-exception-unused"]


def test_valid_exception_sarif_is_suppressed(audited):
    code, _, log = audited([VALID, UNUSED], "sarif")
    assert code == 0
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    [suppressed] = [r for r in results if r.get("suppressions")]
    assert suppressed["ruleId"] == CONTROL
    assert suppressed["suppressions"][0]["status"] == "accepted"
    assert suppressed["suppressions"][0]["justification"].startswith(
        "Read-only legacy archive, deleted in SEC-321 (owner storage-team@example.com; expires ")
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert [r["ruleId"] for r in results if not r.get("suppressions")] == ["policy-exception-unused"]


def test_expired_and_malformed_text(audited):
    code, out, _ = audited([EXPIRED, MALFORMED])
    assert code == 1
    assert [f"FAIL", CONTROL] in [line.split()[:2] for line in out.splitlines()]  # the expired exception excepts nothing
    assert f"policy-exception-valid  exceptions.yaml entry 1 (policy {CONTROL}, resource us-east-1/legacy-logs-*, " in out
    assert f"expired on {EXPIRED['expires']}" in out
    assert "exceptions.yaml entry 2 is malformed: expires must be a date YYYY-MM-DD, got 'next quarter'" in out


def test_expired_and_malformed_json(audited):
    code, _, document = audited([EXPIRED, MALFORMED], "json")
    assert code == 1
    assert document["excepted"] == []
    assert [p["rule"] for p in document["exceptionProblems"]] == ["policy-exception-valid", "policy-exception-valid"]
    assert [f["status"] for f in document["findings"]] == ["fail", "pass"]


def test_expired_and_malformed_sarif(audited):
    code, _, log = audited([EXPIRED, MALFORMED], "sarif")
    assert code == 1
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == ["policy-exception-valid", "policy-exception-valid", CONTROL]
    assert not any(r.get("suppressions") for r in results)


def test_an_exception_for_an_unknown_control_is_malformed(audited):
    code, out, _ = audited([{**VALID, "policy": "no-such-control"}])
    assert code == 1 and "is malformed: unknown policy 'no-such-control'" in out
