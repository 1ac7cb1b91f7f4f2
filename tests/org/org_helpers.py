"""Run the examples/org program (the organization rollout) through the offline engine."""

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from aws_logging_baseline.offline.engine import RunResult, run_program
from tests.engine_helpers import REPO

ORG_PROGRAM = REPO / "examples" / "org"
ROLES = ("log-archive", "management", "security", "member")
ORG_ID = "o-a1b2c3d4e5"
MANAGEMENT, LOG_ARCHIVE, SECURITY, MEMBER = "111111111111", "222222222222", "333333333333", "444444444444"
ARCHIVE_BUCKET = "acme-log-archive-222222222222-us-east-1"
ARCHIVE_KEY = "arn:aws:kms:us-east-1:222222222222:key/0b7d3c1e-5a8f-4f2e-9c6d-1a2b3c4d5e6f"


def account_fixture(role: str) -> Path:
    return ORG_PROGRAM / "accounts" / f"{role}.yaml"


def run_role(role: str, fixture: Path | None = None, program: Path = ORG_PROGRAM, **config: Any) -> RunResult:
    overrides = {(k if ":" in k else f"baseline:{k}"): v for k, v in config.items()}
    return run_program(program, role, fixture or account_fixture(role), config_overrides=overrides)


@lru_cache(maxsize=None)
def role_run(role: str) -> RunResult:
    """Each role's example stack, run once per test process (tests must not mutate it)."""
    return run_role(role)


def organization_fixture(tmp: Path, role: str, accounts: int) -> Path:
    """The role's fixture with an organization of `accounts` accounts (the four of the example first)."""
    doc = yaml.safe_load(account_fixture(role).read_text())
    known = doc["organization"]["accounts"]
    extra = [{"id": f"{900000000000 + i:012d}", "name": f"workload-{i}", "email": f"aws+w{i}@example.com"} for i in range(accounts - len(known))]
    doc["organization"]["accounts"] = (known + extra)[:accounts]
    path = tmp / f"{role}-{accounts}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
