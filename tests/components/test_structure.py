"""Whole-program properties: every resource sits under a component, ids resolve, outputs are exported."""

from aws_logging_baseline.offline.engine import STACK_TYPE
from tests.engine_helpers import example

ACCOUNT = "111111111111"


def test_every_top_level_resource_is_a_component_and_every_custom_resource_has_a_component_parent():
    result = example()
    by_urn = result.by_urn()
    top = [r for r in result.resources if r.parent == result.stack_urn]
    assert top and all(not r.custom for r in top), [r.urn for r in top if r.custom]
    assert [r.type for r in top] == ["baseline:index:AccountBaseline"]
    for r in result.resources:
        if r.custom:
            assert r.parent in by_urn and not by_urn[r.parent].custom, r.urn
    assert STACK_TYPE in result.stack_urn


def test_component_type_tokens_follow_the_convention():
    for r in example().resources:
        if not r.custom:
            package, module, name = r.type.split(":")
            assert package == "baseline" and module and name[0].isupper(), r.type


def test_no_output_object_leaked_into_an_input():
    for r in example().resources:
        assert "Calling __str__ on an Output" not in str(r.inputs), r.urn


def test_regional_resources_name_their_region_explicitly():
    for r in example().resources:
        if r.custom and not r.type.startswith("aws:iam/"):
            assert r.inputs.get("region"), r.urn


def test_stack_outputs():
    outputs = example().stack_outputs
    assert outputs["accountId"] == ACCOUNT
    assert outputs["trailArn"] == f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/baseline-trail"
    assert outputs["archiveBucket"] == f"baseline-log-archive-{ACCOUNT}-us-east-1"
    assert outputs["replicaBucketArn"] == f"arn:aws:s3:::baseline-log-replica-{ACCOUNT}-us-west-2"
    assert len(outputs["regions"]) == 17
