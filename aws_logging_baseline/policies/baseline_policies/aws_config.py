"""AWS Config: recorders record everything, every required region records, global types once."""

from .catalog import resource_policy, stack_policy
from .common import StackView, as_list, joined

RECORDER = "aws:cfg/recorder:Recorder"
DELIVERY_CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel"
RECORDER_STATUS = "aws:cfg/recorderStatus:RecorderStatus"


def _all_supported(args, report):
    if args.resource_type != RECORDER:
        return
    group = args.props.get("recordingGroup")
    if group is None:
        return  # AWS records all supported types when no recording group is given
    if group.get("allSupported") is False:
        report("recordingGroup.allSupported is false: set all_supported=True so every supported type is recorded.")
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if strategy not in (None, "ALL_SUPPORTED_RESOURCE_TYPES"):
        report(f"recordingGroup.recordingStrategy.useOnly is {strategy!r}: use ALL_SUPPORTED_RESOURCE_TYPES.")
    if as_list(group.get("resourceTypes")):
        report("recordingGroup.resourceTypes limits recording to a list: remove it and set all_supported=True.")


def _regions_record(args, report_violation):
    view = StackView(args)
    regions = view.required_regions(args, "config-recorder-enabled")
    if not regions:
        args.not_applicable("no required regions: set requiredRegions or export `regions` from the stack")
    recorders = {view.region(r) for r in view.of(RECORDER)}
    channels = {view.region(c) for c in view.of(DELIVERY_CHANNEL)}
    enabled = {view.region(s) for s in view.of(RECORDER_STATUS) if s.props.get("isEnabled") is True}
    for region in regions:
        missing = [
            label for label, present in (
                ("aws.cfg.Recorder", recorders), ("aws.cfg.DeliveryChannel", channels),
                ("aws.cfg.RecorderStatus with is_enabled=True", enabled),
            ) if region not in present
        ]
        if missing:
            report_violation(f"region {region} has no {', '.join(missing)}: add them with region={region!r}.", view.stack_urn)


def _global_once(args, report_violation):
    view = StackView(args)
    recorders = view.of(RECORDER)
    if not recorders:
        args.not_applicable("no AWS Config recorder in the stack")
    recording = [r for r in recorders if ((r.props.get("recordingGroup") or {}).get("includeGlobalResourceTypes")) is True]
    if not recording:
        report_violation(
            "no recorder has recordingGroup.includeGlobalResourceTypes true, so IAM changes are not recorded: "
            "set it on the home-region recorder.",
            view.stack_urn,
        )
    elif len(recording) > 1:
        regions = joined(str(view.region(r)) for r in recording)
        for extra in recording[1:]:
            report_violation(
                f"global resource types are recorded in {len(recording)} regions ({regions}), each a paid duplicate: "
                f"set include_global_resource_types=False on {extra.name}.",
                extra.urn,
            )


POLICIES = [
    resource_policy("config-recorder-all-supported", _all_supported, [RECORDER]),
    stack_policy("config-recorder-enabled", _regions_record),
    stack_policy("config-global-resources-recorded-once", _global_once),
]
