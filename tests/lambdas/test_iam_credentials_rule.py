"""Tests for the custom Config rule Lambda components/lambdas/iam_credentials_rule/handler.py.

The IAM side is moto's real IAM backend and credential report. Key and user ages
come from moto's own clock, which is pinned (``moto_clock``) while objects are
created; the handler gets a fixed, injected ``now``. PutEvaluations (which moto only
implements in TestMode) is captured on a real config client with botocore's Stubber.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam.models import iam_backends

HANDLER_PATH = Path(__file__).resolve().parents[2] / "aws_logging_baseline" / "components" / "lambdas" / "iam_credentials_rule" / "handler.py"


def _load_handler():
    spec = importlib.util.spec_from_file_location("iam_credentials_rule_handler", HANDLER_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


rule = _load_handler()

REGION = "us-east-1"
TOKEN = "result-token-123"
NOW = datetime(2024, 7, 1, 12, 0, 0, tzinfo=timezone.utc)
OLD = datetime(2024, 1, 1, 0, 0, 0)  # 182 days before NOW (moto's clock is naive UTC)
RECENT = datetime(2024, 6, 20, 0, 0, 0)  # 11 days before NOW
NOTIFICATION_TIME = "2024-07-01T11:59:30.123Z"
ORDERING = datetime(2024, 7, 1, 11, 59, 30, 123000, tzinfo=timezone.utc)


def periodic_event(rule_parameters: str | None = '{"maxAccessKeyAgeDays": "90", "maxCredentialUnusedDays": "90"}'):
    event = {
        "invokingEvent": json.dumps(
            {"messageType": "ScheduledNotification", "notificationCreationTime": NOTIFICATION_TIME}
        ),
        "resultToken": TOKEN,
        "accountId": DEFAULT_ACCOUNT_ID,
        "configRuleName": "iam-credentials",
    }
    if rule_parameters is not None:
        event["ruleParameters"] = rule_parameters
    return event


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@contextmanager
def moto_clock(at: datetime):
    """Pin moto's IAM clock: users, keys, MFA and key use get this timestamp."""
    with mock.patch("moto.iam.models.utcnow", return_value=at):
        yield


@pytest.fixture
def aws():
    with mock_aws():
        yield boto3.client("iam", region_name=REGION)


class ConfigCapture:
    """A real config client whose PutEvaluations calls are stubbed and recorded."""

    def __init__(self):
        self.client = boto3.client("config", region_name=REGION)
        self.stubber = Stubber(self.client)
        self.calls: list[dict] = []
        self.client.meta.events.register(
            "before-parameter-build.config.PutEvaluations",
            lambda params, **_: self.calls.append(copy.deepcopy(params)),
        )

    def expect(self, expected_params=None, failed=()):
        self.stubber.add_response("put_evaluations", {"FailedEvaluations": list(failed)}, expected_params)


@pytest.fixture
def config():
    capture = ConfigCapture()
    with capture.stubber:
        yield capture
        capture.stubber.assert_no_pending_responses()


class RecordingSleep:
    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds):
        self.calls.append(seconds)


def use_key(key: dict, at: datetime):
    """Sign a request with the key: moto records it as the key's last use."""
    with moto_clock(at):
        boto3.client(
            "sts",
            region_name=REGION,
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
        ).get_caller_identity()


def enable_mfa(iam, user: str):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{user}-mfa")["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName=user,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )


def user_id(iam, name: str) -> str:
    return iam.get_user(UserName=name)["User"]["UserId"]


