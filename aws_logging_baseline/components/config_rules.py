"""ConfigRules: the AWS managed Config rules of catalog/config_rules.yaml, in the regions each belongs to.

One generic component reads the catalog: rules about global resources (IAM, root) run in the home region
only, the others in every region; each rule depends on its region's recorder. Input parameters are always
explicit strings (managed rules get defaults only in the console): fixed catalog values, values wired from
the baseline (archive bucket, trail log group, alert topic, flow-log traffic type, log retention), the
required tags and restricted ports, then `parameter_overrides` (`configRuleParameters`). Rules named in
`disabled_rules` (`configRulesDisabled`) are not deployed.
"""

from typing import Any, Mapping, NotRequired, Sequence, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regional_settings import (
    RuleSpec,
    blocked_port_parameters,
    config_rule_catalog,
    required_tag_parameters,
    rule_by_name,
)

DEFAULT_REQUIRED_TAGS = ("Owner", "CostCenter")
DEFAULT_RESTRICTED_PORTS = (20, 21, 3389, 3306, 4333)


class ConfigRulesArgs(TypedDict):
    """Arguments of ConfigRules: the regions the catalog's rules run in, the values wired into their parameters,
    and which rules are off or differently parameterized."""

    regions: list[str]
    """The regions the rules about regional resources run in."""
    home_region: str
    """The one region the rules about global resources (IAM, root) run in."""
    archive_bucket_name: pulumi.Input[str]
    """The archive bucket, wired into the trail rules' s3BucketName (catalog `wired: archiveBucket`)."""
    trail_log_group_arn: NotRequired[pulumi.Input[str]]
    """The trail's CloudWatchLogsLogGroupArn (ends in ":*"), wired into the trail rules (`trailLogGroupArn`). Default: none (the parameter is left out)."""
    alert_topic_arn: NotRequired[pulumi.Input[str]]
    """The alert topic, for rules that wire `alertTopicArn`. Default: none (the parameter is left out)."""
    flow_log_traffic_type: NotRequired[str]
    """The traffic the flow logs capture, wired into vpc-flow-logs-enabled (`flowLogTrafficType`). Default: REJECT."""
    log_retention_days: NotRequired[int]
    """The minimum log group retention cw-loggroup-retention-period-check demands (`logRetentionDays`). Default: 365."""
    disabled_rules: NotRequired[list[str]]
    """Catalog rules not to deploy. Default: none."""
    parameter_overrides: NotRequired[dict[str, dict[str, str]]]
    """Input parameters by rule name, over every other value (parameterName -> value). Default: none."""
    required_tags: NotRequired[list[str]]
    """Tags required-tags demands, as Key or Key=value1,value2 (1 to 6). Default: Owner, CostCenter."""
    restricted_ports: NotRequired[list[int]]
    """TCP ports restricted-common-ports forbids from anywhere (1 to 5). Default: 20, 21, 3389, 3306, 4333."""
    rule_frequency: NotRequired[str]
    """How often periodic rules run: One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours. Default: TwentyFour_Hours."""
    name_prefix: NotRequired[str]
    """Prefix of the rule names. Default: baseline."""
    tags: NotRequired[dict[str, str]]
    """Tags of every rule. Default: none."""


def enabled_rules(disabled: Sequence[str] = (), custom: bool = False) -> list[RuleSpec]:
    """The catalog's managed (or, with `custom`, CUSTOM_LAMBDA) rules not named in `disabled`."""
    return [r for r in config_rule_catalog() if r.custom == custom and r.name not in disabled]


def rule_regions(rule: RuleSpec, regions: Sequence[str], home_region: str) -> list[str]:
    return [home_region] if rule.global_ else list(regions)


