"""The example stack and every organization role deploy exactly what the snapshot pins (issue 15)."""

import json

import pytest

from tests.engine_helpers import REPO
from tests.resource_digest import SNAPSHOT, all_stacks, stack_digests

PINNED = json.loads((REPO / SNAPSHOT).read_text())


@pytest.mark.parametrize("stack", sorted(PINNED))
def test_stack_deploys_what_the_snapshot_pins(stack):
    now = stack_digests(all_stacks()[stack])
    pinned = PINNED[stack]
    added = sorted(set(now["resources"]) - set(pinned["resources"]))
    removed = sorted(set(pinned["resources"]) - set(now["resources"]))
    changed = sorted(u for u in set(now["resources"]) & set(pinned["resources"]) if now["resources"][u] != pinned["resources"][u])
    assert (added, removed, changed) == ([], [], []), f"{stack}: added {added[:5]}, removed {removed[:5]}, changed {changed[:5]}"
    assert now["outputs"] == pinned["outputs"], f"{stack}: stack outputs changed"
    assert now["total"] == pinned["total"]


def test_snapshot_covers_the_example_and_every_organization_role():
    assert sorted(PINNED) == ["example", "org/log-archive", "org/management", "org/member", "org/security"]
    assert all(len(p["resources"]) > 50 for p in PINNED.values())


def test_a_changed_input_changes_the_digest():
    from tests.engine_helpers import run_baseline

    changed = stack_digests(run_baseline(logRetentionDays=400))
    assert changed["total"] != PINNED["example"]["total"]
    assert {u for u in changed["resources"] if changed["resources"][u] != PINNED["example"]["resources"].get(u)}