def build_users(iam):
    """The account every end-to-end test starts from (creation order = report order)."""
    with moto_clock(RECENT):
        # alice: console + MFA, recent key used recently -> COMPLIANT
        iam.create_user(UserName="alice")
        iam.create_login_profile(UserName="alice", Password="Pa55word!alice")
        enable_mfa(iam, "alice")
        alice_key = iam.create_access_key(UserName="alice")["AccessKey"]
        # bob: console password, no MFA -> NON_COMPLIANT
        iam.create_user(UserName="bob")
        iam.create_login_profile(UserName="bob", Password="Pa55word!bob")
    use_key(alice_key, RECENT)
    with moto_clock(OLD):
        # carol: old key, never used
        iam.create_user(UserName="carol")
        iam.create_access_key(UserName="carol")
        # dave: old key, used recently
        iam.create_user(UserName="dave")
        dave_key = iam.create_access_key(UserName="dave")["AccessKey"]
        # erin: old key 1 deactivated, key 2 added recently (below) and used
        iam.create_user(UserName="erin")
        erin_old = iam.create_access_key(UserName="erin")["AccessKey"]
        iam.update_access_key(UserName="erin", AccessKeyId=erin_old["AccessKeyId"], Status="Inactive")
        # frank: console + MFA since long ago, password never used
        iam.create_user(UserName="frank")
        iam.create_login_profile(UserName="frank", Password="Pa55word!frank")
        enable_mfa(iam, "frank")
        # hank: console + MFA, password last used long ago
        iam.create_user(UserName="hank")
        iam.create_login_profile(UserName="hank", Password="Pa55word!hank")
        enable_mfa(iam, "hank")
    use_key(dave_key, RECENT)
    with moto_clock(RECENT):
        erin_new = iam.create_access_key(UserName="erin")["AccessKey"]
        # gina: no credentials at all
        iam.create_user(UserName="gina")
    use_key(erin_new, RECENT)
    # moto documents User.password_last_used as the way to set this (getmoto/moto#5927)
    iam_backends[DEFAULT_ACCOUNT_ID]["aws"].users["hank"].password_last_used = OLD + timedelta(days=2)


def user_eval(iam, name, problems=None):
    evaluation = {
        "ComplianceResourceType": "AWS::IAM::User",
        "ComplianceResourceId": user_id(iam, name),
        "ComplianceType": "NON_COMPLIANT" if problems else "COMPLIANT",
        "OrderingTimestamp": ORDERING,
    }
    if problems:
        evaluation["Annotation"] = problems
    return evaluation


# --------------------------------------------------------------------------- end to end (moto IAM)


def test_every_user_is_evaluated_from_motos_credential_report(aws, config):
    iam = aws
    build_users(iam)
    config.expect()
    sleep = RecordingSleep()

    result = rule.handler(periodic_event(), None, iam=iam, config=config.client, now=NOW, sleep=sleep)

    assert len(config.calls) == 1
    call = config.calls[0]
    assert call["ResultToken"] == TOKEN
    by_id = {e["ComplianceResourceId"]: e for e in call["Evaluations"]}
    assert len(by_id) == len(call["Evaluations"]) == 8

    assert by_id[user_id(iam, "alice")] == user_eval(iam, "alice")
    assert by_id[user_id(iam, "bob")] == user_eval(iam, "bob", "console password without MFA")
    assert by_id[user_id(iam, "carol")] == user_eval(
        iam,
        "carol",
        "access key 1 is 182 days old (max 90); access key 1 never used, created 182 days ago (max 90)",
    )
    assert by_id[user_id(iam, "dave")] == user_eval(iam, "dave", "access key 1 is 182 days old (max 90)")
    assert by_id[user_id(iam, "erin")] == user_eval(iam, "erin")
    assert by_id[user_id(iam, "frank")] == user_eval(
        iam, "frank", "password never used, set 182 days ago (max 90)"
    )
    assert by_id[user_id(iam, "hank")] == user_eval(iam, "hank", "password unused for 180 days (max 90)")
    assert by_id[user_id(iam, "gina")] == user_eval(iam, "gina")
    # evaluations follow the report's row order
    assert [e["ComplianceResourceId"] for e in call["Evaluations"]] == [
        user_id(iam, n) for n in ("alice", "bob", "carol", "dave", "erin", "frank", "hank", "gina")
    ]
    # moto's report has no <root_account> row, so no account evaluation here
    assert b"<root_account>" not in iam.get_credential_report()["Content"]
    assert all(e["ComplianceResourceType"] == "AWS::IAM::User" for e in call["Evaluations"])
    # moto answers the first GenerateCredentialReport with STARTED: one bounded wait
    assert sleep.calls == [rule.REPORT_RETRY_DELAY_SECONDS]
    assert result == {"evaluations": 8, "nonCompliant": 5, "calls": 1}


