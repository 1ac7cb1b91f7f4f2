"""SecurityEvents: EventBridge rules that turn security events from every region into readable alert e-mails.

Driven by catalog/security_events.yaml. The forwarding path:

* Home region: one rule per catalog entry (any region in its pattern), its target the alert topic through an
  input transformer, so the message is a sentence (who, what, where, when). Forwarded events keep their
  original `region`, so these rules match events from every region.
* Every other configured region: ONE forwarding rule whose pattern is the `$or` of that region's entries
  (regional ones everywhere; global ones, IAM and console sign-in, only in the partition's global-events region,
  us-east-1), targeting the home region's default event bus with a role that may only `events:PutEvents` there.
  A pattern larger than EventBridge's 4096-character limit is split over more rules.
* CloudWatch alarms outside the home region (flow-log REJECT spikes) cannot notify the home topic directly:
  their "CloudWatch Alarm State Change" events ride the same forwarding rules, and one home rule publishes them.
* Optionally, a scheduled heartbeat rule in the home region proves that delivery works.

Rules are free for AWS service events; forwarded events count as custom events on the home bus.
"""

import copy
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, NotRequired, Sequence, TypedDict

import pulumi
import pulumi_aws as aws

import yaml

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regions import partition_of

CATALOG = Path(__file__).parent / "catalog" / "security_events.yaml"
MAX_PATTERN_LENGTH = 4096  # PutRule EventPattern limit
SCOPES = ("regional", "global", "everywhere", "home")
INSTANCE_STATES_PLACEHOLDER = "${instanceStates}"
DEFAULT_INSTANCE_STATES = ("stopped", "terminated")
# Where global services (IAM, console sign-in, STS global endpoint, Organizations) deliver their events.
GLOBAL_EVENTS_REGION = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}


@dataclass(frozen=True)
class EventSpec:
    id: str
    title: str
    scope: str  # "regional" | "global" | "everywhere" (every covered region and the global-events region) | "home" (arises, or is aggregated, in the home region only: never forwarded)
    pattern: dict[str, Any]
    paths: dict[str, str]
    message: str


@lru_cache(maxsize=1)
def load_catalog() -> tuple[EventSpec, ...]:
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    specs = tuple(EventSpec(**entry) for entry in data["events"])
    for spec in specs:
        if spec.scope not in SCOPES:
            raise ValueError(f"{CATALOG.name}: {spec.id}: scope must be one of {', '.join(SCOPES)}")
        missing = [p for p in _placeholders(spec.message) if p not in spec.paths]
        if missing:
            raise ValueError(f"{CATALOG.name}: {spec.id}: message placeholders without a path: {missing}")
    return specs


def event_ids() -> list[str]:
    return [spec.id for spec in load_catalog()]


def _placeholders(message: str) -> list[str]:
    parts = message.split("<")[1:]
    return [part.split(">", 1)[0] for part in parts if ">" in part]


def resolve_pattern(spec: EventSpec, instance_states: Sequence[str], names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The entry's pattern with settings substituted: `${instanceStates}` (a whole list) and, inside strings, the
    stack's names (`${namePrefix}`, `${partition}`, `${accountId}`, `${homeRegion}`) that scope an entry to the
    baseline's own resources."""
    names = dict(names or {})

    def walk(value: Any) -> Any:
        if value == INSTANCE_STATES_PLACEHOLDER:
            return list(instance_states)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str) and "${" in value:
            for key, replacement in names.items():
                value = value.replace("${" + key + "}", replacement)
            if "${" in value:
                raise ValueError(f"{CATALOG.name}: {spec.id}: unknown placeholder in {value!r}")
        return value

    return walk(copy.deepcopy(spec.pattern))


def pattern_names(name_prefix: str, partition: str, account_id: str, home_region: str) -> dict[str, str]:
    """The values of the name placeholders of catalog patterns."""
    return {"namePrefix": name_prefix, "partition": partition, "accountId": account_id, "homeRegion": home_region}


def alarm_state_pattern(name_prefix: str, exclude_region: str | None = None) -> dict[str, Any]:
    """ALARM transitions of the baseline's own CloudWatch alarms (optionally not those of one region)."""
    pattern: dict[str, Any] = {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "detail": {"alarmName": [{"prefix": f"{name_prefix}-"}], "state": {"value": ["ALARM"]}},
    }
    if exclude_region:
        pattern["region"] = [{"anything-but": exclude_region}]
    return pattern


ALARM_MESSAGE = "CloudWatch alarm <alarm> is in ALARM in account <account>, region <region>, at <time>: <reason>"
ALARM_PATHS = {
    "alarm": "$.detail.alarmName",
    "reason": "$.detail.state.reason",
    "account": "$.account",
    "region": "$.region",
    "time": "$.time",
}
HEARTBEAT_MESSAGE = "Scheduled check from the security baseline in account <account>, region <region>, at <time>: alerts reach this address."
HEARTBEAT_PATHS = {"account": "$.account", "region": "$.region", "time": "$.time"}


