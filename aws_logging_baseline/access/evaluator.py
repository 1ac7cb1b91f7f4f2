"""Decide offline whether AWS would allow a request, from the policies that apply to it.

Follows AWS's documented evaluation logic:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html and
https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from .conditions import (
    ConditionFailure,
    arn_like,
    evaluate_condition,
    lowercase_keys,
    match_pattern,
    substitute_variables,
    wildcard_match,
)

__all__ = [
    "Decision", "Match", "Policy", "Principal", "Request", "StatementRef",
    "arn_like", "evaluate", "request_context", "statement_matches", "statements", "wildcard_match",
]

_ACCOUNT_ID = re.compile(r"\d{12}")

# How a statement's Principal element named the requester, from most to least specific.
SELF = "self"          # the requester's own ARN / service name (or its session ARN)
ROLE = "role"          # the role whose session is making the request
ACCOUNT = "account"    # the requester's account (root ARN or bare id): a delegation to that account's IAM
EVERYONE = "everyone"  # "*", {"AWS": "*"} or a NotPrincipal that does not exclude the requester
_SPECIFICITY = (SELF, ROLE, EVERYONE, ACCOUNT)

# Policy kinds whose statements carry a Principal element, and those that do not.
_PRINCIPAL_KINDS = ("resource", "key", "trust", "rcp")
_IDENTITY_KINDS = ("identity", "boundary", "session", "scp")


@dataclass(frozen=True)
class Principal:
    type: str  # "AWS" | "Service" | "Anonymous" | "Federated" (or "CanonicalUser")
    id: str  # IAM ARN, service name such as "cloudtrail.amazonaws.com", or "" for anonymous
    account: str | None = None  # derived from the ARN when not given
    org_id: str | None = None  # aws:PrincipalOrgID

    def __post_init__(self) -> None:
        if self.account is None and self.type in ("AWS", "Federated"):
            parts = self.id.split(":")
            if len(parts) >= 6 and parts[0] == "arn":
                object.__setattr__(self, "account", parts[4] or None)
            elif _ACCOUNT_ID.fullmatch(self.id):
                object.__setattr__(self, "account", self.id)

    @classmethod
    def service(cls, name: str) -> "Principal":
        return cls("Service", name)

    @classmethod
    def anonymous(cls) -> "Principal":
        return cls("Anonymous", "")

    @classmethod
    def aws(cls, arn: str, org_id: str | None = None) -> "Principal":
        return cls("AWS", arn, org_id=org_id)

    @property
    def is_iam(self) -> bool:
        """IAM users, roles and sessions: the principals that identity policies, boundaries and SCPs apply to."""
        return self.type == "AWS"

    @property
    def resource_type(self) -> str:
        """"root", "user", "role", "assumed-role", "federated-user" or "" for a non-ARN principal."""
        parts = self.id.split(":", 5)
        if len(parts) < 6:
            return ""
        return parts[5].split("/", 1)[0]

    @property
    def role_arn(self) -> str | None:
        """The role of an assumed-role session: arn:aws:sts::A:assumed-role/R/s -> arn:aws:iam::A:role/R."""
        if self.resource_type != "assumed-role":
            return None
        partition = self.id.split(":")[1]
        role_name = self.id.split(":", 5)[5].split("/")[1]
        return f"arn:{partition}:iam::{self.account}:role/{role_name}"

    @property
    def root_arn(self) -> str:
        partition = self.id.split(":")[1] if self.id.startswith("arn:") else "aws"
        return f"arn:{partition}:iam::{self.account}:root"

    @property
    def principal_arn(self) -> str:
        """aws:PrincipalArn: a session is reported as its role."""
        return self.role_arn or self.id

    def __str__(self) -> str:
        return self.id or "anonymous"


@dataclass(frozen=True)
class Request:
    principal: Principal
    action: str
    resource: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    name: str
    document: Mapping[str, Any]


@dataclass(frozen=True)
class StatementRef:
    policy: str
    sid: str  # the Sid, or "#<index>" (0-based position in Statement) when it has none

    def __str__(self) -> str:
        return f"{self.policy} statement {self.sid}"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    deciding: tuple[StatementRef, ...]
    explicit_deny: bool = False


@dataclass(frozen=True)
class Match:
    """Whether one statement applies to a request; when not, the first part that failed and why."""

    matched: bool
    failing_part: str | None = None  # "principal" | "action" | "resource" | "condition"
    detail: str = ""  # one line saying why that part failed
    grant: str | None = None  # how the Principal element named the requester (SELF, ROLE, ACCOUNT, EVERYONE)
    condition_failure: ConditionFailure | None = None

    def __bool__(self) -> bool:
        return self.matched


def statements(policy: Policy) -> list[tuple[StatementRef, Mapping[str, Any]]]:
    """The statements of a policy with their references (Statement may be one object or a list)."""
    body = policy.document.get("Statement", [])
    items = [body] if isinstance(body, Mapping) else list(body)
    return [(StatementRef(policy.name, str(s.get("Sid") or f"#{i}")), s) for i, s in enumerate(items)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def request_context(request: Request) -> dict[str, Any]:
    """The request's condition keys plus the principal keys AWS adds itself (given keys win)."""
    principal = request.principal
    added: dict[str, Any] = {}
    if principal.is_iam:
        added["aws:PrincipalArn"] = principal.principal_arn
        if principal.account:
            added["aws:PrincipalAccount"] = principal.account
        if principal.org_id:
            added["aws:PrincipalOrgID"] = principal.org_id
        added["aws:PrincipalType"] = {
            "root": "Account", "": "Account", "assumed-role": "AssumedRole", "federated-user": "FederatedUser",
        }.get(principal.resource_type, "User")
        added["aws:PrincipalIsAWSService"] = False
        if principal.resource_type == "user":
            added["aws:username"] = principal.id.rsplit("/", 1)[-1]
        if request.action.lower().startswith("kms:") and principal.account:
            added["kms:CallerAccount"] = principal.account
    elif principal.type == "Service":
        added["aws:PrincipalIsAWSService"] = True
        added["aws:PrincipalServiceName"] = principal.id
    elif principal.type == "Anonymous":
        added["aws:PrincipalType"] = "Anonymous"
    given = lowercase_keys(request.context)
    merged = {key: value for key, value in added.items() if key.lower() not in given}
    merged.update(request.context)
    return merged


