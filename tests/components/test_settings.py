"""Every settings rule, with the exact message a user sees, and Pulumi.yaml kept in step with Settings."""

import dataclasses

import pytest
import yaml

from aws_logging_baseline.components.settings import LOG_RETENTION_DAYS, Settings, load_settings, settings_fields
from aws_logging_baseline.components.regions import default_enabled_regions
from tests.engine_helpers import REPO
from tests.settings_helpers import settings_problems as problems



def test_defaults_are_valid_and_secure():
    s = load_settings({})
    assert s.role == "standalone"
    assert s.home_region == "us-east-1"
    assert list(s.regions) == default_enabled_regions() and len(s.regions) == 17
    assert s.replica_region == "us-west-2"
    assert s.log_retention_days == 365
    assert (s.object_lock_enabled, s.object_lock_mode, s.object_lock_days) == (True, "GOVERNANCE", 365)
    assert (s.trail_s3_data_events, s.trail_lambda_data_events, s.trail_insights) == (False, False, False)
    assert s.protect_resources is True


def test_values_are_parsed_by_type():
    s = load_settings(
        {
            "baseline:logRetentionDays": "400",
            "baseline:regions": '["us-east-1", "eu-west-1"]',
            "baseline:trailInsights": "true",
            "baseline:tags": '["Owner=sec"]',
        }
    )
    assert s.log_retention_days == 400 and s.regions == ("us-east-1", "eu-west-1") and s.trail_insights is True
    assert s.tag_map["Owner"] == "sec" and s.tag_map["ManagedBy"] == "pulumi"


@pytest.mark.parametrize(
    "config, message",
    [
        ({"replicaRegion": "us-east-1"}, "baseline:replicaRegion: must differ from homeRegion us-east-1"),
        ({"replicaRegion": "us-nowhere-1"}, "baseline:replicaRegion: unknown region 'us-nowhere-1' for partition aws"),
        ({"homeRegion": "mars-1"}, "baseline:homeRegion: unknown region 'mars-1'"),
        ({"regions": '["us-east-1", "eu-west-9"]'}, "baseline:regions: unknown region 'eu-west-9' for partition aws"),
        ({"regions": '["us-east-1", "cn-north-1"]'}, "baseline:regions: unknown region 'cn-north-1' for partition aws"),
        ({"regions": '["us-east-1", "eu-west-1", "eu-west-1"]'}, "baseline:regions: listed more than once: eu-west-1"),
        ({"regions": '["eu-west-1"]'}, "baseline:regions: must include homeRegion us-east-1"),
        ({"regions": "us-east-1"}, "baseline:regions: expected a list, got 'us-east-1'"),
        ({"regions": "[1, 2]"}, "baseline:regions: expected a list of string, got '[1, 2]'"),
        ({"regions": '{"us-east-1": true}'}, "baseline:regions: expected a list of string, got '{\"us-east-1\": true}'"),
        ({"logRetentionDays": "7"}, "baseline:logRetentionDays: 7 is below 365; set baseline:allowShortLogRetention true to allow it"),
        (
            {"logRetentionDays": "366"},
            "baseline:logRetentionDays: 366 is not a CloudWatch Logs retention value (one of 1, 3, 5, 7, 14, 30, 60, 90, "
            "120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
        ),
        ({"logRetentionDays": "a year"}, "baseline:logRetentionDays: expected an integer, got 'a year'"),
        ({"objectLockMode": "STRICT"}, "baseline:objectLockMode: must be GOVERNANCE or COMPLIANCE, got 'STRICT'"),
        ({"objectLockDays": "0"}, "baseline:objectLockDays: must be between 1 and 36500, got 0"),
        ({"trailInsights": "yes"}, "baseline:trailInsights: expected true or false, got 'yes'"),
        ({"role": "auditor"}, "baseline:role: must be one of standalone, log-archive, management, security, member, got 'auditor'"),
        ({"namePrefix": "Base_Line"}, "baseline:namePrefix: 1 to 20 lower-case letters, digits or hyphens, got 'Base_Line'"),
        ({"tags": '["novalue"]'}, "baseline:tags: 'novalue' is not Key=Value"),
        (
            {"archiveTransitionStorageClass": "COLD"},
            "baseline:archiveTransitionStorageClass: must be one of STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE",
        ),
        ({"archiveTransitionDays": "0"}, "baseline:archiveTransitionDays: must be at least 1 for GLACIER_IR"),
        ({"archiveTransitionStorageClass": "STANDARD_IA", "archiveTransitionDays": "10"}, "baseline:archiveTransitionDays: must be at least 30 for STANDARD_IA"),
        ({"archiveExpirationDays": "60"}, "baseline:archiveExpirationDays: must exceed archiveTransitionDays 90"),
        ({"archiveExpirationDays": "100"}, "baseline:archiveExpirationDays: must be at least objectLockDays 365"),
        ({"archiveExpirationDays": "-1"}, "baseline:archiveExpirationDays: must be 0 (keep forever) or a positive number of days"),
        ({"archiveNoncurrentExpirationDays": "0"}, "baseline:archiveNoncurrentExpirationDays: must be at least 1 day"),
        ({"accessLogExpirationDays": "0"}, "baseline:accessLogExpirationDays: must be at least 1 day"),
        ({"replicaAccountId": "123"}, "baseline:replicaAccountId: must be a 12-digit account id"),
        ({"replicaBucketName": "other-bucket"}, "baseline:replicaBucketName: only used with baseline:replicaAccountId"),
    ],
)
def test_each_rule_names_its_key(config, message):
    found = problems(**config)
    assert message in found, found  # the whole message, not a prefix