def test_thresholds_come_from_rule_parameters(aws, config):
    iam = aws
    build_users(iam)
    config.expect()

    rule.handler(
        periodic_event('{"maxAccessKeyAgeDays": "365", "maxCredentialUnusedDays": "181"}'),
        None,
        iam=iam,
        config=config.client,
        now=NOW,
        sleep=RecordingSleep(),
    )

    by_id = {e["ComplianceResourceId"]: e for e in config.calls[0]["Evaluations"]}
    assert by_id[user_id(iam, "bob")] == user_eval(iam, "bob", "console password without MFA")
    assert by_id[user_id(iam, "carol")] == user_eval(
        iam, "carol", "access key 1 never used, created 182 days ago (max 181)"
    )
    assert by_id[user_id(iam, "dave")] == user_eval(iam, "dave")
    assert by_id[user_id(iam, "frank")] == user_eval(
        iam, "frank", "password never used, set 182 days ago (max 181)"
    )
    assert by_id[user_id(iam, "hank")] == user_eval(iam, "hank")
    for name in ("alice", "erin", "gina"):
        assert by_id[user_id(iam, name)] == user_eval(iam, name)


def test_defaults_apply_when_rule_parameters_are_absent(aws, config):
    iam = aws
    build_users(iam)
    config.expect()
    rule.handler(periodic_event(rule_parameters=None), None, iam=iam, config=config.client, now=NOW, sleep=RecordingSleep())
    by_id = {e["ComplianceResourceId"]: e for e in config.calls[0]["Evaluations"]}
    assert by_id[user_id(iam, "dave")] == user_eval(iam, "dave", "access key 1 is 182 days old (max 90)")


class IamWithRootRow:
    """moto's IAM client, with a real-format <root_account> row put into moto's report.

    moto's credential report has no root row (and moto has no root MFA or root keys),
    so the root row is inserted right after the header; every user row is moto's.
    """

    def __init__(self, iam, root_row: str):
        self._iam = iam
        self._root_row = root_row

    def __getattr__(self, name):
        return getattr(self._iam, name)

    def get_credential_report(self, **kwargs):
        response = self._iam.get_credential_report(**kwargs)
        header, _, rest = response["Content"].decode().partition("\n")
        return {**response, "Content": f"{header}\n{self._root_row}\n{rest}".encode()}


def root_row(account_id: str, *, mfa: str, key1: str, key2: str = "false") -> str:
    return (
        f"<root_account>,arn:aws:iam::{account_id}:root,2019-03-01T10:00:00+00:00,not_supported,"
        f"2024-06-30T08:00:00+00:00,not_supported,not_supported,{mfa},"
        f"{key1},2019-03-01T10:05:00+00:00,2024-06-29T00:00:00+00:00,us-east-1,s3,"
        f"{key2},N/A,N/A,N/A,N/A,false,N/A,false,N/A"
    )


def test_root_with_access_key_and_no_mfa_is_non_compliant(aws, config):
    iam = aws
    account_id = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
    with moto_clock(RECENT):
        iam.create_user(UserName="bob")
        iam.create_login_profile(UserName="bob", Password="Pa55word!bob")
    config.expect(
        {
            "ResultToken": TOKEN,
            "Evaluations": [
                {
                    "ComplianceResourceType": "AWS::::Account",
                    "ComplianceResourceId": account_id,
                    "ComplianceType": "NON_COMPLIANT",
                    "Annotation": "root user has active access key 1; root user has active access key 2; "
                    "root user has no MFA",
                    "OrderingTimestamp": ORDERING,
                },
                user_eval(iam, "bob", "console password without MFA"),
            ],
        }
    )
    wrapped = IamWithRootRow(iam, root_row(account_id, mfa="false", key1="true", key2="true"))
    rule.handler(periodic_event(), None, iam=wrapped, config=config.client, now=NOW, sleep=RecordingSleep())
    assert len(config.calls) == 1


