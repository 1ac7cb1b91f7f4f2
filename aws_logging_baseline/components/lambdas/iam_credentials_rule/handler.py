"""Custom AWS Config rule: IAM credential hygiene from the IAM credential report.

Periodic rule, deployed in the home Region only (IAM is global). On each run it
generates and reads the IAM credential report and reports, via
``config:PutEvaluations``:

* the root user (``AWS::::Account``, id = account id): NON_COMPLIANT when it has an
  active access key or no MFA;
* every IAM user (``AWS::IAM::User``, id = the user's stable id ``AIDA...``, the
  ``resourceId`` AWS Config records for IAM users): NON_COMPLIANT when it has a
  console password without MFA, an active access key older than
  ``maxAccessKeyAgeDays``, or a credential (password or active key) unused for
  more than ``maxCredentialUnusedDays``; COMPLIANT otherwise.

The logic is small pure functions (parameters, CSV parsing, row evaluation,
batching); only ``fetch_credential_report``, ``list_user_ids``,
``send_evaluations`` and ``handler`` touch AWS, through clients that tests inject.
Runs on AWS Lambda's Python 3.12 runtime with its bundled boto3; standard library
otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Mapping, Sequence

import boto3
from botocore.exceptions import ClientError

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)

ROOT_ROW_USER = "<root_account>"
ACCOUNT_RESOURCE_TYPE = "AWS::::Account"
USER_RESOURCE_TYPE = "AWS::IAM::User"
COMPLIANT = "COMPLIANT"
NON_COMPLIANT = "NON_COMPLIANT"

DEFAULT_MAX_ACCESS_KEY_AGE_DAYS = 90
DEFAULT_MAX_CREDENTIAL_UNUSED_DAYS = 90
# The only parameters this rule accepts, with their defaults.
PARAMETER_DEFAULTS: dict[str, int] = {
    "maxAccessKeyAgeDays": DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
    "maxCredentialUnusedDays": DEFAULT_MAX_CREDENTIAL_UNUSED_DAYS,
}

MAX_ANNOTATION_LENGTH = 256  # PutEvaluations limit
MAX_EVALUATIONS_PER_CALL = 100  # PutEvaluations limit

# Credential report generation: bounded wait (attempts x delay seconds).
REPORT_ATTEMPTS = 10
REPORT_RETRY_DELAY_SECONDS = 3.0
# GetCredentialReport error codes after which regenerating and retrying helps.
RETRYABLE_REPORT_ERRORS = frozenset({"ReportNotPresent", "ReportExpired", "ReportInProgress"})

# PutEvaluations throttling: retried with exponential backoff (delay doubles each attempt), then the run fails
# (Lambda's Errors metric raises the rule's alarm). Config API throttling surfaces as ThrottlingException.
PUT_ATTEMPTS = 5
PUT_RETRY_BASE_DELAY_SECONDS = 1.0
THROTTLING_ERRORS = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"})

# Values the credential report uses for "no timestamp".
_NO_DATE = frozenset({"", "N/A", "no_information", "not_supported"})

REQUIRED_COLUMNS = (
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
)


class RuleParameterError(ValueError):
    """The rule's ``ruleParameters`` are invalid; the message names the parameter."""


class CredentialReportError(RuntimeError):
    """The credential report could not be obtained or is malformed."""


class EvaluationDeliveryError(RuntimeError):
    """AWS Config rejected some evaluations."""


@dataclass(frozen=True)
class RuleParameters:
    max_access_key_age_days: int = DEFAULT_MAX_ACCESS_KEY_AGE_DAYS
    max_credential_unused_days: int = DEFAULT_MAX_CREDENTIAL_UNUSED_DAYS


# --------------------------------------------------------------------------- pure functions


