"""The account fixture: what the offline engine answers when a program asks AWS (or Pulumi) about the world.

A YAML file with the account id, partition, VPCs per region, the organization (optional) and outputs of
other stacks (optional, for StackReference). Every field's type and form is validated up front, so a typo or a
wrong type fails with one line naming the file and the field (e.g. `organization.accounts[1].id`).
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from aws_logging_baseline.echo import echo, got
from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.project import read_yaml

# ASCII only and anchored at the very end (fullmatch): `\d` also matches other scripts' digits, and `$` matches
# before a trailing newline.
_ACCOUNT_ID = re.compile(r"[0-9]{12}")
_ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
_VPC_ID = re.compile(r"vpc-[0-9a-f]{8,17}")
_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:[!-~]{1,1000}")
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


@lru_cache(maxsize=1)
def _regions_by_partition() -> dict[str, frozenset[str]]:
    """Region names per partition from botocore's partition data (small; no boto3 import, no network)."""
    document = json.loads((resources.files("botocore") / "data" / "partitions.json").read_text(encoding="utf-8"))
    return {p["id"]: frozenset(r for r in p["regions"] if not r.endswith("-global")) for p in document["partitions"]}


def regions_of(partition: str) -> frozenset[str]:
    return _regions_by_partition().get(partition, frozenset())


def _got(value: Any) -> str:
    return got(value)


def _name(key: Any) -> str:
    """A key as a message names it: itself when a short string, else a bounded echo."""
    return key if isinstance(key, str) and len(key) <= 60 else echo(key)


# --- one validator per kind of field: (value) -> problem or None ---------------------------------------

Check = Callable[[Any], str | None]


def _matching(pattern: re.Pattern, what: str) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and pattern.fullmatch(value):
            return None
        return f"must be {what}, {_got(value)}"
    return check