def test_root_with_mfa_and_no_keys_is_compliant(aws, config):
    iam = aws
    account_id = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
    config.expect(
        {
            "ResultToken": TOKEN,
            "Evaluations": [
                {
                    "ComplianceResourceType": "AWS::::Account",
                    "ComplianceResourceId": account_id,
                    "ComplianceType": "COMPLIANT",
                    "OrderingTimestamp": ORDERING,
                }
            ],
        }
    )
    wrapped = IamWithRootRow(iam, root_row(account_id, mfa="true", key1="false"))
    rule.handler(periodic_event(), None, iam=wrapped, config=config.client, now=NOW, sleep=RecordingSleep())


def test_more_than_100_users_are_sent_in_batches(aws, config):
    iam = aws
    with moto_clock(RECENT):
        for n in range(205):
            iam.create_user(UserName=f"user{n:03d}")
    ids = {u["UserName"]: u["UserId"] for u in iam.get_paginator("list_users").paginate().build_full_result()["Users"]}
    assert len(ids) == 205
    expected = [
        {
            "ComplianceResourceType": "AWS::IAM::User",
            "ComplianceResourceId": ids[f"user{n:03d}"],
            "ComplianceType": "COMPLIANT",
            "OrderingTimestamp": ORDERING,
        }
        for n in range(205)
    ]
    for chunk in (expected[:100], expected[100:200], expected[200:]):
        config.expect({"Evaluations": chunk, "ResultToken": TOKEN})

    result = rule.handler(periodic_event(), None, iam=iam, config=config.client, now=NOW, sleep=RecordingSleep())

    assert [len(c["Evaluations"]) for c in config.calls] == [100, 100, 5]
    assert result == {"evaluations": 205, "nonCompliant": 0, "calls": 3}


def test_user_deleted_after_report_generation_is_skipped(aws, config):
    iam = aws
    with moto_clock(RECENT):
        iam.create_user(UserName="keep")
        iam.create_user(UserName="gone")
    iam.generate_credential_report()
    report = iam.get_credential_report()  # the stale report still lists "gone"

    class StaleReport:
        def __getattr__(self, name):
            return getattr(iam, name)

        def generate_credential_report(self):
            return {"State": "COMPLETE"}

        def get_credential_report(self):
            return report

    iam.delete_user(UserName="gone")
    config.expect({"Evaluations": [user_eval(iam, "keep")], "ResultToken": TOKEN})
    rule.handler(periodic_event(), None, iam=StaleReport(), config=config.client, now=NOW, sleep=RecordingSleep())


# --------------------------------------------------------------------------- handler input validation


@pytest.mark.parametrize(
    "raw, message",
    [
        ('{"maxAccessKeyAgeDays": "ninety"}', "maxAccessKeyAgeDays must be a positive whole number of days, got 'ninety'"),
        ('{"maxCredentialUnusedDays": "0"}', "maxCredentialUnusedDays must be a positive whole number of days, got '0'"),
        ('{"maxCredentialUnusedDays": "-5"}', "maxCredentialUnusedDays must be a positive whole number"),
        ('{"maxAccessKeyAgeDays": "90.5"}', "maxAccessKeyAgeDays must be a positive whole number"),
        ('{"maxAccessKeyAgeDays": true}', "maxAccessKeyAgeDays must be a positive whole number"),
        ('{"maxAccessKeyAge": "90"}', "unknown rule parameter(s) maxAccessKeyAge"),
        ("not json", "ruleParameters is not valid JSON"),
        ('["90"]', "ruleParameters must be a JSON object"),
    ],
)
def test_invalid_rule_parameters_fail_before_any_aws_call(raw, message):
    iam = boto3.client("iam", region_name=REGION)
    config = boto3.client("config", region_name=REGION)
    with Stubber(iam), Stubber(config):  # no responses queued: any AWS call would fail differently
        with pytest.raises(rule.RuleParameterError) as excinfo:
            rule.handler(periodic_event(raw), None, iam=iam, config=config, now=NOW, sleep=RecordingSleep())
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, (90, 90)),
        ("", (90, 90)),
        ("{}", (90, 90)),
        ('{"maxAccessKeyAgeDays": "30"}', (30, 90)),
        ('{"maxAccessKeyAgeDays": " 45 ", "maxCredentialUnusedDays": "120"}', (45, 120)),
        ({"maxAccessKeyAgeDays": 7, "maxCredentialUnusedDays": "14"}, (7, 14)),
    ],
)
def test_rule_parameters_are_parsed_with_defaults(raw, expected):
    params = rule.parse_rule_parameters(raw)
    assert (params.max_access_key_age_days, params.max_credential_unused_days) == expected


