"""The pricing engine: the plan's registrations + a usage profile + the price table -> monthly cost lines.

Fixed quantities come from the plan (KMS keys, alarms, dashboards, Config rules per region, flow logs per VPC,
Inspector scan types); usage-driven ones from the usage profile (events, configuration items, GB). Every line
keeps its formula (quantity x unit price), so a reader can check it by hand. `RESOURCE_COSTS` maps every
pulumi-aws type the baseline creates to the cost lines it causes, or says why it costs nothing.
"""

import copy
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from aws_logging_baseline.cost.prices import PriceTable, tiered_cost
from aws_logging_baseline.cost.usage import Usage
from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.engine import Registration, RunResult

GIB = 1024**3
DAYS_PER_MONTH = 30
# Flow logs publish a file per VPC every 5 minutes (VPC user guide, "Flow log files":
# https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html): 12 an hour, 730 hours a month.
FLOW_LOG_FILES_PER_MONTH = 12 * 730
# "Data in Parquet format with Gzip compression takes 20 percent less storage space than plain text with Gzip"
# (same page).
PARQUET_SIZE_FACTOR = 0.8
STORAGE_LINES = {
    "STANDARD": "s3.storage_standard",
    "STANDARD_IA": "s3.storage_standard_ia",
    "INTELLIGENT_TIERING": "s3.storage_intelligent_tiering",
    "GLACIER_IR": "s3.storage_glacier_ir",
    "GLACIER": "s3.storage_glacier",
    "DEEP_ARCHIVE": "s3.storage_deep_archive",
}

