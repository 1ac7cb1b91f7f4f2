"""Seeded fuzz of everything a user hands the tools (tests/fuzz_inputs.py): a few hundred stack files, account
fixtures, policy configs, `-c` flags and Pulumi.yaml files. Each runs through the real command line in this
process (the program is one that only validates its settings, as every baseline program does first):
exit 2 with short `error:` lines, or 0 for a valid input; never a traceback; nothing written on exit 2.
Time and memory per case: benchmarks/bench_fuzz.py."""

import pytest

from aws_logging_baseline.cli.main import main
from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.crossguard import PolicyPackProcess, load_policy_config, reconcile_config
from tests.fuzz_inputs import KINDS, generate, write_program
from tests.engine_helpers import REPO

CASES = generate(300)
PACK_DIR = REPO / "aws_logging_baseline" / "policies"


@pytest.fixture(scope="module")
def analyzer_info():
    with PolicyPackProcess(PACK_DIR) as pack:
        yield pack.analyzer_info()


def run_case(case, directory, analyzer_info) -> tuple[int, str, str, list[str]]:
    """(exit code, stdout, stderr, files left in the output directory) of one case."""
    program, fixture = write_program(directory / "program", case)
    output = directory / "out"
    output.mkdir()
    if case.kind == "policy-config":
        path = directory / "policy-config.json"
        path.write_text(case.policy_config, encoding="utf-8")
        try:
            reconcile_config(analyzer_info, load_policy_config(path), f"--policy-config {path}")
            return 0, "", "", ["ok"]
        except UserError as exc:
            return 2, "", f"error: {exc}\n", []
    argv = ["preview", "--program", str(program), "--stack", "dev", "--account", str(fixture), "--no-tree",
            "--json", str(output / "export.json")]
    for flag in case.flags:
        argv += ["-c", flag]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    return code, "", "", sorted(p.name for p in output.iterdir())


def test_the_generator_covers_every_kind_and_is_reproducible():
    assert {case.kind for case in CASES} == set(KINDS) and len(CASES) == 300
    assert [c.stack + c.project + c.fixture + c.policy_config + "".join(c.flags) for c in generate(20)] == \
        [c.stack + c.project + c.fixture + c.policy_config + "".join(c.flags) for c in CASES[:20]]


@pytest.mark.parametrize("kind", KINDS)
def test_every_case_is_exit_2_or_0_without_a_traceback_and_nothing_is_written_on_2(kind, tmp_path, capsys, analyzer_info):
    outcomes = {0: 0, 2: 0}
    for case in (c for c in CASES if c.kind == kind):
        code, _, err, written = run_case(case, tmp_path / case.name, analyzer_info)
        captured = capsys.readouterr()
        err = err or captured.err
        assert code in (0, 2), (case.name, code, err[-2000:])
        assert "Traceback" not in err and "Traceback" not in captured.out, (case.name, err[-2000:])
        outcomes[code] += 1
        if code == 2:
            lines = err.strip().splitlines()
            assert lines and lines[0].startswith("error: "), (case.name, err[:500])
            assert all(len(line) < 1000 for line in lines), (case.name, max(lines, key=len)[:300])
            assert len(err) < 20_000, case.name
            assert written == [], (case.name, written)
        else:
            assert written in (["export.json"], ["ok"]), (case.name, written)
    assert outcomes[2] > 0  # the generator does produce bad input of this kind
