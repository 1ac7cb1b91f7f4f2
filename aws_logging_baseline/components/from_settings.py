"""The stack configuration mapped to each component's own arguments: the one place a component's Args are
built from `Settings` (the validated `baseline:*` keys). Components never see `Settings`; the compositions
(AccountBaseline, the organization roles) call these with the wiring only they know (account, ARNs, names)."""

from typing import Any

from aws_logging_baseline.components.alert_topic import AlertTopicArgs
from aws_logging_baseline.components.log_archive import LogArchiveArgs
from aws_logging_baseline.components.log_key import LogKeyArgs
from aws_logging_baseline.components.settings import Settings
from aws_logging_baseline.components.trail import TrailArgs


def trail_args(s: Settings, **wiring: Any) -> TrailArgs:
    """`wiring`: account_id, trail_name, bucket_name, s3_key_prefix, kms_key_arn and the optional
    log_group_kms_key_arn, is_organization_trail, sns_topic_name, tags."""
    return TrailArgs(
        home_region=s.home_region,
        name_prefix=s.name_prefix,
        log_retention_days=s.log_retention_days,
        archive_data_events=s.archive_data_events,
        s3_data_events=s.trail_s3_data_events,
        lambda_data_events=s.trail_lambda_data_events,
        insights=s.trail_insights,
        protect=s.protect_resources,
        **wiring,  # type: ignore[typeddict-item]
    )


def log_key_args(s: Settings, **wiring: Any) -> LogKeyArgs:
    """`wiring`: account_id, services, alias and the optional region (default: the home region), trail_arn,
    organization_id, extra_statements, readers, tags."""
    return LogKeyArgs(**{"region": s.home_region, "protect": s.protect_resources, **wiring})  # type: ignore[typeddict-item]


def alert_topic_args(s: Settings, **wiring: Any) -> AlertTopicArgs:
    """`wiring`: account_id, kms_key_arn and the optional tags."""
    return AlertTopicArgs(
        topic_name=f"{s.name_prefix}-security-alerts",
        region=s.home_region,
        rule_name_prefix=f"{s.name_prefix}-",
        emails=list(s.alert_emails),
        https_endpoints=list(s.alert_https_endpoints),
        **wiring,  # type: ignore[typeddict-item]
    )


def log_archive_args(s: Settings, **wiring: Any) -> LogArchiveArgs:
    """`wiring`: account_id, trail_arn, archive_key_arn and the optional replica_key_arn, organization_id, tags."""
    return LogArchiveArgs(
        home_region=s.home_region,
        replica_region=s.replica_region,
        name_prefix=s.name_prefix,
        readers=list(s.log_reader_principals),
        break_glass_principal_arn=s.break_glass_principal_arn,
        object_lock_enabled=s.object_lock_enabled,
        object_lock_mode=s.object_lock_mode,
        object_lock_days=s.object_lock_days,
        archive_transition_days=s.archive_transition_days,
        archive_transition_storage_class=s.archive_transition_storage_class,
        archive_noncurrent_expiration_days=s.archive_noncurrent_expiration_days,
        archive_expiration_days=s.archive_expiration_days,
        access_log_expiration_days=s.access_log_expiration_days,
        replica_account_id=s.replica_account_id,
        replica_bucket_name=s.replica_bucket_name,
        replica_kms_key_arn=s.replica_kms_key_arn,
        protect=s.protect_resources,
        **wiring,  # type: ignore[typeddict-item]
    )
