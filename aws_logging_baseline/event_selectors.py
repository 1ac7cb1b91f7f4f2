"""Decide offline whether a CloudTrail trail's advanced event selectors record an event.

Semantics per the CloudTrail API reference (AdvancedEventSelector, AdvancedFieldSelector,
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html): a trail records an
event when ANY of its selectors matches; a selector matches when ALL its field selectors match; within one field
selector `Equals`/`StartsWith`/`EndsWith` values are alternatives (any), `NotEquals`/`NotStartsWith`/`NotEndsWith`
values must all hold. Accepts the API's PascalCase shape (GetEventSelectors) and the camelCase / snake_case shapes
of Pulumi inputs (`startsWiths`, `starts_withs`).
"""

from typing import Any, Mapping, Sequence

_OPERATORS = {
    "equals": "Equals", "startswith": "StartsWith", "endswith": "EndsWith",
    "notequals": "NotEquals", "notstartswith": "NotStartsWith", "notendswith": "NotEndsWith",
}


def _normalize(key: str) -> str | None:
    """'starts_withs' / 'startsWiths' / 'StartsWith' -> 'StartsWith'; None for 'field' / 'Field'."""
    flat = key.replace("_", "").lower()
    if flat == "field":
        return None
    if flat.endswith("withs"):
        flat = flat[:-1]
    if flat not in _OPERATORS:
        raise ValueError(f"unknown advanced field selector operator {key!r}")
    return _OPERATORS[flat]


def _field_matches(selector: Mapping[str, Any], event: Mapping[str, str]) -> bool:
    field = selector.get("Field", selector.get("field"))
    value = event.get(field)
    for key, values in selector.items():
        op = _normalize(key)
        if op is None or values is None:
            continue
        values = list(values)
        if op.startswith("Not"):
            if value is None:
                continue
            test = {"NotEquals": value.__eq__, "NotStartsWith": value.startswith, "NotEndsWith": value.endswith}[op]
            if any(test(v) for v in values):
                return False
        else:
            if value is None:
                return False
            test = {"Equals": value.__eq__, "StartsWith": value.startswith, "EndsWith": value.endswith}[op]
            if not any(test(v) for v in values):
                return False
    return True


def records(selectors: Sequence[Mapping[str, Any]], event: Mapping[str, str]) -> bool:
    """Whether a trail with these advanced event selectors records `event`, given as the selector fields it has
    (eventCategory, resources.type, resources.ARN, eventName, readOnly, ...)."""
    for selector in selectors:
        fields = selector.get("FieldSelectors", selector.get("fieldSelectors", selector.get("field_selectors"))) or []
        if fields and all(_field_matches(f, event) for f in fields):
            return True
    return False
