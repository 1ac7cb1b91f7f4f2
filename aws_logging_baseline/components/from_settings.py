"""The stack configuration mapped to each component's own arguments: the one place a component's Args are
built from `Settings` (the validated `baseline:*` keys). Components never see `Settings`; the compositions
(AccountBaseline, the organization roles) call these with the wiring only they know (account, ARNs, names)."""

from typing import Any

from aws_logging_baseline.components.auto_respond import AutoRespondArgs, recorder_name
from aws_logging_baseline.components.dashboard import PostureDashboardArgs
from aws_logging_baseline.components.security_alarms import RejectSpikeAlarmsArgs, SecurityAlarmsArgs
from aws_logging_baseline.components.security_events import SecurityEventsArgs
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


# --- detection: CIS alarms, REJECT-spike alarms ---------------------------------------------------------


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
