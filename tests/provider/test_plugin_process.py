"""The plugin as the engine runs it: `python plugin <engine address>` (what the Python language host does for
plugin/PulumiPlugin.yaml), then GetSchema and Construct over real gRPC, the way a TypeScript or YAML program's
`new Trail(...)` reaches it. The provider process registers the component's resources with a monitor served
here (tests/provider/monitor_server.py)."""

import json
import subprocess
import sys

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import errors_pb2, provider_pb2, provider_pb2_grpc, status_pb2

from aws_logging_baseline.provider import provider_version
from tests.engine_helpers import REPO
from tests.provider.monitor_server import MonitorServer

STACK_URN = "urn:pulumi:dev::caller::pulumi:pulumi:Stack::caller-dev"
KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
# What a TypeScript caller writes: the schema's camelCase names, plain JSON values.
CALLER_INPUTS = {
    "accountId": "111122223333",
    "homeRegion": "eu-west-1",
    "trailName": "org-trail",
    "bucketName": "acme-log-archive",
    "s3KeyPrefix": "cloudtrail",
    "kmsKeyArn": KEY_ARN,
    "namePrefix": "acme",
    "logRetentionDays": 400,
    "lambdaDataEvents": True,
    "tags": {"team": "platform"},
}


@pytest.fixture(scope="module")
def monitor():
    server = MonitorServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def provider(monitor, tmp_path_factory):
    stderr_path = tmp_path_factory.mktemp("plugin") / "stderr.txt"
    with stderr_path.open("w") as stderr:  # a file, not a pipe: a chatty plugin can never block on it
        process = subprocess.Popen([sys.executable, str(REPO / "plugin"), monitor.address], cwd=REPO,
                                   stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        port = process.stdout.readline().strip()
        assert port.isdigit(), f"the plugin printed no port: {port!r}\n{stderr_path.read_text()}"
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        yield provider_pb2_grpc.ResourceProviderStub(channel)
        channel.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


def construct(provider, monitor, name: str, inputs: dict, **request_fields):
    struct = struct_pb2.Struct()
    struct.update(inputs)
    request = provider_pb2.ConstructRequest(
        project="caller", stack="dev", organization="organization", dryRun=True, parallel=4,
        monitorEndpoint=monitor.address, type="aws-logging-baseline:index:Trail", name=name,
        parent=STACK_URN, inputs=struct, **request_fields)
    return provider.Construct(request, timeout=120)


@pytest.fixture(scope="module")
def constructed(provider, monitor):
    response = construct(provider, monitor, "audit", CALLER_INPUTS)
    return response, {(r.type, r.name): r for r in monitor.registered}


def test_get_schema_over_grpc_is_the_snapshot_and_the_plugin_reports_the_distribution_version(provider):
    served = provider.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60).schema
    assert json.loads(served) == json.loads((REPO / "tests" / "data" / "provider-schema.json").read_text())
    assert provider.GetPluginInfo(empty_pb2.Empty(), timeout=60).version == provider_version()


def test_camel_case_inputs_reach_the_trail(constructed):
    _, registered = constructed
    trail = registered[("aws:cloudtrail/trail:Trail", "audit-trail")].inputs
    assert (trail["name"], trail["s3BucketName"], trail["s3KeyPrefix"], trail["kmsKeyId"]) == (
        "org-trail", "acme-log-archive", "cloudtrail", KEY_ARN)
    assert trail["isMultiRegionTrail"] and trail["enableLogFileValidation"] and trail["tags"] == {"team": "platform"}
    selectors = [s["name"] for s in trail["advancedEventSelectors"]]
    assert selectors == ["Management events", "Archive deletions and retention changes", "Lambda data events"]
    archive = next(s for s in trail["advancedEventSelectors"] if s["name"].startswith("Archive"))
    assert {"field": "resources.ARN", "startsWiths": ["arn:aws:s3:::acme-log-archive/"]} in archive["fieldSelectors"]


def test_an_integer_input_arrives_as_an_int_and_omitted_inputs_take_their_secure_defaults(constructed):
    _, registered = constructed
    log_group = registered[("aws:cloudwatch/logGroup:LogGroup", "audit-log-group")]
    assert log_group.inputs["name"] == "/acme/cloudtrail" and log_group.inputs["retentionInDays"] == 400
    assert log_group.inputs["kmsKeyId"] == KEY_ARN  # logGroupKmsKeyArn omitted: Default: kms_key_arn
    assert log_group.protect, "protect omitted: Default: true (the log group survives `pulumi destroy`)"
    role = registered[("aws:iam/role:Role", "audit-logs-role")].inputs
    trust = json.loads(role["assumeRolePolicy"])["Statement"][0]["Condition"]["StringEquals"]
    assert trust == {"aws:SourceAccount": "111122223333",
                     "aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail"}


def test_the_component_is_parented_to_the_caller_and_its_resources_to_the_component(constructed):
    response, registered = constructed
    component = registered[("baseline:cloudtrail:Trail", "audit")]
    assert component.parent == STACK_URN and response.urn.endswith("::audit")
    assert {r.parent for key, r in registered.items() if key[1].startswith("audit-")} == {response.urn}
    assert set(response.state.keys()) == {"trail", "logGroup", "role"}  # the schema's outputs, as resource references


def test_a_missing_required_input_is_refused_naming_it(provider, monitor):
    inputs = {k: v for k, v in CALLER_INPUTS.items() if k != "bucketName"}
    with pytest.raises(grpc.RpcError) as refused:
        construct(provider, monitor, "incomplete", inputs)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = dict(refused.value.trailing_metadata())["grpc-status-details-bin"]
    errors = errors_pb2.InputPropertiesError()
    status_pb2.Status.FromString(details).details[0].Unpack(errors)
    assert [(e.property_path, e.reason) for e in errors.errors] == [
        ("bucketName", "Missing required input 'bucketName' on 'Trail'")]
    assert not any(r.name.startswith("incomplete") for r in monitor.registered)


def test_an_input_from_another_resource_orders_the_trail_after_it_where_component_depends_on_does_not(provider, monitor):
    """Trail's Python-only `depends_on` (the trail waits for the bucket and key policies, which CloudTrail checks
    at creation) has no schema counterpart. A caller that passes the bucket policy's output as bucketName gets the
    same ordering: the engine sends that input's dependency (inputDependencies), and the inner trail carries it.
    The component-level `dependsOn` option stays on the component and is not copied onto the inner trail."""
    bucket_policy = "urn:pulumi:dev::caller::aws:s3/bucketPolicy:BucketPolicy::archive-policy"
    key_policy = "urn:pulumi:dev::caller::aws:kms/keyPolicy:KeyPolicy::key-policy"
    construct(provider, monitor, "ordered", CALLER_INPUTS, dependencies=[key_policy], inputDependencies={
        "bucketName": provider_pb2.ConstructRequest.PropertyDependencies(urns=[bucket_policy])})
    registered = {(r.type, r.name): r for r in monitor.registered}
    trail = registered[("aws:cloudtrail/trail:Trail", "ordered-trail")]
    assert bucket_policy in trail.dependencies and key_policy not in trail.dependencies
    assert registered[("baseline:cloudtrail:Trail", "ordered")].dependencies == [key_policy]
