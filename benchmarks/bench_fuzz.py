"""Benchmark of the fuzz cases (a script, not a test): `python benchmarks/bench_fuzz.py [--cases N] [--rss K]`.

For the seeded cases of tests/fuzz_inputs.py (the ones tests/baseline/test_fuzz.py runs), reports:
- wall time per case in this process (median, p95, max) by kind, and the outcome counts (exit 2 / 0);
- peak Python memory per case (tracemalloc; the largest case named);
- for the K slowest cases, each run again as its own `pulumi-baseline preview` process: wall time and peak
  resident memory (max RSS from wait4), i.e. what an operator's machine sees including interpreter start.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aws_logging_baseline.cli.main import main  # noqa: E402
from aws_logging_baseline.errors import UserError  # noqa: E402
from aws_logging_baseline.offline.crossguard import PolicyPackProcess, load_policy_config, reconcile_config  # noqa: E402
from tests.fuzz_inputs import generate, write_program  # noqa: E402


def _quiet(function):
    """Run with stdout/stderr sent to /dev/null (the plan and the error lines are not the point here)."""
    saved = os.dup(1), os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        os.dup2(null.fileno(), 2)
        old = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = open(os.devnull, "w")
        try:
            return function()
        finally:
            sys.stdout.close()
            sys.stdout, sys.stderr = old
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _argv(case, directory: Path) -> list[str]:
    program, fixture = write_program(directory / "program", case)
    argv = ["preview", "--program", str(program), "--stack", "dev", "--account", str(fixture), "--no-tree",
            "--json", str(directory / "export.json")]
    for flag in case.flags:
        argv += ["-c", flag]
    return argv


def run_in_process(case, directory: Path, info) -> int:
    if case.kind == "policy-config":
        path = directory / "policy-config.json"
        path.write_text(case.policy_config, encoding="utf-8")
        try:
            reconcile_config(info, load_policy_config(path), str(path))
            return 0
        except UserError:
            return 2
    argv = _argv(case, directory)
    try:
        return _quiet(lambda: main(argv))
    except SystemExit as exc:
        return int(exc.code)


def run_as_process(case, directory: Path) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, max RSS in MiB, exit code) of the case as its own command."""
    argv = [sys.executable, "-m", "aws_logging_baseline", *_argv(case, directory)]
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime  # what the case costs, whatever else the machine is doing
    return time.perf_counter() - started, cpu, usage.ru_maxrss // 1024, process.returncode


def main_benchmark() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--rss", type=int, default=8, help="slowest cases re-run as processes for max RSS")
    options = parser.parse_args()
    cases = generate(options.cases)
    times: dict[str, list[float]] = defaultdict(list)
    peaks: list[tuple[int, str]] = []
    outcomes: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    measured = []
    with tempfile.TemporaryDirectory() as tmp, PolicyPackProcess(REPO / "aws_logging_baseline" / "policies") as pack:
        info = pack.analyzer_info()
        warm = Path(tmp) / "warm-up"  # the first run imports the SDKs; that is start-up, not the case's cost
        warm.mkdir()
        run_in_process(cases[0], warm, info)
        for case in cases:
            directory = Path(tmp) / case.name
            directory.mkdir()
            tracemalloc.start()
            started = time.perf_counter()
            code = run_in_process(case, directory, info)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            times[case.kind].append(seconds)
            peaks.append((peak, case.name))
            outcomes[case.kind][code] += 1
            measured.append((seconds, case))
        print(f"{len(cases)} cases, in process (median / p95 / max seconds; outcomes):")
        for kind, values in times.items():
            values.sort()
            p95 = values[int(0.95 * (len(values) - 1))]
            print(f"  {kind:14} n={len(values):3}  {statistics.median(values):.3f} / {p95:.3f} / {values[-1]:.3f}  "
                  f"exit 2: {outcomes[kind][2]}, exit 0: {outcomes[kind][0]}, other: "
                  f"{sum(v for k, v in outcomes[kind].items() if k not in (0, 2))}")
        peaks.sort(reverse=True)
        print(f"peak Python memory per case (tracemalloc): median {statistics.median(p for p, _ in peaks) / 2**20:.1f} MiB, "
              f"max {peaks[0][0] / 2**20:.1f} MiB ({peaks[0][1]})")
        slowest = [item for item in sorted(measured, key=lambda item: item[0], reverse=True)
                   if item[1].kind != "policy-config" and not any("\x00" in f for f in item[1].flags)][: options.rss]
        if slowest:
            print(f"the {len(slowest)} slowest cases as their own process (wall s, CPU s, max RSS MiB, exit):")
            for _, case in slowest:
                if case.kind == "policy-config" or any("\x00" in flag for flag in case.flags):
                    continue  # in-process only (a NUL cannot be passed in argv)
                directory = Path(tmp) / f"{case.name}-process"
                directory.mkdir()
                seconds, cpu, rss, code = run_as_process(case, directory)
                print(f"  {case.name:18} {seconds:.2f}s wall  {cpu:.2f}s CPU  {rss} MiB  exit {code}")


if __name__ == "__main__":
    main_benchmark()
