"""One check of a component's arguments when it is constructed: unknown fields (with the nearest known name),
missing required fields and plain values of the wrong type, all named with the component and the field in one
error. A misspelt `object_lock_day=3650` must not silently deploy the default 365 days."""

import difflib
import typing
from collections.abc import Mapping
from typing import Any

_SIMPLE = {str: "string", int: "integer", float: "number", bool: "boolean"}


class ArgsError(ValueError):
    """The arguments given to a component do not fit its Args type."""


def check_args(component: str, name: str, args: Any, args_type: type) -> None:
    """Raise ArgsError naming every problem of `args` against the TypedDict `args_type`."""
    if not isinstance(args, Mapping):
        raise ArgsError(f"{component} {name!r}: args must be a {args_type.__name__} (a dict of its fields), got {type(args).__name__}")
    hints = {key: _unwrap(hint) for key, hint in args_type.__annotations__.items()}
    problems = []
    for key in args:
        if key not in hints:
            near = difflib.get_close_matches(str(key), list(hints), n=1)
            problems.append(f"unknown field {key!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
    problems += [f"missing required field {key!r}" for key in sorted(args_type.__required_keys__ - set(args))]
    for key, value in args.items():
        expected = _describe_mismatch(hints.get(key), value)
        if expected:
            problems.append(f"{key!r} must be {expected}, got {type(value).__name__} {_short(value)}")
    if problems:
        raise ArgsError(f"{component} {name!r}: {args_type.__name__}: " + "; ".join(problems))


def _describe_mismatch(hint: Any, value: Any) -> str | None:
    """What a plain field expects, when `value` is not that; None when it fits or the field takes outputs
    (`pulumi.Input[...]` is a Union with Output, checked by the engine, not here)."""
    if hint is None or value is None:
        return None
    origin = typing.get_origin(hint)
    if hint in _SIMPLE:
        return None if _fits(hint, value) else ("an " if hint is int else "a ") + _SIMPLE[hint]
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        kind = f"a list of {_SIMPLE[item]}s" if item in _SIMPLE else "a list"
        if not isinstance(value, (list, tuple)) or (item in _SIMPLE and not all(_fits(item, v) for v in value)):
            return kind
        return None
    if origin is dict:
        return None if isinstance(value, Mapping) else "a mapping"
    return None


def _unwrap(hint: Any) -> Any:
    """NotRequired[X] / Required[X] -> X (the annotations as written; pulumi.Input's forward references stay
    unresolved, which is fine: input fields are not checked here)."""
    while typing.get_origin(hint) in (typing.NotRequired, typing.Required):
        (hint,) = typing.get_args(hint)
    return hint


def _fits(kind: type, value: Any) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:  # numbers from other languages arrive as floats
        return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, kind)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
