"""Reusable Pulumi components of the AWS logging & monitoring baseline (pulumi-aws v7)."""

from aws_logging_baseline.components.account_baseline import AccountBaseline
from aws_logging_baseline.components.alert_topic import AlertTopic, AlertTopicArgs
from aws_logging_baseline.components.log_archive import LogArchive, LogArchiveArgs
from aws_logging_baseline.components.log_key import LogKey, LogKeyArgs
from aws_logging_baseline.components.secure_bucket import SecureBucket, SecureBucketArgs
from aws_logging_baseline.components.settings import Settings, SettingsError, load_settings
from aws_logging_baseline.components.trail import Trail, TrailArgs

__all__ = [
    "AccountBaseline",
    "AlertTopic",
    "AlertTopicArgs",
    "LogArchive",
    "LogArchiveArgs",
    "LogKey",
    "LogKeyArgs",
    "SecureBucket",
    "SecureBucketArgs",
    "Settings",
    "SettingsError",
    "Trail",
    "TrailArgs",
    "load_settings",
]
