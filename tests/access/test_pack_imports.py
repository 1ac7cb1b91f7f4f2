"""The pack imports aws_logging_baseline.access whether or not the package is installed: run from a checkout by
an interpreter that cannot import it (as `pulumi preview --policy-pack` with the pack's own virtualenv), the
pack's __main__.py falls back to the checkout."""

import subprocess
import sys
import sysconfig

from aws_logging_baseline.offline.crossguard import PolicyPackProcess
from tests.policies.conftest import PACK_DIR, run_case


def test_pack_runs_from_the_checkout_when_the_package_is_not_installed(tmp_path):
    # -S: no site processing, so the editable install's .pth finder is not active; third-party packages
    # (pulumi_policy, grpc, yaml) stay importable through PYTHONPATH.
    python = tmp_path / "python-without-the-package"
    python.write_text(f'#!/bin/sh\nPYTHONPATH={sysconfig.get_paths()["purelib"]} exec {sys.executable} -S "$@"\n')
    python.chmod(0o755)
    probe = subprocess.run([str(python), "-c", "import aws_logging_baseline"], cwd=tmp_path, capture_output=True, text=True)
    assert probe.returncode != 0 and "No module named 'aws_logging_baseline'" in probe.stderr
    with PolicyPackProcess(PACK_DIR, python=str(python)) as pack:
        found = [v for v in pack.check(run_case("delivery-no-acl-check")).violations if v.policy == "log-delivery-paths-allowed"]
    assert len(found) == 1 and "s3:GetBucketAcl" in found[0].message
