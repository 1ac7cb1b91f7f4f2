"""Reusable Pulumi components of the AWS logging & monitoring baseline (pulumi-aws v7)."""

from components.account_baseline import AccountBaseline
from components.log_archive import LogArchive, LogArchiveArgs
from components.log_key import LogKey, LogKeyArgs
from components.secure_bucket import SecureBucket, SecureBucketArgs
from components.settings import Settings, SettingsError, load_settings
from components.trail import Trail, TrailArgs

__all__ = [
    "AccountBaseline",
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
