"""`python -m baseline check` as a user runs it: verdict, formats, and bad input (exit 2, no orphan process)."""

import dataclasses
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

from aws_logging_baseline.offline import crossguard
from aws_logging_baseline import PROJECT_URL
from aws_logging_baseline.cli.check_command import source_location
from aws_logging_baseline.cli.main import main
from tests.policies.conftest import CASES_PROGRAM, FIXTURE, REPO, run_case

SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
CASE_ARGS = ["--program", str(CASES_PROGRAM), "--stack", "test", "--account", str(FIXTURE), "--no-tree"]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one report line per line, as in a wide CI log


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
    assert set(document["timings"]) == {"engine", "packStart", "policies", "total", "access"}


def test_sarif_report_validates_against_the_oasis_schema(capsys, tmp_path):
    target = tmp_path / "check.sarif"
    code, _, _ = check(capsys, *CASE_ARGS, "-c", "policy-cases:case=policy-public-read", "--format", "sarif", "--output", str(target))
    document = json.loads(target.read_text())
    jsonschema.validate(document, SARIF_SCHEMA)
    run = document["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert code == 1 and len(rules) == len(set(rules)) == len(yaml.safe_load((REPO / 'aws_logging_baseline' / 'policies' / 'controls.yaml').read_text())['policies'])
    public = [r for r in run["results"] if r["ruleId"] == "s3-bucket-policy-no-public-principal"]
    assert len(public) == 1 and public[0]["level"] == "error"
    assert public[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("aws:s3/bucketPolicy:BucketPolicy::b-policy")
    assert_every_result_points_at_a_file(run["results"], REPO)
    # The bucket policy is declared in cases.py, in bucket(), called by the policy-public-read case.
    physical = public[0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "tests/policies/programs/cases/cases.py"
    # Each rule links to its row of the compliance matrix; the tool is this project.
    assert run["tool"]["driver"]["informationUri"] == PROJECT_URL
    assert {r["id"]: r["helpUri"] for r in run["tool"]["driver"]["rules"]}["s3-bucket-policy-no-public-principal"] == \
        f"{PROJECT_URL}/blob/main/docs/compliance.md#s3-bucket-policy-no-public-principal"
    assert '<a id="s3-bucket-policy-no-public-principal"></a>' in (REPO / "docs" / "compliance.md").read_text()
    assert "aws.s3.BucketPolicy(" in _line(CASES_PROGRAM / "cases.py", physical["region"]["startLine"])


def _line(path: Path, number: int) -> str:
    return path.read_text().splitlines()[number - 1]


def assert_every_result_points_at_a_file(results: list[dict], program: Path) -> None:
    """Code scanning rejects an upload with a result lacking physicalLocation.artifactLocation.uri; the URI must
    be relative to the checkout (the git root), never file:// or a runner's absolute path."""
    assert results
    for result in results:
        [location] = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert "://" not in uri and not uri.startswith(("/", "file:")) and ".." not in uri.split("/"), uri
        assert (program / uri).is_file(), uri
        assert str(REPO) not in json.dumps(result)
        assert location["logicalLocations"][0]["fullyQualifiedName"].startswith("urn:pulumi:")


def test_sarif_points_a_violation_at_the_component_line_that_declared_the_resource(capsys, tmp_path):
    """The real program: the log group in components/trail.py, not the component's caller or __main__.py."""
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"cw-loggroup-retention-period-check": {"minRetentionDays": 400}}))
    code, out, _ = check(capsys, "--program", str(REPO), "--stack", "example", "--account", str(FIXTURE), "--no-tree",
                         "--policy-config", str(config), "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert code == 1
    assert_every_result_points_at_a_file(results, REPO)
    [trail_log_group] = [r for r in results if r["ruleId"] == "cw-loggroup-retention-period-check"
                         and r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith(
                             "$aws:cloudwatch/logGroup:LogGroup::baseline-cloudtrail-log-group")]
    declared = next(number for number, line in enumerate((REPO / "aws_logging_baseline" / "components" / "trail.py").read_text().splitlines(), 1)
                    if "self.log_group = aws.cloudwatch.LogGroup(" in line)
    assert trail_log_group["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "aws_logging_baseline/components/trail.py"}, "region": {"startLine": declared}}


def test_sarif_points_stack_violations_at_the_stack_config_file(capsys):
    code, out, _ = check(capsys, *CASE_ARGS, "-c", "policy-cases:case=empty", "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert code == 1 and {r["ruleId"] for r in results} >= {"multi-region-cloud-trail-enabled"}
    # Relative to the git work tree of the program, where code scanning resolves them, not to the program.
    assert_every_result_points_at_a_file(results, REPO)
    assert {json.dumps(r["locations"][0]["physicalLocation"]) for r in results} == {
        json.dumps({"artifactLocation": {"uri": "tests/policies/programs/cases/Pulumi.test.yaml"}})}
    assert {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in results} == {
        "urn:pulumi:test::policy-cases::pulumi:pulumi:Stack::policy-cases-test"}


def test_source_location_falls_back_to_the_stack_config_file():
    run = run_case("log-group-plain")
    [log_group] = run.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert Path(log_group.source_file) == CASES_PROGRAM / "cases.py" and log_group.source_line > 0
    assert source_location(run, log_group) == ("tests/policies/programs/cases/cases.py", log_group.source_line)
    assert source_location(run, log_group, CASES_PROGRAM) == ("cases.py", log_group.source_line)  # --repo-root
    for elsewhere in (dataclasses.replace(log_group, source_file=str(REPO / "aws_logging_baseline" / "components" / "trail.py")),  # outside
                      dataclasses.replace(log_group, source_file="", source_line=0),  # no position sent
                      dataclasses.replace(log_group, source_line=0),
                      None):  # the stack, or a resource the engine did not record (the default provider)
        assert source_location(run, elsewhere, CASES_PROGRAM) == ("Pulumi.test.yaml", None)


def _bad(capsys, tmp_path, config):
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(config))
    return check(capsys, *CASE_ARGS, "--policy-config", str(path))


def test_unknown_policy_in_config(capsys, tmp_path, started):
    code, _, err = _bad(capsys, tmp_path, {"cloud-trail-encrypted": "mandatory"})
    assert code == 2
    assert "unknown policy 'cloud-trail-encrypted' (did you mean 'cloud-trail-encryption-enabled'?)" in err
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
    monkeypatch.setattr(crossguard.Analysis, "result", interrupted)
    assert main(["check", *CASE_ARGS]) == 130
    assert len(started) == 1 and started[0].poll() is not None
    assert len(started.relays) == 1 and started.relays[0].poll() is not None


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
        command = subprocess.Popen([sys.executable, "-m", "aws_logging_baseline", "check", *CASE_ARGS, "--policy-pack", str(pack)],
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


# --- bad input is found before the program runs, and nothing is written on exit 2 ------------------------

@pytest.fixture
def program_must_not_run(monkeypatch):
    """Fails the test if the engine is asked to run the program."""
    import aws_logging_baseline.cli.preview_command as preview_command

    def run_program(*args, **kwargs):
        raise AssertionError("the program ran although the input was bad")
    monkeypatch.setattr(preview_command, "run_program", run_program)


@pytest.mark.parametrize("config, message", [
    ({"cloud-trail-encrypted": "mandatory"}, "unknown policy 'cloud-trail-encrypted'"),
    ({"cw-loggroup-retention-period-check": {"minRetentionDays": "a year"}}, "'a year' is not of type 'integer'"),
    ({"kms-key-deletion-window": {"minimumDay": 7}}, "Additional properties are not allowed ('minimumDay'"),
    ({"all": "strict"}, "all: enforcement level must be one of"),
])
def test_policy_config_is_checked_before_the_program_runs(capsys, tmp_path, started, program_must_not_run, config, message):
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(config))
    export = tmp_path / "export.json"
    code, out, err = check(capsys, *CASE_ARGS, "--policy-config", str(path), "--json", str(export))
    assert code == 2 and f"error: --policy-config {path}: " in err and message in err
    assert len(err.strip().splitlines()) == 1
    assert "Resources by type" not in out  # no plan printed
    assert not export.exists()
    assert len(started) == 1  # the pack was started to learn its policies, and stopped


@pytest.mark.parametrize("flag, extra", [("--output", ["--format", "json"]), ("--json", [])])
def test_output_paths_are_checked_before_the_program_runs(capsys, tmp_path, started, program_must_not_run, flag, extra):
    target = tmp_path / "missing-dir" / "report.json"
    code, out, err = check(capsys, *CASE_ARGS, *extra, flag, str(target))
    assert code == 2 and f"error: {flag} {target}: directory {target.parent} does not exist" in err
    assert out == "" and started == []  # neither the program nor the pack ran


def test_no_export_is_written_when_the_check_fails_with_bad_input(capsys, tmp_path, started):
    (tmp_path / "pack").mkdir()
    pack = _pack(tmp_path / "pack", """
        from pulumi_policy import PolicyPack, ResourceValidationPolicy
        def boom(args, report):
            raise KeyError("no such property")
        PolicyPack("broken", [ResourceValidationPolicy("boom", "raises", validate=boom)])
    """)
    export, report = tmp_path / "export.json", tmp_path / "check.json"
    code, _, err = check(capsys, *CASE_ARGS, "-c", "policy-cases:case=trail-good", "--policy-pack", str(pack),
                         "--json", str(export), "--format", "json", "--output", str(report))
    assert code == 2 and "a policy failed" in err
    assert not export.exists() and not report.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]  # no temporary file left behind either


def test_export_and_report_are_written_when_the_verdict_is_in(capsys, tmp_path):
    export, report = tmp_path / "export.json", tmp_path / "check.json"
    code, out, _ = check(capsys, *CASE_ARGS, "-c", "policy-cases:case=trail-no-kms", "--json", str(export),
                         "--format", "json", "--output", str(report))
    assert code == 1
    assert json.loads(export.read_text())["version"] == 3
    assert json.loads(report.read_text())["summary"]["mandatory"] >= 1
    assert f"export written to {export}" in out and f"json report written to {report}" in out


def test_a_signal_during_the_program_run_is_not_reported_as_bad_input(capsys, monkeypatch, started):
    """With the pack running, SIGTERM arrives as SystemExit; the engine wraps whatever ends a program."""
    import aws_logging_baseline.cli.preview_command as preview_command
    from aws_logging_baseline.errors import UserError

    def terminated(*args, **kwargs):
        try:
            raise SystemExit(143)
        except SystemExit as exc:
            raise UserError("program failed: SystemExit: 143") from exc
    monkeypatch.setattr(preview_command, "run_program", terminated)
    with pytest.raises(SystemExit) as exited:
        main(["check", *CASE_ARGS])
    assert exited.value.code == 143
    assert len(started) == 1 and started[0].poll() is not None


# --- docs/pr-review.md: the documented workflow works on a fresh copy -----------------------------------

EXAMPLE_POLICY_CONFIG = REPO / "examples" / "policy-config.json"


def _pr_review_blocks(language: str) -> list[str]:
    text = (REPO / "docs" / "pr-review.md").read_text()
    return [block.split("\n", 1)[1] for block in text.split("```")[1::2] if block.startswith(language + "\n")]


def test_pr_review_workflow_uses_the_shipped_policy_config_in_every_step():
    import shlex

    [workflow] = [w for w in (yaml.safe_load(block) for block in _pr_review_blocks("yaml")) if "jobs" in w]
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    checks = [shlex.split(step["run"]) for step in steps if "baseline check" in step.get("run", "")]
    assert len(checks) == 2  # the text verdict and the same verdict as SARIF
    configs = [argv[argv.index("--policy-config") + 1] for argv in checks if "--policy-config" in argv]
    assert len(configs) == 2 and len(set(configs)) == 1, checks
    assert (REPO / configs[0]).is_file() and REPO / configs[0] == EXAMPLE_POLICY_CONFIG
    pulumi_configs = [step["with"]["policyPackConfigs"] for step in steps if "policyPackConfigs" in step.get("with", {})]
    assert pulumi_configs == configs[:1]


def test_pr_review_example_is_the_shipped_policy_config():
    [example] = [json.loads(block) for block in _pr_review_blocks("json")]
    assert example == json.loads(EXAMPLE_POLICY_CONFIG.read_text())


def test_example_policy_config_is_accepted_and_passes_the_example_stack(capsys):
    code, out, err = check(capsys, "--stack", "example", "--no-tree", "--policy-config", str(EXAMPLE_POLICY_CONFIG))
    assert code == 0, err
    assert "0 mandatory and 0 advisory violation(s)" in out