def input_transformer(paths: dict[str, str], message: str) -> dict[str, Any]:
    """The input transformer that makes the target receive `message` as a plain string (JSON-quoted template)."""
    return {"input_paths": dict(paths), "input_template": json.dumps(message)}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def alternatives(pattern: dict[str, Any]) -> list[dict[str, Any]]:
    """A pattern with a top-level `$or` as the equivalent list of patterns without it (no nested `$or`)."""
    if "$or" not in pattern:
        return [pattern]
    base = {k: v for k, v in pattern.items() if k != "$or"}
    return [_merge(base, option) for option in pattern["$or"]]


def combine(patterns: Sequence[dict[str, Any]], limit: int = MAX_PATTERN_LENGTH) -> list[dict[str, Any]]:
    """As few patterns as possible, each within `limit` characters, matching exactly what `patterns` match."""
    flat = [alt for p in patterns for alt in alternatives(p)]
    groups: list[list[dict[str, Any]]] = []
    for alt in flat:
        if groups and len(_dump(_one(groups[-1] + [alt]))) <= limit:
            groups[-1].append(alt)
        else:
            if len(_dump(alt)) > limit:
                raise ValueError(f"an event pattern is longer than {limit} characters: {_dump(alt)[:80]}...")
            groups.append([alt])
    return [_one(group) for group in groups]


def _one(group: list[dict[str, Any]]) -> dict[str, Any]:
    return group[0] if len(group) == 1 else {"$or": group}


def _dump(pattern: dict[str, Any]) -> str:
    return json.dumps(pattern, separators=(",", ":"))


def forwarded_from(scope: str, region: str, *, covered: bool, global_region: str) -> bool:
    """Whether a non-home region forwards events of `scope`: covered regions forward regional and everywhere
    events (and global ones if they are the global-events region); the global-events region, when not covered,
    forwards global and everywhere events only."""
    if scope == "everywhere":
        return True
    if scope == "home":  # aggregated into the home region by the service itself
        return False
    if scope == "global":
        return region == global_region
    return covered


def home_bus_arn(partition: str, region: str, account_id: str) -> str:
    return f"arn:{partition}:events:{region}:{account_id}:event-bus/default"


class SecurityEventsArgs(TypedDict):
    """Arguments of SecurityEvents: the regions to watch, the home region and account, the alert topic."""

    regions: list[str]
    """The covered regions: each forwards its security events to the home region."""
    home_region: str
    """The region of the alert topic and of the rules that publish to it."""
    account_id: str
    """The account whose default event bus in the home region receives the forwarded events."""
    topic_arn: pulumi.Input[str]
    """The alert topic (in the home region) the readable messages go to."""
    name_prefix: NotRequired[str]
    """Prefix of the rule and role names, and of the baseline alarms whose state changes are forwarded. Default: baseline."""
    disabled: NotRequired[list[str]]
    """Ids of catalog entries (catalog/security_events.yaml) switched off. Default: none."""
    instance_states: NotRequired[list[str]]
    """EC2 instance states that raise an alert; empty switches the instance-state rule off. Default: stopped, terminated."""
    schedule: NotRequired[str]
    """A rate(...) or cron(...) schedule of a heartbeat alert proving delivery works; empty: none. Default: none."""
    alarm_regions: NotRequired[list[str]]
    """Regions with baseline alarms that cannot notify the topic directly (not the home region). Default: none."""
    tags: NotRequired[dict[str, str]]
    """Tags of every rule and role. Default: none."""


