"""Offline answers to the invokes (data sources) a program may call, taken from the account fixture.

An invoke the fixture cannot answer is an error naming the token: guessing would hide a missing fact.
"""

from typing import Any, Callable

from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.fixture import AccountFixture

Answer = Callable[[AccountFixture, dict[str, Any], str], dict[str, Any]]


def _caller_identity(fx: AccountFixture, args: dict, region: str) -> dict:
    return {"accountId": fx.account_id, "arn": fx.caller_arn, "userId": "AROAOFFLINEEXAMPLE:deployer", "id": fx.account_id}


def _partition(fx: AccountFixture, args: dict, region: str) -> dict:
    return {"partition": fx.partition, "dnsSuffix": fx.dns_suffix, "reverseDnsPrefix": "com.amazonaws", "id": fx.partition}


def _region(fx: AccountFixture, args: dict, region: str) -> dict:
    name = args.get("region") or args.get("name") or region
    return {"region": name, "name": name, "endpoint": f"ec2.{name}.{fx.dns_suffix}", "description": name, "id": name}


def _vpcs(fx: AccountFixture, args: dict, region: str) -> dict:
    name = args.get("region") or region
    ids = list(fx.vpcs.get(name, []))
    return {"ids": ids, "id": name, "region": name, "filters": args.get("filters"), "tags": args.get("tags") or {}}


def _organization(fx: AccountFixture, args: dict, region: str) -> dict:
    org = fx.organization
    if org is None:
        raise UserError(f"{fx.path}: organization: the program reads the AWS organization but the fixture has none")
    arn = f"arn:{fx.partition}:organizations::{org.management_account_id}:organization/{org.id}"
    accounts = [
        {"id": a.id, "name": a.name, "email": a.email, "status": "ACTIVE",
         "arn": f"arn:{fx.partition}:organizations::{org.management_account_id}:account/{org.id}/{a.id}"}
        for a in org.accounts
    ]
    return {
        "id": org.id, "arn": arn, "masterAccountId": org.management_account_id,
        "masterAccountArn": f"arn:{fx.partition}:organizations::{org.management_account_id}:account/{org.id}/{org.management_account_id}",
        "featureSet": "ALL", "accounts": accounts, "nonMasterAccounts": [a for a in accounts if a["id"] != org.management_account_id],
        "roots": [{"id": "r-offl", "name": "Root", "arn": f"{arn}/root/r-offl", "policyTypes": []}],
        "awsServiceAccessPrincipals": [], "enabledPolicyTypes": [],
    }


INVOKES: dict[str, Answer] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getRegion:getRegion": _region,
    "aws:ec2/getVpcs:getVpcs": _vpcs,
    "aws:organizations/getOrganization:getOrganization": _organization,
}


def answer_invoke(fixture: AccountFixture, token: str, args: dict[str, Any], region: str) -> dict[str, Any]:
    answer = INVOKES.get(token)
    if answer is None:
        raise UserError(
            f"the program calls {token}, which the offline engine cannot answer from the account fixture "
            f"(answered: {', '.join(sorted(t.split(':')[-1] for t in INVOKES))})"
        )
    return answer(fixture, args, region)
