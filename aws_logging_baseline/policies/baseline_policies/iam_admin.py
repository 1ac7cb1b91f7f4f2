"""IAM: administrator access by any route, and privilege-escalation actions on every resource.

A role gets full administrator access (CIS 1.16, Security Hub IAM.1) through an inline policy, an attached AWS
managed policy (RolePolicyAttachment, PolicyAttachment or `managedPolicyArns`), or a customer managed
`iam.Policy` with `"Action": "*"` on `"Resource": "*"` attached by any of those routes. Independently, a policy
that allows `iam:PassRole` or `iam:Put*Policy` / `iam:Attach*Policy` on every resource lets its holder hand itself
(or any service) more rights: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
"""

import fnmatch
from typing import Any

from .catalog import stack_policy
from .common import StackView, as_list, policy_document, statements

ROLE = "aws:iam/role:Role"
USER = "aws:iam/user:User"
GROUP = "aws:iam/group:Group"
MANAGED_POLICY = "aws:iam/policy:Policy"
INLINE = {
    "aws:iam/rolePolicy:RolePolicy": "role",
    "aws:iam/userPolicy:UserPolicy": "user",
    "aws:iam/groupPolicy:GroupPolicy": "group",
}
ATTACHMENTS = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("role",),
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": ("user",),
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": ("group",),
    "aws:iam/policyAttachment:PolicyAttachment": ("roles", "users", "groups"),
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": ("roleName",),
}
# AWS managed policies that grant every action on every resource (the job-function policy is the same grant).
ADMIN_MANAGED_POLICIES = ("AdministratorAccess",)
# Actions that let a principal give itself or a service more permissions when allowed on every resource.
ESCALATION_ACTIONS = (
    "iam:passrole", "iam:putrolepolicy", "iam:putuserpolicy", "iam:putgrouppolicy",
    "iam:attachrolepolicy", "iam:attachuserpolicy", "iam:attachgrouppolicy",
    "iam:createpolicyversion", "iam:setdefaultpolicyversion", "iam:updateassumerolepolicy",
)


def _matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action, pattern.lower())


def _allows_everything(document: dict | None) -> bool:
    for statement in statements(document):
        if statement.get("Effect") != "Allow" or "NotAction" in statement or "NotResource" in statement:
            continue
        actions = [str(a) for a in as_list(statement.get("Action"))]
        resources = [str(r) for r in as_list(statement.get("Resource"))]
        if any(a in ("*", "*:*") for a in actions) and "*" in resources and not statement.get("Condition"):
            return True
    return False


def escalation_actions(document: dict | None) -> list[str]:
    """Privilege-escalation actions the document allows on every resource (by action pattern, e.g. iam:Put*Policy)."""
    found = set()
    for statement in statements(document):
        if statement.get("Effect") != "Allow" or "*" not in [str(r) for r in as_list(statement.get("Resource"))]:
            continue
        for pattern in as_list(statement.get("Action")):
            pattern = str(pattern)
            if pattern in ("*", "*:*"):
                continue  # administrator access, reported by iam-no-administrator-access
            if any(_matches(pattern, action) for action in ESCALATION_ACTIONS):
                found.add(pattern)
    return sorted(found)


def _is_admin_arn(arn: Any) -> bool:
    return isinstance(arn, str) and any(arn.endswith(f":policy/{name}") for name in ADMIN_MANAGED_POLICIES)


def _names(value: Any) -> list[str]:
    """Role/user/group references as names (an ARN's last path element)."""
    return [str(v).rsplit("/", 1)[-1] for v in as_list(value) if isinstance(v, str)]


class _Grants:
    """Every policy document each principal (kind, name) holds, with where it comes from."""

    def __init__(self, view: StackView):
        self.principals: dict[tuple[str, str], Any] = {}
        for kind, type_ in (("role", ROLE), ("user", USER), ("group", GROUP)):
            for resource in view.of(type_):
                name = resource.props.get("name") or resource.name
                self.principals[(kind, str(name))] = resource
        self.customer = {p.props.get("arn"): p for p in view.of(MANAGED_POLICY) if isinstance(p.props.get("arn"), str)}
        self.grants: list[tuple[tuple[str, str] | None, str, Any, dict | None, str | None]] = []
        for role in view.of(ROLE):
            key = ("role", str(role.props.get("name") or role.name))
            for index, inline in enumerate(as_list(role.props.get("inlinePolicies"))):
                self._add(key, f"inline policy {inline.get('name') or index}", role, policy_document(inline.get("policy")))
            for arn in as_list(role.props.get("managedPolicyArns")):
                self._attach(key, "managedPolicyArns", role, arn)
        for type_, kind in INLINE.items():
            for resource in view.of(type_):
                for name in _names(resource.props.get(kind)):
                    self._add((kind, name), f"{type_.rsplit(':', 1)[-1]} {resource.name}", resource,
                              policy_document(resource.props.get("policy")))
        for type_, keys in ATTACHMENTS.items():
            for resource in view.of(type_):
                arns = as_list(resource.props.get("policyArn")) + as_list(resource.props.get("policyArns"))
                for key in keys:
                    kind = {"roles": "role", "users": "user", "groups": "group", "roleName": "role"}.get(key, key)
                    for name in _names(resource.props.get(key)):
                        for arn in arns:
                            self._attach((kind, name), f"{type_.rsplit(':', 1)[-1]} {resource.name}", resource, arn)

    def _add(self, principal, route: str, resource: Any, document: dict | None, arn: str | None = None) -> None:
        self.grants.append((principal, route, resource, document, arn))

    def _attach(self, principal, route: str, resource: Any, arn: Any) -> None:
        policy = self.customer.get(arn)
        document = policy_document(policy.props.get("policy")) if policy is not None else None
        label = f"{route} of {policy.name if policy is not None else arn}"
        self._add(principal, label, resource, document, arn if isinstance(arn, str) else None)

    def label(self, principal) -> str:
        return f"{principal[0]} {principal[1]}"


def _administrator_access(args, report_violation):
    view = StackView(args)
    grants = _Grants(view)
    for principal, route, resource, document, arn in grants.grants:
        if _is_admin_arn(arn) or _allows_everything(document):
            what = arn if _is_admin_arn(arn) else 'a policy allowing "Action": "*" on "Resource": "*"'
            report_violation(
                f"{grants.label(principal)} gets administrator access through {route} ({what}): grant only the actions "
                "the role needs (CIS 1.16: no full \"*:*\" administrative privileges).",
                resource.urn,
            )


def _privilege_escalation(args, report_violation):
    view = StackView(args)
    grants = _Grants(view)
    seen: set[tuple[str, str]] = set()
    for principal, route, resource, document, _ in grants.grants:
        actions = escalation_actions(document)
        if actions and (resource.urn, route) not in seen:
            seen.add((resource.urn, route))
            report_violation(
                f"{grants.label(principal)} may {', '.join(actions)} on every resource through {route}: name the "
                "roles it may pass (iam:PassRole on their ARNs, with iam:PassedToService) and the policies it may change.",
                resource.urn,
            )
    for policy in view.of(MANAGED_POLICY):  # an unattached policy is one attachment away from a principal
        if policy.props.get("arn") not in {g[4] for g in grants.grants}:
            actions = escalation_actions(policy_document(policy.props.get("policy")))
            if actions:
                report_violation(
                    f"policy {policy.name} allows {', '.join(actions)} on every resource: name the roles and policies.",
                    policy.urn,
                )


POLICIES = [
    stack_policy("iam-no-administrator-access", _administrator_access),
    stack_policy("iam-no-privilege-escalation", _privilege_escalation),
]