@pytest.mark.parametrize(
    "invoking, message",
    [
        (
            {"messageType": "ConfigurationItemChangeNotification", "notificationCreationTime": NOTIFICATION_TIME},
            "expected messageType ScheduledNotification, got 'ConfigurationItemChangeNotification'",
        ),
        ({"messageType": "ScheduledNotification"}, "no valid notificationCreationTime"),
    ],
)
def test_non_periodic_or_malformed_events_are_rejected(invoking, message):
    event = {**periodic_event(), "invokingEvent": json.dumps(invoking)}
    with pytest.raises(ValueError, match=message):
        rule.handler(event, None, iam=object(), config=object(), now=NOW)


def test_missing_result_token_is_rejected():
    event = periodic_event()
    del event["resultToken"]
    with pytest.raises(ValueError, match="no resultToken"):
        rule.handler(event, None, iam=object(), config=object(), now=NOW)


# --------------------------------------------------------------------------- credential report retrieval


CSV_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
    "cert_2_active,cert_2_last_rotated"
)


def stubbed_iam():
    iam = boto3.client("iam", region_name=REGION)
    return iam, Stubber(iam)


def test_report_in_progress_is_retried_then_read():
    iam, stub = stubbed_iam()
    content = f"{CSV_HEADER}\n".encode()
    stub.add_response("generate_credential_report", {"State": "INPROGRESS"})
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_client_error("get_credential_report", service_error_code="ReportInProgress", http_status_code=404)
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_response("get_credential_report", {"Content": content, "ReportFormat": "text/csv"})
    sleep = RecordingSleep()
    with stub:
        assert rule.fetch_credential_report(iam, sleep=sleep, delay=2.5) == content
        stub.assert_no_pending_responses()
    assert sleep.calls == [2.5, 2.5]


@pytest.mark.parametrize("code", ["ReportNotPresent", "ReportExpired"])
def test_missing_or_expired_report_is_regenerated(code):
    iam, stub = stubbed_iam()
    content = f"{CSV_HEADER}\n".encode()
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_client_error("get_credential_report", service_error_code=code, http_status_code=410)
    stub.add_response("generate_credential_report", {"State": "STARTED"})
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_response("get_credential_report", {"Content": content, "ReportFormat": "text/csv"})
    sleep = RecordingSleep()
    with stub:
        assert rule.fetch_credential_report(iam, sleep=sleep) == content
        stub.assert_no_pending_responses()
    assert sleep.calls == [rule.REPORT_RETRY_DELAY_SECONDS] * 2


def test_report_wait_is_bounded():
    iam, stub = stubbed_iam()
    for state in ("STARTED", "INPROGRESS", "INPROGRESS"):
        stub.add_response("generate_credential_report", {"State": state})
    sleep = RecordingSleep()
    with stub, pytest.raises(rule.CredentialReportError, match="not ready after 3 attempts .*last state INPROGRESS"):
        rule.fetch_credential_report(iam, attempts=3, delay=1.0, sleep=sleep)
    assert sleep.calls == [1.0, 1.0]


def test_access_denied_is_not_retried():
    iam, stub = stubbed_iam()
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_client_error("get_credential_report", service_error_code="AccessDenied", http_status_code=403)
    sleep = RecordingSleep()
    with stub, pytest.raises(rule.ClientError, match="AccessDenied"):
        rule.fetch_credential_report(iam, sleep=sleep)
    assert sleep.calls == []