def test_short_retention_allowed_when_explicitly_lowered():
    s = load_settings({"baseline:logRetentionDays": "7", "baseline:allowShortLogRetention": "true"})
    assert s.log_retention_days == 7


def test_every_allowed_retention_value_at_least_365_passes():
    for days in (d for d in LOG_RETENTION_DAYS if d >= 365):
        assert load_settings({"baseline:logRetentionDays": str(days)}).log_retention_days == days


def test_all_problems_are_reported_together():
    found = problems(replicaRegion="us-east-1", logRetentionDays="7", objectLockMode="x")
    keys = [p.split(":")[1] for p in found]
    assert keys == ["replicaRegion", "logRetentionDays", "objectLockMode"]


def test_cross_account_replica_needs_bucket_and_key_in_that_account():
    found = problems(replicaAccountId="222222222222")
    assert found == [
        "baseline:replicaBucketName: a valid S3 bucket name is required with replicaAccountId",
        "baseline:replicaKmsKeyArn: the ARN of a key in account 222222222222 and region us-west-2 is required",
    ]
    ok = load_settings(
        {
            "baseline:replicaAccountId": "222222222222",
            "baseline:replicaBucketName": "org-log-replica",
            "baseline:replicaKmsKeyArn": "arn:aws:kms:us-west-2:222222222222:key/abcd-1234",
        }
    )
    assert ok.replica_account_id == "222222222222"


def test_pulumi_yaml_declares_every_setting_exactly():
    declared = yaml.safe_load((REPO / "Pulumi.yaml").read_text())["config"]
    expected = {}
    for f, key, meta in settings_fields():
        default = f.default if f.default is not dataclasses.MISSING else list(f.default_factory())
        entry = {"type": meta["type"], "description": meta["description"], "default": default}
        if meta["items"]:
            entry["items"] = {"type": meta["items"]}
        expected[key] = entry
    baseline_keys = {k: v for k, v in declared.items() if k.startswith("baseline:")}
    assert set(baseline_keys) == set(expected)
    for key, entry in expected.items():
        assert baseline_keys[key] == entry, key


def test_settings_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().home_region = "eu-west-1"  # type: ignore[misc]