def parse_rule_parameters(raw: str | Mapping[str, Any] | None) -> RuleParameters:
    """Validate ``ruleParameters`` (a JSON string whose values are strings)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        values: Mapping[str, Any] = {}
    elif isinstance(raw, str):
        try:
            values = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RuleParameterError(f"ruleParameters is not valid JSON: {exc}") from None
    else:
        values = raw
    if not isinstance(values, Mapping):
        raise RuleParameterError("ruleParameters must be a JSON object")
    unknown = sorted(set(values) - set(PARAMETER_DEFAULTS))
    if unknown:
        raise RuleParameterError(
            f"unknown rule parameter(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(PARAMETER_DEFAULTS)}"
        )
    parsed = {key: _positive_int(key, values.get(key, default)) for key, default in PARAMETER_DEFAULTS.items()}
    return RuleParameters(
        max_access_key_age_days=parsed["maxAccessKeyAgeDays"],
        max_credential_unused_days=parsed["maxCredentialUnusedDays"],
    )


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        number = None
    if number is None or number < 1:
        raise RuleParameterError(f"rule parameter {key} must be a positive whole number of days, got {value!r}")
    return number


def parse_report_time(value: str | None) -> datetime | None:
    """A credential report timestamp as an aware UTC datetime; None for N/A and friends."""
    if value is None or value.strip() in _NO_DATE:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise CredentialReportError(f"unexpected timestamp {value!r} in credential report") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def parse_credential_report(content: bytes | str) -> list[dict[str, str]]:
    """The credential report CSV as a list of row dicts keyed by column name."""
    text = content.decode("utf-8") if isinstance(content, (bytes, bytearray)) else content
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise CredentialReportError(f"credential report lacks column(s): {', '.join(missing)}")
    return [dict(row) for row in reader]


def account_id_from_arn(arn: str) -> str:
    """``arn:aws:iam::123456789012:root`` -> ``123456789012``."""
    parts = arn.split(":")
    if len(parts) < 6 or not parts[4].isdigit():
        raise CredentialReportError(f"cannot read an account id from ARN {arn!r}")
    return parts[4]


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _days(delta: timedelta) -> int:
    return delta.days


def root_problems(row: Mapping[str, str]) -> list[str]:
    """What is wrong with the root user's row (empty when compliant)."""
    problems = [
        f"root user has active access key {n}" for n in (1, 2) if _is_true(row.get(f"access_key_{n}_active"))
    ]
    if not _is_true(row.get("mfa_active")):
        problems.append("root user has no MFA")
    return problems


def user_problems(row: Mapping[str, str], params: RuleParameters, now: datetime) -> list[str]:
    """What is wrong with one IAM user's row (empty when compliant).

    "Older than N days" means more than N x 24 hours before ``now``. A credential
    that was never used counts from its creation (password: last changed, else the
    user's creation; key: last rotated).
    """
    key_age_limit = timedelta(days=params.max_access_key_age_days)
    unused_limit = timedelta(days=params.max_credential_unused_days)
    unused_days = params.max_credential_unused_days
    problems: list[str] = []
    user_created = parse_report_time(row.get("user_creation_time"))

    if _is_true(row.get("password_enabled")):
        if not _is_true(row.get("mfa_active")):
            problems.append("console password without MFA")
        last_used = parse_report_time(row.get("password_last_used"))
        if last_used is not None:
            if now - last_used > unused_limit:
                problems.append(f"password unused for {_days(now - last_used)} days (max {unused_days})")
        else:
            since = parse_report_time(row.get("password_last_changed")) or user_created
            if since is not None and now - since > unused_limit:
                problems.append(f"password never used, set {_days(now - since)} days ago (max {unused_days})")

    for n in (1, 2):
        if not _is_true(row.get(f"access_key_{n}_active")):
            continue
        rotated = parse_report_time(row.get(f"access_key_{n}_last_rotated"))
        if rotated is not None and now - rotated > key_age_limit:
            problems.append(
                f"access key {n} is {_days(now - rotated)} days old (max {params.max_access_key_age_days})"
            )
        last_used = parse_report_time(row.get(f"access_key_{n}_last_used_date"))
        if last_used is not None:
            if now - last_used > unused_limit:
                problems.append(f"access key {n} unused for {_days(now - last_used)} days (max {unused_days})")
        else:
            since = rotated or user_created
            if since is not None and now - since > unused_limit:
                problems.append(
                    f"access key {n} never used, created {_days(now - since)} days ago (max {unused_days})"
                )
    return problems


