"""Issue 18 bad input through the real command line: one line naming the key, exit 2, no traceback."""

import pytest

from tests.cli_helpers import assert_one_line_error, cli
from tests.engine_helpers import REPO

ORG = REPO / "examples" / "org"


@pytest.mark.parametrize("config, message", [
    ("baseline:guardDutyProtectionPlans=[\"s3-data-events\",\"malware-everywhere\"]",
     "baseline:guardDutyProtectionPlans: unknown plan(s) malware-everywhere; known: s3-data-events, eks-audit-logs"),
    ("baseline:accessAnalyzerUnusedAccessDays=400",
     "baseline:accessAnalyzerUnusedAccessDays: must be 0 (off) or 1 to 365 days (AWS's range), got 400"),
    ("baseline:accessAnalyzerUnusedAccessDays=-1",
     "baseline:accessAnalyzerUnusedAccessDays: must be 0 (off) or 1 to 365 days (AWS's range), got -1"),
    ("baseline:guardDutyFindingPublishingFrequency=HOURLY",
     "baseline:guardDutyFindingPublishingFrequency: must be one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS, got 'HOURLY'"),
    ("baseline:securityHubStandards=[\"cis-9\"]", "baseline:securityHubStandards: unknown standard(s) cis-9"),
    ("baseline:accessAnalyzerZoneOfTrust=ORGANIZATION",
     "baseline:accessAnalyzerZoneOfTrust: ORGANIZATION needs an organization role"),
])
def test_standalone_detective_settings(capsys, config, message):
    code, _, err = cli(capsys, "preview", "--program", str(REPO), "--stack", "example", "--config", config, "--no-tree")
    assert_one_line_error(code, err, message)


def test_guardduty_export_without_the_exporting_account_in_the_log_archive(capsys, tmp_path):
    # The log-archive stack must name the account whose detectors write into it (the security account).
    stack = (ORG / "Pulumi.log-archive.yaml").read_text().replace('  baseline:securityAccountId: "333333333333"\n', "")
    program = tmp_path / "org"
    program.mkdir()
    for f in ("Pulumi.yaml", "__main__.py"):
        (program / f).write_text((ORG / f).read_text())
    (program / "Pulumi.log-archive.yaml").write_text(stack)
    code, _, err = cli(capsys, "preview", "--program", str(program), "--stack", "log-archive",
                       "--account", str(ORG / "accounts" / "log-archive.yaml"), "--no-tree")
    assert_one_line_error(code, err, "baseline:securityAccountId: required for role log-archive while guardDutyExportFindings is true")
