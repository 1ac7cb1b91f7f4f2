"""The account fixture: what the offline engine answers when a program asks AWS (or Pulumi) about the world.

A YAML file with the account id, partition, VPCs per region, the organization (optional) and outputs of
other stacks (optional, for StackReference). Everything is validated up front so a typo fails with the key.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baseline.errors import UserError
from baseline.project import read_yaml

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
_VPC_ID = re.compile(r"^vpc-[0-9a-f]{8,17}$")
_PARTITIONS = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com"}


@dataclass(frozen=True)
class OrgAccount:
    id: str
    name: str
    email: str


@dataclass(frozen=True)
class Organization:
    id: str
    management_account_id: str
    accounts: tuple[OrgAccount, ...]


@dataclass
class AccountFixture:
    path: Path
    account_id: str
    partition: str
    caller_arn: str
    vpcs: dict[str, list[str]] = field(default_factory=dict)
    organization: Organization | None = None
    stack_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def dns_suffix(self) -> str:
        return _PARTITIONS[self.partition]


def load_fixture(path: Path) -> AccountFixture:
    doc = read_yaml(path, "account fixture")
    if not isinstance(doc, dict):
        raise UserError(f"{path}: an account fixture is a mapping (accountId, partition, vpcs, ...)")
    problems: list[str] = []

    def fail(key: str, message: str) -> None:
        problems.append(f"{path}: {key}: {message}")

    known = {"accountId", "partition", "callerArn", "vpcs", "organization", "stackOutputs"}
    for key in sorted(set(doc) - known):
        fail(str(key), f"unknown key (expected one of {', '.join(sorted(known))})")

    account_id = str(doc.get("accountId", ""))
    if not _ACCOUNT_ID.match(account_id):
        fail("accountId", "must be a 12-digit string (quote it in YAML)")
    partition = doc.get("partition", "aws")
    if partition not in _PARTITIONS:
        fail("partition", f"must be one of {', '.join(_PARTITIONS)}")

    vpcs = doc.get("vpcs") or {}
    if not isinstance(vpcs, dict):
        fail("vpcs", "must map region -> list of VPC ids")
        vpcs = {}
    for region, ids in vpcs.items():
        if not isinstance(ids, list) or not all(isinstance(i, str) and _VPC_ID.match(i) for i in ids):
            fail(f"vpcs.{region}", "must be a list of VPC ids like vpc-0123456789abcdef0")

    organization = _load_org(doc.get("organization"), fail)
    stack_outputs = doc.get("stackOutputs") or {}
    if not isinstance(stack_outputs, dict) or not all(isinstance(v, dict) for v in stack_outputs.values()):
        fail("stackOutputs", "must map a stack name (org/project/stack) to its outputs")
        stack_outputs = {}

    if problems:
        raise UserError("\n".join(problems))
    caller = doc.get("callerArn") or f"arn:{partition}:iam::{account_id}:role/deployer"
    return AccountFixture(path, account_id, partition, str(caller), vpcs, organization, stack_outputs)


def _load_org(doc: Any, fail) -> Organization | None:
    if doc is None:
        return None
    if not isinstance(doc, dict):
        fail("organization", "must be a mapping with id, managementAccountId, accounts")
        return None
    org_id = str(doc.get("id", ""))
    if not _ORG_ID.match(org_id):
        fail("organization.id", "must look like o-abcdefghij")
    management = str(doc.get("managementAccountId", ""))
    if not _ACCOUNT_ID.match(management):
        fail("organization.managementAccountId", "must be a 12-digit string")
    accounts = []
    for index, item in enumerate(doc.get("accounts") or []):
        if not isinstance(item, dict) or not _ACCOUNT_ID.match(str(item.get("id", ""))):
            fail(f"organization.accounts[{index}]", "needs a 12-digit id")
            continue
        accounts.append(OrgAccount(str(item["id"]), str(item.get("name", "")), str(item.get("email", ""))))
    return Organization(org_id, management, tuple(accounts))
