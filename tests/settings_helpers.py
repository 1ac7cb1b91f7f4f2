"""Settings errors as a user would see them, for the settings tests of every concern."""

import pytest

from aws_logging_baseline.components.settings import SettingsError, load_settings


def settings_problems(**config: str) -> list[str]:
    """The problems `load_settings` reports for `baseline:<key>` values (raw strings, as Pulumi passes them)."""
    with pytest.raises(SettingsError) as caught:
        load_settings({f"baseline:{k}": v for k, v in config.items()})
    return caught.value.problems