class SecurityEvents(pulumi.ComponentResource):
    """EventBridge rules that turn security events of every covered region into readable alerts on the topic."""

    rules: dict[str, aws.cloudwatch.EventRule]  # home rules by catalog id (+ "alarm-state", "heartbeat")
    targets: dict[str, aws.cloudwatch.EventTarget]
    forward_rules: dict[str, list[aws.cloudwatch.EventRule]]  # region -> forwarding rules
    forward_targets: dict[str, list[aws.cloudwatch.EventTarget]]
    forwarding_role: aws.iam.Role | None

    def __init__(self, name: str, args: SecurityEventsArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("SecurityEvents", name, args, SecurityEventsArgs)
        super().__init__("baseline:events:SecurityEvents", name, None, opts)
        disabled = set(args.get("disabled", []))
        unknown = disabled - set(event_ids())
        if unknown:
            raise ValueError(f"SecurityEvents {name}: unknown event ids {sorted(unknown)}")
        self.rules, self.targets, self.forward_rules, self.forward_targets = {}, {}, {}, {}
        self.forwarding_role = None
        home, prefix = args["home_region"], args.get("name_prefix", "baseline")
        self.home_region, self.name_prefix, self.account_id = home, prefix, args["account_id"]
        self.partition, self.topic_arn, self.tags = partition_of(home) or "aws", args["topic_arn"], args.get("tags", {})
        regions = list(args["regions"])
        instance_states = list(args.get("instance_states", DEFAULT_INSTANCE_STATES))
        schedule = args.get("schedule", "")

        names = pattern_names(prefix, self.partition, self.account_id, home)
        enabled: list[tuple[EventSpec, dict[str, Any]]] = []
        for spec in load_catalog():
            if spec.id in disabled or (INSTANCE_STATES_PLACEHOLDER in json.dumps(spec.pattern) and not instance_states):
                continue
            enabled.append((spec, resolve_pattern(spec, instance_states, names)))

        # Home region: readable messages to the topic.
        for spec, pattern in enabled:
            self._home_rule(name, spec.id, spec.title, pattern, spec.paths, spec.message)
        remote_alarm_regions = [r for r in args.get("alarm_regions", []) if r != home]
        if remote_alarm_regions:
            self._home_rule(
                name, "alarm-state", "Baseline alarms of other regions", alarm_state_pattern(prefix, exclude_region=home),
                ALARM_PATHS, ALARM_MESSAGE,
            )
        if schedule:
            self._home_rule(name, "heartbeat", "Scheduled alert-delivery check", None, HEARTBEAT_PATHS, HEARTBEAT_MESSAGE, schedule)

        # Other regions: forward to the home bus.
        global_region = GLOBAL_EVENTS_REGION.get(self.partition, "us-east-1")
        source_regions = regions + ([global_region] if global_region not in regions else [])
        for region in source_regions:
            if region == home:
                continue
            patterns = [p for spec, p in enabled if forwarded_from(spec.scope, region, covered=region in regions, global_region=global_region)]
            if region in remote_alarm_regions:
                patterns.append(alarm_state_pattern(prefix))
            if patterns:
                self._forward(name, region, combine(patterns))
        self.register_outputs(
            {
                "homeRules": {k: r.name for k, r in self.rules.items()},
                "forwardingRegions": sorted(self.forward_rules),
            }
        )

    def _home_rule(
        self, name: str, key: str, title: str, pattern: dict[str, Any] | None, paths: dict[str, str], message: str,
        schedule: str | None = None,
    ) -> None:
        rule = aws.cloudwatch.EventRule(
            f"{name}-{key}",
            name=f"{self.name_prefix}-{key}",
            region=self.home_region,
            description=f"{title}: alert the security topic",
            event_pattern=_dump(pattern) if pattern is not None else None,
            schedule_expression=schedule,
            state="ENABLED",
            tags=self.tags,
            opts=child(self),
        )
        self.rules[key] = rule
        self.targets[key] = aws.cloudwatch.EventTarget(
            f"{name}-{key}-to-topic",
            region=self.home_region,
            rule=rule.name,
            target_id="alert-topic",
            arn=self.topic_arn,
            input_transformer=input_transformer(paths, message),
            opts=child(self),
        )

    def _role(self, name: str) -> aws.iam.Role:
        if self.forwarding_role is None:
            bus = home_bus_arn(self.partition, self.home_region, self.account_id)
            self.forwarding_role = aws.iam.Role(
                f"{name}-forwarding-role",
                name=f"{self.name_prefix}-events-forwarding",
                description=f"EventBridge rules of other regions forward security events to the default bus in {self.home_region}",
                assume_role_policy=json.dumps(
                    docs.assume_role_policy(
                        "events.amazonaws.com",
                        {
                            "StringEquals": {"aws:SourceAccount": self.account_id},
                            "ArnLike": {"aws:SourceArn": f"arn:{self.partition}:events:*:{self.account_id}:rule/{self.name_prefix}-forward-*"},
                        },
                    )
                ),
                tags=self.tags,
                opts=child(self),
            )
            self.forwarding_policy = aws.iam.RolePolicy(
                f"{name}-forwarding-policy",
                role=self.forwarding_role.name,
                policy=json.dumps(docs.event_forwarding_role_policy(home_bus_arn=bus)),
                opts=child(self),
            )
        return self.forwarding_role

    def _forward(self, name: str, region: str, patterns: list[dict[str, Any]]) -> None:
        role = self._role(name)
        bus = home_bus_arn(self.partition, self.home_region, self.account_id)
        for index, pattern in enumerate(patterns, start=1):
            suffix = "" if len(patterns) == 1 else f"-{index}"
            rule = aws.cloudwatch.EventRule(
                f"{name}-{region}-forward{suffix}",
                name=f"{self.name_prefix}-forward-to-{self.home_region}{suffix}",
                region=region,
                description=f"Forward security events of {region} to the default event bus in {self.home_region}",
                event_pattern=_dump(pattern),
                state="ENABLED",
                tags=self.tags,
                opts=child(self),
            )
            target = aws.cloudwatch.EventTarget(
                f"{name}-{region}-forward{suffix}-to-home",
                region=region,
                rule=rule.name,
                target_id="home-event-bus",
                arn=bus,
                role_arn=role.arn,
                opts=child(self, [self.forwarding_policy]),
            )
            self.forward_rules.setdefault(region, []).append(rule)
            self.forward_targets.setdefault(region, []).append(target)
