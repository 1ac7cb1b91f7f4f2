"""A component given wrong arguments says so before it registers anything: one error naming the component, the
Args type and every field at fault (aws_logging_baseline/components/args_check.py). Through the engine, as a
program of a user's own would fail under `preview` or `pulumi up`."""

import pytest

from aws_logging_baseline.components.args_check import ArgsError, check_args
from aws_logging_baseline.components.alert_topic import AlertTopicArgs
from aws_logging_baseline.components.log_archive import LogArchiveArgs
from aws_logging_baseline.components.trail import TrailArgs
from aws_logging_baseline.errors import UserError
from tests.components.direct_args import run_direct

ARCHIVE = dict(account_id="111111111111", home_region="eu-west-1", replica_region="eu-central-1",
               trail_arn="arn:aws:cloudtrail:eu-west-1:111111111111:trail/t", archive_key_arn="arn:aws:kms:eu-west-1:111111111111:key/k",
               replica_key_arn="arn:aws:kms:eu-central-1:111111111111:key/r")


def problem(args, args_type=LogArchiveArgs) -> str:
    with pytest.raises(ArgsError) as raised:
        check_args("LogArchive", "archive", args, args_type)
    return str(raised.value)


def test_a_misspelt_field_is_refused_with_the_name_it_resembles():
    """`object_lock_day=3650` would otherwise deploy the default 365 days of Object Lock, silently."""
    assert problem({**ARCHIVE, "object_lock_day": 3650}) == (
        "LogArchive 'archive': LogArchiveArgs: unknown field 'object_lock_day' (did you mean 'object_lock_days'?)")


def test_every_missing_required_field_is_named():
    message = problem({"home_region": "eu-west-1"})
    for field in ("account_id", "replica_region", "trail_arn", "archive_key_arn"):
        assert f"missing required field {field!r}" in message


def test_plain_values_of_the_wrong_type_are_refused():
    """A single address where a list is expected would subscribe each of its characters."""
    args = dict(topic_name="t", region="us-east-1", account_id="1", kms_key_arn="k", rule_name_prefix="x", emails="ops@example.com")
    assert "'emails' must be a list of strings, got str 'ops@example.com'" in problem(args, AlertTopicArgs)
    assert "'object_lock_days' must be an integer, got str '400'" in problem({**ARCHIVE, "object_lock_days": "400"})
    assert "'protect' must be a boolean" in problem({**ARCHIVE, "protect": "yes"})


def test_what_other_languages_send_is_accepted():
    """Numbers arrive from other languages as floats; inputs (bucket names, key ARNs) may be outputs."""
    check_args("Trail", "t", dict(account_id="1", home_region="eu-west-1", trail_name="t", bucket_name=object(),
                                  s3_key_prefix="cloudtrail", kms_key_arn=object(), log_retention_days=400.0), TrailArgs)
    with pytest.raises(ArgsError):
        check_args("Trail", "t", dict(account_id="1", home_region="eu-west-1", trail_name="t", bucket_name="b",
                                      s3_key_prefix="cloudtrail", kms_key_arn="k", log_retention_days=400.5), TrailArgs)


@pytest.mark.parametrize("extra, expected", [
    ({"object_lock_day": 3650}, "unknown field 'object_lock_day' (did you mean 'object_lock_days'?)"),
    ({"replica_region": "eu-west-1"}, "replica_region must differ from home_region (eu-west-1)"),
    ({"object_lock_mode": "governance"}, "object_lock_mode must be GOVERNANCE or COMPLIANCE, got 'governance'"),
    ({"object_lock_days": 0}, "object_lock_days must be at least 1, got 0"),
    ({"replica_account_id": "999999999999"}, "replica_account_id needs replica_bucket_name and replica_kms_key_arn"),
])
def test_a_user_program_with_a_wrong_archive_fails_with_one_message(tmp_path, extra, expected):
    args = {**ARCHIVE, **extra}
    main = f"""
        from aws_logging_baseline.components import LogArchive, LogArchiveArgs
        LogArchive("archive", LogArchiveArgs(**{args!r}))
    """
    with pytest.raises(UserError) as raised:
        run_direct(tmp_path, main)
    assert expected in str(raised.value) and "Traceback" not in str(raised.value)


@pytest.mark.parametrize("component, args, expected", [
    ("FlowLogs", dict(account_id="111111111111", archive_bucket_arn="arn:aws:s3:::a", home_key_arn="k", home_region="eu-west-1",
                      regions=["eu-west-1"], s3_prefix="vpc-flow-logs", destination="S3"),
     "FlowLogs flows: destination must be s3 or cloud-watch-logs, got 'S3'"),
    ("GuardDuty", dict(regions=["eu-west-1"], export_bucket_arn="arn:aws:s3:::a"),
     "GuardDuty flows: export_key_arn is required with export_bucket_arn"),
    ("AutoRespond", dict(account_id="111111111111", home_region="eu-west-1", log_key_arn="k", regions=["eu-west-1"], topic_arn="t",
                         topic_key_arn="k", trail_arn="arn:aws:cloudtrail:eu-west-1:111111111111:trail/t"),
     "AutoRespond flows: trail_selectors is required with trail_arn"),
])
def test_contradictory_values_are_refused_before_anything_is_planned(tmp_path, component, args, expected):
    main = f"""
        from aws_logging_baseline.components import {component}, {component}Args
        {component}("flows", {component}Args(**{args!r}))
    """
    with pytest.raises(UserError) as raised:
        run_direct(tmp_path, main)
    assert expected in str(raised.value)


def test_a_bucket_policy_without_the_tls_deny_gets_it(tmp_path):
    """Another language passes a plain policy document: the bucket still refuses plain HTTP."""
    main = """
        from aws_logging_baseline.components import SecureBucket, SecureBucketArgs
        SecureBucket("logs", SecureBucketArgs(bucket_name="team-logs", region="eu-west-1", lifecycle_rules=[],
                                              policy={"Version": "2012-10-17", "Statement": []}))
    """
    import json

    policy = json.loads(next(r for r in run_direct(tmp_path, main).resources if r.type == "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    assert policy["Statement"] == [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                    "Resource": ["arn:aws:s3:::team-logs", "arn:aws:s3:::team-logs/*"],
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
