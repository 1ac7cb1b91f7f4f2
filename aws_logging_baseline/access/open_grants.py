"""Whether one resource policy document lets an outsider in: what the policy pack judges each bucket, key, topic
and trust policy by, instead of looking for condition keys.

For every Allow statement, requests are built the way an outsider would make them, from the statement itself:
its actions and resources with wildcards filled in, and each condition key given the value an outsider's request
carries (its own account, organization and ARNs; the request parameters it chooses; no value where it has none).
Each request is then evaluated against the WHOLE document (a Deny elsewhere may still refuse it). A statement
that looks guarded but is not (StringEqualsIfExists aws:SourceAccount, NotPrincipal, aws:PrincipalArn with a
wildcard account, StringNotEquals kms:CallerAccount, aws:SourceArn with a wildcard account) lets one through.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

from .evaluator import Policy, Principal, Request, evaluate, request_context, statement_matches, statements

FOREIGN_ACCOUNT = "999999999999"
FOREIGN_ORG = "o-outsider0000"
_ALLOW_ALL = Policy("the outsider's own IAM policy", {"Version": "2012-10-17",
                                                     "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
_SOURCE_KEYS = ("aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourceowner")
_DEFAULT_ACTION = {"key": "kms:Decrypt", "trust": "sts:AssumeRole"}
_SERVICE_ACTION = {"s3": "s3:GetObject", "kms": "kms:Decrypt", "sns": "sns:Publish", "sqs": "sqs:SendMessage",
                   "sts": "sts:AssumeRole", "logs": "logs:PutLogEvents", "lambda": "lambda:InvokeFunction"}
_VARIABLE = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True)
class OpenGrant:
    statement: str  # the Sid (or "Statement[i]") of the statement the probe was built from
    deciding: str  # the statement(s) that allowed it
    who: str  # "anonymous", "a principal of another organization", "cloudtrail.amazonaws.com for another account"
    action: str
    resource: str
    service: str | None  # the service principal probed, for service probes
    principal: str  # the probed statement's Principal (or NotPrincipal) element, as JSON

    def describe(self) -> str:
        return f"{self.who} may {self.action} on {self.resource}"


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _filled(pattern: str) -> str:
    """A concrete value matching a pattern: policy variables and wildcards filled with "x"."""
    return _VARIABLE.sub("x", pattern).replace("*", "x").replace("?", "x")


def _action(pattern: str, kind: str) -> str:
    if pattern == "*":
        return _DEFAULT_ACTION.get(kind, "s3:GetObject")
    service, _, name = pattern.partition(":")
    if name in ("*", ""):
        return _SERVICE_ACTION.get(service.lower(), f"{service}:Any")
    return pattern.replace("*", "").replace("?", "x") or pattern


def _foreign_arn(value: str) -> str:
    """An ARN of the outsider's that the pattern matches where it can: its account, its names."""
    parts = value.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return _foreign_value(value)
    if parts[4] or parts[2] != "s3":
        parts[4] = FOREIGN_ACCOUNT if (not parts[4] or "*" in parts[4] or "?" in parts[4] or parts[4].isdigit()) else parts[4]
    else:  # S3 ARNs name no account: a bucket of the outsider's
        parts[5] = "outsider-bucket" + ("/" + parts[5].split("/", 1)[1] if "/" in parts[5] else "")
    return _filled(":".join(parts))


def _foreign_value(value: str) -> str:
    if re.fullmatch(r"\d{12}", value):
        return FOREIGN_ACCOUNT
    if value.startswith("o-"):
        return FOREIGN_ORG
    return _filled(value)


