"""The generic SARIF 2.1.0 builder shared by `baseline audit` and `baseline check`."""

import json
from pathlib import Path

import jsonschema
import pytest

from baseline.sarif import SarifResult, SarifRule, build_sarif, level_for_severity

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

RULES = [
    SarifRule(id="s3-bucket-versioning-enabled", name="S3BucketVersioningEnabled", short_description="Versioning on",
              full_description="The log archive bucket keeps every object version.", help_text="Enable versioning.",
              default_level="note", help_uri="https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html",
              properties={"tags": ["security"], "frameworks": {"AWS Security Hub": ["S3.14"]}}),
    SarifRule(id="cloud-trail-encryption-enabled", name="CloudTrailEncryptionEnabled", short_description="KMS",
              full_description="Trail logs are encrypted with KMS.", help_text="Set KmsKeyId.", default_level="warning"),
]


def test_logical_and_artifact_locations_validate():
    log = build_sarif("baseline-check", "1.2.3", "https://example.org/baseline", RULES, [
        SarifResult(rule_id="cloud-trail-encryption-enabled", level="warning", message="no KMS key",
                    logical_location="urn:pulumi:dev::baseline::aws:cloudtrail/trail:Trail::main",
                    logical_name="main", logical_kind="resource"),
        SarifResult(rule_id="s3-bucket-versioning-enabled", level="note", message="versioning off",
                    artifact_uri="Pulumi.example.yaml", start_line=12, properties={"stack": "example"}),
        SarifResult(rule_id="s3-bucket-versioning-enabled", level="none", kind="open", message="could not check",
                    logical_location="us-east-1/arn:aws:s3:::logs"),
    ])
    jsonschema.validate(log, SCHEMA)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "baseline-check"
    assert [r["ruleIndex"] for r in run["results"]] == [1, 0, 0]
    assert run["results"][1]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "Pulumi.example.yaml"}, "region": {"startLine": 12}}
    assert run["results"][0]["locations"][0]["logicalLocations"] == [{
        "name": "main", "fullyQualifiedName": "urn:pulumi:dev::baseline::aws:cloudtrail/trail:Trail::main",
        "kind": "resource"}]
    assert run["results"][2]["locations"][0]["logicalLocations"][0]["name"] == "us-east-1/arn:aws:s3:::logs"
    assert run["tool"]["driver"]["rules"][0]["properties"]["frameworks"] == {"AWS Security Hub": ["S3.14"]}


def test_schema_rejects_what_the_builder_must_never_emit():
    """The vendored schema is really checking: a log without a run's tool fails it."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"results": []}]}, SCHEMA)


@pytest.mark.parametrize("result, message", [
    (SarifResult(rule_id="nope", level="error", message="x"), "unknown rule 'nope'"),
    (SarifResult(rule_id="cloud-trail-encryption-enabled", level="fatal", message="x"), "level must be one of"),
    (SarifResult(rule_id="cloud-trail-encryption-enabled", level="error", kind="open", message="x"), "must have level 'none'"),
])
def test_bad_results_are_refused(result, message):
    with pytest.raises(ValueError, match=message):
        build_sarif("t", "1", None, RULES, [result])


def test_duplicate_rule_ids_are_refused():
    with pytest.raises(ValueError, match="unique ids"):
        build_sarif("t", "1", None, RULES + RULES[:1], [])


def test_severity_levels():
    assert [level_for_severity(s) for s in ("critical", "HIGH", "medium", "low")] == ["error", "error", "warning", "note"]
