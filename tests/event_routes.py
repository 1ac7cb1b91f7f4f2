"""Which EventBridge rules of a plan would act on an event, judged by evaluating their patterns (no string search)."""

import json

from aws_logging_baseline.event_pattern import matches
from aws_logging_baseline.offline.engine import Registration, RunResult

EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"


def matching_rules(result: RunResult, region: str, event: dict, recorded_in: str | None = None) -> list[Registration]:
    """The pattern rules in `region` that match `event`, recorded in `recorded_in` (default: `region`; a forwarded
    event keeps the region it was recorded in)."""
    event = {**event, "region": recorded_in or region}
    return [
        r for r in result.of_type(EVENT_RULE)
        if r.inputs["region"] == region and "eventPattern" in r.inputs and matches(json.loads(r.inputs["eventPattern"]), event)
    ]


def targets_of(result: RunResult, rule: Registration) -> list[Registration]:
    return [
        t for t in result.of_type(EVENT_TARGET)
        if t.inputs["rule"] == rule.inputs["name"] and t.inputs["region"] == rule.inputs["region"]
    ]


def alert_path(result: RunResult, region: str, home: str, topic_arn: str, account: str, event: dict) -> list[str]:
    """How `event`, recorded in `region`, reaches the alert topic: the rule names on the way. Asserts the route
    exists: home rules target the topic; in other regions exactly one rule forwards it to the home bus, where
    exactly one rule sends it to the topic (a forwarded event keeps its original region)."""
    home_bus = f"arn:aws:events:{home}:{account}:event-bus/default"
    route = []
    if region != home:
        forwarders = matching_rules(result, region, event)
        assert len(forwarders) == 1, (region, [r.inputs["name"] for r in forwarders])
        assert [t.inputs["arn"] for t in targets_of(result, forwarders[0])] == [home_bus], region
        route.append(forwarders[0].inputs["name"])
    deliverers = matching_rules(result, home, event, recorded_in=region)
    assert len(deliverers) == 1, (region, [r.inputs["name"] for r in deliverers])
    assert [t.inputs["arn"] for t in targets_of(result, deliverers[0])] == [topic_arn], region
    route.append(deliverers[0].inputs["name"])
    return route
