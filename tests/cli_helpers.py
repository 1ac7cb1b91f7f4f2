"""The command line driven in this process, as the bad-input tests use it."""

from aws_logging_baseline.cli.main import main


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """main() in this process; argparse's own errors exit through SystemExit."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *expected: str) -> None:
    """Bad input: exit 2, one line on stderr containing each expected text, no traceback."""
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    for text in expected:
        assert text in lines[0], lines[0]
