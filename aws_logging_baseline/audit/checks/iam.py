"""IAM, account-wide: the credential report (root MFA and keys, console users without MFA, old or unused
credentials) and the password policy. Thresholds follow CIS AWS Foundations v1.4.0 section 1."""

import csv
import io
import time
from datetime import datetime, timedelta, timezone

from botocore.exceptions import ClientError

from aws_logging_baseline.audit.checks.guard import error_code, guarded
from aws_logging_baseline.audit.findings import GLOBAL, Finding, failed, passed, unknown

MAX_AGE = timedelta(days=90)
MIN_PASSWORD_LENGTH, MIN_REUSE_PREVENTION = 14, 24
REPORT_CONTROLS = ["root-account-mfa-enabled", "iam-root-access-key-check", "mfa-enabled-for-iam-console-access",
                   "access-keys-rotated", "iam-user-unused-credentials-check"]
NOT_READY = {"ReportNotPresent", "ReportInProgress", "ReportExpired"}


def credential_report(iam, wait_seconds: float = 60.0) -> list[dict[str, str]]:
    """Ask for a report (AWS reuses one younger than four hours) and poll until it is built, usually seconds."""
    deadline = time.monotonic() + wait_seconds
    iam.generate_credential_report()
    while True:
        try:
            content = iam.get_credential_report()["Content"]
            return list(csv.DictReader(io.StringIO(content.decode() if isinstance(content, bytes) else content)))
        except ClientError as exc:
            if error_code(exc) not in NOT_READY or time.monotonic() > deadline:
                raise
        time.sleep(1)


def _date(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:  # "N/A", "no_information", "not_supported"
        return None


def _old(value: str | None, now: datetime) -> bool:
    when = _date(value)
    return when is not None and now - when > MAX_AGE


def _user_findings(users: list[dict[str, str]], now: datetime) -> list[Finding]:
    console, rotated, unused = [], [], []
    for row in users:
        arn = row["arn"]
        if row["password_enabled"] == "true":
            if row["mfa_active"] != "true":
                console.append(failed(REPORT_CONTROLS[2], GLOBAL, arn, f"user {row['user']} has a console password "
                                                                       "and no MFA; assign an MFA device"))
            last = _date(row["password_last_used"]) and row["password_last_used"]
            if _old(last or row["password_last_changed"] or row["user_creation_time"], now):
                unused.append(failed(REPORT_CONTROLS[4], GLOBAL, arn, f"user {row['user']}'s password unused for over "
                                                                      "90 days; remove the console password"))
        for n in ("1", "2"):
            if row[f"access_key_{n}_active"] != "true":
                continue
            if _old(row[f"access_key_{n}_last_rotated"], now):
                rotated.append(failed(REPORT_CONTROLS[3], GLOBAL, arn, f"user {row['user']}'s access key {n} was "
                                      f"created {row[f'access_key_{n}_last_rotated'][:10]}; rotate it"))
            last = _date(row[f"access_key_{n}_last_used_date"]) and row[f"access_key_{n}_last_used_date"]
            if _old(last or row[f"access_key_{n}_last_rotated"], now):
                unused.append(failed(REPORT_CONTROLS[4], GLOBAL, arn, f"user {row['user']}'s access key {n} unused "
                                                                      "for over 90 days; deactivate and delete it"))
    count = len(users)
    return (console or [passed(REPORT_CONTROLS[2], GLOBAL, "account", f"{count} user(s): every console user has MFA")]) \
        + (rotated or [passed(REPORT_CONTROLS[3], GLOBAL, "account", f"{count} user(s): no active key older than 90 days")]) \
        + (unused or [passed(REPORT_CONTROLS[4], GLOBAL, "account", f"{count} user(s): no credential unused for 90 days")])


def _root_findings(root: dict[str, str] | None) -> list[Finding]:
    if root is None:
        return [unknown(c, GLOBAL, "root", "credential report has no <root_account> row") for c in REPORT_CONTROLS[:2]]
    arn = root["arn"]
    mfa = (passed(REPORT_CONTROLS[0], GLOBAL, arn, "root user has MFA") if root["mfa_active"] == "true"
           else failed(REPORT_CONTROLS[0], GLOBAL, arn, "root user has no MFA; sign in as root and assign a device"))
    keys = [n for n in ("1", "2") if root[f"access_key_{n}_active"] == "true"]
    key = (failed(REPORT_CONTROLS[1], GLOBAL, arn, f"root user has active access key(s) {', '.join(keys)}; delete them")
           if keys else passed(REPORT_CONTROLS[1], GLOBAL, arn, "root user has no active access keys"))
    return [mfa, key]


def _password_policy(iam) -> list[Finding]:
    control = "iam-password-policy"
    try:
        policy = iam.get_account_password_policy()["PasswordPolicy"]
    except ClientError as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        return [failed(control, GLOBAL, "account", "no account password policy; set one "
                                                   f"(length >= {MIN_PASSWORD_LENGTH}, reuse prevention {MIN_REUSE_PREVENTION})")]
    problems = []
    if policy.get("MinimumPasswordLength", 0) < MIN_PASSWORD_LENGTH:
        problems.append(f"MinimumPasswordLength {policy.get('MinimumPasswordLength')} < {MIN_PASSWORD_LENGTH}")
    if policy.get("PasswordReusePrevention", 0) < MIN_REUSE_PREVENTION:
        problems.append(f"PasswordReusePrevention {policy.get('PasswordReusePrevention', 'unset')} < {MIN_REUSE_PREVENTION}")
    if problems:
        return [failed(control, GLOBAL, "account", "; ".join(problems) + "; update the password policy")]
    return [passed(control, GLOBAL, "account", "password policy meets CIS length and reuse prevention")]


def check_iam(ctx) -> list[Finding]:
    def report() -> list[Finding]:
        rows = credential_report(ctx.client("iam", ctx.home_region))
        root = next((r for r in rows if r["user"] == "<root_account>"), None)
        users = [r for r in rows if r["user"] != "<root_account>"]
        return _root_findings(root) + _user_findings(users, datetime.now(timezone.utc))

    return (guarded(REPORT_CONTROLS, GLOBAL, "account", report)
            + guarded(["iam-password-policy"], GLOBAL, "account",
                      lambda: _password_policy(ctx.client("iam", ctx.home_region))))