def _optional_string(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be a string, {_got(value)}"


def _one_of(choices) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in choices:
            return None
        return f"must be one of {', '.join(choices)}, {_got(value)}"
    return check


_ACCOUNT_ID_CHECK = _matching(_ACCOUNT_ID, "a 12-digit string (quote it in YAML)")

# Scalar fields: key -> (required, check). Structured fields (vpcs, organization, stackOutputs) follow below.
_TOP_LEVEL: dict[str, tuple[bool, Check]] = {
    "accountId": (True, _ACCOUNT_ID_CHECK),
    "partition": (False, _one_of(tuple(_PARTITIONS))),
    "callerArn": (False, _matching(_ARN, "an ARN string like arn:aws:iam::111111111111:role/deployer")),
}
_STRUCTURED = ("vpcs", "organization", "stackOutputs")
_ORGANIZATION: dict[str, tuple[bool, Check]] = {
    "id": (True, _matching(_ORG_ID, "an organization id like o-abcdefghij")),
    "managementAccountId": (True, _ACCOUNT_ID_CHECK),
}
_ORG_ACCOUNT: dict[str, tuple[bool, Check]] = {
    "id": (True, _ACCOUNT_ID_CHECK),
    "name": (False, _optional_string),
    "email": (False, _optional_string),
}


class _Problems:
    def __init__(self, path: Path):
        self.path = path
        self.lines: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.lines.append(f"{self.path}: {key}: {message}")

    def mapping(self, doc: dict, prefix: str, fields: dict[str, tuple[bool, Check]], also: tuple[str, ...] = ()) -> None:
        """Unknown keys, missing required keys and each scalar field's check, named `prefix` + key."""
        known = (*fields, *also)
        for key in doc:
            if key not in known:
                self.add(f"{prefix}{_name(key)}",
                         f"unknown key (expected one of {', '.join(sorted(known))})")
        for key, (required, check) in fields.items():
            if key in doc and doc[key] is not None:
                problem = check(doc[key])
            elif required:
                problem = check(None)
            else:
                continue
            if problem:
                self.add(f"{prefix}{key}", problem)


def load_fixture(path: Path) -> AccountFixture:
    doc = read_yaml(path, "account fixture")
    if not isinstance(doc, dict):
        raise UserError(f"{path}: an account fixture is a mapping (accountId, partition, vpcs, ...), {_got(doc)}")
    problems = _Problems(path)
    problems.mapping(doc, "", _TOP_LEVEL, _STRUCTURED)
    account_id = doc.get("accountId")
    partition = doc.get("partition") if doc.get("partition") is not None else "aws"
    known_partition = partition if isinstance(partition, str) and partition in _PARTITIONS else None
    vpcs = _load_vpcs(doc.get("vpcs"), known_partition, problems)
    organization = _load_org(doc.get("organization"), problems)
    stack_outputs = _load_stack_outputs(doc.get("stackOutputs"), problems)
    if problems.lines:
        raise UserError("\n".join(problems.lines))
    caller = doc.get("callerArn") or f"arn:{partition}:iam::{account_id}:role/deployer"
    return AccountFixture(path, account_id, partition, caller, vpcs, organization, stack_outputs)


def _load_vpcs(doc: Any, partition: str | None, problems: _Problems) -> dict[str, list[str]]:
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        problems.add("vpcs", f"must map region -> list of VPC ids, {_got(doc)}")
        return {}
    vpcs: dict[str, list[str]] = {}
    for region, ids in doc.items():
        if partition is not None and region not in regions_of(partition):
            problems.add(f"vpcs.{_name(region)}", f"unknown region {echo(region)} for partition {partition}")
            continue
        if not isinstance(ids, list) or not all(isinstance(i, str) and _VPC_ID.fullmatch(i) for i in ids):
            problems.add(f"vpcs.{region}", f"must be a list of VPC ids like vpc-0123456789abcdef0, {_got(ids)}")
            continue
        vpcs[region] = ids
    return vpcs


def _load_org(doc: Any, problems: _Problems) -> Organization | None:
    if doc is None:
        return None
    if not isinstance(doc, dict):
        problems.add("organization", f"must be a mapping with id, managementAccountId, accounts, {_got(doc)}")
        return None
    problems.mapping(doc, "organization.", _ORGANIZATION, ("accounts",))
    items = doc.get("accounts") if doc.get("accounts") is not None else []
    if not isinstance(items, list):
        problems.add("organization.accounts", f"must be a list of accounts ({{id, name, email}}), {_got(items)}")
        items = []
    accounts = []
    for index, item in enumerate(items):
        where = f"organization.accounts[{index}]"
        if not isinstance(item, dict):
            problems.add(where, f"must be a mapping with id, name, email, {_got(item)}")
            continue
        before = len(problems.lines)
        problems.mapping(item, f"{where}.", _ORG_ACCOUNT)
        if len(problems.lines) == before:
            accounts.append(OrgAccount(item["id"], item.get("name") or "", item.get("email") or ""))
    return Organization(doc.get("id"), doc.get("managementAccountId"), tuple(accounts))


def _load_stack_outputs(doc: Any, problems: _Problems) -> dict[str, dict[str, Any]]:
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        problems.add("stackOutputs", f"must map a stack name (org/project/stack) to its outputs, {_got(doc)}")
        return {}
    outputs: dict[str, dict[str, Any]] = {}
    for name, values in doc.items():
        if not isinstance(name, str):
            problems.add(f"stackOutputs.{_name(name)}", f"a stack name is a string (org/project/stack), {_got(name)}")
        elif not isinstance(values, dict):
            problems.add(f"stackOutputs.{name}", f"must be a mapping of output name -> value, {_got(values)}")
        else:
            outputs[name] = values
    return outputs


GENERATED_ACCOUNT_ID = "111111111111"


def generated_fixture() -> AccountFixture:
    """What a run without --account is answered from (and says so): an example account of the aws partition with
    one VPC in each region enabled by default, no organization, no referenced stacks."""
    from aws_logging_baseline.components.regions import default_enabled_regions

    vpcs = {region: [f"vpc-{index:017x}"] for index, region in enumerate(default_enabled_regions(), 1)}
    return AccountFixture(Path("<generated account fixture>"), GENERATED_ACCOUNT_ID, "aws",
                          f"arn:aws:iam::{GENERATED_ACCOUNT_ID}:role/deployer", vpcs)
