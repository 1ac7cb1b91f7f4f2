"""Text, JSON and SARIF output of an audit, and the command handler's exit codes and report file."""

import argparse
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from aws_logging_baseline.cli import audit_command
from aws_logging_baseline.audit import AuditOptions
from aws_logging_baseline.audit.controls import AUDIT_DOC, CONTROLS, DEPLOYED_BY
from aws_logging_baseline.audit.report import deployment_line, print_text, to_json, to_sarif
from tests.audit.conftest import ACCOUNT, HOME

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


def assert_every_result_points_at_a_repository_file(results: list[dict]) -> None:
    """Code scanning rejects an upload with a result lacking physicalLocation.artifactLocation.uri; the URI must be
    relative to the repository root, never file:// or an absolute path. The control's logical location stays."""
    assert results
    for result in results:
        [location] = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert "://" not in uri and not uri.startswith(("/", "file:")) and ".." not in uri.split("/"), uri
        assert (REPO / uri).is_file() and uri == DEPLOYED_BY[result["ruleId"]].path
        assert DEPLOYED_BY[result["ruleId"]].anchor in (REPO / uri).read_text().splitlines()[physical["region"]["startLine"] - 1]
        assert location["logicalLocations"][0]["fullyQualifiedName"] == f"{result['properties']['region']}/{result['properties']['resource']}"


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
    # ... and the line of this repository that deploys the control: the trail's enable_log_file_validation=True.
    validation = next(number for number, line in enumerate((REPO / "aws_logging_baseline" / "components" / "trail.py").read_text().splitlines(), 1)
                      if "enable_log_file_validation=True" in line)
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "aws_logging_baseline/components/trail.py"}, "region": {"startLine": validation}}
    assert_every_result_points_at_a_repository_file(run["results"])


def test_every_control_maps_to_the_repository_file_that_deploys_it():
    assert list(DEPLOYED_BY) == list(CONTROLS)
    for control, deployment in DEPLOYED_BY.items():
        path = REPO / deployment.path
        assert not Path(deployment.path).is_absolute() and path.resolve().is_relative_to(REPO) and path.is_file(), control
        lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if deployment.anchor in line]
        assert len(lines) == 1, f"{control}: {deployment.anchor!r} must be on exactly one line of {deployment.path}"
        assert deployment_line(deployment) == lines[0]
        if deployment.path == AUDIT_DOC:  # the documented fallback: the control's row in the table
            assert deployment.anchor == f"| `{control}` |"
    assert "`iam-root-access-key-check`" in (REPO / AUDIT_DOC).read_text()


def test_text_report_lists_failures_first_without_colour_when_piped(noncompliant):
    out = io.StringIO()
    print_text(noncompliant, Console(file=out, width=200))
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["status", "control", "where", "and", "why"]
    assert lines[2].split()[:3] == ["FAIL", "cloud-trail-log-file-validation-enabled", "account-wide:"]
    assert "\x1b[" not in out.getvalue() and max(len(line) for line in lines) <= 100
    # one row per control: every other control passes, in its one region
    controls = {f.control for f in noncompliant.findings}
    assert sum(line.split()[:1] in (["FAIL"], ["PASS"], ["UNKNOWN"]) for line in lines) == len(controls)
    assert lines[-1] == f"account {ACCOUNT}, 1 region(s): {len(noncompliant.findings) - 1} pass, 1 fail, 0 unknown"


def _args(**overrides):
    defaults = dict(profile=None, regions=HOME, endpoint_url=None, format="json", output=None, archive_bucket=[],
                    log_key=[], workers=4, deadline=300.0)
    defaults.update(overrides)
    return argparse.Namespace(**defaults)


def _stubbed(account, monkeypatch):
    """Run the command handler against the moto account, with the account's stubbed answers."""
    import aws_logging_baseline.audit as audit_package
    real = audit_package.run_audit
    monkeypatch.setattr(audit_package, "run_audit",
                        lambda options: real(AuditOptions(**{**vars(options), "hooks": [account.stub]})))


def test_handler_writes_the_report_file_whole_and_exits_1_on_failure(build, monkeypatch, tmp_path, capsys):
    _stubbed(build(defect="iam-password-policy", regions=[HOME]), monkeypatch)
    target = tmp_path / "audit.sarif"
    assert audit_command.handle(_args(format="sarif", output=str(target))) == 1
    document = json.loads(target.read_text())
    jsonschema.validate(document, SCHEMA)
    assert [p.name for p in tmp_path.iterdir()] == ["audit.sarif"]  # no temp file left behind
    assert_every_result_points_at_a_repository_file(document["runs"][0]["results"])
    [result] = document["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "aws_logging_baseline/components/catalog/config_rules.yaml"
    # --output still says, on one line, what the audit found and where the report went
    out = capsys.readouterr().out
    assert re.fullmatch(rf"account {ACCOUNT}, 1 region\(s\): [0-9]+ pass, 1 fail, 0 unknown; "
                        rf"sarif report written to {re.escape(str(target))}\n", out), out


def test_handler_exits_0_when_everything_passes(build, monkeypatch, capsys):
    _stubbed(build(regions=[HOME]), monkeypatch)
    assert audit_command.handle(_args()) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["fail"] == 0