# pulumi-aws type -> the cost lines it causes (priced below), or "free: <why>". A type missing here is reported as
# unpriced, and a test fails for any type the repository's own stacks create.
RESOURCE_COSTS: dict[str, str] = {
    "aws:cloudtrail/trail:Trail": "cloudtrail.*, logs.* (its log group), s3.* (its files in the archive)",
    "aws:cfg/recorder:Recorder": "config.configuration_item_*, s3.* (Config's delivery to the archive)",
    "aws:cfg/rule:Rule": "config.rule_evaluations (tiered per region)",
    "aws:ec2/flowLog:FlowLog": "vended_logs.*, s3.* or logs.* (its destination)",
    "aws:cloudwatch/logGroup:LogGroup": "logs.storage (what its sources ingest, kept for its retention)",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "cloudwatch.alarm_*",
    "aws:cloudwatch/dashboard:Dashboard": "cloudwatch.dashboard",
    "aws:cloudwatch/eventTarget:EventTarget": "events.cross_region_events (a target that is another region's event bus)",
    "aws:kms/key:Key": "kms.customer_managed_key, kms.key_rotation, kms.requests",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "s3.replication_transfer, replica storage and requests",
    "aws:s3/bucketLogging:BucketLogging": "s3.storage_standard, s3.put_requests (server access logs)",
    "aws:sns/topic:Topic": "sns.publishes",
    "aws:sns/topicSubscription:TopicSubscription": "sns.email_deliveries / sns.https_deliveries",
    "aws:inspector2/enabler:Enabler": "inspector.* per scanned resource",
    "aws:lambda/function:Function": "lambda.requests, lambda.compute",
    "aws:athena/workgroup:Workgroup": "athena.data_scanned (queries run in the workgroup)",
    "aws:athena/namedQuery:NamedQuery": "free: a saved query text; running it is priced as athena.data_scanned",
    "aws:glue/catalogDatabase:CatalogDatabase": "free: the Glue Data Catalog stores the first million objects free",
    "aws:glue/catalogTable:CatalogTable": "free: a few table definitions, within the Data Catalog's free million objects (partition projection makes no catalog requests)",
    "aws:guardduty/detector:Detector": "guardduty.management_events_analyzed, guardduty.flow_and_dns_logs_analyzed",
    "aws:guardduty/detectorFeature:DetectorFeature": "guardduty.s3_data_events_analyzed (S3_DATA_EVENTS enabled); the other plans bill the workloads they watch (EKS audit logs, RDS logins, Lambda network logs, EBS scans, runtime vCPUs), which no usage profile describes: not estimated",
    "aws:guardduty/publishingDestination:PublishingDestination": "free: exporting findings has no GuardDuty charge; the files are a few KB in the archive (s3.*)",
    "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount": "free: account registration",
    "aws:guardduty/organizationConfiguration:OrganizationConfiguration": "free: auto-enable setting; members' analysis is billed to each member account, not estimated in this stack",
    "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature": "free: auto-enable setting of a plan for members (billed to each member account)",
    "aws:securityhub/account:Account": "securityhub.security_checks (per region)",
    "aws:securityhub/standardsSubscription:StandardsSubscription": "free: its controls' checks are priced on the account (securityhub.security_checks)",
    "aws:securityhub/findingAggregator:FindingAggregator": "free: cross-region aggregation has no charge",
    "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount": "free: account registration",
    "aws:securityhub/organizationConfiguration:OrganizationConfiguration": "free: central configuration setting; members' checks are billed to each member account",
    "aws:securityhub/configurationPolicy:ConfigurationPolicy": "free: central configuration policy (members' checks billed to them)",
    "aws:securityhub/configurationPolicyAssociation:ConfigurationPolicyAssociation": "free: applies a configuration policy",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "firehose.ingestion (what its subscribed log groups ingest)",
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": "free: CloudWatch Logs charges nothing for a subscription; its destination is priced (firehose.ingestion)",
    "aws:accessanalyzer/analyzer:Analyzer": "accessanalyzer.unused_access (unused-access analyzers only; external-access analyzers are free)",
    "aws:s3/bucket:Bucket": "free: a bucket costs what it stores; storage is priced where logs are delivered (s3.*)",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "free: sets the storage classes the s3.* lines use (transitions are priced per object)",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": "free: sets the minimum retention the s3.* lines use",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "free: bucket configuration",
    "aws:s3/bucketPolicy:BucketPolicy": "free: bucket configuration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "free: bucket configuration",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "free: bucket configuration (KMS requests are kms.requests)",
    "aws:s3/bucketVersioning:BucketVersioning": "free: bucket configuration (log objects are written once; no versions accrue)",
    "aws:cfg/deliveryChannel:DeliveryChannel": "free: delivery to S3 has no Config charge; the files are priced under the recorder (s3.*)",
    "aws:cfg/recorderStatus:RecorderStatus": "free: starts the recorder, priced as aws:cfg/recorder",
    "aws:cfg/configurationAggregator:ConfigurationAggregator": "free: AWS Config charges nothing for aggregators",
    "aws:cfg/remediationConfiguration:RemediationConfiguration": "free: AWS-owned SSM Automation runbooks are free; remediation only runs on findings",
    "aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount": "free: account registration",
    "aws:cloudwatch/eventRule:EventRule": "free: rules matching AWS service events on the default bus are free (forwarding is priced on the target)",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "free: a filter's metric exists only when its pattern matches (CIS patterns rarely do); the first 10 metrics are free",
    "aws:iam/role:Role": "free: IAM has no charge",
    "aws:iam/rolePolicy:RolePolicy": "free: IAM has no charge",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "free: IAM has no charge",
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": "free: IAM has no charge",
    "aws:inspector2/delegatedAdminAccount:DelegatedAdminAccount": "free: account registration",
    "aws:inspector2/organizationConfiguration:OrganizationConfiguration": "free: auto-enable setting; members' scans are priced in their own stacks",
    "aws:kms/alias:Alias": "free: aliases have no charge",
    "aws:lambda/permission:Permission": "free: resource policy statement",
    "aws:organizations/delegatedAdministrator:DelegatedAdministrator": "free: account registration",
    "aws:sns/topicPolicy:TopicPolicy": "free: topic configuration",
    "pulumi:pulumi:StackReference": "free: reads another stack's outputs",
    "pulumi:providers:aws": "free: the provider",
}


@dataclass
class CostLine:
    service: str
    region: str
    price_key: str
    item: str  # what is priced, for people
    quantity: float
    unit: str
    monthly: float
    formula: str
    driver: str = ""  # the plan resource or setting that causes it


@dataclass(frozen=True)
class ArchivePolicy:
    """How the log archive keeps objects: where the s3.* lines of delivered logs come from."""

    region: str
    transition_days: int
    storage_class: str
    expiration_days: int  # 0: never
    lock_days: int  # Object Lock default retention; 0: none
    replica_region: str | None


@dataclass
class Plan:
    """What the pricer reads: the plan's custom resources, its home region, the archive and the org size."""

    resources: list[Registration]
    home_region: str
    regions: list[str]
    archive: ArchivePolicy
    organization_accounts: int = 1  # accounts an organization trail records

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]


@dataclass
class Estimate:
    lines: list[CostLine]
    unpriced_types: list[str]
    plan: Plan
    usage: Usage
    prices: PriceTable

    @property
    def total(self) -> float:
        return round(sum(line.monthly for line in self.lines), 2)

    def by(self, attribute: str) -> dict[str, float]:
        sums: dict[str, float] = defaultdict(float)
        for line in self.lines:
            sums[getattr(line, attribute)] += line.monthly
        return {k: round(v, 2) for k, v in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))}


