"""The command line's bad-input contract: one line naming the flag, exit 2, no traceback."""

import pytest

from aws_logging_baseline.cli.main import main


def run(argv: list[str]) -> int:
    """main() returns the exit code; argparse's own errors exit through SystemExit."""
    try:
        return main(["audit", *argv])
    except SystemExit as exc:
        return exc.code


@pytest.mark.parametrize("argv, message", [
    (["--regions", "us-east-1,mars-north-1"], "error: --regions: unknown region name(s): mars-north-1"),
    (["--endpoint-url", "localhost:5000"], "error: --endpoint-url 'localhost:5000': expected an http:// or https://"),
    (["--output", "report.json"], "error: --output: only json and sarif reports are written to a file"),
    (["--workers", "0"], "error: --workers 0: must be 1 or more"),
    (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    (["--archive-bucket", "Bad Bucket!"], "error: --archive-bucket 'Bad Bucket!': not an S3 bucket name"),
    (["--log-key", "alias/logs"], "error: --log-key 'alias/logs': expected a KMS key ARN"),
])
def test_bad_input_names_the_flag(aws, capsys, argv, message):
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unwritable_output_is_bad_input(aws, capsys, tmp_path, monkeypatch):
    import aws_logging_baseline.audit as audit_package
    from aws_logging_baseline.audit import AuditReport
    monkeypatch.setattr(audit_package, "run_audit", lambda options: AuditReport("123456789012", ["us-east-1"], []))
    target = tmp_path / "missing-dir" / "audit.json"
    assert run(["--regions", "us-east-1", "--format", "json", "--output", str(target)]) == 2
    assert f"--output {target}: directory" in capsys.readouterr().err
    assert not target.parent.exists()


def test_output_path_is_checked_before_auditing(aws, capsys, tmp_path, monkeypatch):
    import aws_logging_baseline.audit as audit_package

    def run_audit(options):
        raise AssertionError("the regions were audited although --output cannot be written")
    monkeypatch.setattr(audit_package, "run_audit", run_audit)
    target = tmp_path / "missing-dir" / "audit.sarif"
    assert run(["--regions", "us-east-1", "--format", "sarif", "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"error: --output {target}: directory {target.parent} does not exist" in err
    assert len(err.strip().splitlines()) == 1
    assert run(["--regions", "us-east-1", "--format", "json", "--output", ""]) == 2
    assert "error: --output: expected a file name, got an empty string" in capsys.readouterr().err