def rule_parameters(
    rule: RuleSpec,
    wired: Mapping[str, Any],
    *,
    overrides: Mapping[str, str] | None = None,
    required_tags: Sequence[str] = DEFAULT_REQUIRED_TAGS,
    restricted_ports: Sequence[int] = DEFAULT_RESTRICTED_PORTS,
) -> dict[str, Any]:
    """Every input parameter of a rule, in precedence order: catalog, wired, the tag/port lists, `overrides`
    (this rule's)."""
    values: dict[str, Any] = dict(rule.parameters)
    for parameter, source in rule.wired.items():
        if source not in wired:
            raise ValueError(f"catalog/config_rules.yaml: rule {rule.name}: nothing wired as {source!r}")
        if wired[source] is not None:
            values[parameter] = wired[source]
    if rule.expand == "requiredTags":
        values.update(required_tag_parameters(tuple(required_tags)))
    elif rule.expand == "restrictedPorts":
        values.update(blocked_port_parameters(tuple(restricted_ports)))
    values.update(overrides or {})
    return values


def unknown_rules(field_name: str, names: Sequence[str]) -> None:
    """Refuse rule names the catalog does not know (a typo would silently leave a rule on or unparameterized)."""
    unknown = sorted(set(names) - set(rule_by_name()))
    if unknown:
        raise ValueError(f"{field_name}: unknown Config rule(s) {', '.join(unknown)} (see catalog/config_rules.yaml)")


def rule_scope(rule: RuleSpec) -> dict[str, Any] | None:
    """The rule's Config scope: its resource types and, with `scope_tag`, only resources carrying that tag."""
    scope: dict[str, Any] = {}
    if rule.scope:
        scope["compliance_resource_types"] = list(rule.scope)
    if rule.scope_tag:
        scope["tag_key"], scope["tag_value"] = rule.scope_tag
    return scope or None


class ConfigRules(pulumi.ComponentResource):
    """The AWS managed Config rules of the catalog, global ones in the home region, the others in every region."""

    def __init__(
        self,
        name: str,
        args: ConfigRulesArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        recorders: Mapping[str, pulumi.Resource] | None = None,
    ):
        """`recorders` (Python only): region -> that region's recorder; each rule waits for its region's
        (AWS Config refuses a rule before the region has a recorder)."""
        check_args("ConfigRules", name, args, ConfigRulesArgs)
        super().__init__("baseline:cfg:ConfigRules", name, None, opts)
        disabled, overrides = args.get("disabled_rules", []), args.get("parameter_overrides", {})
        unknown_rules("disabled_rules", disabled)
        unknown_rules("parameter_overrides", list(overrides))
        wired = {
            "archiveBucket": args["archive_bucket_name"],
            "trailLogGroupArn": args.get("trail_log_group_arn"),
            "alertTopicArn": args.get("alert_topic_arn"),
            "flowLogTrafficType": args.get("flow_log_traffic_type", "REJECT"),
            "logRetentionDays": str(args.get("log_retention_days", 365)),
        }
        prefix, tags = args.get("name_prefix", "baseline"), args.get("tags", {})
        frequency = args.get("rule_frequency", "TwentyFour_Hours")
        # (rule name, region) -> rule; not a class annotation: the schema analyzer would take it for an output
        # with tuple keys, which no schema type has.
        self.rules: dict[tuple[str, str], aws.cfg.Rule] = {}
        for rule in enabled_rules(disabled):
            parameters = rule_parameters(
                rule,
                wired,
                overrides=overrides.get(rule.name),
                required_tags=args.get("required_tags", DEFAULT_REQUIRED_TAGS),
                restricted_ports=args.get("restricted_ports", DEFAULT_RESTRICTED_PORTS),
            )
            for region in rule_regions(rule, args["regions"], args["home_region"]):
                self.rules[(rule.name, region)] = aws.cfg.Rule(
                    f"{name}-{region}-{rule.name}",
                    name=f"{prefix}-{rule.name}",
                    region=region,
                    description=rule.description,
                    source={"owner": "AWS", "source_identifier": rule.identifier},
                    input_parameters=to_json(parameters) if parameters else None,
                    scope=rule_scope(rule),
                    maximum_execution_frequency=frequency if rule.periodic_only else None,
                    tags=tags,
                    opts=child(self, [recorders[region]] if recorders is not None else []),
                )
        self.register_outputs({"ruleCount": len(self.rules)})
