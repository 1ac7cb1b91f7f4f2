"""IAM policy Condition blocks, wildcard matching and policy variables, evaluated offline.

Follows https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html and
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from functools import lru_cache
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

# Wildcards of a compiled pattern are private-use characters, so that a literal "*" written as ${*}
# (or coming from a substituted value) is never mistaken for a wildcard.
_ANY = "\ue000"
_ONE = "\ue001"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")

# Condition context values may be one value or a list of values (a multivalued key).
ContextValue = Any


def wildcard_match(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """True when value matches pattern, where "*" matches any run of characters and "?" exactly one."""
    return match_pattern(compile_pattern(pattern), value, case_sensitive=case_sensitive)


def arn_like(pattern: str, arn: str) -> bool:
    """ArnLike/ArnEquals: the six colon-separated ARN components are matched one by one, case-sensitively."""
    return _arn_match(compile_pattern(pattern), arn)


def compile_pattern(text: str) -> str:
    """A policy string whose "*" and "?" are wildcards, in the internal form the matchers take."""
    return text.replace("*", _ANY).replace("?", _ONE)


def substitute_variables(text: str, context: Mapping[str, ContextValue]) -> str | None:
    """Compile text, replacing ${key}, ${key, 'default'}, ${*}, ${?} and ${$} from the context.

    The result is in the internal pattern form that match_pattern takes. Returns None when a variable names a key that is missing (or multivalued) and has no default:
    AWS then treats the statement as not matching.
    """
    lowered = lowercase_keys(context)
    parts: list[str] = []
    position = 0
    for found in _VARIABLE.finditer(text):
        parts.append(compile_pattern(text[position:found.start()]))
        replacement = _resolve_variable(found.group(1), lowered)
        if replacement is None:
            return None
        parts.append(replacement)
        position = found.end()
    parts.append(compile_pattern(text[position:]))
    return "".join(parts)


def lowercase_keys(context: Mapping[str, ContextValue]) -> dict[str, ContextValue]:
    """Condition key names are case-insensitive, so lookups go through lower-cased names."""
    return {str(key).lower(): value for key, value in context.items()}


def _resolve_variable(inner: str, context: Mapping[str, ContextValue]) -> str | None:
    inner = inner.strip()
    if inner in ("*", "?", "$"):
        return inner  # an escaped literal character, never a wildcard
    key, _, default = inner.partition(",")
    value = context.get(key.strip().lower())
    if value is not None and not isinstance(value, (list, tuple, set, frozenset)):
        return as_text(value)
    default = default.strip()
    if len(default) >= 2 and default[0] == default[-1] == "'":
        return default[1:-1].replace("''", "'")
    return None


def match_pattern(pattern: str, value: str, *, case_sensitive: bool) -> bool:
    """Match value against a pattern from compile_pattern or substitute_variables."""
    if not case_sensitive:
        pattern, value = pattern.lower(), value.lower()
    if _ANY not in pattern and _ONE not in pattern:
        return pattern == value
    return _regex(pattern).fullmatch(value) is not None


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern:
    """The pattern as a regular expression: "*" any run of characters (across "/" and ":"), "?" exactly one."""
    parts = []
    for char in pattern:
        parts.append(".*" if char == _ANY else "." if char == _ONE else re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def _arn_match(pattern: str, arn: str) -> bool:
    if pattern == _ANY:
        return True
    wanted, actual = pattern.split(":", 5), arn.split(":", 5)
    if len(wanted) != 6 or len(actual) != 6:
        return False
    return all(match_pattern(w, a, case_sensitive=True) for w, a in zip(wanted, actual))


def as_text(value: Any) -> str:
    """The string form AWS compares: JSON booleans are "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _literal(pattern: str) -> str:
    return pattern.replace(_ANY, "*").replace(_ONE, "?")


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return float(value)


