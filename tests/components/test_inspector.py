"""Inspector through the engine: inspector2 enabled per region with generous timeouts; no Inspector Classic."""

from tests.components.component_program import run_component_program
from tests.engine_helpers import example, run_baseline

ACCOUNT = "111111111111"
ENABLER = "aws:inspector2/enabler:Enabler"


def test_one_enabler_per_region_for_this_account_and_the_default_resource_types():
    result = example()
    enablers = result.of_type(ENABLER)
    assert sorted(e.inputs["region"] for e in enablers) == sorted(result.stack_outputs["regions"])
    for enabler in enablers:
        assert enabler.inputs["accountIds"] == [ACCOUNT]
        assert enabler.inputs["resourceTypes"] == ["EC2", "ECR", "LAMBDA"]
        assert enabler.custom_timeouts == {"create": "30m", "update": "30m", "delete": "30m"}
    assert sorted(result.stack_outputs["inspectorRegions"]) == sorted(result.stack_outputs["regions"])


def test_no_inspector_classic_resource():
    assert [r.type for r in example().resources if r.type.startswith("aws:inspector/")] == []


def test_resource_types_and_switch_from_settings():
    result = run_baseline(inspectorResourceTypes=["EC2", "LAMBDA", "LAMBDA_CODE"], regions=["us-east-1", "eu-west-1"], replicaRegion="eu-west-1")
    assert {e.inputs["region"]: e.inputs["resourceTypes"] for e in result.of_type(ENABLER)} == {
        "us-east-1": ["EC2", "LAMBDA", "LAMBDA_CODE"],
        "eu-west-1": ["EC2", "LAMBDA", "LAMBDA_CODE"],
    }
    off = run_baseline(inspectorEnabled=False)
    assert off.of_type(ENABLER) == [] and off.stack_outputs["inspectorRegions"] == []


def test_constructed_from_its_own_args_without_settings(tmp_path):
    result = run_component_program(
        tmp_path,
        """
        from aws_logging_baseline.components.inspector import Inspector, InspectorArgs
        Inspector("scan", InspectorArgs(account_id="222222222222", regions=["eu-west-1", "ap-southeast-2"]))
        """,
    )
    assert {e.inputs["region"]: (e.inputs["accountIds"], e.inputs["resourceTypes"]) for e in result.of_type(ENABLER)} == {
        "eu-west-1": (["222222222222"], ["EC2", "ECR", "LAMBDA"]),
        "ap-southeast-2": (["222222222222"], ["EC2", "ECR", "LAMBDA"]),
    }
