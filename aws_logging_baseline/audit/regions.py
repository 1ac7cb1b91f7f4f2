"""Which regions to audit: a validated --regions list, or every region enabled for the account."""

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
    except Exception as exc:  # noqa: BLE001 - any failure (error answer, timeout, malformed answer): one line, exit 2
        raise UserError(f"--regions all: cannot list the account's regions ({reason(exc)}); name them instead") from None
    names = [r.get("RegionName") for r in regions if r.get("OptInStatus") != "not-opted-in"]
    if not names or not all(isinstance(n, str) and n for n in names):
        raise UserError("--regions all: the answer of ec2 DescribeRegions names no regions; name them instead")
    return sorted(names)
