"""Benchmark of the offline preview (a script, not a test): `make bench` or `python benchmarks/bench_preview.py`.

Reports, for the 17-region example stack:
- wall time of the engine run (median of N) and of the whole `python -m baseline preview` command;
- resources registered, resources per region, and the longest dependency chain (deploy time grows with it);
- the floor: the same engine registering the same number of bare resources (no inputs, no components);
- peak memory (max RSS) of the preview command.
"""

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from baseline.engine import RunResult, run_program  # noqa: E402

FIXTURE = REPO / "examples" / "account.yaml"


def bare_program(directory: Path, count: int, typed: bool = False) -> Path:
    """`count` resources with no inputs: untyped CustomResources, or (typed) pulumi-aws LogGroups, whose
    generated class creates an Output per declared property as every provider resource does."""
    (directory / "Pulumi.yaml").write_text("name: bare\nruntime: python\n")
    (directory / "Pulumi.bench.yaml").write_text("config: {}\n")
    body = (
        "    aws.cloudwatch.LogGroup(f'r{i}', region='us-east-1')\n"
        if typed
        else "    pulumi.CustomResource('bench:index:Bare', f'r{i}', {})\n"
    )
    (directory / "__main__.py").write_text(f"import pulumi\nimport pulumi_aws as aws\nfor i in range({count}):\n{body}")
    return directory


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def longest_chain(result: RunResult) -> int:
    """Resources on the longest dependency path (explicit depends_on and input references), custom only."""
    by_urn = result.by_urn()

    @lru_cache(maxsize=None)
    def depth(urn: str) -> int:
        r = by_urn[urn]
        upstream = set(r.dependencies) | {u for urns in r.property_dependencies.values() for u in urns}
        best = max((depth(u) for u in upstream if u in by_urn and by_urn[u].custom), default=0)
        return best + (1 if r.custom else 0)

    return max(depth(r.urn) for r in result.resources)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    run_program(REPO, "example", FIXTURE)  # warm imports once
    preview_s, result = timed(lambda: run_program(REPO, "example", FIXTURE), args.repeat)
    registrations = len(result.resources)
    custom = [r for r in result.resources if r.custom]
    floors = {}
    for typed in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            program = bare_program(Path(tmp), registrations, typed)
            run_program(program, "bench", FIXTURE)
            floors[typed], _ = timed(lambda: run_program(program, "bench", FIXTURE), args.repeat)

    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "baseline", "preview", "--no-tree"], cwd=REPO, capture_output=True, text=True)
    cli_s = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"preview failed: {done.stderr.strip()}")
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux reports KiB

    per_region = Counter(r.region or "global" for r in custom)
    print(f"example stack: {registrations} registrations ({len(custom)} resources, {registrations - len(custom)} components)")
    print(f"engine preview (median of {args.repeat}): {preview_s:.3f} s")
    for typed, label in ((False, "untyped CustomResources"), (True, "pulumi-aws LogGroups, no inputs")):
        floor_s = floors[typed]
        print(f"floor, {registrations} bare {label}: {floor_s:.3f} s -> preview/floor = {preview_s / floor_s:.2f}x (target <= 2x)")
    print(f"`python -m baseline preview --no-tree` wall time: {cli_s:.2f} s, peak RSS {peak_mib:.0f} MiB")
    print(f"longest dependency chain: {longest_chain(result)} resources")
    print("resources per region: " + ", ".join(f"{k} {v}" for k, v in sorted(per_region.items(), key=lambda kv: (-kv[1], kv[0]))))


if __name__ == "__main__":
    main()
