"""Components constructed directly from their own typed Args, in a program of their own (no Settings, no
stack configuration): proves each typed API is usable without the baseline's composition."""

import textwrap
from pathlib import Path

from aws_logging_baseline.offline.engine import RunResult, run_program
from tests.engine_helpers import FIXTURE


def run_direct(program_dir: Path, main: str) -> RunResult:
    """Run `main` (a Python program body) through the offline engine against the example account fixture."""
    (program_dir / "Pulumi.yaml").write_text("name: direct-args\nruntime: python\n")
    (program_dir / "Pulumi.dev.yaml").write_text("config: {}\n")
    (program_dir / "__main__.py").write_text(textwrap.dedent(main))
    return run_program(program_dir, "dev", FIXTURE)
