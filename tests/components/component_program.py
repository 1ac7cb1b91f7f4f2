"""Run components on their own, built from their typed Args, through the engine: no Settings, no `baseline:`
configuration, so a test proves the component's own API is enough to use it."""

import textwrap
from pathlib import Path

from aws_logging_baseline.offline.engine import RunResult, run_program
from tests.engine_helpers import FIXTURE


def run_component_program(directory: Path, main: str) -> RunResult:
    """`main`: the body of a Pulumi program (imports included) written to `directory` and run there."""
    (directory / "Pulumi.yaml").write_text("name: component-on-its-own\nruntime: python\n")
    (directory / "Pulumi.dev.yaml").write_text("config: {}\n")
    (directory / "__main__.py").write_text(textwrap.dedent(main))
    return run_program(directory, "dev", FIXTURE)
