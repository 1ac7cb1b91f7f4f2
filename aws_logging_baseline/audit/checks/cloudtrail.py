"""CloudTrail: a multi-region trail that logs management events, with validation, KMS, CloudWatch Logs and
healthy delivery. The chosen trail also tells the other checks where the archive bucket, keys and log group are."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from aws_logging_baseline.audit.findings import GLOBAL, Finding, failed, passed
from aws_logging_baseline.audit.session import AwsContext

STALE_DELIVERY = timedelta(hours=24)  # a logging trail in a used account delivers every few minutes
TRAIL_CONTROLS = ["multi-region-cloud-trail-enabled", "cloud-trail-log-file-validation-enabled",
                  "cloud-trail-encryption-enabled", "cloud-trail-cloud-watch-logs-enabled", "cloud-trail-delivery-healthy"]


@dataclass
class Trail:
    arn: str
    description: dict[str, Any]
    status: dict[str, Any] = field(default_factory=dict)
    management_events: bool = False
    selectors: dict[str, Any] = field(default_factory=dict)  # GetEventSelectors' answer

    @property
    def logging(self) -> bool:
        return bool(self.status.get("IsLogging"))


def _has_management_events(selectors: dict[str, Any]) -> bool:
    """Basic selectors: management events, read and write. Advanced: a Management category without a readOnly filter."""
    for selector in selectors.get("EventSelectors") or []:
        if selector.get("IncludeManagementEvents", True) and selector.get("ReadWriteType", "All") == "All" \
                and not selector.get("ExcludeManagementEventSources"):
            return True
    for selector in selectors.get("AdvancedEventSelectors") or []:
        fields = {f["Field"]: f for f in selector.get("FieldSelectors", [])}
        category = fields.get("eventCategory", {})
        if "Management" in category.get("Equals", []) and "readOnly" not in fields:
            return True
    return False


def find_trails(ctx: AwsContext) -> list[Trail]:
    """Every multi-region trail visible from the home region, with its status, best candidate first."""
    listing = ctx.client("cloudtrail", ctx.home_region).describe_trails(includeShadowTrails=True)["trailList"]
    trails = []
    for description in listing:
        if not description.get("IsMultiRegionTrail"):
            continue
        # Status and selectors are answered by the trail's home region.
        client = ctx.client("cloudtrail", description.get("HomeRegion") or ctx.home_region)
        arn = description["TrailARN"]
        status = client.get_trail_status(Name=arn)
        status["IsLogging"]  # always answered: without it the trail's state is unknown, not "not logging"
        trail = Trail(arn, description, status)
        trail.selectors = client.get_event_selectors(TrailName=arn)
        trail.management_events = _has_management_events(trail.selectors)
        trails.append(trail)
    trails.sort(key=lambda t: (not (t.logging and t.management_events), not t.logging, t.arn))
    return trails


def check_trail(trail: Trail | None) -> list[Finding]:
    if trail is None:
        return [failed(control, GLOBAL, "account", "no multi-region CloudTrail trail exists; create one")
                for control in TRAIL_CONTROLS]
    d, arn = trail.description, trail.arn
    findings = []
    if trail.logging and trail.management_events:
        findings.append(passed(TRAIL_CONTROLS[0], GLOBAL, arn, "multi-region trail is logging management events"))
    elif not trail.logging:
        findings.append(failed(TRAIL_CONTROLS[0], GLOBAL, arn, "multi-region trail is not logging; run StartLogging"))
    else:
        findings.append(failed(TRAIL_CONTROLS[0], GLOBAL, arn,
                               "trail does not record all read and write management events; fix its event selectors"))
    findings.append(passed(TRAIL_CONTROLS[1], GLOBAL, arn, "log file validation is enabled")
                    if d.get("LogFileValidationEnabled") else
                    failed(TRAIL_CONTROLS[1], GLOBAL, arn, "log file validation is off; set EnableLogFileValidation"))
    findings.append(passed(TRAIL_CONTROLS[2], GLOBAL, arn, f"encrypted with {d['KmsKeyId']}")
                    if d.get("KmsKeyId") else
                    failed(TRAIL_CONTROLS[2], GLOBAL, arn, "logs are not KMS-encrypted; set a KmsKeyId on the trail"))
    findings.append(passed(TRAIL_CONTROLS[3], GLOBAL, arn, f"sends events to {d['CloudWatchLogsLogGroupArn']}")
                    if d.get("CloudWatchLogsLogGroupArn") else
                    failed(TRAIL_CONTROLS[3], GLOBAL, arn, "no CloudWatch Logs log group; set CloudWatchLogsLogGroupArn"))
    findings.append(_delivery(trail))
    return findings


def _delivery(trail: Trail) -> Finding:
    control, arn, status = TRAIL_CONTROLS[4], trail.arn, trail.status
    for key, where in (("LatestDeliveryError", "S3"), ("LatestCloudWatchLogsDeliveryError", "CloudWatch Logs"),
                       ("LatestDigestDeliveryError", "S3 (digest files)")):
        if status.get(key):
            return failed(control, GLOBAL, arn, f"latest delivery to {where} failed: {status[key]}; "
                                                "fix the bucket policy, key policy or role it names")
    if not trail.logging:
        return failed(control, GLOBAL, arn, "trail is not logging, so nothing is delivered")
    latest = status.get("LatestDeliveryTime")
    if isinstance(latest, datetime) and datetime.now(timezone.utc) - latest > STALE_DELIVERY:
        return failed(control, GLOBAL, arn, f"no log file delivered since {latest:%Y-%m-%d %H:%M} UTC; "
                                            "check the bucket policy and the trail's KMS key policy")
    return passed(control, GLOBAL, arn, "no delivery error reported")
