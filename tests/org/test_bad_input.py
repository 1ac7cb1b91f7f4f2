"""Bad organization input, tried as a new user would: one clear line naming the key, exit 2."""

import subprocess
import sys

import pytest

from tests.engine_helpers import REPO
from tests.org.org_helpers import ORG_PROGRAM, account_fixture


def preview(stack: str, *config: str) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "aws_logging_baseline", "preview", "--program", str(ORG_PROGRAM), "--stack", stack,
            "--account", str(account_fixture(stack)), "--no-tree"]
    for item in config:
        args += ["-c", item]
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "stack, config, message",
    [
        ("member", ["baseline:logArchiveStack="],
         "baseline:logArchiveStack: a member account needs the log-archive bucket: set logArchiveStack or logArchiveBucket and logArchiveKeyArn"),
        ("management", ["baseline:organizationId="],
         "baseline:organizationId: required for role management (the o-... id of your AWS Organization)"),
        ("management", ["baseline:securityAccountId=111111111111"],
         "baseline:securityAccountId: must differ from the management account 111111111111"),
        ("member", ["baseline:organizationId=o-zzzzzzzzzz"],
         "baseline:organizationId: o-zzzzzzzzzz is set, but this account belongs to organization o-a1b2c3d4e5"),
        ("member", ["baseline:logArchiveStack=acme/org-baseline/prod"],
         "stackOutputs: no outputs for stack reference 'acme/org-baseline/prod'"),
        ("security", ["baseline:managementAccountId="],
         "baseline:managementAccountId: required for role security"),
        ("member", ["baseline:logArchiveBucket=central-logs"],
         "baseline:logArchiveStack: set either logArchiveStack or logArchiveBucket and logArchiveKeyArn, not both"),
        ("security", ["baseline:alertEmails=[]"],
         "baseline:alertEmails: at least one address is required so that alarms and security events reach someone "
         "(or set baseline:alertHttpsEndpoints)"),
    ],
)
def test_bad_organization_input_is_one_line_and_exit_2(stack, config, message):
    done = preview(stack, *config)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_standalone_settings_refuse_organization_keys():
    from aws_logging_baseline.components.settings import SettingsError, load_settings

    with pytest.raises(SettingsError) as caught:
        load_settings({"baseline:organizationId": "o-a1b2c3d4e5"})
    assert caught.value.problems == [
        "baseline:organizationId: only used with an organization role (log-archive, management, security, member), role is 'standalone'"
    ]
