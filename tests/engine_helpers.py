"""Run programs through the offline engine from tests: the real code path, no hand-built dicts."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from aws_logging_baseline.offline.engine import Registration, RunResult, run_program

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "examples" / "account.yaml"


def run_baseline(stack: str = "example", fixture: Path = FIXTURE, **config: Any) -> RunResult:
    """The repository's program with `baseline:<key>` overrides, e.g. run_baseline(logRetentionDays=400)."""
    overrides = {(k if ":" in k else f"baseline:{k}"): v for k, v in config.items()}
    return run_program(REPO, stack, fixture, config_overrides=overrides)


@lru_cache(maxsize=1)
def example() -> RunResult:
    """The example stack, run once per test process (tests must not mutate it)."""
    return run_baseline()


def only(result: RunResult, type_: str, name_contains: str = "") -> Registration:
    matches = [r for r in result.of_type(type_) if name_contains in r.name]
    assert len(matches) == 1, f"expected one {type_} named *{name_contains}*, got {[m.name for m in matches]}"
    return matches[0]


def policy_of(resource: Registration, key: str = "policy") -> dict[str, Any]:
    """Parse a JSON policy input (bucket, key, role, topic policies are JSON strings)."""
    return json.loads(resource.inputs[key])


def statement(policy: dict[str, Any], sid: str) -> dict[str, Any]:
    found = [s for s in policy["Statement"] if s.get("Sid") == sid]
    assert len(found) == 1, f"expected one statement {sid}, got sids {[s.get('Sid') for s in policy['Statement']]}"
    return found[0]
