"""Benchmark of whole commands as a user runs them (a script, not a test): `python benchmarks/bench_cli.py [-n N]`.

Interleaved rounds, every other round in reverse order (so a busy spell of a shared machine, and whatever one
command leaves warm for the next, weighs on every command alike); medians reported:
- `check` of the example stack against its `preview` (target: check <= 1.25x preview);
- `check --stack '*'` over the four organization stacks in one process against a single-stack `check` of the
  member (target: <= 2x).
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ORG = REPO / "examples" / "org"

MANY = "check org '*' (4 stacks)"
COMMANDS = {
    "preview example": ["preview", "--stack", "example", "--tree", "none"],
    "check example": ["check", "--stack", "example", "--tree", "none"],
    "check org member": ["check", "--program", str(ORG), "--stack", "member", "--account",
                         str(ORG / "accounts" / "member.yaml"), "--tree", "none"],
    MANY: ["check", "--program", str(ORG), "--stack", "*", "--account", str(ORG / "accounts"),
                                 "--tree", "none"],
}


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "aws_logging_baseline", *args], cwd=REPO,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{args}: exit {done.returncode}: {done.stderr[-500:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=5, help="rounds (median reported)")
    rounds = parser.parse_args().n
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for round_ in range(rounds):
        order = list(COMMANDS.items())
        for name, args in order if round_ % 2 == 0 else reversed(order):
            samples[name].append(timed(args))
    med = {name: statistics.median(values) for name, values in samples.items()}
    for name, value in med.items():
        print(f"{name:28s} {value:6.2f} s  (min {min(samples[name]):.2f}, max {max(samples[name]):.2f}, n={rounds})")
    # Paired: each round's ratio, from commands run seconds apart, so that a slow spell of a shared machine
    # (seen here: the same command varying by 40% between rounds) weighs on both sides of a ratio alike.
    paired_check = statistics.median(c / p for c, p in zip(samples["check example"], samples["preview example"]))
    paired_many = statistics.median(m / s for m, s in zip(samples[MANY], samples["check org member"]))
    print(f"check / preview of the example          : {med['check example'] / med['preview example']:.2f}x of medians, "
          f"{paired_check:.2f}x median of paired rounds (target <= 1.25x)")
    print(f"4 org stacks in one run / single check  : {med[MANY] / med['check org member']:.2f}x of medians, "
          f"{paired_many:.2f}x median of paired rounds (target <= 2x)")


if __name__ == "__main__":
    main()