# --- plan facts ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _declared_defaults() -> dict[str, Any]:
    """The baseline's setting defaults (settings.py, which tests keep equal to Pulumi.yaml), for programs whose own
    project declares none (examples/org)."""
    from dataclasses import MISSING, fields

    from aws_logging_baseline.components.settings import Settings, config_key

    defaults = {}
    for f in fields(Settings):
        value = f.default if f.default is not MISSING else (f.default_factory() if f.default_factory is not MISSING else None)
        defaults[config_key(f.name)] = list(value) if isinstance(value, tuple) else value
    return defaults


def setting(run: RunResult, key: str) -> Any:
    full = f"baseline:{key}"
    if full in run.config:
        text = run.config[full]
        try:
            return json.loads(text)
        except (TypeError, ValueError):
            return text
    return _declared_defaults().get(full)


def archive_policy(run: RunResult, home: str) -> ArchivePolicy:
    """The archive bucket's lifecycle, Object Lock and replica from the plan when it holds the archive, else from
    the stack's settings (a member delivers to the organization's archive, which the same settings describe)."""
    lifecycle = next(
        (r for r in run.resources if r.type == "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
         and r.region == home and any(rule.get("transitions") for rule in r.inputs.get("rules", []))),
        None,
    )
    if lifecycle is not None:
        rule = next(rule for rule in lifecycle.inputs["rules"] if rule.get("transitions"))
        transition = rule["transitions"][0]
        bucket = lifecycle.inputs.get("bucket")
        lock = next((r for r in run.resources if r.type == "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
                     and r.inputs.get("bucket") == bucket), None)
        replication = next((r for r in run.resources if r.type == "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
                            and r.inputs.get("bucket") == bucket), None)
        replica_region = None
        if replication is not None:
            replica_region = _replica_region(run, replication) or setting(run, "replicaRegion")
        return ArchivePolicy(
            region=home, transition_days=int(transition.get("days", 0)), storage_class=transition.get("storageClass", "STANDARD"),
            expiration_days=int((rule.get("expiration") or {}).get("days", 0)),
            lock_days=int(((lock.inputs.get("rule") or {}).get("defaultRetention") or {}).get("days", 0)) if lock else 0,
            replica_region=replica_region,
        )
    return ArchivePolicy(
        region=home,
        transition_days=int(setting(run, "archiveTransitionDays") or 0),
        storage_class=str(setting(run, "archiveTransitionStorageClass") or "STANDARD"),
        expiration_days=int(setting(run, "archiveExpirationDays") or 0),
        lock_days=int(setting(run, "objectLockDays") or 0) if setting(run, "objectLockEnabled") else 0,
        replica_region=setting(run, "replicaRegion") or None,
    )


def _replica_region(run: RunResult, replication: Registration) -> str | None:
    destination = (replication.inputs.get("rules") or [{}])[0].get("destination", {}).get("bucket", "")
    name = destination.rsplit(":", 1)[-1]
    bucket = next((r for r in run.resources if r.type == "aws:s3/bucket:Bucket" and r.inputs.get("bucket") == name), None)
    return bucket.region if bucket is not None else None


def plan_of(run: RunResult, organization_accounts: int | None = None) -> Plan:
    home = run.stack_outputs.get("homeRegion") or setting(run, "homeRegion") or run.config.get("aws:region") or "us-east-1"
    regions = setting(run, "regions") or [home]
    accounts = organization_accounts
    if accounts is None:
        accounts = len(run.fixture.organization.accounts) if run.fixture.organization else 1
    return Plan([r for r in run.resources if r.custom], home, list(regions), archive_policy(run, home), accounts)