def _aws_grant(entry: str, principal: Principal) -> str | None:
    """How one {"AWS": ...} entry names an IAM principal; wildcards inside an ARN match nothing."""
    if not principal.is_iam or "*" in entry or "?" in entry:
        return None
    if entry == principal.id:
        return SELF
    if principal.account and entry in (principal.account, principal.root_arn):
        return ACCOUNT
    role = principal.role_arn
    if role and entry.startswith("arn:") and ":role/" in entry:
        # A role ARN covers its sessions; the role's path is not part of the session ARN, so compare names.
        same_account = entry.split(":")[4] == principal.account
        if same_account and entry.rsplit("/", 1)[-1] == role.rsplit("/", 1)[-1]:
            return ROLE
    return None


def _principal_grant(element: Any, principal: Principal) -> str | None:
    """The most specific way a Principal element names the requester, or None."""
    if element == "*":
        return EVERYONE
    if not isinstance(element, Mapping):
        return None
    grants = []
    for kind, entries in element.items():
        for entry in _as_list(entries):
            if kind == "AWS" and entry == "*":
                grants.append(EVERYONE)  # the same as "*": everyone, anonymous included
            elif kind == "AWS":
                grants.append(_aws_grant(str(entry), principal))
            elif kind == principal.type and str(entry).lower() == principal.id.lower():
                grants.append(SELF)  # Service, Federated and CanonicalUser name exactly one principal
    found = [g for g in grants if g]
    return min(found, key=_SPECIFICITY.index) if found else None


