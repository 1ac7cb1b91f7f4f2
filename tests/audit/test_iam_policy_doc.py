"""docs/audit.md's IAM policy allows exactly the calls the audit makes, and every one of them is read-only."""

import json
import re
from pathlib import Path

import pytest

from aws_logging_baseline.audit.regions import enabled_regions
from aws_logging_baseline.audit.session import AwsContext
from tests.audit.conftest import HOME

DOC = Path(__file__).parents[2] / "docs" / "audit.md"
# S3 is the one service here whose IAM action names differ from its API operation names.
S3_ACTIONS = {"GetBucketEncryption": "GetEncryptionConfiguration", "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
              "GetBucketReplication": "GetReplicationConfiguration",
              "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration"}
NO_PERMISSION_NEEDED = {"sts:GetCallerIdentity"}
# Services whose IAM action prefix differs from their API (botocore) name.
IAM_PREFIX = {"accessanalyzer": "access-analyzer"}
READ_ONLY = re.compile(r"^(Describe|Get|List|BatchGet)|^GenerateCredentialReport$")


def documented_actions() -> set[str]:
    block = re.search(r"## Minimal IAM policy.*?```json\n(.*?)```", DOC.read_text(), re.S)
    assert block, "docs/audit.md has no JSON policy under '## Minimal IAM policy'"
    policy = json.loads(block.group(1))
    return {action for statement in policy["Statement"] for action in statement["Action"]}


class Recorder:
    def __init__(self):
        self.calls: set[tuple[str, str]] = set()

    def hook(self, client, service, region):
        name = client.meta.service_model.service_name
        client.meta.events.register("before-parameter-build", lambda model, **_: self.calls.add((name, model.name)))

    def actions(self) -> set[str]:
        return {f"{IAM_PREFIX.get(service, service)}:{S3_ACTIONS.get(op, op) if service == 's3' else op}" for service, op in self.calls}


@pytest.fixture
def recorded(build):
    recorder = Recorder()
    # the compliant account walks every check to its end; "all" regions adds the region listing
    account = build(regions=[HOME])
    account.audit(hooks=[recorder.hook])
    enabled_regions(AwsContext(None, None, [recorder.hook]))
    return recorder


def test_every_call_is_read_only(recorded):
    assert recorded.calls
    assert sorted(op for _, op in recorded.calls if not READ_ONLY.search(op)) == []


def test_policy_allows_exactly_the_calls_made(recorded):
    made = recorded.actions() - NO_PERMISSION_NEEDED
    assert made == documented_actions()


def test_policy_is_read_only_and_has_no_wildcards():
    for action in documented_actions():
        service, operation = action.split(":")
        assert "*" not in action and READ_ONLY.search(operation), action
