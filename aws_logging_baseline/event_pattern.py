"""Evaluate an EventBridge event pattern against an event, offline.

Covers the part of the pattern language the baseline uses: exact values (strings, numbers, booleans, null),
`prefix`, `suffix`, `anything-but` (a value, a list of values, or a `prefix`), `exists`, and `$or`. Semantics per
the EventBridge user guide ("Event patterns", "Content filtering"):
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html

* Every field of the pattern must match (AND); the values listed for one field are alternatives (OR).
* An array in the event matches when any of its elements matches any listed value.
* A field missing from the event matches only `{"exists": false}`; `anything-but` needs the field present.
* `$or` holds sub-patterns, at least one of which must match (together with the other fields).

Unknown operators raise ValueError: a pattern this module cannot judge is never reported as matching.
"""

from typing import Any

_MISSING = object()


def matches(pattern: dict[str, Any], event: Any) -> bool:
    """Whether `event` (a parsed JSON object) matches the EventBridge `pattern`."""
    if not isinstance(pattern, dict):
        raise ValueError(f"an event pattern is a JSON object, got {pattern!r}")
    for key, expected in pattern.items():
        if key == "$or":
            if not isinstance(expected, list) or not expected:
                raise ValueError("$or takes a non-empty list of patterns")
            if not any(matches(option, event) for option in expected):
                return False
            continue
        value = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(expected, dict):
            if value is _MISSING or not _object_matches(expected, value):
                return False
        elif isinstance(expected, list):
            if not _field_matches(expected, value):
                return False
        else:
            raise ValueError(f"pattern field {key!r}: a value must be a list or an object, got {expected!r}")
    return True


def _object_matches(pattern: dict[str, Any], value: Any) -> bool:
    if isinstance(value, list):
        return any(isinstance(v, dict) and matches(pattern, v) for v in value)
    return isinstance(value, dict) and matches(pattern, value)


def _field_matches(alternatives: list[Any], value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(_one_matches(alt, v, value is _MISSING) for alt in alternatives for v in values)


def _one_matches(matcher: Any, value: Any, missing: bool) -> bool:
    if isinstance(matcher, dict):
        if len(matcher) != 1:
            raise ValueError(f"a content filter has exactly one operator, got {matcher!r}")
        (op, arg), = matcher.items()
        if op == "exists":
            if not isinstance(arg, bool):
                raise ValueError(f"exists takes true or false, got {arg!r}")
            return (not missing) == arg
        if missing:
            return False
        if op == "prefix":
            return isinstance(value, str) and isinstance(arg, str) and value.startswith(arg)
        if op == "suffix":
            return isinstance(value, str) and isinstance(arg, str) and value.endswith(arg)
        if op == "anything-but":
            if isinstance(arg, dict):
                return not _one_matches(arg, value, False)
            excluded = arg if isinstance(arg, list) else [arg]
            return value not in excluded
        raise ValueError(f"unsupported pattern operator {op!r}")
    if missing:
        return False
    if isinstance(matcher, bool) or isinstance(value, bool):
        return type(matcher) is type(value) and matcher == value
    return matcher == value
