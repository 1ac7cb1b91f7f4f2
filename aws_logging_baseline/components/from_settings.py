"""The stack configuration mapped to each component's own arguments: the one place a component's Args are
built from `Settings` (the validated `baseline:*` keys). Components never see `Settings`; the compositions
(AccountBaseline, the organization roles) call these with the wiring only they know (account, ARNs, names)."""

from typing import Any

from aws_logging_baseline.components.config_recording import ConfigRecordingArgs
from aws_logging_baseline.components.config_remediation import ConfigRemediationArgs
from aws_logging_baseline.components.config_rules import ConfigRulesArgs
from aws_logging_baseline.components.custom_config_rule import CustomConfigRuleArgs
from aws_logging_baseline.components.flow_logs import FlowLogsArgs
from aws_logging_baseline.components.inspector import InspectorArgs
from aws_logging_baseline.components.regional_settings import explicit_vpcs, rule_parameter_overrides
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


def inspector_args(s: Settings, **wiring: Any) -> InspectorArgs:
    """`wiring`: account_id."""
    return InspectorArgs(regions=list(s.regions), resource_types=list(s.inspector_resource_types), **wiring)  # type: ignore[typeddict-item]


def flow_logs_args(s: Settings, **wiring: Any) -> FlowLogsArgs:
    """`wiring`: account_id, archive_bucket_arn, s3_prefix, home_key_arn, tags."""
    args = FlowLogsArgs(
        regions=list(s.regions),
        home_region=s.home_region,
        destination=s.flow_log_destination,
        traffic_type=s.flow_log_traffic_type,
        file_format=s.flow_log_file_format,
        max_aggregation_interval=s.flow_log_max_aggregation_interval,
        fields=list(s.flow_log_fields),
        name_prefix=s.name_prefix,
        log_retention_days=s.log_retention_days,
        protect=s.protect_resources,
        **wiring,  # type: ignore[typeddict-item]
    )
    if s.flow_log_vpc_ids:  # empty: every VPC of every region, read from the account
        args["vpc_ids"] = explicit_vpcs(s.flow_log_vpc_ids)
    return args


def config_recording_args(s: Settings, **wiring: Any) -> ConfigRecordingArgs:
    """`wiring`: region, role_arn, bucket_name, s3_key_prefix, kms_key_arn."""
    args = ConfigRecordingArgs(
        home_region=s.home_region,
        name_prefix=s.name_prefix,
        recording_frequency=s.config_recording_frequency,
        snapshot_delivery_frequency=s.config_snapshot_frequency,
        **wiring,  # type: ignore[typeddict-item]
    )
    if s.config_sns_topic_arn:  # empty: no topic
        args["sns_topic_arn"] = s.config_sns_topic_arn
    return args


def config_rules_args(s: Settings, **wiring: Any) -> ConfigRulesArgs:
    """`wiring`: archive_bucket_name and the optional trail_log_group_arn, alert_topic_arn, tags; a None value
    is left out (its rule parameter is not sent)."""
    return ConfigRulesArgs(
        regions=list(s.regions),
        home_region=s.home_region,
        flow_log_traffic_type=s.flow_log_traffic_type,
        log_retention_days=s.log_retention_days,
        disabled_rules=list(s.config_rules_disabled),
        parameter_overrides=rule_parameter_overrides(s.config_rule_parameters),
        required_tags=list(s.config_required_tags),
        restricted_ports=list(s.config_restricted_ports),
        rule_frequency=s.config_rule_frequency,
        name_prefix=s.name_prefix,
        **{k: v for k, v in wiring.items() if v is not None},  # type: ignore[typeddict-item]
    )


def custom_config_rule_args(s: Settings, *, rule_name: str, **wiring: Any) -> CustomConfigRuleArgs:
    """`wiring`: account_id, kms_key_arn and the optional alarm_topic_arn, tags."""
    return CustomConfigRuleArgs(
        region=s.home_region,
        rule_name=rule_name,
        parameter_overrides=rule_parameter_overrides(s.config_rule_parameters).get(rule_name, {}),
        rule_frequency=s.config_rule_frequency,
        name_prefix=s.name_prefix,
        log_retention_days=s.log_retention_days,
        protect=s.protect_resources,
        **wiring,  # type: ignore[typeddict-item]
    )


def config_remediation_args(s: Settings, **wiring: Any) -> ConfigRemediationArgs:
    """`wiring`: account_id and the optional tags."""
    return ConfigRemediationArgs(
        rule_names=list(s.config_remediation_rules),
        partition=s.partition,
        name_prefix=s.name_prefix,
        **wiring,  # type: ignore[typeddict-item]
    )
