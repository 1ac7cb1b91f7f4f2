"""The stack configuration mapped to each component's own arguments: the one place a component's Args are
built from `Settings` (the validated `baseline:*` keys). Components never see `Settings`; the compositions
(AccountBaseline, the organization roles) call these with the wiring only they know (account, ARNs, names)."""

from typing import Any

from aws_logging_baseline.components.access_analyzer import AccessAnalyzerArgs
from aws_logging_baseline.components.alert_topic import AlertTopicArgs
from aws_logging_baseline.components.analytics import QueryArchiveArgs
from aws_logging_baseline.components.auto_respond import AutoRespondArgs, recorder_name
from aws_logging_baseline.components.config_recording import ConfigRecordingArgs
from aws_logging_baseline.components.config_remediation import ConfigRemediationArgs
from aws_logging_baseline.components.config_rules import ConfigRulesArgs
from aws_logging_baseline.components.custom_config_rule import CustomConfigRuleArgs
from aws_logging_baseline.components.dashboard import PostureDashboardArgs
from aws_logging_baseline.components.flow_logs import FlowLogsArgs
from aws_logging_baseline.components.guardduty import GuardDutyArgs
from aws_logging_baseline.components.inspector import InspectorArgs
from aws_logging_baseline.components.log_archive import LogArchiveArgs, access_log_bucket_name, archive_bucket_name
from aws_logging_baseline.components.log_key import LogKeyArgs
from aws_logging_baseline.components.log_streaming import LogStreamingArgs
from aws_logging_baseline.components.regional_settings import explicit_vpcs, rule_parameter_overrides
from aws_logging_baseline.components.security_alarms import RejectSpikeAlarmsArgs, SecurityAlarmsArgs
from aws_logging_baseline.components.security_events import SecurityEventsArgs
from aws_logging_baseline.components.security_hub import SecurityHubArgs
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


def guardduty_args(s: Settings, **wiring: Any) -> GuardDutyArgs:
    """`wiring`: the optional export_bucket_arn and export_key_arn (dropped unless guardDutyExportFindings),
    organization, tags."""
    if not s.guard_duty_export_findings or wiring.get("export_bucket_arn") is None:
        wiring = {k: v for k, v in wiring.items() if k not in ("export_bucket_arn", "export_key_arn")}
    return GuardDutyArgs(
        regions=list(s.regions),
        finding_publishing_frequency=s.guard_duty_finding_publishing_frequency,
        protection_plans=list(s.guard_duty_protection_plans),
        **wiring,  # type: ignore[typeddict-item]
    )


def security_hub_args(s: Settings, **wiring: Any) -> SecurityHubArgs:
    """`wiring` (security account only): organization_root_id, management_account_id."""
    return SecurityHubArgs(
        home_region=s.home_region,
        regions=list(s.regions),
        standards=list(s.security_hub_standards),
        name_prefix=s.name_prefix,
        **{k: v for k, v in wiring.items() if v is not None},  # type: ignore[typeddict-item]
    )


def access_analyzer_args(s: Settings, *, unused_access: bool = True, **wiring: Any) -> AccessAnalyzerArgs:
    """`unused_access`: this stack also runs the unused-access analyzer (when accessAnalyzerUnusedAccessDays is
    set); `wiring`: zone_of_trust, tags."""
    return AccessAnalyzerArgs(
        home_region=s.home_region,
        regions=list(s.regions),
        unused_access_days=s.access_analyzer_unused_access_days if unused_access else 0,
        name_prefix=s.name_prefix,
        **wiring,  # type: ignore[typeddict-item]
    )


def log_streaming_args(s: Settings, **wiring: Any) -> LogStreamingArgs:
    """`wiring`: account_id, log_group_name, key_arn and the optional tags."""
    destination = (
        {"opensearch_domain_arn": s.log_streaming_opensearch_domain_arn}
        if s.log_streaming_opensearch_domain_arn
        else {"http_endpoint_url": s.log_streaming_http_endpoint_url}
    )
    return LogStreamingArgs(
        home_region=s.home_region,
        opensearch_index=s.log_streaming_opensearch_index,
        name_prefix=s.name_prefix,
        protect=s.protect_resources,
        **destination,  # type: ignore[typeddict-item]
        **wiring,
    )


