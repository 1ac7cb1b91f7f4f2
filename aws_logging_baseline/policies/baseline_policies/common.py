"""Helpers every policy module shares: config with schema defaults, JSON policy documents, stack views.

Props are the engine's camelCase wire names. An absent property is judged by the provider's default.
A value unknown during preview raises pulumi_policy's UnknownValueError when read; the analyzer turns it
into an advisory "can't run policy during preview" diagnostic, so policies never guess about unknowns.
"""

import json
from collections import defaultdict
from typing import Any, Iterable, Mapping

from .catalog import CONTROLS

STACK_TYPE = "pulumi:pulumi:Stack"
SOURCE_CONDITION_KEYS = ("aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths")


def setting(args: Any, policy: str, key: str) -> Any:
    """The policy's config value; the schema default when the host sent no config (the CLI applies it)."""
    value = args.get_config().get(key)
    if value is None:
        value = CONTROLS[policy]["config"][key]["default"]
    if isinstance(value, float) and value.is_integer():  # Struct numbers arrive as doubles
        value = int(value)
    return value


def as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    return list(value)


def policy_document(value: Any) -> dict | None:
    """A policy input (JSON string, or already an object) as a dict; None when absent or not JSON."""
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        return dict(value)
    try:
        document = json.loads(value)
    except (TypeError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def statements(document: dict | None) -> list[dict]:
    if not document:
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping)]


def principals(statement: Mapping) -> dict[str, list[str]]:
    """{"*": ["*"]} for Principal "*", else {"AWS": [...], "Service": [...], ...}."""
    principal = statement.get("Principal")
    if principal is None:
        return {}
    if isinstance(principal, str):
        return {"*": [principal]} if principal == "*" else {"AWS": [principal]}
    return {kind: [str(v) for v in as_list(values)] for kind, values in principal.items()}


def is_public(statement: Mapping) -> bool:
    found = principals(statement)
    return "*" in found or "*" in found.get("AWS", [])


def condition_keys(statement: Mapping) -> set[str]:
    keys = set()
    for block in (statement.get("Condition") or {}).values():
        if isinstance(block, Mapping):
            keys.update(str(k).lower() for k in block)
    return keys


def where(props: Mapping, key: str) -> str:
    """A short location for messages: the resource's region when known."""
    region = props.get("region")
    return f" in {region}" if isinstance(region, str) and region else ""


class StackView:
    """The stack's resources (outputs) indexed by type, plus the Stack's own outputs."""

    def __init__(self, args: Any):
        self.resources = list(args.resources)
        self.by_type: dict[str, list[Any]] = defaultdict(list)
        self.outputs: Mapping[str, Any] = {}
        self.stack_urn: str | None = None  # stack-wide violations point at the Stack
        for resource in self.resources:
            self.by_type[resource.resource_type].append(resource)
            if resource.resource_type == STACK_TYPE:
                self.outputs = resource.props
                self.stack_urn = resource.urn
        self.default_region = self._default_region()

    def of(self, *types: str) -> list[Any]:
        return [r for t in types for r in self.by_type.get(t, [])]

    def _default_region(self) -> str | None:
        for resource in self.resources:
            provider = resource.provider
            if provider is not None and provider.resource_type == "pulumi:providers:aws":
                region = provider.props.get("region")
                if isinstance(region, str):
                    return region
        return None

    def region(self, resource: Any) -> str | None:
        """A resource's region: its v7 `region` output, else its provider's region."""
        region = resource.props.get("region")
        if isinstance(region, str) and region:
            return region
        provider = resource.provider
        if provider is not None:
            region = provider.props.get("region")
            if isinstance(region, str) and region:
                return region
        return self.default_region

    def required_regions(self, args: Any, policy: str) -> list[str]:
        """requiredRegions from config, else the stack output `regions`; [] means not known."""
        configured = setting(args, policy, "requiredRegions")
        if configured:
            return list(configured)
        exported = self.outputs.get("regions")
        return [r for r in as_list(exported) if isinstance(r, str)]


def bucket_name_from_arn(value: Any) -> str | None:
    """arn:aws:s3:::name[/prefix] -> name; a plain name is returned unchanged."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("arn:"):
        resource = value.split(":", 5)[-1]
        return resource.split("/", 1)[0] or None
    return value.split("/", 1)[0]


def joined(items: Iterable[str]) -> str:
    return ", ".join(sorted(set(items)))
