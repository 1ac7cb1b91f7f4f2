"""Benchmark of the offline policy check (a script, not a test): `python benchmarks/bench_check.py [-n N]`.

Reports, for the 17-region example stack, the wall time of `pulumi-baseline check` (whole command, median
of N) and how one in-process check splits: engine run, pack start (`python -u -m pulumi.policy` until its port
is served), Analyze for every resource plus AnalyzeStack; and the policy time per resource.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aws_logging_baseline.offline.crossguard import PolicyPackProcess  # noqa: E402
from aws_logging_baseline.offline.engine import run_program  # noqa: E402

FIXTURE = REPO / "examples" / "account.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=5, help="repetitions (median reported)")
    args = parser.parse_args()
    engine, start, policies, resources, violations = [], [], [], 0, 0
    for _ in range(args.n):
        t = time.perf_counter()
        run = run_program(REPO, "example", FIXTURE)
        engine.append(time.perf_counter() - t)
        with PolicyPackProcess(REPO / "aws_logging_baseline" / "policies") as pack:
            result = pack.check(run)
        start.append(result.start_seconds)
        policies.append(result.analyze_seconds)
        resources, violations = len(run.resources), len(result.violations)
    command = []
    for _ in range(args.n):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "aws_logging_baseline", "check", "--stack", "example", "--no-tree"], cwd=REPO,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        command.append(time.perf_counter() - t)
    med = statistics.median
    total = med(engine) + med(start) + med(policies)
    print(f"example stack: {resources} registrations, {len(result.policies)} policies, {violations} violations (n={args.n})")
    print(f"  whole command (pulumi-baseline check) : {med(command):6.2f} s")
    print(f"  in-process split                          : {total:6.2f} s")
    print(f"    engine (program under mocks)            : {med(engine):6.2f} s  ({med(engine) / total:4.0%})")
    print(f"    pack start (pulumi.policy, port)        : {med(start):6.2f} s  ({med(start) / total:4.0%})")
    print(f"    policies (Analyze x{resources + 1} + AnalyzeStack) : {med(policies):6.2f} s  ({med(policies) / total:4.0%}, "
          f"{1000 * med(policies) / (resources + 1):.2f} ms/resource)")


if __name__ == "__main__":
    main()