def test_report_without_expected_columns_is_rejected():
    with pytest.raises(rule.CredentialReportError, match="lacks column.*mfa_active"):
        rule.parse_credential_report(b"user,arn,user_creation_time\nbob,arn:aws:iam::1:user/bob,N/A\n")


# --------------------------------------------------------------------------- sending evaluations


def fake_evaluations(count):
    return [
        {
            "ComplianceResourceType": "AWS::IAM::User",
            "ComplianceResourceId": f"AIDA{n:016d}",
            "ComplianceType": "COMPLIANT",
            "OrderingTimestamp": ORDERING,
        }
        for n in range(count)
    ]


@pytest.mark.parametrize("count, sizes", [(0, []), (1, [1]), (100, [100]), (101, [100, 1]), (250, [100, 100, 50])])
def test_send_evaluations_batches_by_100(config, count, sizes):
    evaluations = fake_evaluations(count)
    start = 0
    for size in sizes:
        config.expect({"Evaluations": evaluations[start : start + size], "ResultToken": TOKEN})
        start += size
    assert rule.send_evaluations(config.client, evaluations, TOKEN) == len(sizes)
    assert [len(c["Evaluations"]) for c in config.calls] == sizes


def test_rejected_evaluations_raise(config):
    evaluations = fake_evaluations(2)
    config.expect(failed=[evaluations[1]])
    with pytest.raises(rule.EvaluationDeliveryError, match="rejected 1 evaluation"):
        rule.send_evaluations(config.client, evaluations, TOKEN)


# --------------------------------------------------------------------------- pure row evaluation


def csv_row(user="u", *, created="2024-01-01T00:00:00+00:00", password="false", pw_used="N/A",
            pw_changed="N/A", mfa="false", k1="false", k1_rot="N/A", k1_used="N/A",
            k2="false", k2_rot="N/A", k2_used="N/A", arn=None):
    arn = arn or f"arn:aws:iam::111122223333:user/{user}"
    return (
        f"{user},{arn},{created},{password},{pw_used},{pw_changed},N/A,{mfa},"
        f"{k1},{k1_rot},{k1_used},N/A,N/A,{k2},{k2_rot},{k2_used},N/A,N/A,false,N/A,false,N/A"
    )


PARAMS = rule.RuleParameters(max_access_key_age_days=90, max_credential_unused_days=90)


def problems_of(line, now=NOW, params=PARAMS):
    (row,) = rule.parse_credential_report(f"{CSV_HEADER}\n{line}\n")
    return rule.user_problems(row, params, now)


def test_key_age_boundary_is_exclusive():
    rotated = NOW - timedelta(days=90)
    iso = rotated.isoformat()
    used = NOW.isoformat()
    assert problems_of(csv_row(k1="true", k1_rot=iso, k1_used=used)) == []
    assert problems_of(csv_row(k1="true", k1_rot=iso, k1_used=used), now=NOW + timedelta(seconds=1)) == [
        "access key 1 is 90 days old (max 90)"
    ]


def test_second_key_and_unused_key_are_reported():
    line = csv_row(
        k1="true", k1_rot="2024-06-01T00:00:00+00:00", k1_used="2024-02-01T00:00:00Z",
        k2="true", k2_rot="2024-01-02T00:00:00+00:00", k2_used="no_information",
    )
    assert problems_of(line) == [
        "access key 1 unused for 151 days (max 90)",
        "access key 2 is 181 days old (max 90)",
        "access key 2 never used, created 181 days ago (max 90)",
    ]


def test_password_never_used_falls_back_to_user_creation():
    line = csv_row(created="2024-03-01T00:00:00+00:00", password="true", pw_used="no_information", pw_changed="N/A", mfa="true")
    assert problems_of(line) == ["password never used, set 122 days ago (max 90)"]


def test_never_used_password_counts_from_when_it_was_set():
    # old user, console password (re)set 10 days ago and not used yet: not unused
    recent_set = csv_row(created="2023-01-01T00:00:00+00:00", password="true", pw_used="no_information",
                         pw_changed="2024-06-21T12:00:00+00:00", mfa="true")
    assert problems_of(recent_set) == []
    old_set = csv_row(created="2023-01-01T00:00:00+00:00", password="true", pw_used="no_information",
                      pw_changed="2024-03-01T00:00:00+00:00", mfa="true")
    assert problems_of(old_set) == ["password never used, set 122 days ago (max 90)"]


