"""The regional catalogs (Config rules, flow-log fields) and the checks of the regional settings.

Flow logs, AWS Config and Inspector settings are validated here against the data files in catalog/, so an
unknown rule name, rule parameter or flow-log field is a config error naming its key, before any resource
is registered. `components.settings` lists these checks in its CHECKS; this module imports nothing from it
at import time (config keys are derived lazily) so the two can import each other's names.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_CATALOG = Path(__file__).parent / "catalog"

TRAFFIC_TYPES = ("REJECT", "ALL", "ACCEPT")
FLOW_LOG_DESTINATIONS = ("s3", "cloud-watch-logs")
FLOW_LOG_FILE_FORMATS = ("parquet", "plain-text")
AGGREGATION_INTERVALS = (60, 600)
RECORDING_FREQUENCIES = ("CONTINUOUS", "DAILY")
DELIVERY_FREQUENCIES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
INSPECTOR_RESOURCE_TYPES = ("EC2", "ECR", "LAMBDA", "LAMBDA_CODE", "CODE_REPOSITORY")
TRIGGERS = ("change", "periodic", "change-and-periodic")
MAX_REQUIRED_TAGS = 6  # REQUIRED_TAGS: tag1Key .. tag6Key
MAX_BLOCKED_PORTS = 5  # RESTRICTED_INCOMING_TRAFFIC: blockedPort1 .. blockedPort5
# ASCII digits ([0-9], not \d) and \Z (not $, which matches before a trailing newline) wherever an id is checked.
_VPC_ENTRY = re.compile(r"([a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}):(vpc-[0-9a-f]{8,17})\Z")
_SNS_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:[A-Za-z0-9_-]{1,256}\Z")
_TAG_KEY = re.compile(r"[\w .:/=+\-@]{1,128}\Z")
_RULE_PARAMETER = re.compile(r"([a-z0-9-]+)\.([A-Za-z0-9]+)=(.+)\Z")


# --- catalogs -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Remediation:
    document: str
    resource_type: str
    resource_parameter: str
    static: dict[str, str]
    permissions: list[dict[str, Any]]


@dataclass(frozen=True)
class RuleSpec:
    """One entry of catalog/config_rules.yaml."""

    name: str
    identifier: str
    group: str
    description: str
    trigger: str
    scope: tuple[str, ...] = ()
    global_: bool = False
    parameters: dict[str, str] = field(default_factory=dict)
    wired: dict[str, str] = field(default_factory=dict)
    expand: str | None = None
    optional: tuple[str, ...] = ()
    remediation: Remediation | None = None
    lambda_folder: str | None = None
    # Config rule scope by tag (key, value): only resources carrying that tag are evaluated.
    scope_tag: tuple[str, str] | None = None

    @property
    def custom(self) -> bool:
        return self.identifier == "CUSTOM_LAMBDA"

    @property
    def periodic_only(self) -> bool:
        return self.trigger == "periodic"

    def parameter_names(self) -> set[str]:
        """Every parameter name configRuleParameters may set for this rule."""
        names = set(self.parameters) | set(self.wired) | set(self.optional)
        if self.expand == "requiredTags":
            names |= {f"tag{i}{part}" for i in range(1, MAX_REQUIRED_TAGS + 1) for part in ("Key", "Value")}
        if self.expand == "restrictedPorts":
            names |= {f"blockedPort{i}" for i in range(1, MAX_BLOCKED_PORTS + 1)}
        return names


def _rule(entry: dict[str, Any]) -> RuleSpec:
    remediation = entry.get("remediation")
    spec = RuleSpec(
        name=entry["name"],
        identifier=entry["identifier"],
        group=entry["group"],
        description=entry["description"],
        trigger=entry["trigger"],
        scope=tuple(entry.get("scope", ())),
        global_=bool(entry.get("global", False)),
        parameters={k: str(v) for k, v in (entry.get("parameters") or {}).items()},
        wired=dict(entry.get("wired") or {}),
        expand=entry.get("expand"),
        optional=tuple(entry.get("optional", ())),
        remediation=Remediation(
            document=remediation["document"],
            resource_type=remediation["resource_type"],
            resource_parameter=remediation["resource_parameter"],
            static=dict(remediation.get("static") or {}),
            permissions=list(remediation["permissions"]),
        )
        if remediation
        else None,
        lambda_folder=entry.get("lambda"),
        scope_tag=(str(entry["scope_tag"]["key"]), str(entry["scope_tag"]["value"])) if entry.get("scope_tag") else None,
    )
    if spec.trigger not in TRIGGERS:
        raise ValueError(f"catalog/config_rules.yaml: rule {spec.name}: unknown trigger {spec.trigger!r}")
    return spec


@lru_cache(maxsize=1)
def config_rule_catalog() -> tuple[RuleSpec, ...]:
    data = yaml.safe_load((_CATALOG / "config_rules.yaml").read_text(encoding="utf-8"))
    rules = tuple(_rule(entry) for entry in data["rules"])
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise ValueError("catalog/config_rules.yaml: rule names must be unique")
    return rules


def rule_by_name() -> dict[str, RuleSpec]:
    return {r.name: r for r in config_rule_catalog()}


@lru_cache(maxsize=1)
def _flow_log_catalog() -> dict[str, Any]:
    return yaml.safe_load((_CATALOG / "flow_log_fields.yaml").read_text(encoding="utf-8"))


def flow_log_field_names() -> list[str]:
    """Every documented flow-log record field, in version order."""
    return [name for names in _flow_log_catalog()["versions"].values() for name in names]


def default_flow_log_fields() -> list[str]:
    return list(_flow_log_catalog()["default"])


def flow_log_format(fields: tuple[str, ...] | list[str]) -> str:
    """The custom log format string: `${field}` tokens separated by single spaces."""
    return " ".join(f"${{{name}}}" for name in fields)


def explicit_vpcs(entries: tuple[str, ...]) -> dict[str, list[str]]:
    """flowLogVpcIds entries "REGION:VPC_ID" grouped by region, in the given order."""
    by_region: dict[str, list[str]] = {}
    for entry in entries:
        match = _VPC_ENTRY.match(entry)
        if match:
            by_region.setdefault(match.group(1), []).append(match.group(2))
    return by_region


def required_tag_parameters(entries: tuple[str, ...]) -> dict[str, str]:
    """configRequiredTags ("Key" or "Key=value1,value2") as REQUIRED_TAGS parameters tagNKey / tagNValue."""
    parameters: dict[str, str] = {}
    for index, entry in enumerate(entries, start=1):
        key, _, values = entry.partition("=")
        parameters[f"tag{index}Key"] = key
        if values:
            parameters[f"tag{index}Value"] = values
    return parameters


def blocked_port_parameters(ports: tuple[int, ...]) -> dict[str, str]:
    return {f"blockedPort{index}": str(port) for index, port in enumerate(ports, start=1)}


def rule_parameter_overrides(entries: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """configRuleParameters entries "rule-name.parameterName=value" grouped by rule."""
    overrides: dict[str, dict[str, str]] = {}
    for entry in entries:
        match = _RULE_PARAMETER.match(entry)
        if match:
            overrides.setdefault(match.group(1), {})[match.group(2)] = match.group(3)
    return overrides


# --- checks -------------------------------------------------------------------------------------------

def _k(name: str) -> str:
    from aws_logging_baseline.components.settings import config_key  # lazy: settings imports this module

    return config_key(name)


def _one_of(s: Any, name: str, allowed: tuple) -> list[str]:
    value = getattr(s, name)
    if value not in allowed:
        return [f"{_k(name)}: must be one of {', '.join(map(str, allowed))}, got {value!r}"]
    return []


def check_flow_logs(s: Any) -> list[str]:
    problems = _one_of(s, "flow_log_traffic_type", TRAFFIC_TYPES)
    problems += _one_of(s, "flow_log_destination", FLOW_LOG_DESTINATIONS)
    problems += _one_of(s, "flow_log_file_format", FLOW_LOG_FILE_FORMATS)
    problems += _one_of(s, "flow_log_max_aggregation_interval", AGGREGATION_INTERVALS)
    known = set(flow_log_field_names())
    if not s.flow_log_fields:
        problems.append(f"{_k('flow_log_fields')}: at least one field is required")
    for name in s.flow_log_fields:
        if name not in known:
            problems.append(
                f"{_k('flow_log_fields')}: unknown flow log field {name!r} "
                f"(write names without ${{}}; documented fields: {', '.join(flow_log_field_names())})"
            )
    duplicates = sorted({f for f in s.flow_log_fields if s.flow_log_fields.count(f) > 1})
    if duplicates:
        problems.append(f"{_k('flow_log_fields')}: listed more than once: {', '.join(duplicates)}")
    for entry in s.flow_log_vpc_ids:
        match = _VPC_ENTRY.match(entry)
        if not match:
            problems.append(f"{_k('flow_log_vpc_ids')}: {entry!r} is not REGION:VPC_ID (for example us-east-1:vpc-0123456789abcdef0)")
        elif match.group(1) not in s.regions:
            problems.append(f"{_k('flow_log_vpc_ids')}: {entry!r} names region {match.group(1)}, which is not in baseline:regions")
    return problems


def check_config(s: Any) -> list[str]:
    problems = _one_of(s, "config_recording_frequency", RECORDING_FREQUENCIES)
    problems += _one_of(s, "config_snapshot_frequency", DELIVERY_FREQUENCIES)
    problems += _one_of(s, "config_rule_frequency", DELIVERY_FREQUENCIES)
    if s.config_sns_topic_arn and not _SNS_ARN.match(s.config_sns_topic_arn):
        problems.append(f"{_k('config_sns_topic_arn')}: not an SNS topic ARN: {s.config_sns_topic_arn!r}")
    rules = rule_by_name()
    known = ", ".join(rules)
    for name in s.config_rules_disabled:
        if name not in rules:
            problems.append(f"{_k('config_rules_disabled')}: unknown rule {name!r} (rules: {known})")
    for entry in s.config_rule_parameters:
        match = _RULE_PARAMETER.match(entry)
        if not match:
            problems.append(f"{_k('config_rule_parameters')}: {entry!r} is not rule-name.parameterName=value")
            continue
        rule_name, parameter = match.group(1), match.group(2)
        if rule_name not in rules:
            problems.append(f"{_k('config_rule_parameters')}: unknown rule {rule_name!r} (rules: {known})")
        elif parameter not in rules[rule_name].parameter_names():
            allowed = ", ".join(sorted(rules[rule_name].parameter_names())) or "none"
            problems.append(f"{_k('config_rule_parameters')}: rule {rule_name} has no parameter {parameter!r} (parameters: {allowed})")
    enabled = set(rules) - set(s.config_rules_disabled)
    if "required-tags" in enabled:
        if not 1 <= len(s.config_required_tags) <= MAX_REQUIRED_TAGS:
            problems.append(f"{_k('config_required_tags')}: 1 to {MAX_REQUIRED_TAGS} tags are required while rule required-tags is enabled")
        for entry in s.config_required_tags:
            key, _, _ = entry.partition("=")
            if not _TAG_KEY.match(key):
                problems.append(f"{_k('config_required_tags')}: {entry!r} is not Key or Key=value1,value2")
    if "restricted-common-ports" in enabled:
        ports = list(s.config_restricted_ports)
        if not 1 <= len(ports) <= MAX_BLOCKED_PORTS:
            problems.append(f"{_k('config_restricted_ports')}: 1 to {MAX_BLOCKED_PORTS} ports are required while rule restricted-common-ports is enabled")
        for port in ports:
            if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
                problems.append(f"{_k('config_restricted_ports')}: {port!r} is not a TCP port (1 to 65535)")
        if len(set(map(str, ports))) != len(ports):
            problems.append(f"{_k('config_restricted_ports')}: a port is listed more than once")
    remediable = sorted(r.name for r in rules.values() if r.remediation)
    for name in s.config_remediation_rules:
        if name not in rules or rules[name].remediation is None:
            problems.append(f"{_k('config_remediation_rules')}: no automatic remediation for rule {name!r} (available: {', '.join(remediable)})")
        elif name in s.config_rules_disabled:
            problems.append(f"{_k('config_remediation_rules')}: rule {name} is switched off in baseline:configRulesDisabled")
    return problems


def check_inspector(s: Any) -> list[str]:
    problems = []
    types = list(s.inspector_resource_types)
    if s.inspector_enabled and not types:
        problems.append(f"{_k('inspector_resource_types')}: at least one resource type is required while inspectorEnabled is true")
    for t in types:
        if t not in INSPECTOR_RESOURCE_TYPES:
            problems.append(f"{_k('inspector_resource_types')}: unknown resource type {t!r} (one of {', '.join(INSPECTOR_RESOURCE_TYPES)})")
    if "LAMBDA_CODE" in types and "LAMBDA" not in types:
        problems.append(f"{_k('inspector_resource_types')}: LAMBDA_CODE needs LAMBDA (Lambda code scanning builds on standard scanning)")
    if len(set(types)) != len(types):
        problems.append(f"{_k('inspector_resource_types')}: a resource type is listed more than once")
    return problems
