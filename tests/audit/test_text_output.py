"""The audit's text report as an operator reads it: one row per control, regions grouped, 100 columns at most."""

import subprocess
import sys

import pytest
from moto.server import ThreadedMotoServer

from aws_logging_baseline.audit.controls import CONTROLS
from tests.audit.conftest import reset_moto
from tests.audit.test_server import fake_env, free_port
from tests.engine_helpers import REPO

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]


@pytest.fixture(scope="module")
def empty_account():
    """A moto server with nothing deployed: every control fails or cannot be read, in every region."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in fake_env(MOTO_EC2_LOAD_DEFAULT_AMIS="false").items():
            patch.setenv(name, value)
        port = free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            reset_moto(f"http://127.0.0.1:{port}")
            yield f"http://127.0.0.1:{port}"
        finally:
            server.stop()


def test_empty_account_report_has_one_row_per_control_within_100_columns(empty_account):
    env = {**fake_env(), "COLUMNS": "160"}
    done = subprocess.run([sys.executable, "-m", "aws_logging_baseline", "audit", "--endpoint-url", empty_account,
                           "--regions", ",".join(REGIONS)], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    lines = done.stdout.rstrip("\n").splitlines()
    assert max(len(line) for line in lines) <= 100
    rows = [line.split()[1] for line in lines if line.split()[:1] in (["FAIL"], ["PASS"], ["UNKNOWN"])]
    assert sorted(rows) == sorted(CONTROLS)  # each control once, whatever its regions
    flow_logs = next(line for line in lines if " vpc-flow-logs-enabled " in line)
    assert flow_logs.split()[0] in ("FAIL", "PASS")  # a region's VPCs are grouped into the control's one row
    assert lines[-1].startswith("account ") and lines[-1].endswith(" unknown")
