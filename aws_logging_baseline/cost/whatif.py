"""What-if lines: the switches that move the estimate most, each priced by re-pricing a changed copy of the plan.

Every switch changes the plan the way the setting would (the recorder's recordingFrequency, the flow logs'
trafficType, the trail's selectors, the archive's lifecycle) and prices it again with the same usage and prices;
the monthly difference is the new total minus the current one. Nothing here is a table of hard-coded savings.
"""

from dataclasses import dataclass, replace

from aws_logging_baseline.cost.pricing import Estimate, Plan, _selector_kind, price_plan, with_inputs, without

TRAIL = "aws:cloudtrail/trail:Trail"
RECORDER = "aws:cfg/recorder:Recorder"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
RULE = "aws:cfg/rule:Rule"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


@dataclass
class WhatIf:
    setting: str  # the stack setting a user changes
    change: str  # from -> to, in the setting's words
    total: float
    difference: float


def _data_selector(kind: str) -> dict:
    return {"name": f"{kind} data events",
            "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": [kind]}]}


def _has_selector(plan: Plan, kind: str) -> bool:
    """A selector recording every data event of `kind` (what trailS3DataEvents / trailLambdaDataEvents add); the
    archive's named API calls (archiveDataEvents) are another switch."""
    return any(_selector_kind(s) == kind for trail in plan.of_type(TRAIL) for s in trail.inputs.get("advancedEventSelectors") or [])


def _toggle_selector(kind: str, on: bool):
    def change(inputs: dict) -> None:
        selectors = [s for s in inputs.get("advancedEventSelectors") or [] if _selector_kind(s) != kind]
        if on:
            selectors.append(_data_selector(kind))
        inputs["advancedEventSelectors"] = selectors
    return change


def _switches(plan: Plan) -> list[tuple[str, str, Plan]]:
    """(setting, change, changed plan) for every switch that applies to this plan."""
    switches: list[tuple[str, str, Plan]] = []
    recorders = plan.of_type(RECORDER)
    if recorders:
        current = (recorders[0].inputs.get("recordingMode") or {}).get("recordingFrequency", "CONTINUOUS")
        other = "DAILY" if current == "CONTINUOUS" else "CONTINUOUS"
        switches.append(("configRecordingFrequency", f"{current} → {other}",
                         with_inputs(plan, RECORDER, lambda i: i.update(recordingMode={**(i.get("recordingMode") or {}), "recordingFrequency": other}))))
    flow_logs = plan.of_type(FLOW_LOG)
    if flow_logs:
        current = flow_logs[0].inputs.get("trafficType", "ALL")
        other = "ALL" if current != "ALL" else "REJECT"
        switches.append(("flowLogTrafficType", f"{current} → {other}", with_inputs(plan, FLOW_LOG, lambda i: i.update(trafficType=other))))
        to_s3 = flow_logs[0].inputs.get("logDestinationType") == "s3"
        if to_s3:
            fmt = (flow_logs[0].inputs.get("destinationOptions") or {}).get("fileFormat", "plain-text")
            other_fmt = "plain-text" if fmt == "parquet" else "parquet"
            switches.append(("flowLogFileFormat", f"{fmt} → {other_fmt}", with_inputs(
                plan, FLOW_LOG, lambda i: i.update(destinationOptions={**(i.get("destinationOptions") or {}), "fileFormat": other_fmt}))))
    if plan.of_type(TRAIL):
        for setting, kind in (("trailS3DataEvents", "AWS::S3::Object"), ("trailLambdaDataEvents", "AWS::Lambda::Function")):
            on = _has_selector(plan, kind)
            switches.append((setting, f"{str(on).lower()} → {str(not on).lower()}", with_inputs(plan, TRAIL, _toggle_selector(kind, not on))))
        insights = any(t.inputs.get("insightSelectors") for t in plan.of_type(TRAIL))
        selectors = None if insights else [{"insightType": "ApiCallRateInsight"}, {"insightType": "ApiErrorRateInsight"}]
        switches.append(("trailInsights", f"{str(insights).lower()} → {str(not insights).lower()}",
                         with_inputs(plan, TRAIL, lambda i: i.update(insightSelectors=selectors))))
    rules_elsewhere = [r for r in plan.of_type(RULE) if r.region != plan.home_region]
    if rules_elsewhere:
        switches.append(("Config rules × regions", f"rules in {len({r.region for r in plan.of_type(RULE)})} regions → home region only",
                         without(plan, lambda r: r.type == RULE and r.region != plan.home_region)))
    groups = [g for g in plan.of_type(LOG_GROUP) if int(g.inputs.get("retentionInDays") or 0) != 90]
    if groups:
        current = sorted({int(g.inputs.get("retentionInDays") or 0) for g in groups})
        switches.append(("logRetentionDays", f"{'/'.join(map(str, current))} → 90 (below the CIS year: allowShortLogRetention)",
                         with_inputs(plan, LOG_GROUP, lambda i: i.update(retentionInDays=90))))
    archive = plan.archive
    other_class = "DEEP_ARCHIVE" if archive.storage_class != "DEEP_ARCHIVE" else "GLACIER_IR"
    switches.append(("archiveTransitionStorageClass", f"{archive.storage_class} → {other_class}",
                     replace(plan, archive=replace(archive, storage_class=other_class))))
    if archive.expiration_days == 0:
        days = max(400, archive.lock_days + 1, archive.transition_days + 1)
        switches.append(("archiveExpirationDays", f"0 (keep forever) → {days}", replace(plan, archive=replace(archive, expiration_days=days))))
    if archive.replica_region:
        switches.append(("replicaRegion", f"{archive.replica_region} → no replica", replace(plan, archive=replace(archive, replica_region=None))))
    return switches


def what_ifs(estimate: Estimate) -> list[WhatIf]:
    """Each switch's total and difference from the estimate, the largest change first."""
    base = estimate.total
    results = []
    for setting, change, plan in _switches(estimate.plan):
        total = price_plan(plan, estimate.usage, estimate.prices).total
        results.append(WhatIf(setting, change, total, round(total - base, 2)))
    return sorted(results, key=lambda w: (-abs(w.difference), w.setting))
