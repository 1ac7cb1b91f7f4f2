"""Builds each Policy from its entry in controls.yaml: the metadata lives in data, the checks in code."""

from pathlib import Path
from typing import Any, Callable, Collection

import yaml
from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)

CATALOG_FILE = Path(__file__).resolve().parent.parent / "controls.yaml"
FRAMEWORK_NAME = "CIS AWS Foundations Benchmark / AWS Security Hub"
FRAMEWORK_VERSION = "CIS 1.4.0, CIS 5.0.0, Security Hub"

with CATALOG_FILE.open(encoding="utf-8") as _handle:  # libyaml's safe loader when present: the pack starts sooner
    _DOCUMENT = yaml.load(_handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506

CONTROLS: dict[str, dict[str, Any]] = {entry["name"]: entry for entry in _DOCUMENT["policies"]}


def reference(entry: dict[str, Any]) -> str:
    """e.g. "CIS 1.4.0 3.1; CIS 5.0.0 3.1; Security Hub CloudTrail.1" (or a note when nothing maps)."""
    parts = []
    if entry["cis14"]:
        parts.append("CIS 1.4.0 " + ", ".join(entry["cis14"]))
    if entry["cis5"]:
        parts.append("CIS 5.0.0 " + ", ".join(entry["cis5"]))
    if entry["securityHub"]:
        parts.append("Security Hub " + ", ".join(entry["securityHub"]))
    return "; ".join(parts) or "no CIS or Security Hub control (baseline hygiene)"


def _common(name: str) -> dict[str, Any]:
    entry = CONTROLS[name]
    tags = [f"cis-1.4.0:{i}" for i in entry["cis14"]] + [f"cis-5.0.0:{i}" for i in entry["cis5"]]
    tags += [f"security-hub:{i}" for i in entry["securityHub"]]
    if entry["configRule"]:
        tags.append(f"config-rule:{entry['configRule']}")
    schema = entry.get("config")
    return {
        "name": name,
        "description": entry["description"],
        "enforcement_level": EnforcementLevel(entry["enforcement"]),
        "severity": Severity(entry["severity"]),
        "framework": PolicyComplianceFramework(
            name=FRAMEWORK_NAME, version=FRAMEWORK_VERSION, reference=reference(entry), specification=entry["description"]
        ),
        "tags": tags,
        "remediation_steps": entry["remediation"],
        "config_schema": PolicyConfigSchema(properties=schema) if schema else None,
    }


def resource_policy(name: str, validate: Callable, resource_types: Collection[str] | Callable[[str], bool]) -> ResourceValidationPolicy:
    """`validate` runs for the resources of `resource_types` only (a collection of type tokens, or a test of one).
    The policy carries the test as `applies_to`, so the analyzer (sdk_memo.analyze) skips the policy for every
    other resource without building its arguments: most of the ~25 resource policies apply to one or two types."""
    assert CONTROLS[name]["kind"] == "resource", name
    applies_to = resource_types if callable(resource_types) else frozenset(resource_types).__contains__

    def of_its_types(args, report_violation):
        if applies_to(args.resource_type):
            validate(args, report_violation)

    policy = ResourceValidationPolicy(validate=of_its_types, **_common(name))
    policy.applies_to = applies_to
    return policy


def stack_policy(name: str, validate: Callable) -> StackValidationPolicy:
    assert CONTROLS[name]["kind"] == "stack", name
    return StackValidationPolicy(validate=validate, **_common(name))
