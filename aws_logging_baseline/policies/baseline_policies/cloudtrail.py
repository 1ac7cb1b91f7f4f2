"""CloudTrail: each trail's settings (inputs), and the stack's single multi-region management trail."""

from typing import Mapping

from .catalog import resource_policy, stack_policy
from .common import StackView, as_list
from .org_context import organization_trail_coverage

TRAIL = "aws:cloudtrail/trail:Trail"


def management_event_problems(props: Mapping) -> list[str]:
    """Why the trail does not record all read+write management events ([] when it does)."""
    advanced = as_list(props.get("advancedEventSelectors"))
    if advanced:
        return _advanced_problems(advanced)
    selectors = as_list(props.get("eventSelectors"))
    if not selectors:
        return []  # no selectors: CloudTrail records all management events, read and write
    kinds, problems = set(), []
    for selector in selectors:
        if selector.get("includeManagementEvents") is False:
            continue
        kinds.add(selector.get("readWriteType") or "All")
        excluded = as_list(selector.get("excludeManagementEventSources"))
        if excluded:
            problems.append(f"eventSelectors excludeManagementEventSources {sorted(excluded)} must be empty")
    if not kinds:
        problems.append("no eventSelectors entry has includeManagementEvents true")
    elif "All" not in kinds and not {"ReadOnly", "WriteOnly"} <= kinds:
        problems.append(f"eventSelectors readWriteType {sorted(kinds)} must be All")
    return problems


def _advanced_problems(selectors: list) -> list[str]:
    """Management selectors together must record reads and writes: one without a readOnly filter, or selectors
    whose readOnly values cover both true and false (AWS's own console writes it that way)."""
    problems, read_only_values, unfiltered, management = [], set(), False, False
    for selector in selectors:
        fields = {f.get("field"): f for f in as_list(selector.get("fieldSelectors"))}
        category = fields.get("eventCategory")
        if category is None or "Management" not in as_list(category.get("equals")):
            continue
        management = True
        label = selector.get("name") or "advancedEventSelectors"
        if "eventSource" in fields:
            problems.append(f"advanced selector {label!r} filters on eventSource; remove it so no event source is excluded")
        read_only = fields.get("readOnly")
        if read_only is None:
            unfiltered = True
        elif set(read_only) - {"field", "equals"}:  # notEquals, startsWith, ...: not a plain choice of reads or writes
            problems.append(f"advanced selector {label!r} filters readOnly with {sorted(set(read_only) - {'field', 'equals'})}")
        else:
            read_only_values |= {str(v).lower() for v in as_list(read_only.get("equals"))}
    if not management:
        problems.append("no advancedEventSelectors entry selects eventCategory Management")
    elif not unfiltered and not {"true", "false"} <= read_only_values:
        problems.append(f"advanced selectors filter on readOnly ({', '.join(sorted(read_only_values))} only); "
                        "remove the filter, or add a selector for the other value, to record reads and writes")
    return problems


def records_management_events(props: Mapping) -> bool:
    advanced = as_list(props.get("advancedEventSelectors"))
    if advanced:
        return any(
            "Management" in as_list(f.get("equals"))
            for s in advanced for f in as_list(s.get("fieldSelectors")) if f.get("field") == "eventCategory"
        )
    selectors = as_list(props.get("eventSelectors"))
    return not selectors or any(s.get("includeManagementEvents") is not False for s in selectors)


def _trail(validate):
    def wrapper(args, report_violation):
        if args.resource_type == TRAIL:
            validate(args.props, report_violation)
    return wrapper


@_trail
def _multi_region(props, report):
    if props.get("isMultiRegionTrail") is not True and records_management_events(props):  # data-only trails may be regional
        report("isMultiRegionTrail is not true (provider default false): set is_multi_region_trail=True so every region is recorded.")


@_trail
def _logging(props, report):
    if props.get("enableLogging") is False:
        report("enableLogging is false: the trail records nothing; set enable_logging=True.")


@_trail
def _validation(props, report):
    if props.get("enableLogFileValidation") is not True:
        report("enableLogFileValidation is not true (provider default false): set enable_log_file_validation=True.")


@_trail
def _encryption(props, report):
    if not props.get("kmsKeyId"):
        report("kmsKeyId is not set: set kms_key_id to a customer managed KMS key ARN (SSE-KMS).")


@_trail
def _cloudwatch(props, report):
    missing = [k for k in ("cloudWatchLogsGroupArn", "cloudWatchLogsRoleArn") if not props.get(k)]
    if missing:
        report(f"{' and '.join(missing)} not set: deliver the trail to a CloudWatch Logs group (log group ARN + ':*', and a role cloudtrail.amazonaws.com can assume).")


@_trail
def _global_events(props, report):
    if props.get("includeGlobalServiceEvents") is False and records_management_events(props):  # global events are management events
        report("includeGlobalServiceEvents is false: IAM, STS and CloudFront events are lost; remove it or set it to true.")


@_trail
def _management(props, report):
    if not records_management_events(props):
        return  # a data-events-only trail (the cost advice); multi-region-cloud-trail-enabled needs a management trail
    for problem in management_event_problems(props):
        report(problem)


def _qualifies(props: Mapping) -> bool:
    return (
        props.get("isMultiRegionTrail") is True
        and props.get("enableLogging") is not False
        and not management_event_problems(props)
    )


def _multi_region_trail_enabled(args, report_violation):
    if organization_trail_coverage(args):  # met by the organization trail, checked in the management stack
        return
    view = StackView(args)
    trails = view.of(TRAIL)
    if not any(_qualifies(t.props) for t in trails):
        names = ", ".join(t.name for t in trails) or "none"
        report_violation(
            "no logging multi-region trail records all management events "
            f"(trails in the stack: {names}); add one with is_multi_region_trail=True and management events selected.",
            view.stack_urn,
        )


def _single_copy(args, report_violation):
    view = StackView(args)
    copies = [t for t in view.of(TRAIL) if t.props.get("enableLogging") is not False and records_management_events(t.props)]
    if len(copies) > 1:
        for extra in copies[1:]:
            report_violation(
                f"trail {extra.name} records management events too ({len(copies)} copies; only the first is free): "
                "give it data-event selectors only or remove it.",
                extra.urn,
            )


POLICIES = [
    resource_policy("cloudtrail-multi-region-trail", _multi_region, [TRAIL]),
    resource_policy("cloudtrail-logging-enabled", _logging, [TRAIL]),
    resource_policy("cloud-trail-log-file-validation-enabled", _validation, [TRAIL]),
    resource_policy("cloud-trail-encryption-enabled", _encryption, [TRAIL]),
    resource_policy("cloud-trail-cloud-watch-logs-enabled", _cloudwatch, [TRAIL]),
    resource_policy("cloudtrail-global-service-events-enabled", _global_events, [TRAIL]),
    resource_policy("cloudtrail-management-events-not-excluded", _management, [TRAIL]),
    stack_policy("multi-region-cloud-trail-enabled", _multi_region_trail_enabled),
    stack_policy("cloudtrail-single-management-events-copy", _single_copy),
]