def test_inactive_keys_and_disabled_password_are_ignored():
    line = csv_row(created="2020-01-01T00:00:00+00:00", password="false", pw_used="2020-01-02T00:00:00+00:00",
                   k1="false", k1_rot="2020-01-01T00:00:00+00:00", k2="false", k2_rot="2020-01-01T00:00:00+00:00")
    assert problems_of(line) == []


def test_evaluate_report_identifies_root_by_account_and_users_by_id():
    root = csv_row("<root_account>", arn="arn:aws:iam::111122223333:root", password="not_supported",
                   mfa="false", k1="true", k1_rot="2024-06-01T00:00:00+00:00", k1_used="2024-06-30T00:00:00+00:00")
    bob = csv_row("bob", password="true", pw_used="2024-06-30T00:00:00+00:00", mfa="false")
    ghost = csv_row("ghost")
    rows = rule.parse_credential_report(f"{CSV_HEADER}\n{root}\n{bob}\n{ghost}\n")
    evaluations = rule.evaluate_report(rows, {"bob": "AIDABOB"}, PARAMS, NOW, ORDERING)
    assert evaluations == [
        {
            "ComplianceResourceType": "AWS::::Account",
            "ComplianceResourceId": "111122223333",
            "ComplianceType": "NON_COMPLIANT",
            "Annotation": "root user has active access key 1; root user has no MFA",
            "OrderingTimestamp": ORDERING,
        },
        {
            "ComplianceResourceType": "AWS::IAM::User",
            "ComplianceResourceId": "AIDABOB",
            "ComplianceType": "NON_COMPLIANT",
            "Annotation": "console password without MFA",
            "OrderingTimestamp": ORDERING,
        },
    ]


