"""Benchmark of the cost estimate (a script, not a test): `python benchmarks/bench_cost.py [-n N]`.

Target: `pulumi-baseline cost` of the example stack takes at most 1.2x its `pulumi-baseline preview`. Reports the
wall time of both whole commands (median of N, interleaved so machine load hits both alike; preview with
--no-tree, as cost prints no tree) and, in process, how the estimate splits: the engine run, pricing the plan,
and the what-if lines (each a re-pricing of a changed copy of the plan, not a re-run).
"""

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aws_logging_baseline.cost.prices import load_prices  # noqa: E402
from aws_logging_baseline.cost.pricing import estimate  # noqa: E402
from aws_logging_baseline.cost.usage import load_usage  # noqa: E402
from aws_logging_baseline.cost.whatif import what_ifs  # noqa: E402
from aws_logging_baseline.offline.engine import run_program  # noqa: E402

FIXTURE = REPO / "examples" / "account.yaml"
TARGET = 1.2


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one whole command. On a shared machine the CPU time is the
    steadier figure: wall time also counts the time other processes held the cores."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "aws_logging_baseline", *argv], cwd=REPO,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=5, help="repetitions (median reported)")
    args = parser.parse_args()
    preview, cost = [], []
    for _ in range(args.n):
        preview.append(timed(["preview", "--stack", "example", "--no-tree"]))
        cost.append(timed(["cost", "--stack", "example"]))
    run = run_program(REPO, "example", FIXTURE)
    usage, prices = load_usage("small"), load_prices()
    pricing, whatif = [], []
    for _ in range(args.n):
        started = time.perf_counter()
        result = estimate(run, usage, prices)
        pricing.append(time.perf_counter() - started)
        started = time.perf_counter()
        lines = what_ifs(result)
        whatif.append(time.perf_counter() - started)
    med = statistics.median
    wall = med(c[0] for c in cost) / med(p[0] for p in preview)
    cpu = med(c[1] for c in cost) / med(p[1] for p in preview)
    print(f"example stack: {len(run.resources)} registrations, {len(result.lines)} cost lines, {len(lines)} what-if lines (n={args.n})")
    print(f"                                      wall      cpu")
    print(f"  pulumi-baseline preview --no-tree : {med(p[0] for p in preview):6.2f} s {med(p[1] for p in preview):6.2f} s")
    print(f"  pulumi-baseline cost              : {med(c[0] for c in cost):6.2f} s {med(c[1] for c in cost):6.2f} s")
    print(f"  ratio cost / preview              : {wall:6.2f}   {cpu:6.2f}    (target <= {TARGET})")
    print(f"  in process: engine {run.seconds:5.2f} s, pricing {med(pricing) * 1000:6.1f} ms, what-ifs {med(whatif) * 1000:6.1f} ms")
    print("  verdict:", "OK" if max(wall, cpu) <= TARGET else f"over target ({'cpu' if cpu > TARGET else 'wall only: machine load'})")


if __name__ == "__main__":
    main()
