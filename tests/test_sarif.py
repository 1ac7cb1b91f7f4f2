"""The generic SARIF 2.1.0 builder shared by `baseline audit` and `baseline check`."""

import json
import re
from pathlib import Path

import jsonschema
import pytest

from aws_logging_baseline.cli.sarif import (SarifResult, SarifRule, build_sarif, level_for_severity, relative_uri,
                                             repository_root)

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
                    logical_name="main", logical_kind="resource", artifact_uri="components/trail.py", start_line=99),
        SarifResult(rule_id="s3-bucket-versioning-enabled", level="note", message="versioning off",
                    artifact_uri="Pulumi.example.yaml", start_line=12, properties={"stack": "example"}),
        SarifResult(rule_id="s3-bucket-versioning-enabled", level="none", kind="open", message="could not check",
                    logical_location="us-east-1/arn:aws:s3:::logs", artifact_uri="docs/audit.md"),
    ])
    jsonschema.validate(log, SCHEMA)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "baseline-check"
    assert [r["ruleIndex"] for r in run["results"]] == [1, 0, 0]
    assert run["results"][1]["locations"][0] == {"physicalLocation": {
        "artifactLocation": {"uri": "Pulumi.example.yaml"}, "region": {"startLine": 12}}}
    assert run["results"][0]["locations"][0] == {
        "physicalLocation": {"artifactLocation": {"uri": "components/trail.py"}, "region": {"startLine": 99}},
        "logicalLocations": [{"name": "main", "fullyQualifiedName": "urn:pulumi:dev::baseline::aws:cloudtrail/trail:Trail::main",
                              "kind": "resource"}]}
    assert run["results"][2]["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "docs/audit.md"}}
    assert run["results"][2]["locations"][0]["logicalLocations"][0]["name"] == "us-east-1/arn:aws:s3:::logs"
    assert run["tool"]["driver"]["rules"][0]["properties"]["frameworks"] == {"AWS Security Hub": ["S3.14"]}


def test_schema_rejects_what_the_builder_must_never_emit():
    """The vendored schema is really checking: a log without a run's tool fails it."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"results": []}]}, SCHEMA)


@pytest.mark.parametrize("result, message", [
    (SarifResult(rule_id="nope", level="error", message="x", artifact_uri="a.py"), "unknown rule 'nope'"),
    (SarifResult(rule_id="cloud-trail-encryption-enabled", level="fatal", message="x", artifact_uri="a.py"),
     "level must be one of"),
    (SarifResult(rule_id="cloud-trail-encryption-enabled", level="error", kind="open", message="x", artifact_uri="a.py"),
     "must have level 'none'"),
    (SarifResult(rule_id="cloud-trail-encryption-enabled", level="error", message="x", artifact_uri="a.py", start_line=0),
     "startLine is 1-based"),
])
def test_bad_results_are_refused(result, message):
    with pytest.raises(ValueError, match=message):
        build_sarif("t", "1", None, RULES, [result])


def test_duplicate_rule_ids_are_refused():
    with pytest.raises(ValueError, match="unique ids"):
        build_sarif("t", "1", None, RULES + RULES[:1], [])


def test_severity_levels():
    assert [level_for_severity(s) for s in ("critical", "HIGH", "medium", "low")] == ["error", "error", "warning", "note"]


def test_a_result_without_a_file_is_refused():
    """Code scanning rejects the whole upload when one result lacks physicalLocation.artifactLocation.uri."""
    with pytest.raises(ValueError, match="needs an artifact_uri"):
        build_sarif("t", "1", None, RULES, [SarifResult(rule_id="cloud-trail-encryption-enabled", level="error",
                                                        message="x", logical_location="urn:pulumi:dev::p::t::n")])


def test_a_logical_location_alone_only_when_asked_and_never_a_bad_uri():
    """require_artifact=False (an audit without a program): valid SARIF, a result with its logical location
    alone; a result with no location at all, or with a URI leaving the repository, is still refused."""
    alone = SarifResult(rule_id="cloud-trail-encryption-enabled", level="error", message="x",
                        logical_location="123456789012/global/arn:aws:cloudtrail:us-east-1:123456789012:trail/t")
    log = build_sarif("t", "1", None, RULES, [alone], require_artifact=False)
    jsonschema.validate(log, SCHEMA)
    assert log["runs"][0]["results"][0]["locations"] == [{"logicalLocations": [
        {"name": alone.logical_location, "fullyQualifiedName": alone.logical_location, "kind": "resource"}]}]
    with pytest.raises(ValueError, match="needs a location"):
        build_sarif("t", "1", None, RULES, [SarifResult(rule_id="cloud-trail-encryption-enabled", level="error",
                                                        message="x")], require_artifact=False)
    with pytest.raises(ValueError, match="relative to the repository root"):
        build_sarif("t", "1", None, RULES, [SarifResult(rule_id="cloud-trail-encryption-enabled", level="error",
                                                        message="x", artifact_uri="/etc/passwd")], require_artifact=False)


def test_repository_root_is_the_git_work_tree(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "infra").mkdir()
    assert repository_root(tmp_path / "repo" / "infra") == (tmp_path / "repo").resolve()
    (tmp_path / "plain").mkdir()
    assert repository_root(tmp_path / "plain") == (tmp_path / "plain").resolve()


@pytest.mark.parametrize("uri", ["file:///work/main/components/trail.py", "/work/main/components/trail.py",
                                 "../outside.py", "components/../../outside.py", "C:\\work\\trail.py",
                                 "https://example.org/trail.py", "//host/share/trail.py"])
def test_artifact_uris_that_are_not_repository_relative_are_refused(uri):
    with pytest.raises(ValueError, match="relative to the repository root"):
        build_sarif("t", "1", None, RULES, [SarifResult(rule_id="cloud-trail-encryption-enabled", level="error",
                                                        message="x", artifact_uri=uri)])


def test_relative_uri_stays_inside_the_root(tmp_path):
    root = tmp_path / "program"
    (root / "components").mkdir(parents=True)
    (root / "components" / "log group.py").write_text("x = 1\n")
    (root / "main.py").write_text("")
    (tmp_path / "outside.py").write_text("")
    (root / "linked.py").symlink_to(tmp_path / "outside.py")
    assert relative_uri(root / "components" / "log group.py", root) == "components/log%20group.py"
    assert relative_uri(f"{root}/components/../main.py", root) == "main.py"
    assert relative_uri(root / "linked.py", root) == "linked.py"  # a link in the repository keeps its own path
    assert relative_uri(tmp_path / "outside.py", root) is None
    assert relative_uri(f"{root}/../outside.py", root) is None
    assert relative_uri(root / "missing.py", root) is None
    assert relative_uri(root / "Pulumi.dev.yaml", root, must_exist=False) == "Pulumi.dev.yaml"
    assert relative_uri(root, root, must_exist=False) is None


def test_one_alert_per_resource_even_when_resources_share_a_line():
    """Buckets declared by one line (or one audit control's findings in every region) must stay distinct alerts:
    the fingerprint is the rule and the resource, not the line's text."""
    def result(rule: str, urn: str | None) -> SarifResult:
        return SarifResult(rule_id=rule, level="warning", message="m", logical_location=urn,
                           artifact_uri="components/secure_bucket.py", start_line=48)

    archive, access = "urn:pulumi:x::b::aws:s3/bucket:Bucket::archive", "urn:pulumi:x::b::aws:s3/bucket:Bucket::access"
    log = build_sarif("t", "1", None, RULES, [
        result("s3-bucket-versioning-enabled", archive), result("s3-bucket-versioning-enabled", access),
        result("cloud-trail-encryption-enabled", archive), result("s3-bucket-versioning-enabled", None),
    ])
    jsonschema.validate(log, SCHEMA)
    prints = [r.get("partialFingerprints", {}).get("primaryLocationLineHash") for r in log["runs"][0]["results"]]
    assert all(re.fullmatch(r"[0-9a-f]{16}:1", p) for p in prints[:3])
    assert len(set(prints[:3])) == 3
    assert prints[3] is None  # no resource: the upload action's own line hash applies
    again = build_sarif("t", "2", None, RULES, [result("s3-bucket-versioning-enabled", archive)])
    assert again["runs"][0]["results"][0]["partialFingerprints"]["primaryLocationLineHash"] == prints[0]
