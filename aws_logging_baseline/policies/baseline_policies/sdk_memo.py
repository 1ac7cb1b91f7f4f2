"""Convert each resource's properties once per request, not once per policy.

pulumi-policy's analyzer (pulumi_policy/policy.py, 1.21) turns a resource's protobuf properties into a dict, and
wraps that dict in its read-only unknown-value-checking proxy, for every policy: `Analyze` once per resource
policy, `AnalyzeStack` for every resource once per stack policy. With ~560 resources and ~45 policies that is
most of the pack's time. The policies only read what they are given, so the same proxy can serve them all: this
wraps the conversions the analyzer calls (and its per-request resource-options and provider views) with a memo
keyed by the object converted (kept alive by the memo, so an id is never reused while it is cached). Results are
exactly the SDK's own; only the repeated work goes.
"""

import threading
from typing import Any, Callable

from google.protobuf import json_format

_LIMIT = 20_000  # entries; one example stack is ~1,100 (properties and their dicts)


class _Memo:
    def __init__(self, function: Callable):
        self.function = function
        self.entries: dict[tuple, tuple[Any, Any]] = {}
        self.lock = threading.Lock()

    def __call__(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            return self.function(value, *args, **kwargs)
        key = (id(value), args)
        entry = self.entries.get(key)
        if entry is not None and entry[0] is value:
            return entry[1]
        result = self.function(value, *args)
        with self.lock:
            if len(self.entries) >= _LIMIT:
                self.entries.clear()
            self.entries[key] = (value, result)
        return result


class _JsonFormat:
    """json_format with a memoized MessageToDict (everything else passed through)."""

    def __init__(self):
        self.MessageToDict = _Memo(json_format.MessageToDict)

    def __getattr__(self, name: str) -> Any:
        return getattr(json_format, name)


def install() -> None:
    """Wrap the analyzer's conversions; a pulumi-policy without them is left alone."""
    try:
        from pulumi_policy import policy
    except ImportError:
        return
    if isinstance(getattr(policy, "json_format", None), _JsonFormat):
        return
    if all(hasattr(policy, name) for name in ("json_format", "deserialize_properties", "unknown_checking_proxy")):
        policy.json_format = _JsonFormat()
        policy.deserialize_properties = _Memo(policy.deserialize_properties)
        policy.unknown_checking_proxy = _Memo(policy.unknown_checking_proxy)
    servicer = getattr(policy, "_PolicyAnalyzerServicer", None)
    for name in ("_get_resource_options", "_get_provider_resource"):  # per request, not per policy, too
        method = getattr(servicer, name, None)
        if method is not None and not getattr(method, "memoized", False):
            setattr(servicer, name, _method_memo(method))


def _method_memo(method: Callable) -> Callable:
    """A servicer method of one request argument, memoized on the request (its results are read-only)."""
    memos: dict[int, _Memo] = {}

    def wrapper(self, request):
        memo = memos.get(id(self))
        if memo is None:
            memo = memos[id(self)] = _Memo(lambda value, servicer=self: method(servicer, value))
        return memo(request)

    wrapper.memoized = True
    return wrapper