def _date(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(value, tz=timezone.utc)
    elif re.fullmatch(r"\d+(\.\d+)?", str(value).strip()):
        moment = datetime.fromtimestamp(float(value), tz=timezone.utc)  # epoch seconds
    else:
        moment = datetime.fromisoformat(str(value).strip())  # ISO 8601, "Z" accepted since 3.11
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _binary(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    return str(value)


def _ip_in(network: str, address: Any) -> bool:
    net = ipaddress.ip_network(network, strict=False)
    ip = ipaddress.ip_address(str(address))
    return ip.version == net.version and ip in net


# A comparison takes the compiled policy value and one request value and says whether they match.
Comparison = Callable[[str, Any], bool]


@dataclass(frozen=True)
class _Operator:
    compare: Comparison
    negated: bool = False
    variables: bool = False  # whether policy variables are substituted in its values


def _string(compare: Comparison) -> Comparison:
    return lambda wanted, actual: compare(wanted, as_text(actual))


_OPERATORS: dict[str, _Operator] = {}


def _register(positive: str, negative: str | None, compare: Comparison, *, variables: bool = False) -> None:
    _OPERATORS[positive.lower()] = _Operator(compare, variables=variables)
    if negative:
        _OPERATORS[negative.lower()] = _Operator(compare, negated=True, variables=variables)


_register("StringEquals", "StringNotEquals", _string(lambda w, a: _literal(w) == a), variables=True)
_register(
    "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    _string(lambda w, a: _literal(w).lower() == a.lower()), variables=True,
)
_register("StringLike", "StringNotLike", _string(lambda w, a: match_pattern(w, a, case_sensitive=True)),
          variables=True)
_register("NumericEquals", "NumericNotEquals", lambda w, a: _number(w) == _number(a))
_register("NumericLessThan", None, lambda w, a: _number(a) < _number(w))
_register("NumericLessThanEquals", None, lambda w, a: _number(a) <= _number(w))
_register("NumericGreaterThan", None, lambda w, a: _number(a) > _number(w))
_register("NumericGreaterThanEquals", None, lambda w, a: _number(a) >= _number(w))
_register("DateEquals", "DateNotEquals", lambda w, a: _date(a) == _date(w))
_register("DateLessThan", None, lambda w, a: _date(a) < _date(w))
_register("DateLessThanEquals", None, lambda w, a: _date(a) <= _date(w))
_register("DateGreaterThan", None, lambda w, a: _date(a) > _date(w))
_register("DateGreaterThanEquals", None, lambda w, a: _date(a) >= _date(w))
_register("Bool", None, _string(lambda w, a: _literal(w).lower() == a.lower()), variables=True)
_register("BinaryEquals", None, lambda w, a: w == _binary(a))
_register("IpAddress", "NotIpAddress", lambda w, a: _ip_in(w, a))
_register("ArnEquals", "ArnNotEquals", _string(_arn_match), variables=True)
_register("ArnLike", "ArnNotLike", _string(_arn_match), variables=True)


@dataclass(frozen=True)
class ConditionFailure:
    """The first operator/key pair of a Condition block that did not hold."""

    operator: str
    key: str
    expected: tuple[str, ...]
    actual: Any  # the request value(s); None when the key is missing from the request

    def __str__(self) -> str:
        if self.actual is None:
            got = "no value (key missing)"
        elif isinstance(self.actual, (list, tuple)):
            got = "[" + ", ".join(as_text(v) for v in self.actual) + "]"
        else:
            got = as_text(self.actual)
        return f"condition {self.operator} {self.key} expects {', '.join(self.expected)} got {got}"


@dataclass(frozen=True)
class ConditionResult:
    failure: ConditionFailure | None = None

    def holds(self) -> bool:
        return self.failure is None

    def __bool__(self) -> bool:
        return self.holds()


def evaluate_condition(condition_block: Mapping[str, Any], context: Mapping[str, ContextValue]) -> ConditionResult:
    """Every operator and every key of the block must hold (AND); the values of one key are alternatives (OR)."""
    lowered = lowercase_keys(context)
    for operator, keys in (condition_block or {}).items():
        for key, wanted in keys.items():
            wanted_values = tuple(wanted) if isinstance(wanted, (list, tuple)) else (wanted,)
            if not _holds(operator, key, wanted_values, lowered):
                return ConditionResult(ConditionFailure(
                    operator, key, tuple(as_text(v) for v in wanted_values), lowered.get(key.lower()),
                ))
    return ConditionResult()


def _holds(operator: str, key: str, wanted: tuple[Any, ...], context: Mapping[str, ContextValue]) -> bool:
    qualifier, _, name = operator.rpartition(":")
    qualifier = qualifier.lower()
    if qualifier not in ("", "foranyvalue", "forallvalues"):
        raise ValueError(f"unknown condition set operator {operator!r}")
    raw = context.get(key.lower())
    values = list(raw) if isinstance(raw, (list, tuple, set, frozenset)) else ([] if raw is None else [raw])

    if name.lower() == "null":
        # Null is true for "true" when the key is absent, for "false" when it is present.
        return any((as_text(w).lower() == "true") == (not values) for w in wanted)

    if_exists = name.lower().endswith("ifexists")
    base = name[: -len("IfExists")] if if_exists else name
    spec = _OPERATORS.get(base.lower())
    if spec is None:
        raise ValueError(f"unknown condition operator {operator!r}")

    if not values:
        if if_exists or qualifier == "forallvalues":
            return True  # IfExists and ForAllValues hold when the key is missing (or empty)
        if qualifier == "foranyvalue":
            return False
        return spec.negated  # a missing key never matches, so only the negated operators hold

    patterns = []
    for value in wanted:
        text: str | None = as_text(value)
        if spec.variables:
            text = substitute_variables(text, context)
            if text is None:
                return False  # an unresolved policy variable: the statement cannot match
        patterns.append(text)

    def matches(actual: Any) -> bool:
        for pattern in patterns:
            try:
                if spec.compare(pattern, actual):
                    return True
            except (ValueError, TypeError, OverflowError):
                continue  # a value of the wrong type (e.g. "abc" for a number) does not match
        return False

    if qualifier == "forallvalues":
        return all(matches(v) != spec.negated for v in values)
    if qualifier == "foranyvalue":
        return any(matches(v) != spec.negated for v in values)
    # A plain operator against several request values: a match of any value counts,
    # and a negated operator holds only when no value matches (NOR).
    return any(matches(v) for v in values) != spec.negated