def _condition_values(statement: Mapping[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for block in (statement.get("Condition") or {}).values():
        if isinstance(block, Mapping):
            for key, values in block.items():
                found.setdefault(str(key), []).extend(str(v) for v in _as_list(values))
    return found


def _context(statement: Mapping[str, Any], probe: str) -> dict[str, Any]:
    """The condition keys an outsider's request carries. probe: "person" (anonymous / IAM), "service" (a service
    acting for another account) or "service-unscoped" (a service request that names no source)."""
    context: dict[str, Any] = {"aws:SecureTransport": "true"}
    for key, values in _condition_values(statement).items():
        lower = key.lower()
        first = values[0] if values else "x"
        if lower in _SOURCE_KEYS:
            if probe != "service":
                continue
            if lower == "aws:sourceaccount" or lower == "aws:sourceowner":
                context[key] = FOREIGN_ACCOUNT
            elif lower == "aws:sourceorgid":
                context[key] = FOREIGN_ORG
            elif lower == "aws:sourceorgpaths":
                context[key] = f"{FOREIGN_ORG}/r-xxxx/ou-xxxx/"
            else:
                context[key] = _foreign_arn(first)
        elif lower.startswith("kms:encryptioncontext:"):
            context[key] = _foreign_arn(first)
        elif lower == "kms:viaservice":
            if probe == "person":  # any principal can call through the named service in that region
                context[key] = first
        elif lower.startswith("aws:principal") or lower in ("kms:calleraccount", "aws:securetransport", "aws:username",
                                                            "aws:userid"):
            continue  # the evaluator derives these from the principal
        elif lower.startswith(("s3:", "sns:", "sqs:", "kms:", "sts:", "logs:")):
            context[key] = _filled(first)  # a request parameter: the caller chooses it
    return context


def _probes(statement: Mapping[str, Any], kind: str, services_only: bool, people_only: bool):
    """(who, principal, identity policies, context, service) for each outsider worth trying on statement."""
    principal_element = statement.get("Principal")
    services = []
    if isinstance(principal_element, Mapping):
        services = [str(s) for s in _as_list(principal_element.get("Service"))]
    if not services_only:
        people = _context(statement, "person")
        yield "anonymous", Principal.anonymous(), [], people, None
        arns = [v for k, vs in _condition_values(statement).items() if k.lower() == "aws:principalarn" for v in vs]
        arn = _foreign_arn(arns[0]) if arns else f"arn:aws:iam::{FOREIGN_ACCOUNT}:role/outsider"
        yield "a principal of another organization", Principal.aws(arn, org_id=FOREIGN_ORG), [_ALLOW_ALL], people, None
    if not people_only:
        for service in services:
            yield f"{service} acting for another account", Principal.service(service), [], _context(statement, "service"), service
            yield (f"{service} with no source account", Principal.service(service), [],
                   _context(statement, "service-unscoped"), service)


def granted_by_resource_policy(policy: Policy | None, request: Request, kind: str) -> bool:
    """Whether any Allow statement of the resource policy applies to the request. Anonymous and cross-account
    requests, and principals without identity policies, are denied when none does: a fast first look before the
    full evaluation (which also explains itself)."""
    if policy is None:
        return False
    context = request_context(request)
    return any(str(s.get("Effect", "")).lower() == "allow" and statement_matches(s, request, policy_kind=kind, context=context)
               for _, s in statements(policy))


def _principal_text(statement: Mapping[str, Any]) -> str:
    element = "NotPrincipal" if "NotPrincipal" in statement else "Principal"
    return f"{element} {json.dumps(statement.get(element), sort_keys=True)}"


def open_grants(document: Mapping[str, Any] | None, kind: str, *, own_account: str = "000000000000",
                resource_arn: str | None = None, services_only: bool = False, people_only: bool = False,
                name: str = "policy") -> list[OpenGrant]:
    """The outsider requests document allows: the first found per deciding statement (and service probed). kind: "resource" (bucket,
    topic, queue policy), "key" or "trust"."""
    if not document:
        return []
    policy = Policy(name, document)
    found: dict[tuple[str, str | None], OpenGrant] = {}
    by_ref = dict(statements(policy))
    for ref, statement in statements(policy):
        if str(statement.get("Effect", "")).lower() != "allow":
            continue
        label = ref.sid if not ref.sid.startswith("#") else f"Statement[{ref.sid[1:]}]"
        actions = [_action(str(a), kind) for a in _as_list(statement.get("Action"))] or [_DEFAULT_ACTION.get(kind, "s3:GetObject")]
        if kind == "trust":
            resources = [resource_arn or f"arn:aws:iam::{own_account}:role/this"]
        else:
            resources = [_filled(str(r)) for r in _as_list(statement.get("Resource"))] or [resource_arn or "x"]
        for who, principal, identity, context, service in _probes(statement, kind, services_only, people_only):
            for action in actions:
                for resource in resources:
                    request = Request(principal, action, resource, context)
                    if not granted_by_resource_policy(policy, request, kind):
                        continue  # an outsider needs a grant of this document: none applies
                    decision = evaluate(request, resource_account=own_account,
                                        resource_policy=policy, resource_kind=kind, identity_policies=identity)
                    if decision.allowed:
                        deciding_statement = next((by_ref[r] for r in decision.deciding if r in by_ref), statement)
                        deciding = ", ".join(r.sid if not r.sid.startswith("#") else f"Statement[{r.sid[1:]}]"
                                             for r in decision.deciding if r.policy == name) or label
                        found.setdefault((deciding, service), OpenGrant(label, deciding, who, action, resource, service,
                                                                        _principal_text(deciding_statement)))
    return list(found.values())
