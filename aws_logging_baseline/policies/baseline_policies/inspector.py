"""Amazon Inspector: no Inspector Classic, and Inspector scanning in every required region."""

from .catalog import resource_policy, stack_policy
from .common import StackView, as_list, setting

ENABLER = "aws:inspector2/enabler:Enabler"
CLASSIC_PREFIX = "aws:inspector/"


def _no_classic(args, report):
    if args.resource_type.startswith(CLASSIC_PREFIX):
        report(
            f"{args.resource_type} is Amazon Inspector Classic (end of support 2026-05-20): remove it and use "
            "aws.inspector2.Enabler."
        )


def _enabled(args, report_violation):
    view = StackView(args)
    regions = view.required_regions(args, "inspector-enabled")
    if not regions:
        args.not_applicable("no required regions: set requiredRegions or export `regions` from the stack")
    wanted = list(setting(args, "inspector-enabled", "requiredResourceTypes"))
    scanning: dict[str, set[str]] = {}
    for enabler in view.of(ENABLER):
        scanning.setdefault(view.region(enabler), set()).update(as_list(enabler.props.get("resourceTypes")))
    for region in regions:
        missing = [t for t in wanted if t not in scanning.get(region, set())]
        if missing:
            report_violation(
                f"region {region} does not scan {', '.join(missing)}: add an aws.inspector2.Enabler with region={region!r} "
                f"and resource_types including {', '.join(missing)}.",
                view.stack_urn,
            )


POLICIES = [
    resource_policy("inspector-classic-not-used", _no_classic, lambda type_: type_.startswith(CLASSIC_PREFIX)),
    stack_policy("inspector-enabled", _enabled),
]
