"""Usage profiles: the monthly quantities the plan cannot tell (events, configuration items, flow-log GB).

`usage_profiles.yaml` documents every key and holds the small, medium and large defaults; `--usage FILE` (YAML,
the same keys) overrides any of them. An unknown key or a negative quantity is bad input (one line, exit 2).
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.project import read_yaml

PROFILES = Path(__file__).resolve().parent / "usage_profiles.yaml"
DEFAULT_PROFILE = "small"
RATIOS = ("config_daily_item_ratio", "flow_log_reject_fraction", "flow_log_gzip_ratio", "cloudtrail_gzip_ratio")


@dataclass(frozen=True)
class UsageKey:
    name: str
    doc: str
    unit: str


@dataclass(frozen=True)
class Usage:
    profile: str
    values: dict[str, float]
    overridden: tuple[str, ...]  # keys a --usage file set
    source: str  # what the values came from, for the report

    def __getattr__(self, name: str) -> float:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, **changes: float) -> "Usage":
        return Usage(self.profile, {**self.values, **changes}, self.overridden, self.source)


@lru_cache(maxsize=1)
def _catalog() -> tuple[dict[str, UsageKey], dict[str, dict[str, float]]]:
    doc = read_yaml(PROFILES, "usage profiles")
    keys = {name: UsageKey(name, spec["doc"], spec["unit"]) for name, spec in doc["keys"].items()}
    profiles = {name: {k: float(v) for k, v in values.items()} for name, values in doc["profiles"].items()}
    for name, values in profiles.items():
        if set(values) != set(keys):
            raise ValueError(f"{PROFILES.name}: profile {name} must set exactly the documented keys")
    return keys, profiles


def usage_keys() -> dict[str, UsageKey]:
    return _catalog()[0]


def profile_names() -> list[str]:
    return list(_catalog()[1])


def _validate(name: str, value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"{where}: {name}: expected a number, got {value!r}")
    if value < 0:
        raise UserError(f"{where}: {name}: a quantity cannot be negative, got {value!r}")
    if name in RATIOS and value > 1:
        raise UserError(f"{where}: {name}: a ratio between 0 and 1, got {value!r}")
    return float(value)


def load_usage(profile: str = DEFAULT_PROFILE, usage_file: str | None = None) -> Usage:
    keys, profiles = _catalog()
    if profile not in profiles:
        raise UserError(f"--profile: unknown profile {profile!r} (one of {', '.join(profiles)})")
    values = dict(profiles[profile])
    overridden: list[str] = []
    source = f"profile {profile}"
    if usage_file is not None:
        doc = read_yaml(Path(usage_file), "usage file (--usage)")
        if doc is None:
            doc = {}
        if not isinstance(doc, dict):
            raise UserError(f"--usage {usage_file}: expected a mapping of usage key to quantity")
        for name, value in doc.items():
            if name not in keys:
                raise UserError(f"--usage {usage_file}: unknown usage key {name!r} (see aws_logging_baseline/cost/usage_profiles.yaml)")
            values[name] = _validate(name, value, f"--usage {usage_file}")
            overridden.append(name)
        source = f"profile {profile} with {usage_file}"
    return Usage(profile, values, tuple(overridden), source)
