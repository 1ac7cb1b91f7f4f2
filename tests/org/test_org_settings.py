"""The organization settings: what each role requires, with the exact message a user sees."""

import pytest
import yaml

from aws_logging_baseline.errors import UserError
from aws_logging_baseline.components.settings import load_settings
from tests.org.org_helpers import account_fixture, run_role
from tests.settings_helpers import settings_problems as problems

BASE = {"organizationId": "o-a1b2c3d4e5", "managementAccountId": "111111111111", "securityAccountId": "333333333333",
        "logArchiveStack": "acme/org-baseline/log-archive"}



@pytest.mark.parametrize(
    "config, message",
    [
        ({"role": "auditor"}, "baseline:role: must be one of standalone, log-archive, management, security, member, got 'auditor'"),
        ({**BASE, "role": "member", "organizationId": "o-1"}, "baseline:organizationId: must look like o-abcdefghij, got 'o-1'"),
        ({**BASE, "role": "security", "managementAccountId": "1111"}, "baseline:managementAccountId: must be a 12-digit account id, got '1111'"),
        ({**BASE, "role": "log-archive", "managementAccountId": "", "logArchiveStack": ""},
         "baseline:managementAccountId: required for role log-archive (the organization trail lives there)"),
        ({**BASE, "role": "management", "securityAccountId": ""},
         "baseline:securityAccountId: required for role management (the delegated administrator account)"),
        ({**BASE, "role": "member", "logArchiveStack": "log-archive"},
         "baseline:logArchiveStack: must be a stack name org/project/stack, got 'log-archive'"),
        ({**BASE, "role": "member", "logArchiveStack": "", "logArchiveBucket": "central-logs"},
         "baseline:logArchiveStack: a member account needs the log-archive bucket: set logArchiveStack or logArchiveBucket and logArchiveKeyArn"),
        ({**BASE, "role": "member", "logArchiveStack": "", "logArchiveBucket": "b", "logArchiveKeyArn": "arn:aws:kms:eu-west-1:222222222222:key/abc"},
         "baseline:logArchiveKeyArn: must be the ARN of a KMS key in homeRegion us-east-1"),
        ({**BASE, "role": "log-archive"}, "baseline:logArchiveStack: only used by roles member, management and security"),
        ({"logArchiveBucket": "central-logs"},
         "baseline:logArchiveBucket: only used with an organization role (log-archive, management, security, member), role is 'standalone'"),
    ],
)
def test_organization_setting_rules(config, message):
    assert message in problems(**config)


def test_each_role_accepts_its_minimal_settings():
    assert load_settings({"baseline:role": "log-archive", "baseline:organizationId": "o-a1b2c3d4e5",
                          "baseline:managementAccountId": "111111111111", "baseline:securityAccountId": "333333333333"}).role == "log-archive"
    # Without GuardDuty's findings export the log-archive account need not know the security account.
    assert load_settings({"baseline:role": "log-archive", "baseline:organizationId": "o-a1b2c3d4e5",
                          "baseline:managementAccountId": "111111111111", "baseline:guardDutyExportFindings": "false"}).role == "log-archive"
    member = load_settings({"baseline:role": "member", "baseline:organizationId": "o-a1b2c3d4e5",
                            "baseline:logArchiveStack": "acme/org-baseline/log-archive"})
    assert member.org_trail_exists is True and member.management_account_id == ""


@pytest.mark.parametrize("role, key, expected", [("management", "managementAccountId", "111111111111"),
                                                 ("security", "securityAccountId", "333333333333")])
def test_management_and_security_stacks_must_run_in_their_account(role, key, expected):
    with pytest.raises(UserError) as caught:
        run_role(role, account_fixture("member"))
    assert f"baseline:{key}: is {expected}, but this {role} stack runs in account 444444444444" in str(caught.value)


def test_a_log_archive_stack_without_its_outputs_is_named(tmp_path):
    doc = yaml.safe_load(account_fixture("member").read_text())
    del doc["stackOutputs"]["acme/org-baseline/log-archive"]["archiveKeyArn"]
    fixture = tmp_path / "member.yaml"
    fixture.write_text(yaml.safe_dump(doc))
    with pytest.raises(UserError) as caught:
        run_role("member", fixture)
    assert ("baseline:logArchiveStack: stack acme/org-baseline/log-archive has no output 'archiveKeyArn'; "
            "is it a stack of role log-archive?") in str(caught.value)
