"""The pack's speed-ups: the memo of pulumi-policy's property conversion (the SDK's own results, computed once
per object), Analyze and AnalyzeStack converting once per request (byte-equal to the SDK's), catalogs read with
libyaml (the same data)."""

from google.protobuf import json_format, struct_pb2

from aws_logging_baseline.policies.baseline_policies.sdk_memo import _Memo


def test_same_object_converted_once_and_equal_to_the_sdk():
    calls = []
    memo = _Memo(lambda message: calls.append(message) or json_format.MessageToDict(message))
    first, second = struct_pb2.Struct(), struct_pb2.Struct()
    first.update({"bucket": "archive", "tags": {"Owner": "security"}})
    second.update({"bucket": "replica"})
    assert memo(first) == json_format.MessageToDict(first) and memo(first) is memo(first)
    assert memo(second) == {"bucket": "replica"}
    assert len(calls) == 2  # once per object, however many policies ask


def test_extra_arguments_are_part_of_the_key():
    memo = _Memo(lambda value, *flags: (value["x"], flags))
    value = {"x": 1}
    assert memo(value) == (1, ()) and memo(value, True) == (1, (True,))


# --- AnalyzeStack with the resource graph built once: the SDK's responses, byte for byte --------------------

import pytest
from google.protobuf import empty_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy import policy as sdk_policy

from aws_logging_baseline.offline.account_facts import with_account_facts
from aws_logging_baseline.offline.crossguard import _Bridge, _configure_request, reconcile_config
from aws_logging_baseline.policies.baseline_policies import ALL_POLICIES, PACK_NAME, sdk_memo
from tests.engine_helpers import example
from tests.policies.conftest import run_case

SDK_ANALYZE_STACK = sdk_memo.SDK_ANALYZE_STACK or sdk_policy._PolicyAnalyzerServicer.AnalyzeStack
SDK_ANALYZE = sdk_memo.SDK_ANALYZE or sdk_policy._PolicyAnalyzerServicer.Analyze


def _analyze_requests(run):
    """Every Analyze request of a finished run, as `check` sends them: each resource's, then the stack's."""
    bridge = _Bridge.of(run)
    return [bridge.analyze_request(resource) for resource in run.resources] + [bridge.stack_analyze_request(run)]


def _servicer(run, user_config):
    servicer = sdk_policy._PolicyAnalyzerServicer(PACK_NAME, "0.0.1", ALL_POLICIES, EnforcementLevel.ADVISORY)
    info = servicer.GetAnalyzerInfo(empty_pb2.Empty(), None)
    config = reconcile_config(info, with_account_facts(user_config, run.fixture, run.stack_outputs), "test")
    servicer.Configure(_configure_request(config), None)
    servicer.ConfigureStack(proto.AnalyzerStackConfigureRequest(
        stack=run.stack, project=run.project.name, organization="organization", dry_run=True,
        config={k: str(v) for k, v in run.config.items()}, tags={}), None)
    return servicer


@pytest.mark.parametrize(("run", "user_config", "expected_policy"), [
    (example, None, None),
    (lambda: run_case("delivery-no-acl-check"), None, "log-delivery-paths-allowed"),
    (lambda: run_case("delivery-decrypt-in-account"), {"all": "mandatory", "log-delivery-paths-allowed": "disabled"},
     "log-stores-refuse-outsiders"),
], ids=["example", "denied-delivery", "open-store-all-mandatory-one-disabled"])
def test_analyze_stack_builds_the_graph_once_and_answers_as_the_sdk(run, user_config, expected_policy):
    assert sdk_policy.VERSION == sdk_memo.SDK_VERSION  # else install() leaves the SDK's method alone
    run = run()
    request = _Bridge.of(run).analyze_stack_request(run)
    servicer = _servicer(run, user_config)
    sdk = SDK_ANALYZE_STACK(servicer, request, None)
    ours = sdk_memo.analyze_stack(servicer, request, None)
    assert ours.SerializeToString(deterministic=True) == sdk.SerializeToString(deterministic=True)
    reported = {d.policyName for d in ours.diagnostics}
    assert (expected_policy in reported) if expected_policy else not reported, reported
    if user_config:
        assert "log-delivery-paths-allowed" not in reported


@pytest.mark.parametrize(("case", "user_config", "expected_policy"), [
    ("bucket-open-ifexists", None, "s3-bucket-policy-no-public-principal"),
    ("trust-anyone", {"all": "mandatory", "s3-bucket-policy-no-public-principal": "disabled"},
     "resource-policy-refuses-outsiders"),
])
def test_analyze_converts_each_resource_once_and_answers_as_the_sdk(case, user_config, expected_policy):
    run = run_case(case)
    servicer = _servicer(run, user_config)
    reported = set()
    for request in _analyze_requests(run):
        sdk = SDK_ANALYZE(servicer, request, None)
        ours = sdk_memo.analyze(servicer, request, None)
        assert ours.SerializeToString(deterministic=True) == sdk.SerializeToString(deterministic=True), request.urn
        reported |= {d.policyName for d in ours.diagnostics}
    assert expected_policy in reported, reported
    if user_config:
        assert "s3-bucket-policy-no-public-principal" not in reported


