"""The command line used as a platform team would: from another directory, with the repository's .venv (the
project installed into it by make), on a program in a subdirectory; its SARIF is what code scanning accepts."""

import json
import subprocess
import sys

import jsonschema

from tests.engine_helpers import REPO
from tests.org.org_helpers import ORG_PROGRAM, account_fixture

SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


def test_check_of_the_org_member_from_another_directory_gives_repo_relative_sarif(tmp_path):
    config = tmp_path / "policy-config.json"  # a stricter retention than the member's, so there are results
    config.write_text(json.dumps({"cw-loggroup-retention-period-check": {"minRetentionDays": 3653}}))
    report = tmp_path / "member.sarif"
    done = subprocess.run(
        [sys.executable, "-m", "aws_logging_baseline", "check", "--program", str(ORG_PROGRAM), "--stack", "member",
         "--account", str(account_fixture("member")), "--policy-config", str(config),
         "--format", "sarif", "--output", str(report)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    document = json.loads(report.read_text())
    jsonschema.validate(document, SARIF_SCHEMA)
    run = document["runs"][0]
    assert all(rule["helpUri"].endswith(f"docs/compliance.md#{rule['id']}") for rule in run["tool"]["driver"]["rules"])
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    # Relative to the repository root (GitHub resolves them there), not to examples/org.
    assert uris and all((REPO / uri).is_file() for uri in uris), uris
    assert uris <= {"aws_logging_baseline/components/custom_config_rule.py", "aws_logging_baseline/components/trail.py",
                    "aws_logging_baseline/components/flow_logs.py", "examples/org/Pulumi.member.yaml"}, uris
