"""Amazon Inspector (inspector2), per region: EC2, ECR and Lambda scanning enabled for this account."""

from aws_logging_baseline.audit.checks.guard import guarded
from aws_logging_baseline.audit.findings import Finding, failed, passed, unknown

CONTROL = "inspector-enabled"
RESOURCE_TYPES = {"ec2": "EC2", "ecr": "ECR", "lambda": "LAMBDA"}


def _check(ctx, region: str) -> list[Finding]:
    inspector = ctx.client("inspector2", region)
    answer = inspector.batch_get_account_status(accountIds=[ctx.account_id])
    accounts = [a for a in answer.get("accounts", []) if a.get("accountId") == ctx.account_id]
    if not accounts:
        errors = answer.get("failedAccounts") or []
        detail = errors[0].get("errorMessage") if errors else "no status returned for this account"
        return [unknown(CONTROL, region, ctx.account_id, f"could not check: {detail}")]
    states = accounts[0].get("resourceState", {})
    off = [name for key, name in RESOURCE_TYPES.items() if states.get(key, {}).get("status") != "ENABLED"]
    if off:
        return [failed(CONTROL, region, ctx.account_id, f"scanning not enabled for {', '.join(off)}; "
                                                        f"run inspector2 Enable with resourceTypes {off}")]
    return [passed(CONTROL, region, ctx.account_id, "EC2, ECR and LAMBDA scanning enabled")]


def check_inspector(ctx, region: str) -> list[Finding]:
    return guarded([CONTROL], region, region, lambda: _check(ctx, region))
