"""Convert each resource's properties once per request, not once per policy.

pulumi-policy's analyzer (pulumi_policy/policy.py, 1.21) turns a resource's protobuf properties into a dict, and
wraps that dict in its read-only unknown-value-checking proxy, for every policy: `Analyze` once per resource
policy, `AnalyzeStack` for every resource once per stack policy. With ~560 resources and ~45 policies that is
most of the pack's time. The policies only read what they are given, so the same proxy can serve them all: this
wraps the conversions the analyzer calls (and its per-request resource-options and provider views) with a memo
keyed by the object converted (kept alive by the memo, so an id is never reused while it is cached). Results are
exactly the SDK's own; only the repeated work goes.

`AnalyzeStack` also rebuilds the whole resource graph (a PolicyResource per resource, parents, dependencies,
property dependencies) once per stack policy: ~860 resources x ~33 stack policies, most of what is left of the
pack's time even with the memo. `analyze_stack` is the SDK's method (1.21.0, line for line in what it reports)
with that graph built once per request and handed to every stack policy (each gets its own list; the
PolicyResources in it are shared, which is safe because no policy of this pack writes to one). `analyze` does
the same for `Analyze`: the resource's properties, options and provider looked up once per request instead of
once per resource policy (~25 per resource), and a policy whose `applies_to` (catalog.resource_policy) excludes
the resource's type is skipped, as its validate would return at once. tests/policies/test_sdk_memo.py proves both responses equal to the
SDK's own. They are installed only on the pulumi-policy version they were written against.
"""

import asyncio
import math
import threading
from inspect import isawaitable
from typing import Any, Callable

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto

try:
    from pulumi_policy import policy
except ImportError:  # install() leaves such an environment alone
    policy = None

SDK_VERSION = "1.21.0"  # the pulumi-policy whose AnalyzeStack `analyze_stack` reproduces
SDK_ANALYZE_STACK: Callable | None = None  # the SDK's own methods, once `install` replaced them
SDK_ANALYZE: Callable | None = None

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


def struct_to_dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    """`json_format.MessageToDict` of a Struct (the properties of every request), without its descriptor walk: the
    same dict, keys in the same order (tests/policies/test_sdk_memo.py compares them on the example), ~3x faster."""
    return {key: _value(value) for key, value in struct.fields.items()}


def _value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "struct_value":
        return struct_to_dict(value.struct_value)
    if kind == "list_value":
        return [_value(item) for item in value.list_value.values]
    if kind == "bool_value":
        return value.bool_value
    if kind == "number_value":
        number = value.number_value
        if math.isinf(number) or math.isnan(number):
            return json_format.MessageToDict(struct_pb2.ListValue(values=[value]))  # raises json_format's error
        return number
    return None  # null_value, or no kind at all


def _message_to_dict(message: Any, *args: Any, **kwargs: Any) -> Any:
    if not args and not kwargs and type(message) is struct_pb2.Struct:
        return struct_to_dict(message)
    return json_format.MessageToDict(message, *args, **kwargs)


class _JsonFormat:
    """json_format with a memoized MessageToDict, fast for Structs (everything else passed through)."""

    def __init__(self):
        self.MessageToDict = _Memo(_message_to_dict)

    def __getattr__(self, name: str) -> Any:
        return getattr(json_format, name)


def install() -> None:
    """Wrap the analyzer's conversions; a pulumi-policy without them is left alone."""
    global SDK_ANALYZE_STACK, SDK_ANALYZE
    if policy is None:
        return
    if isinstance(getattr(policy, "json_format", None), _JsonFormat):
        return
    if all(hasattr(policy, name) for name in ("json_format", "deserialize_properties", "unknown_checking_proxy")):
        policy.json_format = _JsonFormat()
        policy.deserialize_properties = _Memo(policy.deserialize_properties)
        policy.unknown_checking_proxy = _Memo(policy.unknown_checking_proxy)
    servicer = getattr(policy, "_PolicyAnalyzerServicer", None)
    if servicer is not None and getattr(policy, "VERSION", None) == SDK_VERSION and not getattr(
            servicer.AnalyzeStack, "builds_graph_once", False):
        SDK_ANALYZE_STACK, SDK_ANALYZE = servicer.AnalyzeStack, servicer.Analyze
        servicer.AnalyzeStack, servicer.Analyze = analyze_stack, analyze
    for name in ("_get_resource_options", "_get_provider_resource"):  # per request, not per policy, too
        method = getattr(servicer, name, None)
        if method is not None and not getattr(method, "memoized", False):
            setattr(servicer, name, _provider_memo(method) if name == "_get_provider_resource" else _method_memo(method))


def _provider_memo(method: Callable) -> Callable:
    """`_get_provider_resource`, one view per distinct provider: every request carries its own copy of its provider
    (AnalyzeStack: ~860 copies of the same default provider), so the memo is keyed by the provider's content. The
    view is read-only, as the graph's PolicyResources are."""
    views: dict[tuple[int, bytes], Any] = {}
    lock = threading.Lock()

    def wrapper(self, request):
        if not request.HasField("provider"):
            return None
        key = (id(self), request.provider.SerializeToString(deterministic=True))
        view = views.get(key)
        if view is None:
            view = method(self, request)
            with lock:
                if len(views) >= _LIMIT:
                    views.clear()
                views[key] = view
        return view

    wrapper.memoized = True
    return wrapper


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


