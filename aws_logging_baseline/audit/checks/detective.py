"""Detective services (issue 18): GuardDuty and Security Hub enabled per region with the baseline's standards, an IAM
Access Analyzer external-access analyzer per region, and Security Hub findings aggregated across the audited regions."""

from botocore.exceptions import ClientError

from aws_logging_baseline.audit.checks.guard import error_code, guarded
from aws_logging_baseline.audit.findings import Finding, failed, passed

GUARDDUTY, SECURITY_HUB, AGGREGATION, ANALYZER = (
    "guardduty-enabled", "securityhub-enabled", "securityhub-findings-aggregated", "iam-external-access-analyzer-enabled"
)
# Ends of the standards ARNs the baseline subscribes to (catalog/detective_services.yaml defaults).
REQUIRED_STANDARDS = {
    "standards/cis-aws-foundations-benchmark/v/5.0.0": "CIS AWS Foundations v5.0.0",
    "standards/aws-foundational-security-best-practices/v/1.0.0": "AWS Foundational Security Best Practices v1.0.0",
}


def _guardduty(ctx, region: str) -> list[Finding]:
    guardduty = ctx.client("guardduty", region)
    ids = guardduty.list_detectors().get("DetectorIds", [])
    if not ids:
        return [failed(GUARDDUTY, region, ctx.account_id, "no GuardDuty detector: enable GuardDuty in the region (CreateDetector)")]
    detector = guardduty.get_detector(DetectorId=ids[0])
    if detector.get("Status") != "ENABLED":
        return [failed(GUARDDUTY, region, ids[0], f"detector {ids[0]} is {detector.get('Status')}: UpdateDetector Enable=true")]
    return [passed(GUARDDUTY, region, ids[0], f"detector {ids[0]} enabled, publishing {detector.get('FindingPublishingFrequency')}")]


def _security_hub(ctx, region: str) -> list[Finding]:
    hub = ctx.client("securityhub", region)
    try:
        arn = hub.describe_hub()["HubArn"]
    except ClientError as exc:
        if error_code(exc) in ("InvalidAccessException", "ResourceNotFoundException"):
            return [failed(SECURITY_HUB, region, ctx.account_id, "Security Hub is not enabled: EnableSecurityHub in the region")]
        raise
    subscriptions = hub.get_enabled_standards().get("StandardsSubscriptions", [])
    ready = [s["StandardsArn"] for s in subscriptions if s.get("StandardsStatus") in ("READY", "INCOMPLETE", "PENDING")]
    missing = [name for end, name in REQUIRED_STANDARDS.items() if not any(a.endswith(end) for a in ready)]
    if missing:
        return [failed(SECURITY_HUB, region, arn, f"standards not enabled: {', '.join(missing)} (BatchEnableStandards)")]
    return [passed(SECURITY_HUB, region, arn, "enabled with " + ", ".join(REQUIRED_STANDARDS.values()))]


def _analyzer(ctx, region: str) -> list[Finding]:
    analyzers = ctx.client("accessanalyzer", region).list_analyzers().get("analyzers", [])
    external = [a for a in analyzers if a.get("type") in ("ACCOUNT", "ORGANIZATION") and a.get("status") == "ACTIVE"]
    if not external:
        return [failed(ANALYZER, region, ctx.account_id, "no active external-access analyzer: CreateAnalyzer with type ACCOUNT")]
    return [passed(ANALYZER, region, external[0]["arn"], f"{external[0]['type']} analyzer {external[0]['name']} active")]


def check_detective_services(ctx, region: str) -> list[Finding]:
    return (
        guarded([GUARDDUTY], region, region, lambda: _guardduty(ctx, region))
        + guarded([SECURITY_HUB], region, region, lambda: _security_hub(ctx, region))
        + guarded([ANALYZER], region, region, lambda: _analyzer(ctx, region))
    )


def _aggregation(ctx, regions: list[str]) -> list[Finding]:
    home = ctx.home_region
    hub = ctx.client("securityhub", home)
    aggregators = hub.list_finding_aggregators().get("FindingAggregators", [])
    if not aggregators:
        return [failed(AGGREGATION, home, ctx.account_id, f"no finding aggregator in {home}: CreateFindingAggregator "
                                                          "linking every other region")]
    arn = aggregators[0]["FindingAggregatorArn"]
    found = hub.get_finding_aggregator(FindingAggregatorArn=arn)
    mode, listed = found.get("RegionLinkingMode"), set(found.get("Regions", []))
    others = {r for r in regions if r != found.get("FindingAggregationRegion", home)}
    unlinked = sorted(
        others - listed if mode == "SPECIFIED_REGIONS" else others & listed if mode == "ALL_REGIONS_EXCEPT_SPECIFIED" else set()
    )
    if unlinked:
        return [failed(AGGREGATION, home, arn, f"regions not aggregated: {', '.join(unlinked)} (UpdateFindingAggregator)")]
    return [passed(AGGREGATION, home, arn, f"findings aggregated into {found.get('FindingAggregationRegion', home)} ({mode})")]


def check_aggregation(ctx, regions: list[str]) -> list[Finding]:
    return guarded([AGGREGATION], ctx.home_region, "account", lambda: _aggregation(ctx, regions))
