"""Which regions to audit: a validated --regions list, or every region enabled for the account."""

from botocore.exceptions import BotoCoreError, ClientError

from aws_logging_baseline.audit.checks.guard import reason
from aws_logging_baseline.audit.session import AwsContext, known_regions
from aws_logging_baseline.errors import UserError


def parse_regions(value: str | None) -> list[str] | None:
    """Return the named regions, or None for "all". Unknown names are bad input, caught before any AWS call."""
    if value is None or value.strip() == "all":
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise UserError("--regions: expected a comma-separated list of region names, or 'all'")
    unknown = sorted(set(names) - known_regions())
    if unknown:
        raise UserError(f"--regions: unknown region name(s): {', '.join(unknown)}")
    return list(dict.fromkeys(names))


def enabled_regions(ctx: AwsContext) -> list[str]:
    """Regions the account can use. Opt-in regions not opted into are left out: they cannot hold resources."""
    try:
        regions = ctx.client("ec2", ctx.home_region).describe_regions(AllRegions=False)["Regions"]
    except (ClientError, BotoCoreError) as exc:
        raise UserError(f"--regions all: cannot list the account's regions ({reason(exc)}); name them instead") from None
    return sorted(r["RegionName"] for r in regions if r.get("OptInStatus") != "not-opted-in")