def _excluded_by(element: Any, principal: Principal) -> bool:
    """NotPrincipal excludes a requester only when every identity it acts as is listed:
    its account, its role (for a session) and itself, as the NotPrincipal page requires."""
    if element == "*":
        return True
    if not isinstance(element, Mapping):
        return False
    listed = {(kind, str(entry)) for kind, entries in element.items() for entry in _as_list(entries)}
    if ("AWS", "*") in listed:
        return True
    if principal.type == "Anonymous":
        return False
    if not principal.is_iam:
        return any(kind == principal.type and entry.lower() == principal.id.lower() for kind, entry in listed)
    aws_entries = {entry for kind, entry in listed if kind == "AWS"}
    layers = [{principal.account, principal.root_arn}, {principal.id}]
    if principal.role_arn:
        layers.append({principal.role_arn})
    return all(layer & aws_entries for layer in layers)


def statement_matches(statement: Mapping[str, Any], request: Request, *, policy_kind: str,
                      context: Mapping[str, Any] | None = None) -> Match:
    """Whether statement applies to request, checking Principal, Action, Resource, then Condition.

    policy_kind is "identity", "boundary", "session", "scp" (no Principal element) or
    "resource", "key", "trust", "rcp" (Principal or NotPrincipal required). Trust policies have no Resource.
    """
    if policy_kind not in _PRINCIPAL_KINDS + _IDENTITY_KINDS:
        raise ValueError(f"unknown policy kind {policy_kind!r}")
    principal = request.principal
    context = request_context(request) if context is None else context  # callers may pass it, computed once
    grant = SELF
    if policy_kind in _PRINCIPAL_KINDS:
        if "Principal" in statement:
            grant = _principal_grant(statement["Principal"], principal)
            if grant is None:
                return Match(False, "principal", f"principal {principal} is not named in Principal")
        elif "NotPrincipal" in statement:
            if _excluded_by(statement["NotPrincipal"], principal):
                return Match(False, "principal", f"principal {principal} is excluded by NotPrincipal")
            grant = EVERYONE
        else:
            return Match(False, "principal", "statement has no Principal")

    if "Action" in statement:
        if not any(wildcard_match(str(a), request.action, case_sensitive=False)
                   for a in _as_list(statement["Action"])):
            return Match(False, "action", f"action {request.action} is not in Action")
    elif "NotAction" in statement:
        if any(wildcard_match(str(a), request.action, case_sensitive=False)
               for a in _as_list(statement["NotAction"])):
            return Match(False, "action", f"action {request.action} is in NotAction")
    else:
        return Match(False, "action", "statement has no Action")

    if "Resource" in statement:
        if not _any_resource(statement["Resource"], request.resource, context):
            return Match(False, "resource", f"resource {request.resource} is not in Resource")
    elif "NotResource" in statement:
        if _any_resource(statement["NotResource"], request.resource, context):
            return Match(False, "resource", f"resource {request.resource} is in NotResource")
    elif policy_kind != "trust":
        return Match(False, "resource", "statement has no Resource")

    result = evaluate_condition(statement.get("Condition") or {}, context)
    if not result.holds():
        return Match(False, "condition", str(result.failure), condition_failure=result.failure)
    return Match(True, grant=grant)


def _any_resource(patterns: Any, resource: str, context: Mapping[str, Any]) -> bool:
    for pattern in _as_list(patterns):
        compiled = substitute_variables(str(pattern), context)
        # Resource ARNs are case-sensitive; a wildcard may span ARN components (e.g. "arn:aws:s3:::*").
        if compiled is not None and match_pattern(compiled, resource, case_sensitive=True):
            return True
    return False


@dataclass(frozen=True)
class _Verdict:
    """The statements of some policies of one kind that matched a request with one effect."""

    matched: list[tuple[StatementRef, Match]]
    closest: tuple[StatementRef, Match] | None  # the non-matching allow statement that came furthest


_PART_ORDER = ("principal", "action", "resource", "condition")


