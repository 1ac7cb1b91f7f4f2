"""A digest of every resource a program registers: type, name, inputs, parent and options.

Refactorings (issue 15: typed Args per component) must not change what a stack deploys; the snapshot in
tests/data/resource_digests.json pins it. Regenerate only for an intended change:
    python -m tests.resource_digest > tests/data/resource_digests.json
"""

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from aws_logging_baseline.offline.engine import Registration, RunResult

SNAPSHOT = "tests/data/resource_digests.json"


def resource_record(r: Registration) -> dict[str, Any]:
    """What the engine is asked to create, without where in the source it was declared."""
    return {
        "urn": r.urn,
        "type": r.type,
        "name": r.name,
        "custom": r.custom,
        "parent": r.parent,
        "provider": r.provider,
        "inputs": r.inputs,
        "protect": r.protect,
        "retainOnDelete": r.retain_on_delete,
        "dependencies": sorted(r.dependencies),
        "propertyDependencies": {k: sorted(v) for k, v in sorted(r.property_dependencies.items())},
        "ignoreChanges": sorted(r.ignore_changes),
        "deleteBeforeReplace": r.delete_before_replace,
        "additionalSecretOutputs": sorted(r.additional_secret_outputs),
        "customTimeouts": r.custom_timeouts,
    }


REPO = str(Path(__file__).resolve().parent.parent)


def digest(data: Any) -> str:
    """sha256 of the canonical JSON; the checkout's path (in asset paths, e.g. Lambda code) as $REPO, so that
    every clone of the repository gets the same digest."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":")).replace(json.dumps(REPO)[1:-1], "$REPO")
    return hashlib.sha256(text.encode()).hexdigest()


def stack_digests(result: RunResult) -> dict[str, Any]:
    """Per-resource digests by URN (so a failure names what changed), the stack outputs' digest and the total."""
    resources = {r.urn: digest(resource_record(r)) for r in result.resources}
    outputs = digest(result.stack_outputs)
    return {"total": digest([resources, outputs]), "outputs": outputs, "resources": dict(sorted(resources.items()))}


def all_stacks() -> dict[str, RunResult]:
    from tests.engine_helpers import example
    from tests.org.org_helpers import ROLES, role_run

    return {"example": example(), **{f"org/{role}": role_run(role) for role in ROLES}}


if __name__ == "__main__":
    json.dump({name: stack_digests(run) for name, run in all_stacks().items()}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
