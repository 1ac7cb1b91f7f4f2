"""What a stack says about its place in the organization (issue 6: organization roles).

The role and whether an organization trail covers the account come from the stack's config
(`baseline:role`, `baseline:orgTrailExists`, visible when the Pulumi CLI passes the stack config to the pack)
or else from the stack outputs the organization roles export (`role`, `orgTrailCoversAccount`).
"""

from typing import Any

from .common import StackView

ORG_ROLES = ("log-archive", "management", "security", "member")
STACK_REFERENCE = "pulumi:pulumi:StackReference"


def _config() -> tuple[str | None, bool | None]:
    try:
        import pulumi

        config = pulumi.Config("baseline")
        role = config.get("role")
        exists = config.get_bool("orgTrailExists")
    except Exception:  # noqa: BLE001 - no runtime config in this pack process
        return None, None
    return role, exists


def _configured(*keys: str) -> dict[str, str]:
    """The `baseline:` config values set for these keys (empty when the pack has no runtime config)."""
    try:
        import pulumi

        config = pulumi.Config("baseline")
        return {key: value for key in keys if (value := config.get(key))}
    except Exception:  # noqa: BLE001
        return {}


def role_backing(args: Any) -> tuple[str | None, list[str]]:
    """(claimed role, what the stack lacks to back it): an organization role needs the organization id, and every
    role but log-archive a reference to the organization's archive (a StackReference to its stack, or the bucket by
    name), from the stack's config when the host passes it, else from the outputs the organization roles export
    (`organizationId`, `archiveBucket`). A bare output `role: member` backs nothing."""
    role, _ = _config()
    outputs = StackView(args).outputs
    role = role or outputs.get("role")
    if role not in ORG_ROLES:
        return role, []
    config = _configured("organizationId", "logArchiveStack", "logArchiveBucket")
    missing = []
    if not (config.get("organizationId") or outputs.get("organizationId")):
        missing.append("organization id (baseline:organizationId)")
    if role != "log-archive" and not (config.get("logArchiveStack") or config.get("logArchiveBucket")
                                      or outputs.get("archiveBucket") or StackView(args).of(STACK_REFERENCE)):
        missing.append("archive reference (baseline:logArchiveStack or baseline:logArchiveBucket)")
    return role, missing


def declared_role(args: Any) -> tuple[str | None, bool]:
    """(role, organization trail covers this account); never covered when the claimed role is not backed."""
    role, exists = _config()
    outputs = StackView(args).outputs
    role = role or outputs.get("role")
    if role not in ORG_ROLES:
        return role, False
    if role == "management":  # the organization trail is this stack's own trail
        return role, False
    if role_backing(args)[1]:
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