# --- the pricer --------------------------------------------------------------------------------------------------


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _qty(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _price(value: float) -> str:
    text = f"{value:.10f}".rstrip("0")
    return "$" + (text + "00" if text.endswith(".") else text if len(text.split(".")[1]) >= 2 else text + "0")


class _Pricer:
    def __init__(self, plan: Plan, usage: Usage, prices: PriceTable):
        self.plan, self.usage, self.prices = plan, usage, prices
        self.lines: list[CostLine] = []
        self.archive_deliveries: list[tuple[str, float, float]] = []  # (what, GB/month, objects/month)
        self.log_group_ingest: dict[str, float] = defaultdict(float)  # log group ARN -> GB/month

    def add(self, service: str, region: str, key: str, quantity: float, item: str, driver: str = "") -> None:
        """One line: quantity x the region's unit price (or its tiers); a zero quantity adds nothing."""
        if quantity <= 0:
            return
        line = self.prices.line(key)
        tiers = self.prices.tiers(key, region)
        monthly = tiered_cost(quantity, tiers, line.per)
        per = "" if line.per == 1 else f"/{line.per:,}"
        if len(tiers) == 1:
            formula = f"{_qty(quantity)} × {_price(tiers[0].price)}{per} = {_money(monthly)}"
        else:
            parts, start = [], 0.0
            for tier in tiers:
                end = quantity if tier.upto is None else min(quantity, tier.upto)
                if end > start:
                    parts.append(f"{_qty(end - start)} × {_price(tier.price)}{per}")
                if tier.upto is None or quantity <= tier.upto:
                    break
                start = tier.upto
            formula = f"{' + '.join(parts)} = {_money(monthly)}"
        self.lines.append(CostLine(service, region, key, item, quantity, line.unit, monthly, formula, driver))

    # CloudTrail -------------------------------------------------------------------------------------------
    def trails(self) -> None:
        u = self.usage
        trails = sorted(self.plan.of_type("aws:cloudtrail/trail:Trail"), key=lambda r: r.name)
        for index, trail in enumerate(trails):
            region = trail.region or self.plan.home_region
            accounts = self.plan.organization_accounts if trail.inputs.get("isOrganizationTrail") else 1
            selectors = trail.inputs.get("advancedEventSelectors") or []
            categories = {_selector_kind(s) for s in selectors}
            if not selectors:
                categories.add("Management")  # a trail without selectors records management events
            events = 0.0
            scope = f" × {accounts} accounts" if accounts > 1 else ""
            if "Management" in categories:
                management = u.management_events * accounts
                events += management
                copy_number = index + int(u.other_management_trails)
                key = "cloudtrail.management_events_first_copy" if copy_number == 0 else "cloudtrail.management_events_additional_copy"
                label = "first copy, free" if copy_number == 0 else f"copy {copy_number + 1}, paid"
                self.add("CloudTrail", region, key, management, f"management events ({label}){scope}", trail.name)
            for kind, usage_key in (("AWS::S3::Object", "s3_data_events"), ("AWS::Lambda::Function", "lambda_data_events")):
                if kind in categories:
                    quantity = getattr(u, usage_key) * accounts
                    events += quantity
                    self.add("CloudTrail", region, "cloudtrail.data_events", quantity, f"{kind} data events{scope}", trail.name)
            insight_types = len(trail.inputs.get("insightSelectors") or [])
            if insight_types:
                self.add("CloudTrail", region, "cloudtrail.insights_events_analyzed",
                         u.write_management_events * accounts * insight_types,
                         f"write management events analysed × {insight_types} insight types{scope}", trail.name)
            raw_gb = events * u.cloudtrail_event_bytes / GIB
            group = str(trail.inputs.get("cloudWatchLogsGroupArn") or "").removesuffix(":*")
            if group:
                self.add("CloudWatch Logs", region, "logs.ingestion_standard", raw_gb, "CloudTrail events delivered to CloudWatch Logs", trail.name)
                self.log_group_ingest[group] += raw_gb
            regions = len(self.plan.regions) if trail.inputs.get("isMultiRegionTrail") else 1
            self.archive_deliveries.append(
                (f"CloudTrail log files ({trail.name})", raw_gb * u.cloudtrail_gzip_ratio, u.cloudtrail_files_per_region * regions * accounts)
            )

    # AWS Config ---------------------------------------------------------------------------------------------
    def config(self) -> None:
        u = self.usage
        for recorder in self.plan.of_type("aws:cfg/recorder:Recorder"):
            region = recorder.region
            home = region == self.plan.home_region
            items = u.config_items_home_region if home else u.config_items_other_region
            frequency = (recorder.inputs.get("recordingMode") or {}).get("recordingFrequency", "CONTINUOUS")
            if frequency == "DAILY":
                self.add("Config", region, "config.configuration_item_periodic", items * u.config_daily_item_ratio,
                         "configuration items, daily recording", recorder.name)
            else:
                self.add("Config", region, "config.configuration_item_continuous", items, "configuration items, continuous recording", recorder.name)
            self.archive_deliveries.append((f"Config history and snapshots ({region})", u.config_delivery_gb_per_region, 0))
        rules_per_region: dict[str, int] = defaultdict(int)
        for rule in self.plan.of_type("aws:cfg/rule:Rule"):
            rules_per_region[rule.region] += 1
        for region, count in sorted(rules_per_region.items()):
            per_rule = u.config_evaluations_per_rule_home_region if region == self.plan.home_region else u.config_evaluations_per_rule_other_region
            self.add("Config", region, "config.rule_evaluations", count * per_rule, f"rule evaluations ({count} rules × {_qty(per_rule)})", "aws:cfg/rule:Rule")

    # VPC flow logs ------------------------------------------------------------------------------------------
    def flow_logs(self) -> None:
        u = self.usage
        to_s3: dict[str, float] = defaultdict(float)
        parquet: dict[str, float] = defaultdict(float)
        to_logs: dict[str, float] = defaultdict(float)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for flow_log in self.plan.of_type("aws:ec2/flowLog:FlowLog"):
            region = flow_log.region
            traffic = flow_log.inputs.get("trafficType", "ALL")
            share = {"ALL": 1.0, "REJECT": u.flow_log_reject_fraction, "ACCEPT": 1.0 - u.flow_log_reject_fraction}[traffic]
            gb = u.flow_log_gb_per_vpc * share
            counts[(region, traffic)] += 1
            if flow_log.inputs.get("logDestinationType", "cloud-watch-logs") == "s3":
                to_s3[region] += gb
                is_parquet = (flow_log.inputs.get("destinationOptions") or {}).get("fileFormat") == "parquet"
                if is_parquet:
                    parquet[region] += gb
                stored = gb * u.flow_log_gzip_ratio * (PARQUET_SIZE_FACTOR if is_parquet else 1.0)
                self.archive_deliveries.append((f"flow logs ({flow_log.inputs.get('vpcId', flow_log.name)})", stored, FLOW_LOG_FILES_PER_MONTH))
            else:
                to_logs[region] += gb
                self.log_group_ingest[str(flow_log.inputs.get("logDestination", ""))] += gb
        for region in sorted(set(to_s3) | set(to_logs)):
            vpcs = ", ".join(f"{n} VPC{'s' if n > 1 else ''} {t}" for (r, t), n in sorted(counts.items()) if r == region)
            self.add("VPC Flow Logs", region, "vended_logs.delivery_to_s3", to_s3.get(region, 0), f"flow-log GB delivered to S3 ({vpcs})", "aws:ec2/flowLog:FlowLog")
            self.add("VPC Flow Logs", region, "vended_logs.parquet_conversion", parquet.get(region, 0), "flow-log GB converted to Parquet", "aws:ec2/flowLog:FlowLog")
            self.add("VPC Flow Logs", region, "vended_logs.delivery_to_cloudwatch_logs", to_logs.get(region, 0), f"flow-log GB to CloudWatch Logs ({vpcs})", "aws:ec2/flowLog:FlowLog")

    # CloudWatch Logs storage --------------------------------------------------------------------------------
    def log_groups(self) -> None:
        u = self.usage
        for group in self.plan.of_type("aws:cloudwatch/logGroup:LogGroup"):
            gb = self.log_group_ingest.get(str(group.outputs.get("arn", "")), 0.0)
            if gb <= 0:
                continue
            retention = int(group.inputs.get("retentionInDays") or 0) or int(u.archive_age_days)
            # CloudWatch Logs bills archived data compressed; the gzip ratio of the records stands for it.
            ratio = u.cloudtrail_gzip_ratio if "cloudtrail" in group.name.lower() else u.flow_log_gzip_ratio
            stored = gb * ratio * retention / DAYS_PER_MONTH
            self.add("CloudWatch Logs", group.region, "logs.storage", stored,
                     f"{group.inputs.get('name', group.name)}: {_qty(round(gb, 4))} GB/month × {ratio:g} compressed × {retention} days retention",
                     group.name)

    # CloudWatch alarms, dashboards --------------------------------------------------------------------------
    def alarms(self) -> None:
        standard: dict[str, int] = defaultdict(int)
        high: dict[str, int] = defaultdict(int)
        for alarm in self.plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"):
            (high if int(alarm.inputs.get("period") or 60) < 60 else standard)[alarm.region] += 1
        for region, count in sorted(standard.items()):
            self.add("CloudWatch", region, "cloudwatch.alarm_standard", count, "standard-resolution alarms", "aws:cloudwatch/metricAlarm:MetricAlarm")
        for region, count in sorted(high.items()):
            self.add("CloudWatch", region, "cloudwatch.alarm_high_resolution", count, "high-resolution alarms", "aws:cloudwatch/metricAlarm:MetricAlarm")
        dashboards = self.plan.of_type("aws:cloudwatch/dashboard:Dashboard")
        if dashboards:
            self.add("CloudWatch", self.plan.home_region, "cloudwatch.dashboard", len(dashboards), "dashboards", "aws:cloudwatch/dashboard:Dashboard")

    # KMS ----------------------------------------------------------------------------------------------------
    def kms(self) -> None:
        keys = self.plan.of_type("aws:kms/key:Key")
        per_region: dict[str, int] = defaultdict(int)
        rotated: dict[str, int] = defaultdict(int)
        for key in keys:
            per_region[key.region] += 1
            if key.inputs.get("enableKeyRotation"):
                rotated[key.region] += 1
        rotations = min(2, int(self.usage.kms_rotations_so_far))
        for region, count in sorted(per_region.items()):
            self.add("KMS", region, "kms.customer_managed_key", count, "customer managed keys", "aws:kms/key:Key")
            self.add("KMS", region, "kms.key_rotation", rotated.get(region, 0) * rotations,
                     f"rotations kept ({rotated.get(region, 0)} rotated keys × {rotations})", "aws:kms/key:Key")
        if keys:
            self.add("KMS", self.plan.home_region, "kms.requests", self.usage.kms_requests, "KMS requests on the baseline's keys", "aws:kms/key:Key")

    # EventBridge, SNS -----------------------------------------------------------------------------------------
    def events(self) -> None:
        forwarding: dict[str, int] = defaultdict(int)
        for target in self.plan.of_type("aws:cloudwatch/eventTarget:EventTarget"):
            arn = str(target.inputs.get("arn", ""))
            if ":event-bus/" in arn and arn.split(":")[3] != target.region:
                forwarding[target.region] += 1
        for region in sorted(forwarding):
            self.add("EventBridge", region, "events.cross_region_events", self.usage.security_events_forwarded_per_region,
                     "security events forwarded to the home event bus", "aws:cloudwatch/eventTarget:EventTarget")
        notifications = self.usage.alert_notifications
        for topic in self.plan.of_type("aws:sns/topic:Topic"):
            self.add("SNS", topic.region, "sns.publishes", notifications, f"alerts published to {topic.inputs.get('name', topic.name)}", topic.name)
        for subscription in self.plan.of_type("aws:sns/topicSubscription:TopicSubscription"):
            protocol = subscription.inputs.get("protocol")
            key = {"email": "sns.email_deliveries", "email-json": "sns.email_deliveries", "https": "sns.https_deliveries", "http": "sns.https_deliveries"}.get(protocol)
            if key:
                self.add("SNS", subscription.region, key, notifications, f"{protocol} deliveries", subscription.name)

    # Inspector ----------------------------------------------------------------------------------------------
    def inspector(self) -> None:
        u = self.usage
        scanned: dict[str, str] = {}  # (account, type) -> region priced in (home first)
        enablers = sorted(self.plan.of_type("aws:inspector2/enabler:Enabler"), key=lambda r: (r.region != self.plan.home_region, r.region))
        for enabler in enablers:
            for account in enabler.inputs.get("accountIds") or ["self"]:
                for kind in enabler.inputs.get("resourceTypes") or []:
                    scanned.setdefault(f"{account}:{kind}", enabler.region)
        for key, region in scanned.items():
            account, kind = key.split(":")
            lines = {
                "EC2": [("inspector.ec2_instance", u.ec2_instances, "EC2 instances scanned")],
                "ECR": [("inspector.ecr_initial_scan", u.ecr_images_pushed, "ECR images scanned on push"),
                        ("inspector.ecr_rescan", u.ecr_rescans, "ECR image rescans")],
                "LAMBDA": [("inspector.lambda_function", u.lambda_functions, "Lambda functions scanned")],
                "LAMBDA_CODE": [("inspector.lambda_code", u.lambda_functions, "Lambda functions code-scanned")],
            }.get(kind)
            if lines is None:
                raise UserError(f"inspector resource type {kind!r} has no price line in {self.prices.path}")
            for price_key, quantity, item in lines:
                self.add("Inspector", region, price_key, quantity, f"{item} (account {account}, all regions)", "aws:inspector2/enabler:Enabler")

    # Lambda, Athena -------------------------------------------------------------------------------------------
    def functions(self) -> None:
        u = self.usage
        for function in self.plan.of_type("aws:lambda/function:Function"):
            invocations = u.lambda_invocations_per_function
            memory_gb = int(function.inputs.get("memorySize") or 128) / 1024
            self.add("Lambda", function.region, "lambda.requests", invocations, f"invocations of {function.inputs.get('name', function.name)}", function.name)
            self.add("Lambda", function.region, "lambda.compute", invocations * u.lambda_seconds_per_invocation * memory_gb,
                     f"GB-seconds ({_qty(invocations)} × {u.lambda_seconds_per_invocation:g} s × {memory_gb:g} GB)", function.name)
        if any(r.type.startswith("aws:athena/") for r in self.plan.resources):
            self.add("Athena", self.plan.home_region, "athena.data_scanned", u.athena_tb_scanned, "TB scanned by queries over the archive", "aws:athena")

    # GuardDuty, Security Hub CSPM, IAM Access Analyzer ------------------------------------------------------
    def detective(self) -> None:
        u, home = self.usage, self.plan.home_region
        detectors = self.plan.of_type("aws:guardduty/detector:Detector")
        if detectors:
            # management_events counts every region together: priced once, in the home region
            self.add("GuardDuty", home, "guardduty.management_events_analyzed", u.management_events,
                     "CloudTrail management events analyzed (all regions)", "aws:guardduty/detector:Detector")
            vpcs: dict[str, int] = defaultdict(int)
            for flow_log in self.plan.of_type("aws:ec2/flowLog:FlowLog"):
                vpcs[flow_log.region] += 1
            for region in sorted({d.region for d in detectors} & set(vpcs)):
                self.add("GuardDuty", region, "guardduty.flow_and_dns_logs_analyzed", vpcs[region] * u.flow_log_gb_per_vpc,
                         f"VPC flow logs analyzed ({vpcs[region]} VPC{'s' if vpcs[region] > 1 else ''} × all traffic)",
                         "aws:guardduty/detector:Detector")
            if any(f.inputs.get("name") == "S3_DATA_EVENTS" and f.inputs.get("status") == "ENABLED"
                   for f in self.plan.of_type("aws:guardduty/detectorFeature:DetectorFeature")):
                self.add("GuardDuty", home, "guardduty.s3_data_events_analyzed", u.s3_data_events,
                         "S3 data events analyzed (S3 Protection)", "aws:guardduty/detectorFeature:DetectorFeature")
        for account in self.plan.of_type("aws:securityhub/account:Account"):
            region = account.region or home
            checks = u.security_hub_checks_home_region if region == home else u.security_hub_checks_other_region
            self.add("Security Hub", region, "securityhub.security_checks", checks, "security checks", account.name)
        for analyzer in self.plan.of_type("aws:accessanalyzer/analyzer:Analyzer"):
            if str(analyzer.inputs.get("type", "")).endswith("_UNUSED_ACCESS"):
                self.add("IAM Access Analyzer", analyzer.region or home, "accessanalyzer.unused_access", u.iam_roles_and_users,
                         "IAM roles and users analyzed for unused access", analyzer.name)

    # Firehose (logStreaming): every event a subscribed log group ingests passes through the stream --------------
    def streaming(self) -> None:
        groups = {g.inputs.get("name"): str(g.outputs.get("arn", "")) for g in self.plan.of_type("aws:cloudwatch/logGroup:LogGroup")}
        ingested: dict[str, float] = defaultdict(float)
        for subscription in self.plan.of_type("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"):
            ingested[str(subscription.inputs.get("destinationArn", ""))] += self.log_group_ingest.get(groups.get(subscription.inputs.get("logGroup"), ""), 0.0)
        for stream in self.plan.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"):
            self.add("Firehose", stream.region, "firehose.ingestion", ingested.get(str(stream.outputs.get("arn", "")), 0.0),
                     f"GB streamed through {stream.inputs.get('name', stream.name)}", stream.name)

    # S3: the archive ----------------------------------------------------------------------------------------
    def archive(self) -> None:
        policy, u = self.plan.archive, self.usage
        gb = sum(d[1] for d in self.archive_deliveries)
        objects = sum(d[2] for d in self.archive_deliveries)
        if gb > 0 or objects > 0:
            self._store("archive", policy.region, gb, objects, policy)
            if policy.replica_region:
                self.add("S3", policy.region, "s3.replication_transfer", gb, "archive replicated to the replica region", "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
                self._store("replica", policy.replica_region, gb, objects, policy)
        for logging in self.plan.of_type("aws:s3/bucketLogging:BucketLogging"):
            days = next(
                (int((rule.get("expiration") or {}).get("days", 0))
                 for r in self.plan.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
                 if r.inputs.get("bucket") == logging.inputs.get("targetBucket") for rule in r.inputs.get("rules", [])
                 if rule.get("expiration")),
                0,
            ) or int(u.archive_age_days)
            self.add("S3", logging.region, "s3.storage_standard", u.access_log_gb * days / DAYS_PER_MONTH,
                     f"server access logs: {_qty(u.access_log_gb)} GB/month kept {days} days", logging.name)

    def _store(self, which: str, region: str, gb: float, objects: float, policy: ArchivePolicy) -> None:
        """Steady-state storage of `gb` new GB a month under the lifecycle: each month's files stay in Standard
        until the transition, then in the transition class until they expire. Object Lock keeps them at least its
        retention; a class's minimum storage duration is charged even when objects leave earlier."""
        retain = policy.expiration_days or int(self.usage.archive_age_days)
        retain = max(retain, policy.lock_days)
        standard_days = min(policy.transition_days, retain) if policy.transition_days else retain
        class_days = retain - standard_days
        storage_class = policy.storage_class if class_days > 0 else "STANDARD"
        class_key = STORAGE_LINES.get(storage_class)
        if class_key is None:
            raise UserError(f"archive storage class {storage_class!r} has no price line in {self.prices.path}")
        minimum = self.prices.line(class_key).min_days
        if class_days and class_days < minimum:
            class_days = minimum
        why = f"{which}: {_qty(round(gb, 4))} GB/month"
        lock = f", Object Lock {policy.lock_days} days" if policy.lock_days else ""
        self.add("S3", region, "s3.storage_standard", gb * standard_days / DAYS_PER_MONTH, f"{why} × {standard_days} days in Standard{lock}", "log archive")
        if class_days:
            self.add("S3", region, class_key, gb * class_days / DAYS_PER_MONTH, f"{why} × {class_days} days in {storage_class}{lock}", "log archive")
            self.add("S3", region, f"s3.transition_requests_{storage_class.lower()}", objects, f"{which}: lifecycle transitions to {storage_class}", "log archive")
        self.add("S3", region, "s3.put_requests", objects, f"{which}: log files written", "log archive")

    # free tiers -----------------------------------------------------------------------------------------------
    def apply_free_tier(self) -> None:
        """AWS's always-free monthly quantities are per account: taken off the home region's line first."""
        order = sorted(range(len(self.lines)), key=lambda i: (self.lines[i].region != self.plan.home_region, self.lines[i].region))
        left: dict[str, float] = {}
        for i in order:
            line = self.lines[i]
            price = self.prices.line(line.price_key)
            if not price.free:
                continue
            remaining = left.setdefault(line.price_key, price.free)
            if remaining <= 0:
                continue
            free = min(remaining, line.quantity)
            left[line.price_key] = remaining - free
            tiers = self.prices.tiers(line.price_key, line.region)
            billable = line.quantity - free
            line.monthly = tiered_cost(billable, tiers, price.per)
            per = "" if price.per == 1 else f"/{price.per:,}"
            line.formula = f"({_qty(line.quantity)} − {_qty(free)} free) × {_price(tiers[0].price)}{per} = {_money(line.monthly)}"


def _selector_kind(selector: dict) -> str:
    fields = {f.get("field"): f.get("equals") or [] for f in selector.get("fieldSelectors") or []}
    if "Management" in fields.get("eventCategory", []):
        return "Management"
    if "eventName" in fields:
        # Named API calls only, e.g. the archive's deletions and retention changes (archiveDataEvents), which the
        # baseline never makes: lifecycle expirations are not CloudTrail events ("S3 Lifecycle actions are not
        # captured by AWS CloudTrail object level logging",
        # https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-and-other-bucket-config.html). Not priced.
        return "Named API calls"
    return (fields.get("resources.type") or ["Data"])[0]


def price_plan(plan: Plan, usage: Usage, prices: PriceTable) -> Estimate:
    for region in sorted({r.region for r in plan.resources if r.region} | {plan.home_region}):
        prices.check_region(region)
    pricer = _Pricer(plan, usage, prices)
    pricer.trails()
    pricer.config()
    pricer.flow_logs()
    pricer.log_groups()
    pricer.alarms()
    pricer.kms()
    pricer.events()
    pricer.inspector()
    pricer.functions()
    pricer.detective()
    pricer.streaming()
    pricer.archive()
    pricer.apply_free_tier()
    lines = sorted(pricer.lines, key=lambda l: (-round(l.monthly, 6), l.service, l.region, l.item))
    unpriced = sorted({r.type for r in plan.resources if r.type not in RESOURCE_COSTS})
    return Estimate(lines, unpriced, plan, usage, prices)


def with_inputs(plan: Plan, type_: str, change, where=lambda r: True) -> Plan:
    """A copy of the plan where every resource of `type_` (matching `where`) has its inputs changed by `change`
    (a function of a deep copy of the inputs); the basis of the what-if lines."""
    resources = []
    for resource in plan.resources:
        if resource.type == type_ and where(resource):
            inputs = copy.deepcopy(resource.inputs)
            change(inputs)
            resource = replace(resource, inputs=inputs)
        resources.append(resource)
    return replace(plan, resources=resources)


def without(plan: Plan, predicate) -> Plan:
    return replace(plan, resources=[r for r in plan.resources if not predicate(r)])


def estimate(run: RunResult, usage: Usage, prices: PriceTable, organization_accounts: int | None = None) -> Estimate:
    return price_plan(plan_of(run, organization_accounts), usage, prices)