def test_every_resource_policy_names_its_types_and_the_skip_answers_as_the_sdk_on_the_example():
    """Each resource policy declares the types it judges (catalog.resource_policy); `analyze` skips the others
    without building arguments. Over the example's ~860 resources and a bad-trail case, every answer is still the
    SDK's own, byte for byte, and most resources are judged by no policy at all."""
    resource_policies = [p for p in ALL_POLICIES if isinstance(p, sdk_policy.ResourceValidationPolicy)]
    assert resource_policies and all(callable(getattr(p, "applies_to", None)) for p in resource_policies)
    for run in (example(), run_case("bucket-open-ifexists")):
        servicer = _servicer(run, None)
        judged = 0
        for request in _analyze_requests(run):
            sdk = SDK_ANALYZE(servicer, request, None)
            ours = sdk_memo.analyze(servicer, request, None)
            assert ours.SerializeToString(deterministic=True) == sdk.SerializeToString(deterministic=True), request.urn
            judged += any(p.applies_to(request.type) for p in resource_policies)
        assert 0 < judged < len(run.resources) + 1


def test_a_resource_policy_never_runs_for_another_type():
    from aws_logging_baseline.policies.baseline_policies.catalog import resource_policy

    calls = []
    judged = resource_policy("sns-encrypted-kms", lambda args, report: calls.append(args.resource_type),
                             ["aws:sns/topic:Topic"])
    for type_ in ("aws:sns/topic:Topic", "aws:s3/bucket:Bucket"):
        judged.validate(type("Args", (), {"resource_type": type_})(), lambda *a: None)
    assert calls == ["aws:sns/topic:Topic"]
    assert judged.applies_to("aws:sns/topic:Topic") and not judged.applies_to("aws:sns/topicPolicy:TopicPolicy")


def test_install_replaces_analyze_stack_only_once(monkeypatch):
    servicer = sdk_policy._PolicyAnalyzerServicer
    for owner, name in [(sdk_policy, "json_format"), (sdk_policy, "deserialize_properties"),
                        (sdk_policy, "unknown_checking_proxy"), (servicer, "AnalyzeStack"), (servicer, "Analyze"), (sdk_memo, "SDK_ANALYZE"),
                        (servicer, "_get_resource_options"), (servicer, "_get_provider_resource"),
                        (sdk_memo, "SDK_ANALYZE_STACK")]:
        monkeypatch.setattr(owner, name, getattr(owner, name))  # restored after the test: the SDK as it was
    sdk_memo.install()
    assert sdk_policy._PolicyAnalyzerServicer.AnalyzeStack is sdk_memo.analyze_stack
    sdk_memo.install()
    assert sdk_policy._PolicyAnalyzerServicer.AnalyzeStack is sdk_memo.analyze_stack
    assert sdk_policy._PolicyAnalyzerServicer.Analyze is sdk_memo.analyze
    assert sdk_memo.SDK_ANALYZE_STACK is not sdk_memo.analyze_stack and sdk_memo.SDK_ANALYZE is not sdk_memo.analyze


def test_the_pack_reads_its_catalogs_as_pyyaml_does():
    """The pack reads controls.yaml and the component catalogs with libyaml's loader: the same data."""
    import yaml

    from aws_logging_baseline.policies.baseline_policies import catalog, component_data

    assert catalog._DOCUMENT == yaml.safe_load(catalog.CATALOG_FILE.read_text(encoding="utf-8"))
    for path in sorted(component_data.COMPONENT_CATALOG.glob("*.yaml")):
        assert component_data.component_catalog(path.name) == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_the_fast_struct_conversion_is_json_formats_on_every_property_of_the_example():
    """struct_to_dict gives MessageToDict's dict, keys in the same order, for every input and output of the
    example stack, and for the edge values a Struct can hold (null, an empty Value, nested empties, -0.0, 1e300)."""
    import json

    edges = struct_pb2.Struct()
    edges.update({"null": None, "list": [[], {}, [None, True, 0.5]], "nested": {"a": {"b": []}}, "neg": -0.0, "big": 1e300})
    edges.fields["unset"].CopyFrom(struct_pb2.Value())
    structs = [edges] + [s for r in example().resources for s in (r.input_struct, r.output_struct)]
    for struct in structs:
        assert json.dumps(sdk_memo.struct_to_dict(struct)) == json.dumps(json_format.MessageToDict(struct))
    infinite = struct_pb2.Struct()
    infinite.update({"x": float("inf")})
    with pytest.raises(ValueError, match="Infinity"):
        sdk_memo.struct_to_dict(infinite)
