"""Benchmark of the offline preview (a script, not a test): `make bench` or `python benchmarks/bench_preview.py`.

Reports, for the 17-region example stack:
- wall time of the engine run (median of N) and of the whole `pulumi-baseline preview` command;
- resources registered, resources per region, and the longest dependency chain (deploy time grows with it);
- the floor: the same engine registering the same number of bare pulumi-aws resources (no inputs, no
  components), the least any pulumi-aws program of that size costs; and, for reference, as many untyped
  `pulumi.CustomResource`s, which skip the per-property Outputs every generated provider class creates;
- peak memory (max RSS) of the preview command.
"""

import argparse
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

from pulumi.runtime import rpc  # noqa: E402

from aws_logging_baseline.offline.engine import RunResult, run_program  # noqa: E402

FIXTURE = REPO / "examples" / "account.yaml"

# `pulumi-baseline preview --no-tree`, reporting its own peak RSS (VmHWM, KiB) on stderr at exit. The
# child's rusage would not do: a forked child's ru_maxrss starts from the parent's size before exec.
PREVIEW_WITH_PEAK_MEMORY = """
import atexit, runpy, sys
def report():
    peak = next(line for line in open('/proc/self/status') if line.startswith('VmHWM:'))
    sys.stderr.write(peak.split()[1] + '\\n')
atexit.register(report)
sys.argv = ['baseline', 'preview', '--no-tree']
runpy.run_module('aws_logging_baseline', run_name='__main__')
"""


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


def declared_properties_per_resource(program: Path, stack: str) -> float:
    """Mean number of declared properties of the custom resources a program registers: what the SDK makes a
    set of futures and an Output for, the per-resource cost the floor must match to be a fair one."""
    counts: list[int] = []
    original = rpc.transfer_properties

    def counting(res, props, custom):
        if custom:
            counts.append(len(props))
        return original(res, props, custom)

    rpc.transfer_properties = counting
    try:
        run_program(program, stack, FIXTURE)
    finally:
        rpc.transfer_properties = original
    return statistics.mean(counts)


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
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    result = run_program(REPO, "example", FIXTURE)  # also warms the imports
    registrations = len(result.resources)
    custom = [r for r in result.resources if r.custom]
    with tempfile.TemporaryDirectory() as untyped_dir, tempfile.TemporaryDirectory() as typed_dir:
        programs = {
            "preview": (REPO, "example"),
            "provider floor": (bare_program(Path(typed_dir), registrations, typed=True), "bench"),
            "untyped floor": (bare_program(Path(untyped_dir), registrations, typed=False), "bench"),
        }
        for program, stack in programs.values():
            run_program(program, stack, FIXTURE)
        # Interleaved rounds, so a busy moment on the machine weighs on every figure alike.
        times: dict[str, list[float]] = {name: [] for name in programs}
        for _ in range(args.repeat):
            for name, (program, stack) in programs.items():
                started = time.perf_counter()
                run_program(program, stack, FIXTURE)
                times[name].append(time.perf_counter() - started)
        properties = {name: declared_properties_per_resource(*programs[name]) for name in ("preview", "provider floor")}
    median = {name: statistics.median(values) for name, values in times.items()}

    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PREVIEW_WITH_PEAK_MEMORY], cwd=REPO, capture_output=True, text=True)
    cli_s = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"preview failed: {done.stderr.strip()}")
    peak_mib = int(done.stderr.strip().splitlines()[-1]) / 1024

    per_region = Counter(r.region or "global" for r in custom)
    preview_s, provider_s, untyped_s = median["preview"], median["provider floor"], median["untyped floor"]
    print(f"example stack: {registrations} registrations ({len(custom)} resources, {registrations - len(custom)} components)")
    print(f"engine preview (median of {args.repeat}): {preview_s:.3f} s")
    print(
        f"floor, {registrations} bare pulumi-aws resources (LogGroup, no inputs): {provider_s:.3f} s"
        f" -> preview/floor = {preview_s / provider_s:.2f}x (target <= 2x)"
    )
    print(
        f"  declared properties per resource: example {properties['preview']:.1f}, floor {properties['provider floor']:.1f}"
    )
    print(
        f"reference, {registrations} untyped CustomResources: {untyped_s:.3f} s -> preview {preview_s / untyped_s:.2f}x;"
        f" the bare pulumi-aws floor itself is {provider_s / untyped_s:.2f}x this (per-property Outputs of typed classes)"
    )
    print(f"`pulumi-baseline preview --no-tree` wall time: {cli_s:.2f} s, peak RSS {peak_mib:.0f} MiB")
    print(f"longest dependency chain: {longest_chain(result)} resources")
    print("resources per region: " + ", ".join(f"{k} {v}" for k, v in sorted(per_region.items(), key=lambda kv: (-kv[1], kv[0]))))


if __name__ == "__main__":
    main()
