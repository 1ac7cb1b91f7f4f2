"""Text, JSON and SARIF output of an audit, and the command handler's exit codes and report file."""

import argparse
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from rich.console import Console

from aws_logging_baseline.cli import audit_command
from aws_logging_baseline.audit import AuditOptions
from aws_logging_baseline.audit.controls import CONTROLS, GOVERNED_BY
from aws_logging_baseline.audit.locations import find_config_file
from aws_logging_baseline.audit.report import print_text, to_json, to_sarif
from tests.audit.conftest import ACCOUNT, HOME

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


def assert_every_result_points_at_its_setting(results: list[dict], repo: Path, uri: str) -> None:
    """Code scanning rejects an upload with a result lacking physicalLocation.artifactLocation.uri; the URI must be
    relative to the repository root, never file:// or an absolute path. Every audit result points at the user's
    stack file: the line of the setting named in its `setting` property, else the file's `config:` line. The
    finding's logical location (account/region/resource) stays."""
    assert results
    lines = (repo / uri).read_text().splitlines()
    for result in results:
        [location] = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == uri
        line = lines[physical["region"]["startLine"] - 1]
        setting = result["properties"].get("setting")
        expected = rf"\s+[\"']?{re.escape(setting)}[\"']?:" if setting else "config:"  # a key may be quoted
        assert re.match(expected, line), (result["ruleId"], line)
        if setting:
            assert setting in GOVERNED_BY[result["ruleId"]]
        properties = result["properties"]
        assert location["logicalLocations"][0]["fullyQualifiedName"] == \
            f"{properties['account']}/{properties['region']}/{properties['resource']}"


EXAMPLE_STACK = find_config_file(REPO, "example", None)[0]


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
    document = to_sarif(noncompliant, EXAMPLE_STACK)
    jsonschema.validate(document, SCHEMA)
    run = document["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == list(CONTROLS)
    assert run["tool"]["driver"]["rules"][0]["helpUri"].endswith("/docs/audit.md#multi-region-cloud-trail-enabled")
    [result] = run["results"]
    assert result["ruleId"] == "cloud-trail-log-file-validation-enabled"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert (result["kind"], result["level"]) == ("fail", "note")  # Security Hub rates CloudTrail.4 low
    trail = f"arn:aws:cloudtrail:{HOME}:{ACCOUNT}:trail/org-baseline"
    assert result["locations"][0]["logicalLocations"] == [
        {"name": trail, "fullyQualifiedName": f"{ACCOUNT}/global/{trail}", "kind": "resource"}]
    # ... and the line of the example stack that decides whether this account has a trail of its own: baseline:role
    role = next(number for number, line in enumerate((REPO / "Pulumi.example.yaml").read_text().splitlines(), 1)
                if line.startswith("  baseline:role:"))
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "Pulumi.example.yaml"}, "region": {"startLine": role}}
    assert result["properties"]["setting"] == "baseline:role"
    assert_every_result_points_at_its_setting(run["results"], REPO, "Pulumi.example.yaml")


def test_without_a_program_results_have_only_their_logical_location(noncompliant):
    """Valid SARIF 2.1.0 (for tools other than code scanning), and no path of this repository in it."""
    document = to_sarif(noncompliant)
    jsonschema.validate(document, SCHEMA)
    [result] = document["runs"][0]["results"]
    assert [set(location) for location in result["locations"]] == [{"logicalLocations"}]
    assert "aws_logging_baseline/" not in json.dumps(result)


def test_every_control_is_governed_by_settings_of_the_baseline():
    """Each key of GOVERNED_BY is a `baseline:` setting (components/settings.py, declared in Pulumi.yaml), listed
    once; a control said to be watched by a Config rule (configRulesDisabled) has that rule in the catalog."""
    from aws_logging_baseline.components.config_rules import config_rule_catalog
    from aws_logging_baseline.components.settings import settings_fields

    assert list(GOVERNED_BY) == list(CONTROLS)
    settings = {key for _, key, _ in settings_fields()}
    declared = yaml.safe_load((REPO / "Pulumi.yaml").read_text())["config"]
    rules = {rule.name for rule in config_rule_catalog()}
    for control, keys in GOVERNED_BY.items():
        assert len(set(keys)) == len(keys), control
        for key in keys:
            assert key in settings and key in declared, (control, key)
        if "baseline:configRulesDisabled" in keys:
            assert control in rules, f"{control}: no Config rule of that name in components/catalog/config_rules.yaml"
    assert GOVERNED_BY["iam-root-access-key-check"] == ()  # no setting, no Config rule: the stack's config: line
    assert "iam-root-access-key-check" not in rules
    # every rule's helpUri lands on the control's row of docs/audit.md
    audit_doc = (REPO / "docs" / "audit.md").read_text()
    for control in CONTROLS:
        assert f'| <a id="{control}"></a>`{control}` |' in audit_doc, control


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
                    log_key=[], workers=4, deadline=300.0, program=None, stack=None, repo_root=None)
    defaults.update(overrides)
    return argparse.Namespace(**defaults)


def _stubbed(account, monkeypatch):
    """Run the command handler against the moto account, with the account's stubbed answers."""
    import aws_logging_baseline.audit as audit_package
    real = audit_package.run_audit
    monkeypatch.setattr(audit_package, "run_audit",
                        lambda options: real(AuditOptions(**{**vars(options), "hooks": [account.stub]})))


def test_handler_writes_the_report_file_whole_and_exits_1_on_failure(build, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(REPO)  # this repository's program is the one in the current directory
    _stubbed(build(defect="iam-password-policy", regions=[HOME]), monkeypatch)
    target = tmp_path / "audit.sarif"
    assert audit_command.handle(_args(format="sarif", output=str(target))) == 1
    document = json.loads(target.read_text())
    jsonschema.validate(document, SCHEMA)
    assert [p.name for p in tmp_path.iterdir()] == ["audit.sarif"]  # no temp file left behind
    # run from this repository: its program, its only stack file; the password policy is watched by a Config rule
    # the example stack does not disable, so the result points at the stack's config: line
    assert_every_result_points_at_its_setting(document["runs"][0]["results"], REPO, "Pulumi.example.yaml")
    [result] = document["runs"][0]["results"]
    assert result["ruleId"] == "iam-password-policy" and "setting" not in result["properties"]
    # --output still says, on one line, what the audit found and where the report went
    out = capsys.readouterr().out
    assert re.fullmatch(rf"account {ACCOUNT}, 1 region\(s\): [0-9]+ pass, 1 fail, 0 unknown; "
                        rf"sarif report written to {re.escape(str(target))}\n", out), out


def test_handler_exits_0_when_everything_passes(build, monkeypatch, capsys):
    _stubbed(build(regions=[HOME]), monkeypatch)
    assert audit_command.handle(_args()) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["fail"] == 0
