"""Text, JSON and SARIF output of an audit, and the command handler's exit codes and report file."""

import argparse
import io
import json
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from baseline import audit_command
from baseline.audit import AuditOptions
from baseline.audit.controls import CONTROLS
from baseline.audit.report import print_text, to_json, to_sarif
from tests.audit.conftest import ACCOUNT, HOME

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture
def noncompliant(build):
    return build(defect="cloud-trail-log-file-validation-enabled", regions=[HOME]).audit()


def test_json_report(noncompliant):
    document = json.loads(json.dumps(to_json(noncompliant)))
    assert document["account"] == ACCOUNT and document["regions"] == [HOME]
    assert document["summary"] == {"pass": len(noncompliant.findings) - 1, "fail": 1, "unknown": 0}
    [failure] = [f for f in document["findings"] if f["status"] == "fail"]
    assert set(failure) == {"control", "status", "region", "resource", "message"}
    assert failure["control"] == "cloud-trail-log-file-validation-enabled"


def test_sarif_report_is_valid_and_has_one_result_per_problem(noncompliant):
    document = to_sarif(noncompliant)
    jsonschema.validate(document, SCHEMA)
    run = document["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == list(CONTROLS)
    [result] = run["results"]
    assert result["ruleId"] == "cloud-trail-log-file-validation-enabled"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert (result["kind"], result["level"]) == ("fail", "note")  # Security Hub rates CloudTrail.4 low
    trail = f"arn:aws:cloudtrail:{HOME}:{ACCOUNT}:trail/org-baseline"
    assert result["locations"][0]["logicalLocations"] == [
        {"name": trail, "fullyQualifiedName": f"global/{trail}", "kind": "resource"}]


def test_text_report_lists_failures_first_without_colour_when_piped(noncompliant):
    out = io.StringIO()
    print_text(noncompliant, Console(file=out, width=80))
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("FAIL    cloud-trail-log-file-validation-enabled  global  arn:aws:cloudtrail:")
    assert "\x1b[" not in out.getvalue()
    assert lines[-1] == f"account {ACCOUNT}, 1 region(s): {len(noncompliant.findings) - 1} pass, 1 fail, 0 unknown"


def _args(**overrides):
    defaults = dict(profile=None, regions=HOME, endpoint_url=None, format="json", output=None, archive_bucket=[],
                    log_key=[], workers=4)
    defaults.update(overrides)
    return argparse.Namespace(**defaults)


def _stubbed(account, monkeypatch):
    """Run the command handler against the moto account, with the account's stubbed answers."""
    import baseline.audit as audit_package
    real = audit_package.run_audit
    monkeypatch.setattr(audit_package, "run_audit",
                        lambda options: real(AuditOptions(**{**vars(options), "hooks": [account.stub]})))


def test_handler_writes_the_report_file_whole_and_exits_1_on_failure(build, monkeypatch, tmp_path, capsys):
    _stubbed(build(defect="iam-password-policy", regions=[HOME]), monkeypatch)
    target = tmp_path / "audit.sarif"
    assert audit_command.handle(_args(format="sarif", output=str(target))) == 1
    jsonschema.validate(json.loads(target.read_text()), SCHEMA)
    assert [p.name for p in tmp_path.iterdir()] == ["audit.sarif"]  # no temp file left behind
    assert capsys.readouterr().out == ""


def test_handler_exits_0_when_everything_passes(build, monkeypatch, capsys):
    _stubbed(build(regions=[HOME]), monkeypatch)
    assert audit_command.handle(_args()) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["fail"] == 0