def _scan(policies: Sequence[Policy], request: Request, kind: str, effect: str) -> _Verdict:
    matched, closest = [], None
    context = request_context(request) if policies else None
    for policy in policies:
        for ref, statement in statements(policy):
            if str(statement.get("Effect", "")).lower() != effect.lower():
                continue
            match = statement_matches(statement, request, policy_kind=kind, context=context)
            if match:
                matched.append((ref, match))
            elif closest is None or _PART_ORDER.index(match.failing_part) > _PART_ORDER.index(
                    closest[1].failing_part):
                closest = (ref, match)
    return _Verdict(matched, closest)


def _not_principal_deny(policies: Sequence[Policy], request: Request, kind: str) -> StatementRef | None:
    """A Deny with NotPrincipal, whatever it lists, denies every IAM principal that has a permissions boundary
    (access_policies_boundaries.html); the first such statement that otherwise applies, if any."""
    for policy in policies:
        for ref, statement in statements(policy):
            if str(statement.get("Effect", "")).lower() == "deny" and "NotPrincipal" in statement:
                as_everyone = {k: v for k, v in statement.items() if k != "NotPrincipal"} | {"Principal": "*"}
                if statement_matches(as_everyone, request, policy_kind=kind):
                    return ref
    return None


def _no_allow(label: str, policies: Sequence[Policy], request: Request, kind: str, subject: str = "") -> str:
    """One line saying which policies did not allow the request and the statement that came closest."""
    if not policies:
        return f"no {label} allows {request.action}{subject}"
    names = ", ".join(p.name for p in policies)
    text = f"no statement of {names} allows {request.action}{subject}"
    closest = _scan(policies, request, kind, "Allow").closest
    if closest:
        ref, match = closest
        where = f"statement {ref.sid}" if len(policies) == 1 else str(ref)
        text += f" (closest: {where}, {match.detail})"
    return text


