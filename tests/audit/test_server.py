"""End to end: moto's server on 127.0.0.1, the account built over HTTP, `python -m baseline audit` as a subprocess.

Nothing is stubbed here, so the controls moto cannot answer come out "unknown" (see conftest.py) and the audit
exits 1; everything else must pass.
"""

import json
import re
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from tests.audit.conftest import reset_moto
from tests.audit.conftest import ACCOUNT, Account

REPO = Path(__file__).parents[2]
REGIONS = ["us-east-1", "eu-west-1"]
MOTO_CANNOT_ANSWER = {"inspector-enabled", "config-delivery-channel-healthy", "root-account-mfa-enabled",
                      "iam-root-access-key-check", "securityhub-enabled", "securityhub-findings-aggregated",
                      "iam-external-access-analyzer-enabled"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fake_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
               AWS_EC2_METADATA_DISABLED="true", **extra)
    return env


@pytest.fixture(scope="module")
def endpoint():
    with pytest.MonkeyPatch.context() as patch:
        for name, value in fake_env(MOTO_EC2_LOAD_DEFAULT_AMIS="false").items():
            patch.setenv(name, value)
        port = free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        url = f"http://127.0.0.1:{port}"
        try:
            reset_moto(url)
            Account(regions=REGIONS, endpoint_url=url)
            yield url
        finally:
            server.stop()


def audit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aws_logging_baseline", "audit", *args], cwd=REPO, env=env or fake_env(),
                          capture_output=True, text=True, timeout=120)


def test_cli_against_moto_server(endpoint):
    done = audit("--endpoint-url", endpoint, "--format", "json", "--regions", ",".join(REGIONS))
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""  # no progress bar when piped, no warnings
    report = json.loads(done.stdout)
    assert report["account"] == ACCOUNT and report["regions"] == REGIONS
    by_status: dict[str, set[str]] = {}
    for finding in report["findings"]:
        by_status.setdefault(finding["status"], set()).add(finding["control"])
    assert by_status["unknown"] == MOTO_CANNOT_ANSWER
    assert "fail" not in by_status
    assert {f["region"] for f in report["findings"] if f["control"] == "vpc-flow-logs-enabled"} == set(REGIONS)
    # 6 before issue 18, plus Security Hub standards and Access Analyzer in 2 regions and the aggregator: 11
    assert report["summary"] == {"pass": len(report["findings"]) - 11, "fail": 0, "unknown": 11}


def test_cli_writes_sarif_over_http(endpoint, tmp_path):
    target = tmp_path / "audit.sarif"
    done = audit("--endpoint-url", endpoint, "--format", "sarif", "--regions", "us-east-1", "--output", str(target))
    assert done.returncode == 1
    # a CI log says what and where: only what moto cannot answer is unknown (one finding each in one region)
    assert re.fullmatch(rf"account {ACCOUNT}, 1 region\(s\): [0-9]+ pass, 0 fail, {len(MOTO_CANNOT_ANSWER)} unknown; "
                        rf"sarif report written to {re.escape(str(target))}\n", done.stdout), done.stdout
    results = json.loads(target.read_text())["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == sorted(MOTO_CANNOT_ANSWER)
    assert {r["kind"] for r in results} == {"open"}
    for result in results:  # code scanning needs a repository-relative file for every result, unknown ones too:
        # run in this repository, the stack file of its program (the current directory's, its only stack)
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "Pulumi.example.yaml", uri
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
        assert result["locations"][0]["logicalLocations"]


def test_no_credentials_exits_2_with_one_line(tmp_path):
    env = fake_env(AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"), AWS_CONFIG_FILE=str(tmp_path / "none"))
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    done = audit("--regions", "us-east-1", env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("error: no AWS credentials found") and len(done.stderr.splitlines()) == 1
