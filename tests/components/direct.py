"""Run one component built straight from its typed Args (no Settings, no composition) through the engine."""

from aws_logging_baseline.offline.engine import RunResult, run_program
from tests.engine_helpers import FIXTURE, REPO

PROGRAM = REPO / "tests" / "components" / "programs" / "direct"


def run_direct(builder: str) -> RunResult:
    """`builder`: module:function in tests.components, called inside the program (e.g. "test_trail:build")."""
    return run_program(PROGRAM, "test", FIXTURE, config_overrides={"direct-components:build": builder})