def annotation(problems: Sequence[str]) -> str:
    """Problems joined into one annotation of at most 256 characters."""
    text = "; ".join(problems)
    if len(text) > MAX_ANNOTATION_LENGTH:
        text = text[: MAX_ANNOTATION_LENGTH - 3] + "..."
    return text


def build_evaluation(
    resource_type: str, resource_id: str, problems: Sequence[str], ordering_timestamp: datetime
) -> dict[str, Any]:
    evaluation: dict[str, Any] = {
        "ComplianceResourceType": resource_type,
        "ComplianceResourceId": resource_id,
        "ComplianceType": NON_COMPLIANT if problems else COMPLIANT,
        "OrderingTimestamp": ordering_timestamp,
    }
    if problems:
        evaluation["Annotation"] = annotation(problems)
    return evaluation


def evaluate_report(
    rows: Iterable[Mapping[str, str]],
    user_ids: Mapping[str, str],
    params: RuleParameters,
    now: datetime,
    ordering_timestamp: datetime,
    account_id: str | None = None,
) -> list[dict[str, Any]]:
    """One evaluation per credential report row, in report order.

    ``user_ids`` maps user name -> UserId (from iam:ListUsers). A row whose user
    no longer exists (the report can be up to four hours old) is skipped. A row
    that cannot be read (a malformed timestamp or ARN) makes that one user
    NON_COMPLIANT with the reason: its credentials cannot be verified, and the
    other rows are still evaluated. ``account_id`` (the invoking event's) names the
    root row when its ARN is unreadable.
    """
    evaluations = []
    for row in rows:
        name = row.get("user", "")
        if name == ROOT_ROW_USER:
            try:
                root_id = account_id_from_arn(row.get("arn", ""))
            except CredentialReportError as exc:
                if not account_id:
                    LOG.error("skipping the root row: %s", exc)
                    continue
                evaluations.append(_unreadable(ACCOUNT_RESOURCE_TYPE, account_id, exc, ordering_timestamp))
                continue
            evaluations.append(build_evaluation(ACCOUNT_RESOURCE_TYPE, root_id, root_problems(row), ordering_timestamp))
            continue
        user_id = user_ids.get(name)
        if user_id is None:
            LOG.warning("skipping %s: in the credential report but not in iam:ListUsers", name)
            continue
        try:
            problems = user_problems(row, params, now)
        except CredentialReportError as exc:
            evaluations.append(_unreadable(USER_RESOURCE_TYPE, user_id, exc, ordering_timestamp))
            continue
        evaluations.append(build_evaluation(USER_RESOURCE_TYPE, user_id, problems, ordering_timestamp))
    return evaluations


def _unreadable(resource_type: str, resource_id: str, error: Exception, ordering_timestamp: datetime) -> dict[str, Any]:
    LOG.error("credential report row of %s %s is unreadable: %s", resource_type, resource_id, error)
    return build_evaluation(
        resource_type, resource_id, [f"credential report row unreadable, credentials not verified: {error}"], ordering_timestamp
    )


