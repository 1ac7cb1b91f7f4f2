"""One policy-pack process per test session (per xdist worker), started exactly as the Pulumi CLI starts it."""

from functools import lru_cache
from pathlib import Path

import pytest

from aws_logging_baseline.offline import crossguard
from aws_logging_baseline.offline.crossguard import PolicyPackProcess
from aws_logging_baseline.offline.engine import RunResult, run_program

REPO = Path(__file__).resolve().parents[2]
PACK_DIR = REPO / "aws_logging_baseline" / "policies"
CASES_PROGRAM = Path(__file__).resolve().parent / "programs" / "cases"
FIXTURE = REPO / "examples" / "account.yaml"


@lru_cache(maxsize=None)
def run_case(case: str) -> RunResult:
    """Run the small program for `case` through the offline engine (preview, as `pulumi preview`)."""
    return run_program(CASES_PROGRAM, "test", FIXTURE, config_overrides={"policy-cases:case": case})


@pytest.fixture(scope="session")
def pack():
    with PolicyPackProcess(PACK_DIR) as process:
        yield process


@pytest.fixture
def started(monkeypatch):
    """Every pack process the command starts (its analyze relay is in `started.relays`), to prove none outlives it."""
    processes = _Started()
    original = crossguard.PolicyPackProcess.start

    def start(self):
        try:
            original(self)
        finally:
            processes.append(self.process)
            if self.relay is not None:
                processes.relays.append(self.relay.process)
    monkeypatch.setattr(crossguard.PolicyPackProcess, "start", start)
    yield processes
    for process in processes + processes.relays:
        assert process is None or process.poll() is not None


class _Started(list):
    def __init__(self):
        super().__init__()
        self.relays: list = []