def evaluate(
    request: Request,
    *,
    resource_account: str,
    resource_policy: Policy | None = None,
    resource_kind: str = "resource",
    identity_policies: Sequence[Policy] = (),
    scps: Sequence[Policy] = (),
    rcps: Sequence[Policy] = (),
    permissions_boundary: Policy | None = None,
    session_policies: Sequence[Policy] = (),
) -> Decision:
    """Allow or deny request the way AWS would, with a one-line reason and the deciding statements.

    resource_kind: "resource" (bucket, topic, queue policy), "key" (KMS key policy) or "trust" (role trust
    policy). SCPs and RCPs are considered only when given; then at least one of their statements must allow.
    """
    if resource_kind not in ("resource", "key", "trust"):
        raise ValueError(f"resource_kind must be resource, key or trust, not {resource_kind!r}")
    principal = request.principal
    iam = principal.is_iam
    resource_policies = [resource_policy] if resource_policy else []
    boundaries = [permissions_boundary] if permissions_boundary else []
    # Identity-side policies and SCPs only apply to IAM principals, never to services or anonymous callers.
    layers: list[tuple[str, Sequence[Policy], str]] = [
        ("RCP", rcps, "rcp"),
        ("SCP", scps if iam else (), "scp"),
        ("resource policy", resource_policies, resource_kind),
        ("identity policy", identity_policies if iam else (), "identity"),
        ("permissions boundary", boundaries if iam else (), "boundary"),
        ("session policy", session_policies if iam else (), "session"),
    ]

    # 1. An explicit Deny anywhere wins.
    if iam and boundaries:
        ref = _not_principal_deny(resource_policies, request, resource_kind)
        if ref:
            return Decision(False, f"denied explicitly by {ref} (a Deny with NotPrincipal denies every principal "
                            "that has a permissions boundary)", (ref,), explicit_deny=True)
    for _, policies, kind in layers:
        denied = _scan(policies, request, kind, "Deny").matched
        if denied:
            ref = denied[0][0]
            return Decision(False, f"denied explicitly by {ref}", (ref,), explicit_deny=True)

    # 2. Organization guardrails: when present they must allow too.
    for label, policies, kind in layers[:2]:
        if policies and not _scan(policies, request, kind, "Allow").matched:
            return Decision(False, "denied: " + _no_allow(label, policies, request, kind), ())

    grants = _scan(resource_policies, request, resource_kind, "Allow").matched
    direct = [(ref, m) for ref, m in grants if m.grant != ACCOUNT]
    delegated = [(ref, m) for ref, m in grants if m.grant == ACCOUNT]
    identity = _scan(identity_policies, request, "identity", "Allow").matched if iam else []
    boundary_ok = not boundaries or bool(_scan(boundaries, request, "boundary", "Allow").matched)
    session_ok = not session_policies or bool(_scan(session_policies, request, "session", "Allow").matched)
    identity_ok = bool(identity) and boundary_ok and session_ok

    def allow(chosen: list[tuple[StatementRef, Match]]) -> Decision:
        refs = tuple(ref for ref, _ in chosen)
        return Decision(True, "allowed by " + " and ".join(str(r) for r in refs), refs)

    def deny(why: str) -> Decision:
        return Decision(False, "denied: " + why, ())

    resource_label = f"{resource_kind} policy" if resource_kind != "resource" else "resource policy"

    # 3. Services, anonymous and federated callers have no identity policies: the resource policy decides.
    if not iam:
        if direct:
            return allow(direct[:1])
        return deny(_no_allow(resource_label, resource_policies, request, resource_kind, f" for {principal}"))

    own_side = _OwnSide(identity_policies, boundaries, session_policies, request)

    # 4. Cross-account: the resource policy must grant the principal or its account, and its identity must allow.
    if principal.account != resource_account:
        if not grants:
            return deny(_no_allow(resource_label, resource_policies, request, resource_kind,
                                  f" for {principal}, a cross-account request"))
        if not identity_ok:
            return deny(f"{grants[0][0]} grants {principal.account}, but " + own_side.gap(identity, boundary_ok))
        return allow(grants[:1] + identity[:1])

    # 5. Same account. A grant naming the session or user itself escapes boundaries and session policies;
    # a grant to the role (or to everyone) is limited by them, as the evaluation-logic page describes.
    unlimited = principal.resource_type in ("assumed-role", "user", "federated-user")
    effective_direct = [(ref, m) for ref, m in direct
                        if (m.grant == SELF and unlimited) or (boundary_ok and session_ok)]
    if effective_direct:
        return allow(effective_direct[:1])
    if direct and not identity_ok:
        return deny(f"{direct[0][0]} allows, but " + own_side.limit_gap(boundary_ok))
    # Key and trust policies must allow: IAM policies count only through a statement naming the account.
    needs_delegation = resource_kind in ("key", "trust")
    if identity_ok and not needs_delegation:
        return allow(identity[:1])
    if identity_ok and delegated:
        return allow(delegated[:1] + identity[:1])
    if delegated:
        return deny(f"{delegated[0][0]} delegates to the account's IAM, but " + own_side.gap(identity, boundary_ok))
    if needs_delegation:
        why = _no_allow(resource_label, resource_policies, request, resource_kind)
        if identity_ok:
            why += f"; IAM policies count only when the {resource_kind} policy delegates to the account"
        return deny(why)
    if identity:
        return deny(own_side.gap(identity, boundary_ok))
    why = _no_allow("identity policy", identity_policies, request, "identity")
    if resource_policy is not None:
        why += " and " + _no_allow(resource_label, resource_policies, request, resource_kind)
    return deny(why)


@dataclass(frozen=True)
class _OwnSide:
    """The requester's own policies, to say why they did not allow a request."""

    identity_policies: Sequence[Policy]
    boundaries: Sequence[Policy]
    session_policies: Sequence[Policy]
    request: Request

    def gap(self, identity: list[tuple[StatementRef, Match]], boundary_ok: bool) -> str:
        if not identity:
            return _no_allow("identity policy", self.identity_policies, self.request, "identity")
        return f"{identity[0][0]} allows, but " + self.limit_gap(boundary_ok)

    def limit_gap(self, boundary_ok: bool) -> str:
        if not boundary_ok:
            return "the permissions boundary limits it: " + _no_allow(
                "permissions boundary", self.boundaries, self.request, "boundary")
        return "the session policies limit it: " + _no_allow(
            "session policy", self.session_policies, self.request, "session")