def analyze(self, request, _context):
    """pulumi-policy 1.21.0's `_PolicyAnalyzerServicer.Analyze`, the resource's views built once (see above)."""
    self._configure_runtime_settings()
    response = proto.AnalyzeResponse()
    views = None
    for each in self._PolicyAnalyzerServicer__policies:
        applies_to = getattr(each, "applies_to", None)  # catalog.resource_policy: validate runs for these types only
        if applies_to is not None and not applies_to(request.type):
            continue  # what the SDK would do (validate returns at once), without building the arguments
        enforcement_level = self._get_enforcement_level(each)
        if enforcement_level == policy.EnforcementLevel.DISABLED or not isinstance(each, policy.ResourceValidationPolicy):
            continue
        if not each.has_validation():  # a remediation-only policy
            response.not_applicable.append(proto.PolicyNotApplicable(
                policy_name=each.name, reason="Policy does not implement validate"))
            continue
        if enforcement_level == policy.EnforcementLevel.REMEDIATE:
            enforcement_level = policy.EnforcementLevel.MANDATORY  # still violated after remediation
        report_violation = self._create_report_violation(response, each.name, each.description, enforcement_level,
                                                         each.severity)
        if views is None:
            deserialized = policy.deserialize_properties(policy.json_format.MessageToDict(request.properties))
            views = (policy.unknown_checking_proxy(deserialized), self._get_resource_options(request),
                     self._get_provider_resource(request))
        props, opts, provider = views
        config = self._get_policy_config(each.name)
        args = policy.ResourceValidationArgs(request.type, props, request.urn, request.name, opts, provider, config,
                                             self._PolicyAnalyzerServicer__stack_tags)
        _validate(self, each, args, report_violation, response)
    return response


def _validate(self, each, args, report_violation, response) -> None:
    """Run one policy as the SDK does: an UnknownValueError is an advisory "can't run during preview"
    diagnostic, not_applicable() a PolicyNotApplicable; anything else fails the request."""
    name = self._PolicyAnalyzerServicer__policy_pack_name
    version = self._PolicyAnalyzerServicer__policy_pack_version
    try:
        result = each.validate(args, report_violation)
        if isawaitable(result):
            loop = asyncio.new_event_loop()
            task = asyncio.Task(result, loop=loop)
            loop.run_until_complete(task)
            loop.close()
    except policy.UnknownValueError as e:
        response.diagnostics.append(proto.AnalyzeDiagnostic(
            policyName=each.name,
            policyPackName=name,
            policyPackVersion=version,
            message=(f"can't run policy '{each.name}' from policy pack '{name}@v{version}' during preview: "
                     f"{e.message}"),
            urn="",
            description=each.description,
            enforcementLevel=self._map_enforcement_level(policy.EnforcementLevel.ADVISORY),
        ))
    except policy._NotApplicableError as e:
        response.not_applicable.append(proto.PolicyNotApplicable(policy_name=each.name, reason=e.reason or ""))


def _stack_resources(servicer: Any, request: Any) -> list:
    """The SDK's per-policy graph of PolicyResources (AnalyzeStack's loop body), built once."""
    intermediates = []
    for r in request.resources:
        deserialized = policy.deserialize_properties(policy.json_format.MessageToDict(r.properties))
        props = policy.unknown_checking_proxy(deserialized)
        opts = servicer._get_resource_options(r)
        provider = servicer._get_provider_resource(r)
        resource = policy.PolicyResource(r.type, props, r.urn, r.name, opts, provider, None, [], {})
        property_dependencies = {k: list(v.urns) for k, v in r.propertyDependencies.items()}
        intermediates.append((resource, r.parent, list(r.dependencies), property_dependencies))
    urns_to_resources = {resource.urn: resource for resource, _, _, _ in intermediates}
    for resource, parent, dependencies, property_dependencies in intermediates:
        if parent is not None and parent in urns_to_resources:
            resource.parent = urns_to_resources[parent]
        for d in dependencies:
            if d in urns_to_resources:
                resource.dependencies.append(urns_to_resources[d])
        for k, urns in property_dependencies.items():
            resource.property_dependencies[k] = [urns_to_resources[d] for d in urns if d in urns_to_resources]
    return [resource for resource, _, _, _ in intermediates]


def analyze_stack(self, request, _context):
    """pulumi-policy 1.21.0's `_PolicyAnalyzerServicer.AnalyzeStack`, the resource graph built once (see above)."""
    self._configure_runtime_settings()
    response = proto.AnalyzeResponse()
    resources = None
    for each in self._PolicyAnalyzerServicer__policies:
        enforcement_level = self._get_enforcement_level(each)
        if enforcement_level == policy.EnforcementLevel.DISABLED or not isinstance(each, policy.StackValidationPolicy):
            continue
        if enforcement_level == policy.EnforcementLevel.REMEDIATE:
            enforcement_level = policy.EnforcementLevel.MANDATORY  # stack policies cannot remediate
        report_violation = self._create_report_violation(response, each.name, each.description, enforcement_level,
                                                         each.severity)
        if resources is None:
            resources = _stack_resources(self, request)
        config = self._get_policy_config(each.name)
        args = policy.StackValidationArgs(list(resources), config, self._PolicyAnalyzerServicer__stack_tags)
        _validate(self, each, args, report_violation, response)
    return response


analyze_stack.builds_graph_once = True
analyze.builds_graph_once = True
