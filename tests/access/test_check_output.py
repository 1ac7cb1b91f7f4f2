"""`check` shows the access proofs: the delivery paths table and one exposure line per store (text), both in JSON."""

import json

import pytest

from aws_logging_baseline.cli.main import main


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")


def test_check_of_the_example_stack_shows_delivery_paths_and_exposure(capsys, tmp_path):
    report = tmp_path / "report.json"
    code = main(["check", "--stack", "example", "--no-tree", "--format", "json", "--output", str(report)])
    out = capsys.readouterr().out
    assert code == 0
    text = out[out.index("Delivery paths"):]
    assert "S3 replication -> replica key (us-west-2)  kms:Encrypt, kms:GenerateDataKey  allowed" in text
    assert "CloudTrail (baseline-trail) -> archive bucket baseline-log-archive-111111111111-us-east-1  s3:PutObject  allowed" in text
    assert "archive key (us-east-1): refuses outsiders (24 requests denied)" in text
    assert "alert topic baseline-security-alerts: refuses outsiders (20 requests denied)" in text
    assert "DENIED" not in text and "OPEN" not in text
    access = json.loads(report.read_text())["access"]
    rows = {(d["id"], d["action"]): d for d in access["deliveries"]}
    decrypt = rows[("replication-decrypts-source", "kms:Decrypt")]
    assert decrypt["allowed"] and decrypt["source"].endswith("replication-config-for-kms-objects.html")
    assert "DecryptSourceObjects" in decrypt["reason"] and "EnableAccountRootAdministration" in decrypt["reason"]
    assert [(e["store"].split(" (")[0].split(" baseline-")[0], e["refused"]) for e in access["exposure"]] == [
        ("access-log bucket", True), ("access-log bucket", True), ("archive bucket", True), ("query results bucket", True),
        ("replica bucket", True), ("archive key", True), ("replica key", True), ("alert topic", True)]
    assert "GuardDuty (111111111111) -> archive bucket baseline-log-archive-111111111111-us-east-1  s3:PutObject  allowed" in text
    for region in ("us-east-1", "us-west-2"):  # the archive's access logs, and the replica's in its own region
        assert (f"S3 server access logging ({region}) -> access-log bucket baseline-access-logs-111111111111-{region}  "
                "s3:PutObject  allowed") in text


def test_a_denied_delivery_is_shown_with_its_reason_and_fails_check(capsys):
    from tests.policies.conftest import CASES_PROGRAM, FIXTURE
    code = main(["check", "--program", str(CASES_PROGRAM), "--stack", "test", "--account", str(FIXTURE), "--no-tree",
                 "-c", "policy-cases:case=delivery-no-acl-check"])
    out = capsys.readouterr().out
    assert code == 1
    assert ("CloudTrail (trail) -> archive bucket archive  s3:GetBucketAcl  DENIED: s3:GetBucketAcl: denied: no statement "
            "of bucket policy of archive allows s3:GetBucketAcl for cloudtrail.amazonaws.com") in out
    assert "CloudTrail (trail) -> archive bucket archive  s3:PutObject  allowed" in out
    assert "[mandatory]  log-delivery-paths-allowed (high, 1 violation)" in out
