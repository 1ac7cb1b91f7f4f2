"""ConfigRules: the AWS managed Config rules of catalog/config_rules.yaml, in the regions each belongs to.

One generic component reads the catalog: rules about global resources (IAM, root) run in the home region
only, the others in every region; each rule depends on its region's recorder. Input parameters are always
explicit strings (managed rules get defaults only in the console): fixed catalog values, values wired from
the baseline (archive bucket, trail log group, alert topic, flow-log traffic type, log retention), the
settings lists (required tags, restricted ports), then `configRuleParameters` overrides. Rules named in
`configRulesDisabled` are not deployed.
"""

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regional_settings import (
    RuleSpec,
    blocked_port_parameters,
    config_rule_catalog,
    required_tag_parameters,
    rule_parameter_overrides,
)
from aws_logging_baseline.components.settings import Settings


@dataclass
class ConfigRulesArgs:
    settings: Settings
    recorders: dict[str, pulumi.Resource]  # region -> that region's recorder
    # Values wired into rule parameters by name (catalog `wired:`); a None value leaves the parameter out.
    wired: dict[str, pulumi.Input[str] | None] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


def enabled_rules(s: Settings, custom: bool = False) -> list[RuleSpec]:
    return [r for r in config_rule_catalog() if r.custom == custom and r.name not in s.config_rules_disabled]


def rule_regions(s: Settings, rule: RuleSpec) -> list[str]:
    return [s.home_region] if rule.global_ else list(s.regions)


def rule_parameters(s: Settings, rule: RuleSpec, wired: dict[str, Any]) -> dict[str, Any]:
    """Every input parameter of a rule, in precedence order: catalog, wired, settings lists, overrides."""
    values: dict[str, Any] = dict(rule.parameters)
    for parameter, source in rule.wired.items():
        if source not in wired:
            raise ValueError(f"catalog/config_rules.yaml: rule {rule.name}: nothing wired as {source!r}")
        if wired[source] is not None:
            values[parameter] = wired[source]
    if rule.expand == "requiredTags":
        values.update(required_tag_parameters(s.config_required_tags))
    elif rule.expand == "restrictedPorts":
        values.update(blocked_port_parameters(s.config_restricted_ports))
    values.update(rule_parameter_overrides(s.config_rule_parameters).get(rule.name, {}))
    return values


def rule_scope(rule: RuleSpec) -> dict[str, Any] | None:
    """The rule's Config scope: its resource types and, with `scope_tag`, only resources carrying that tag."""
    scope: dict[str, Any] = {}
    if rule.scope:
        scope["compliance_resource_types"] = list(rule.scope)
    if rule.scope_tag:
        scope["tag_key"], scope["tag_value"] = rule.scope_tag
    return scope or None


class ConfigRules(pulumi.ComponentResource):
    rules: dict[tuple[str, str], aws.cfg.Rule]  # (rule name, region) -> rule

    def __init__(self, name: str, args: ConfigRulesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:cfg:ConfigRules", name, None, opts)
        s = args.settings
        wired = {**args.wired, "flowLogTrafficType": s.flow_log_traffic_type, "logRetentionDays": str(s.log_retention_days)}
        self.rules = {}
        for rule in enabled_rules(s):
            parameters = rule_parameters(s, rule, wired)
            for region in rule_regions(s, rule):
                self.rules[(rule.name, region)] = aws.cfg.Rule(
                    f"{name}-{region}-{rule.name}",
                    name=f"{s.name_prefix}-{rule.name}",
                    region=region,
                    description=rule.description,
                    source={"owner": "AWS", "source_identifier": rule.identifier},
                    input_parameters=to_json(parameters) if parameters else None,
                    scope=rule_scope(rule),
                    maximum_execution_frequency=s.config_rule_frequency if rule.periodic_only else None,
                    tags=args.tags,
                    opts=child(self, [args.recorders[region]]),
                )
        self.register_outputs({"ruleCount": len(self.rules)})
