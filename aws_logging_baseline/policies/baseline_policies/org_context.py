"""What a stack says about its place in the organization (issue 6: organization roles).

The role and whether an organization trail covers the account come from the stack's config
(`baseline:role`, `baseline:orgTrailExists`, visible when the Pulumi CLI passes the stack config to the pack)
or else from the stack outputs the organization roles export (`role`, `orgTrailCoversAccount`).
"""

from typing import Any

from .common import StackView

ORG_ROLES = ("log-archive", "management", "security", "member")


def _config() -> tuple[str | None, bool | None]:
    try:
        import pulumi

        config = pulumi.Config("baseline")
        role = config.get("role")
        exists = config.get_bool("orgTrailExists")
    except Exception:  # noqa: BLE001 - no runtime config in this pack process
        return None, None
    return role, exists


def declared_role(args: Any) -> tuple[str | None, bool]:
    """(role, organization trail covers this account)."""
    role, exists = _config()
    outputs = StackView(args).outputs
    role = role or outputs.get("role")
    if role not in ORG_ROLES:
        return role, False
    if role == "management":  # the organization trail is this stack's own trail
        return role, False
    if exists is None:
        exists = outputs.get("orgTrailCoversAccount")
    if role == "member":
        return role, exists is not False  # orgTrailExists defaults to true
    return role, True


def organization_trail_coverage(args: Any) -> str | None:
    """A reason when the account's CloudTrail controls are met by the organization trail (checked in the
    management stack), else None."""
    role, covered = declared_role(args)
    if covered:
        return f"role {role}: the organization trail in the management account records this account"
    return None
