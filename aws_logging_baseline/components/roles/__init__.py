"""Organization roles: one stack per account, composed from the baseline's components.

`baseline:role` picks the composition: standalone (AccountBaseline, the default), log-archive, management,
security or member. Nothing in any role is created per organization account, so a stack's size does not
depend on how many accounts the organization has (docs/org-rollout.md).
"""

import pulumi

from aws_logging_baseline.components.settings import Settings


def role_components() -> dict[str, type[pulumi.ComponentResource]]:
    from aws_logging_baseline.components.account_baseline import AccountBaseline
    from aws_logging_baseline.components.roles.log_archive_account import LogArchiveAccount
    from aws_logging_baseline.components.roles.management_account import ManagementAccount
    from aws_logging_baseline.components.roles.member_account import MemberAccount
    from aws_logging_baseline.components.roles.security_account import SecurityAccount

    return {
        "standalone": AccountBaseline,
        "log-archive": LogArchiveAccount,
        "management": ManagementAccount,
        "security": SecurityAccount,
        "member": MemberAccount,
    }


def build_account(name: str, settings: Settings) -> pulumi.ComponentResource:
    """The component for this stack's role; its `outputs` dict is what the program exports."""
    return role_components()[settings.role](name, settings)