def query_archive_args(s: Settings, **wiring: Any) -> QueryArchiveArgs:
    """`wiring`: account_id, key_arn and the optional organization_id, account_ids, tags. The tables read the
    buckets the writers are named by (log_archive.py), never retyped names."""
    account_id = wiring["account_id"]
    return QueryArchiveArgs(
        home_region=s.home_region,
        archive_bucket_name=archive_bucket_name(s.name_prefix, account_id, s.home_region),
        access_log_bucket_name=access_log_bucket_name(s.name_prefix, account_id, s.home_region),
        regions=list(s.regions),
        flow_log_table=s.flow_log_destination == "s3" and s.flow_log_file_format == "parquet",
        flow_log_fields=list(s.flow_log_fields),
        bytes_scanned_cutoff=s.athena_bytes_scanned_cutoff,
        disabled_queries=list(s.disabled_queries),
        name_prefix=s.name_prefix,
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


def security_alarms_args(s: Settings, **wiring: Any) -> SecurityAlarmsArgs:
    """`wiring`: log_group_name (the trail's group), alarm_action_arn (the alert topic) and the optional tags."""
    return SecurityAlarmsArgs(
        region=s.home_region,
        namespace=s.cis_alarm_namespace,
        name_prefix=s.name_prefix,
        disabled=list(s.disabled_cis_alarms),
        **wiring,  # type: ignore[typeddict-item]
    )


def reject_spike_alarms_args(s: Settings, **wiring: Any) -> RejectSpikeAlarmsArgs:
    """`wiring`: log_group_names (region -> flow-log group), alarm_action_arn (the alert topic) and the optional
    tags."""
    return RejectSpikeAlarmsArgs(
        fields=list(s.flow_log_fields),
        threshold=s.flow_log_reject_alarm_threshold,
        namespace=s.cis_alarm_namespace,
        home_region=s.home_region,
        name_prefix=s.name_prefix,
        **wiring,  # type: ignore[typeddict-item]
    )


def security_events_args(s: Settings, **wiring: Any) -> SecurityEventsArgs:
    """`wiring`: account_id, topic_arn (the alert topic) and the optional alarm_regions and tags."""
    return SecurityEventsArgs(
        regions=list(s.regions),
        home_region=s.home_region,
        name_prefix=s.name_prefix,
        disabled=list(s.disabled_security_events),
        instance_states=list(s.instance_state_alert_states),
        schedule=s.security_events_schedule,
        **wiring,  # type: ignore[typeddict-item]
    )


def posture_dashboard_args(s: Settings, **wiring: Any) -> PostureDashboardArgs:
    """`wiring`: alarm_arns, event_rule_names and the optional saved_queries, workgroup (dashboard.deployed_inputs
    builds these from the deployed components), trail_log_group_name and reject_regions."""
    return PostureDashboardArgs(
        dashboard_name=f"{s.name_prefix}-security-posture",
        region=s.home_region,
        reject_namespace=s.cis_alarm_namespace,
        **wiring,  # type: ignore[typeddict-item]
    )


def auto_respond_args(s: Settings, trail: Any = None, **wiring: Any) -> AutoRespondArgs:
    """`trail`: the account's Trail component, or None where the organization trail covers the account (then only
    the recorders are restored). `wiring`: account_id, topic_arn, topic_key_arn, log_key_arn and the optional tags."""
    trail_wiring = {"trail_arn": trail.arn, "trail_selectors": list(trail.event_selectors)} if trail is not None else {}
    return AutoRespondArgs(
        home_region=s.home_region,
        regions=list(s.regions),
        recorder_name=recorder_name(s.name_prefix),
        name_prefix=s.name_prefix,
        log_retention_days=s.log_retention_days,
        protect=s.protect_resources,
        **trail_wiring,  # type: ignore[typeddict-item]
        **wiring,  # type: ignore[typeddict-item]
    )