def test_annotation_is_capped_at_256_characters():
    problems = [f"problem number {n} with a fairly long description" for n in range(10)]
    text = rule.annotation(problems)
    assert len(text) == 256
    assert text.startswith("problem number 0 with") and text.endswith("...")
    assert rule.annotation(["short"]) == "short"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("N/A", None),
        ("no_information", None),
        ("not_supported", None),
        ("2024-06-01T10:00:00+00:00", datetime(2024, 6, 1, 10, tzinfo=timezone.utc)),
        ("2024-06-01T10:00:00Z", datetime(2024, 6, 1, 10, tzinfo=timezone.utc)),
        ("2024-06-01T12:00:00+02:00", datetime(2024, 6, 1, 10, tzinfo=timezone.utc)),
    ],
)
def test_report_timestamps(value, expected):
    parsed = rule.parse_report_time(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


# --------------------------------------------------------------------------- resilience: a bad row, throttling


def test_a_malformed_row_fails_only_that_user_with_the_reason():
    bad = csv_row("mallory", password="true", pw_used="last tuesday", mfa="true")
    bob = csv_row("bob", password="true", pw_used="2024-06-30T00:00:00+00:00", mfa="false")
    carol = csv_row("carol")
    rows = rule.parse_credential_report(f"{CSV_HEADER}\n{bad}\n{bob}\n{carol}\n")
    evaluations = rule.evaluate_report(rows, {"mallory": "AIDAMAL", "bob": "AIDABOB", "carol": "AIDACAROL"}, PARAMS, NOW, ORDERING)
    by_id = {e["ComplianceResourceId"]: e for e in evaluations}
    assert list(by_id) == ["AIDAMAL", "AIDABOB", "AIDACAROL"]
    assert by_id["AIDAMAL"]["ComplianceType"] == "NON_COMPLIANT"
    assert by_id["AIDAMAL"]["Annotation"] == (
        "credential report row unreadable, credentials not verified: unexpected timestamp 'last tuesday' in credential report"
    )
    assert by_id["AIDABOB"]["Annotation"] == "console password without MFA"
    assert by_id["AIDACAROL"]["ComplianceType"] == "COMPLIANT"


def test_an_unreadable_root_arn_falls_back_to_the_events_account():
    root = csv_row("<root_account>", arn="not-an-arn", password="not_supported", mfa="true")
    rows = rule.parse_credential_report(f"{CSV_HEADER}\n{root}\n")
    (evaluation,) = rule.evaluate_report(rows, {}, PARAMS, NOW, ORDERING, account_id="111122223333")
    assert evaluation["ComplianceResourceType"] == "AWS::::Account"
    assert evaluation["ComplianceResourceId"] == "111122223333"
    assert evaluation["ComplianceType"] == "NON_COMPLIANT"
    assert "cannot read an account id from ARN 'not-an-arn'" in evaluation["Annotation"]


def iam_with_report(report: str, users: dict[str, str]):
    client = boto3.client("iam", region_name=REGION)
    stub = Stubber(client)
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_response("get_credential_report", {"Content": report.encode(), "ReportFormat": "text/csv"})
    stub.add_response(
        "list_users",
        {"Users": [
            {"UserName": n, "UserId": i, "Path": "/", "Arn": f"arn:aws:iam::111122223333:user/{n}", "CreateDate": datetime(2024, 1, 1)}
            for n, i in users.items()
        ]},
    )
    return client, stub


def test_handler_with_a_bad_row_and_a_throttled_put_evaluations_still_evaluates_everyone(config):
    """End to end with Stubber: one malformed row, PutEvaluations throttled twice; every user is still sent."""
    report = "\n".join([
        CSV_HEADER,
        csv_row("mallory", k1="true", k1_rot="2024-13-45T99:00:00+00:00"),
        csv_row("bob", password="true", pw_used="2024-06-30T00:00:00+00:00", mfa="false"),
        csv_row("carol"),
    ]) + "\n"
    ids = {"mallory": "AIDAMALLORY00000001", "bob": "AIDABOB0000000000002", "carol": "AIDACAROL000000003"}
    iam, iam_stub = iam_with_report(report, ids)
    config.stubber.add_client_error("put_evaluations", service_error_code="ThrottlingException", http_status_code=400)
    config.stubber.add_client_error("put_evaluations", service_error_code="ThrottlingException", http_status_code=400)
    config.expect()
    sleep = RecordingSleep()
    with iam_stub:
        result = rule.handler(periodic_event(), iam=iam, config=config.client, now=NOW, sleep=sleep)
        iam_stub.assert_no_pending_responses()
    assert result == {"evaluations": 3, "nonCompliant": 2, "calls": 3}
    assert sleep.calls == [1.0, 2.0]  # exponential backoff between the throttled attempts
    sent = config.calls[-1]["Evaluations"]
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in sent] == [
        (ids["mallory"], "NON_COMPLIANT"), (ids["bob"], "NON_COMPLIANT"), (ids["carol"], "COMPLIANT"),
    ]
    assert sent[0]["Annotation"].startswith("credential report row unreadable, credentials not verified: unexpected timestamp")
    assert all(call == config.calls[0] for call in config.calls)  # the same batch, resent


def test_throttling_that_outlasts_the_retries_fails_the_run(config):
    for _ in range(rule.PUT_ATTEMPTS):
        config.stubber.add_client_error("put_evaluations", service_error_code="ThrottlingException", http_status_code=400)
    sleep = RecordingSleep()
    with pytest.raises(rule.ClientError, match="ThrottlingException"):
        rule.send_evaluations(config.client, fake_evaluations(1), TOKEN, sleep=sleep)
    assert sleep.calls == [1.0, 2.0, 4.0, 8.0]


def test_other_put_evaluations_errors_are_not_retried(config):
    config.stubber.add_client_error("put_evaluations", service_error_code="InvalidResultTokenException", http_status_code=400)
    sleep = RecordingSleep()
    with pytest.raises(rule.ClientError, match="InvalidResultTokenException"):
        rule.send_evaluations(config.client, fake_evaluations(1), TOKEN, sleep=sleep)
    assert sleep.calls == []
