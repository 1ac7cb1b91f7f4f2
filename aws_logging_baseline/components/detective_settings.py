"""The detective-services catalog (catalog/detective_services.yaml) and the checks of their settings.

GuardDuty protection plans and Security Hub standards are named in settings by catalog name, so an unknown
name is a config error naming its key before any resource is registered. Like regional_settings, nothing is
imported from components.settings at import time (config keys are derived lazily).
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CATALOG = Path(__file__).parent / "catalog" / "detective_services.yaml"

# GuardDuty UpdateDetector FindingPublishingFrequency values.
PUBLISHING_FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")
ZONES_OF_TRUST = ("ACCOUNT", "ORGANIZATION")
# IAM Access Analyzer UnusedAccessConfiguration.unusedAccessAge: "a value between 1 and 365 days"
# (https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_UnusedAccessConfiguration.html).
UNUSED_ACCESS_DAYS = (1, 365)


@dataclass(frozen=True)
class ProtectionPlan:
    plan: str
    feature: str
    title: str
    control: str
    additional: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _catalog() -> dict:
    return yaml.safe_load(CATALOG.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def protection_plans() -> tuple[ProtectionPlan, ...]:
    return tuple(
        ProtectionPlan(**{**entry, "additional": tuple(entry.get("additional", ()))}) for entry in _catalog()["guard_duty_protection_plans"]
    )


def plan_names() -> list[str]:
    return [p.plan for p in protection_plans()]


def standard_ids() -> list[str]:
    return [s["id"] for s in _catalog()["security_hub_standards"]]


def standard_arn(standard_id: str, partition: str, region: str) -> str:
    [entry] = [s for s in _catalog()["security_hub_standards"] if s["id"] == standard_id]
    return entry["arn"].replace("<partition>", partition).replace("<region>", region)


def organization_disabled_controls() -> tuple[list[str], str]:
    """(control ids, reason) the organization's central configuration disables outside the management account."""
    entry = _catalog()["disabled_in_organization_accounts"]
    return list(entry["controls"]), " ".join(entry["reason"].split())


def _k(name: str) -> str:
    from aws_logging_baseline.components.settings import config_key

    return config_key(name)


def check_detective_services(s) -> list[str]:
    problems = []
    if s.guard_duty_finding_publishing_frequency not in PUBLISHING_FREQUENCIES:
        problems.append(
            f"{_k('guard_duty_finding_publishing_frequency')}: must be one of {', '.join(PUBLISHING_FREQUENCIES)}, "
            f"got {s.guard_duty_finding_publishing_frequency!r}"
        )
    unknown = [p for p in s.guard_duty_protection_plans if p not in plan_names()]
    if unknown:
        problems.append(f"{_k('guard_duty_protection_plans')}: unknown plan(s) {', '.join(unknown)}; known: {', '.join(plan_names())}")
    unknown = [x for x in s.security_hub_standards if x not in standard_ids()]
    if unknown:
        problems.append(f"{_k('security_hub_standards')}: unknown standard(s) {', '.join(unknown)}; known: {', '.join(standard_ids())}")
    if s.security_hub_enabled and not s.security_hub_standards:
        problems.append(f"{_k('security_hub_standards')}: at least one standard is required while securityHubEnabled is true")
    if s.access_analyzer_zone_of_trust not in ZONES_OF_TRUST:
        problems.append(f"{_k('access_analyzer_zone_of_trust')}: must be ACCOUNT or ORGANIZATION, got {s.access_analyzer_zone_of_trust!r}")
    elif s.access_analyzer_zone_of_trust == "ORGANIZATION" and s.role == "standalone":
        problems.append(f"{_k('access_analyzer_zone_of_trust')}: ORGANIZATION needs an organization role (the security account creates it)")
    low, high = UNUSED_ACCESS_DAYS
    days = s.access_analyzer_unused_access_days
    if days != 0 and not low <= days <= high:
        problems.append(f"{_k('access_analyzer_unused_access_days')}: must be 0 (off) or {low} to {high} days (AWS's range), got {days}")
    if s.guard_duty_enabled and s.guard_duty_export_findings and s.role == "log-archive" and not s.security_account_id:
        problems.append(
            f"{_k('security_account_id')}: required for role log-archive while guardDutyExportFindings is true "
            "(GuardDuty in the security account exports the organization's findings into this archive)"
        )
    return problems
