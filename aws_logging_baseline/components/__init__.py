"""Reusable Pulumi components of the AWS logging & monitoring baseline (pulumi-aws v7).

Each component takes its own typed `XxxArgs` (a documented TypedDict; unset fields take the secure defaults);
`AccountBaseline` composes them from the whole stack configuration (`load_settings()`), through the mapping in
`from_settings.py`.
"""

from aws_logging_baseline.components.account_baseline import AccountBaseline
from aws_logging_baseline.components.access_analyzer import AccessAnalyzer, AccessAnalyzerArgs
from aws_logging_baseline.components.alert_topic import AlertTopic, AlertTopicArgs
from aws_logging_baseline.components.analytics import QueryArchive, QueryArchiveArgs
from aws_logging_baseline.components.auto_respond import AutoRespond, AutoRespondArgs
from aws_logging_baseline.components.config_recording import ConfigRecording, ConfigRecordingArgs
from aws_logging_baseline.components.config_remediation import ConfigRemediation, ConfigRemediationArgs
from aws_logging_baseline.components.config_rules import ConfigRules, ConfigRulesArgs
from aws_logging_baseline.components.custom_config_rule import CustomConfigRule, CustomConfigRuleArgs
from aws_logging_baseline.components.dashboard import PostureDashboard, PostureDashboardArgs
from aws_logging_baseline.components.flow_logs import FlowLogs, FlowLogsArgs
from aws_logging_baseline.components.guardduty import GuardDuty, GuardDutyArgs
from aws_logging_baseline.components.inspector import Inspector, InspectorArgs
from aws_logging_baseline.components.log_archive import LogArchive, LogArchiveArgs
from aws_logging_baseline.components.log_key import LogKey, LogKeyArgs
from aws_logging_baseline.components.log_streaming import LogStreaming, LogStreamingArgs
from aws_logging_baseline.components.secure_bucket import SecureBucket, SecureBucketArgs
from aws_logging_baseline.components.security_alarms import RejectSpikeAlarms, RejectSpikeAlarmsArgs, SecurityAlarms, SecurityAlarmsArgs
from aws_logging_baseline.components.security_events import SecurityEvents, SecurityEventsArgs
from aws_logging_baseline.components.security_hub import SecurityHub, SecurityHubArgs
from aws_logging_baseline.components.trail import Trail, TrailArgs
from aws_logging_baseline.components.settings import Settings, SettingsError, load_settings

__all__ = [
    "AccessAnalyzer",
    "AccessAnalyzerArgs",
    "AccountBaseline",
    "AlertTopic",
    "AlertTopicArgs",
    "AutoRespond",
    "AutoRespondArgs",
    "ConfigRecording",
    "ConfigRecordingArgs",
    "ConfigRemediation",
    "ConfigRemediationArgs",
    "ConfigRules",
    "ConfigRulesArgs",
    "CustomConfigRule",
    "CustomConfigRuleArgs",
    "FlowLogs",
    "FlowLogsArgs",
    "GuardDuty",
    "GuardDutyArgs",
    "Inspector",
    "InspectorArgs",
    "LogArchive",
    "LogArchiveArgs",
    "LogKey",
    "LogKeyArgs",
    "LogStreaming",
    "LogStreamingArgs",
    "PostureDashboard",
    "PostureDashboardArgs",
    "QueryArchive",
    "QueryArchiveArgs",
    "RejectSpikeAlarms",
    "RejectSpikeAlarmsArgs",
    "SecureBucket",
    "SecureBucketArgs",
    "SecurityAlarms",
    "SecurityAlarmsArgs",
    "SecurityEvents",
    "SecurityEventsArgs",
    "SecurityHub",
    "SecurityHubArgs",
    "Settings",
    "SettingsError",
    "Trail",
    "TrailArgs",
    "load_settings",
]
