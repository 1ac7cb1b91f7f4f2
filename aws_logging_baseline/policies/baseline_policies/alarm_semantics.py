"""Each CIS monitoring alarm judged as a whole: can it fire, and does it notify someone?

A control is met when the trail's log group has a metric filter whose pattern means what the reference pattern
means (parsed, see filter_pattern.py; the reference is components/catalog/cis_alarms.yaml, Security Hub's own
patterns where Security Hub checks the control), that adds the catalog's metric value per match, and an alarm on
exactly that metric and namespace with the catalog's statistic, period, threshold, operator and evaluation
periods, actions enabled, and an alarm action that is an SNS topic of this stack.
"""

from functools import lru_cache
from typing import Any, Mapping

from .common import as_list
from .component_data import component_catalog
from .filter_pattern import Node, PatternError, differences, parse

CIS_VERSION = "1.4.0"  # the numbering requiredAlarms uses
# Alarm property (engine camelCase) -> catalog key, for the parameters every CIS alarm must have.
PARAMETERS = {
    "statistic": "statistic",
    "period": "period",
    "threshold": "threshold",
    "comparisonOperator": "comparison_operator",
    "evaluationPeriods": "evaluation_periods",
}


def catalog() -> dict[str, Any]:
    return component_catalog("cis_alarms.yaml")


def control_ids() -> list[str]:
    """The CIS v1.4.0 ids of the catalog's alarms ("4.1" ... "4.15")."""
    return [a["cis"][CIS_VERSION] for a in catalog()["alarms"]]


def _entry(control_id: str) -> dict[str, Any]:
    return next(a for a in catalog()["alarms"] if a["cis"].get(CIS_VERSION) == control_id)


def title(control_id: str) -> str:
    return _entry(control_id)["title"]


@lru_cache(maxsize=None)
def reference(control_id: str) -> tuple[str, Node]:
    """(catalog metric name, parsed reference pattern) of a CIS v1.4.0 control id such as "4.3"."""
    entry = _entry(control_id)
    return entry["metric"], parse(entry["pattern"])


def metric_of(filter_resource: Any) -> tuple[Any, Any, Any]:
    """(name, namespace, value) of a metric filter's transformation."""
    transformation = filter_resource.props.get("metricTransformation") or {}
    if isinstance(transformation, list):  # older shapes: a one-element list
        transformation = transformation[0] if transformation else {}
    return transformation.get("name"), transformation.get("namespace"), transformation.get("value")


@lru_cache(maxsize=512)
def _parsed(pattern: str) -> Node | str:
    try:
        return parse(pattern)
    except PatternError as exc:
        return str(exc)


def is_reference_pattern(control_id: str, pattern: Any) -> bool:
    """Whether a filter pattern is the control's reference pattern (parsed: equivalent rewrites count)."""
    return isinstance(pattern, str) and _parsed(pattern) == reference(control_id)[1]


def _same(value: Any, expected: Any) -> bool:
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(value, (int, float)) and float(value) == float(expected)
    return value == expected


def alarm_problems(alarm: Any, topic_arns: set[str]) -> list[str]:
    """Why this alarm cannot notify the stack's alert topic the way the catalog says ([] when it can)."""
    props: Mapping = alarm.props
    expected = catalog()["alarm"]
    problems = [
        f"{prop} is {props.get(prop)!r} (expected {expected[key]!r})"
        for prop, key in PARAMETERS.items() if not _same(props.get(prop), expected[key])
    ]
    datapoints = props.get("datapointsToAlarm")
    if datapoints is not None and not _same(datapoints, expected["evaluation_periods"]):
        problems.append(f"datapointsToAlarm is {datapoints!r} (expected unset or {expected['evaluation_periods']!r})")
    if props.get("dimensions"):
        problems.append("it has dimensions, which the filter's metric never carries")
    if props.get("actionsEnabled") is False:
        problems.append("actionsEnabled is false, so it notifies nobody")
    actions = [a for a in as_list(props.get("alarmActions")) if isinstance(a, str)]
    if not actions:
        problems.append("it has no alarm action")
    elif not set(actions) & topic_arns:
        problems.append(f"its alarm actions {', '.join(sorted(actions))} are not an SNS topic of this stack")
    return problems


def control_problem(control_id: str, filters: list[Any], alarms: list[Any], topic_arns: set[str]) -> str | None:
    """Why the CIS control is not met by the filters and alarms given (None when it is)."""
    metric, expected = reference(control_id)
    matching, near = [], []
    for filter_resource in filters:
        pattern = filter_resource.props.get("pattern")
        parsed = _parsed(pattern) if isinstance(pattern, str) else "no pattern"
        if parsed == expected:
            matching.append(filter_resource)
        elif metric_of(filter_resource)[0] == metric:
            why = parsed if isinstance(parsed, str) else differences(parsed, expected)
            near.append(f"filter {filter_resource.name} has the metric {metric} but not the reference pattern: {why}")
    if not matching:
        return near[0] if near else "no metric filter with the reference pattern (components/catalog/cis_alarms.yaml)"
    expected_value = str(catalog()["alarm"]["metric_value"])
    counted = [f for f in matching if str(metric_of(f)[2]) == expected_value]
    if not counted:
        f = matching[0]
        return f"filter {f.name} adds {metric_of(f)[2]!r} per match (expected {expected_value!r}), so its alarm never fires"
    reasons = []
    for filter_resource in counted:
        name, namespace, _ = metric_of(filter_resource)
        on_metric = [a for a in alarms if (a.props.get("metricName"), a.props.get("namespace")) == (name, namespace)]
        if not on_metric:
            reasons.append(f"no alarm on metric {namespace}/{name} of filter {filter_resource.name}")
        for alarm in on_metric:
            problems = alarm_problems(alarm, topic_arns)
            if not problems:
                return None
            reasons.append(f"alarm {alarm.name}: " + ", ".join(problems))
    return reasons[0]
