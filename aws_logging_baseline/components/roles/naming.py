"""Names several role stacks must agree on (derived from namePrefix and homeRegion, identical in every stack)."""

from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.settings import Settings


def org_trail_name(s: Settings) -> str:
    return f"{s.name_prefix}-org-trail"


def org_trail_arn(s: Settings) -> str:
    """The organization trail lives in the management account, in homeRegion."""
    return docs.trail_arn(s.partition, s.home_region, s.management_account_id, org_trail_name(s))


def role_tags(s: Settings) -> dict[str, str]:
    return {**s.tag_map, "BaselineRole": s.role}


def verify_organization(s: Settings, parent) -> None:
    """The account must belong to the configured organization (DescribeOrganization works from any account
    in it); a wrong organizationId would otherwise produce policies that silently reject every delivery."""
    import pulumi
    import pulumi_aws as aws

    org = aws.organizations.get_organization(opts=pulumi.InvokeOptions(parent=parent))
    if org.id != s.organization_id:
        raise pulumi.RunError(f"baseline:organizationId: {s.organization_id} is set, but this account belongs to organization {org.id}")
    if s.management_account_id and org.master_account_id != s.management_account_id:
        raise pulumi.RunError(
            f"baseline:managementAccountId: {s.management_account_id} is set, but the management account of {org.id} is {org.master_account_id}"
        )


def require_account(s: Settings, key: str, expected: str, account_id: str) -> None:
    """A stack whose role lives in a named account must run there (wrong credentials would otherwise build a
    management or security stack in some other account)."""
    import pulumi

    from aws_logging_baseline.components.settings import config_key

    if account_id != expected:
        raise pulumi.RunError(
            f"{config_key(key)}: is {expected}, but this {s.role} stack runs in account {account_id}: "
            "use credentials of that account (or fix the setting)"
        )