def batches(items: Sequence[Any], size: int = MAX_EVALUATIONS_PER_CALL) -> list[list[Any]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def parse_invoking_event(event: Mapping[str, Any]) -> datetime:
    """Check the event is a periodic notification; return its notificationCreationTime."""
    raw = event.get("invokingEvent")
    if not raw:
        raise ValueError("event has no invokingEvent")
    try:
        invoking = json.loads(raw) if isinstance(raw, str) else dict(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invokingEvent is not valid JSON: {exc}") from None
    message_type = invoking.get("messageType")
    if message_type != "ScheduledNotification":
        raise ValueError(f"this rule is periodic: expected messageType ScheduledNotification, got {message_type!r}")
    created = invoking.get("notificationCreationTime")
    stamp = parse_report_time(created) if isinstance(created, str) else None
    if stamp is None:
        raise ValueError(f"invokingEvent has no valid notificationCreationTime: {created!r}")
    return stamp


# --------------------------------------------------------------------------- AWS calls


def fetch_credential_report(
    iam: Any,
    *,
    attempts: int = REPORT_ATTEMPTS,
    delay: float = REPORT_RETRY_DELAY_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """Generate the credential report and return its CSV content (bounded wait)."""
    last_state = None
    for attempt in range(1, attempts + 1):
        last_state = iam.generate_credential_report().get("State")
        if last_state == "COMPLETE":
            try:
                response = iam.get_credential_report()
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code not in RETRYABLE_REPORT_ERRORS:
                    raise
                last_state = code
            else:
                if response.get("ReportFormat", "text/csv") != "text/csv":
                    raise CredentialReportError(f"unexpected report format {response.get('ReportFormat')!r}")
                return response["Content"]
        if attempt < attempts:
            sleep(delay)
    raise CredentialReportError(
        f"credential report not ready after {attempts} attempts "
        f"({(attempts - 1) * delay:g}s); last state {last_state}"
    )


def list_user_ids(iam: Any) -> dict[str, str]:
    """User name -> UserId for every IAM user (iam:ListUsers, paginated)."""
    ids: dict[str, str] = {}
    for page in iam.get_paginator("list_users").paginate():
        for user in page.get("Users", []):
            ids[user["UserName"]] = user["UserId"]
    return ids


def send_evaluations(
    config: Any,
    evaluations: Sequence[Mapping[str, Any]],
    result_token: str,
    *,
    attempts: int = PUT_ATTEMPTS,
    base_delay: float = PUT_RETRY_BASE_DELAY_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """PutEvaluations in batches of at most 100; returns the number of calls made (retries included).

    A throttled batch is retried after base_delay, 2 x base_delay, ... up to `attempts` tries; any other
    error, or throttling that outlasts the tries, propagates (the run fails and the Errors alarm fires)."""
    failed: list[Any] = []
    calls = 0
    for batch in batches(evaluations):
        for attempt in range(1, attempts + 1):
            calls += 1
            try:
                response = config.put_evaluations(Evaluations=batch, ResultToken=result_token)
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code not in THROTTLING_ERRORS or attempt == attempts:
                    raise
                LOG.warning("PutEvaluations throttled (%s), attempt %d of %d", code, attempt, attempts)
                sleep(base_delay * 2 ** (attempt - 1))
                continue
            failed.extend(response.get("FailedEvaluations") or [])
            break
    if failed:
        raise EvaluationDeliveryError(f"AWS Config rejected {len(failed)} evaluation(s): {failed[:5]}")
    return calls


def handler(
    event: Mapping[str, Any],
    context: Any = None,
    *,
    iam: Any = None,
    config: Any = None,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Lambda entry point. Keyword arguments exist for tests only."""
    ordering_timestamp = parse_invoking_event(event)
    params = parse_rule_parameters(event.get("ruleParameters"))
    result_token = event.get("resultToken")
    if not result_token:
        raise ValueError("event has no resultToken")
    if now is None:
        now = datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")

    iam = iam or boto3.client("iam")
    config = config or boto3.client("config")

    rows = parse_credential_report(fetch_credential_report(iam, sleep=sleep))
    user_ids = list_user_ids(iam)
    evaluations = evaluate_report(rows, user_ids, params, now, ordering_timestamp, account_id=event.get("accountId"))
    calls = send_evaluations(config, evaluations, result_token, sleep=sleep)
    non_compliant = sum(1 for e in evaluations if e["ComplianceType"] == NON_COMPLIANT)
    LOG.info("sent %d evaluations (%d non-compliant) in %d call(s)", len(evaluations), non_compliant, calls)
    return {"evaluations": len(evaluations), "nonCompliant": non_compliant, "calls": calls}
