"""The repository's program, run through the engine for one region, priced by hand to the cent; what-if lines
equal to re-running the program with the setting changed; the cost mapping covers every type our stacks create;
docs/cost.md equals its generator's output."""

from pathlib import Path

import pytest

from aws_logging_baseline.cost import docs
from aws_logging_baseline.cost.prices import load_prices
from aws_logging_baseline.cost.pricing import RESOURCE_COSTS, estimate
from aws_logging_baseline.cost.usage import load_usage
from aws_logging_baseline.cost.whatif import what_ifs
from aws_logging_baseline.offline.engine import run_program
from tests.cost.helpers import one_region_fixture
from tests.engine_helpers import REPO, example, run_baseline

PRICES = load_prices()
ORG = REPO / "examples" / "org"
ORG_ROLES = ("log-archive", "management", "security", "member")


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory) -> Path:
    return one_region_fixture(tmp_path_factory.mktemp("cost"))


@pytest.fixture(scope="module")
def one_region(fixture_file):
    return run_baseline(fixture=fixture_file, regions=["us-east-1"])


ROUND_USAGE = dict(
    management_events=1_048_576, cloudtrail_event_bytes=1024,  # exactly 1 GiB of events
    cloudtrail_gzip_ratio=0.25, cloudtrail_files_per_region=1_000,
    config_items_home_region=1_000, config_evaluations_per_rule_home_region=100, config_delivery_gb_per_region=0.55,
    flow_log_gb_per_vpc=10, flow_log_reject_fraction=0.1, flow_log_gzip_ratio=0.25,
    kms_requests=120_000, ec2_instances=4, ecr_images_pushed=10, ecr_rescans=0, lambda_functions=0,
    alert_notifications=100, access_log_gb=0.3, archive_age_days=360,
    security_hub_checks_home_region=5_000, athena_tb_scanned=0.01,
)


def test_one_region_stack_matches_the_hand_computation(one_region):
    usage = load_usage("small").replace(**ROUND_USAGE)
    result = estimate(one_region, usage, PRICES)
    rules = len(one_region.of_type("aws:cfg/rule:Rule"))
    alarms = len(one_region.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"))
    keys = len(one_region.of_type("aws:kms/key:Key"))
    flow_logs = len(one_region.of_type("aws:ec2/flowLog:FlowLog"))
    dashboards = len(one_region.of_type("aws:cloudwatch/dashboard:Dashboard"))
    # the plan's fixed quantities the computation uses: 15 CIS alarms + the custom rule's Lambda-errors alarm
    assert (rules, alarms, keys, flow_logs, dashboards) == (24, 16, 2, 1, 1)
    flow_log_files = 12 * 730  # one file per VPC every 5 minutes
    objects = 1_000 + flow_log_files  # CloudTrail files + flow-log files; Config's deliveries are not counted
    archive_gb = 1 * 0.25 + 0.55 + 10 * 0.1 * 0.25 * 0.8  # CloudTrail gzip + Config + flow logs as Parquet = 1.0 GB
    expected = {
        "CloudTrail first copy of 1,048,576 management events": 0.0,
        "CloudWatch Logs ingestion 1 GiB × $0.50": 1 * 0.50,
        "CloudWatch Logs storage 1 GiB × 0.25 × 365/30 days × $0.03": 1 * 0.25 * 365 / 30 * 0.03,
        "Config continuous items 1,000 × $0.003": 1_000 * 0.003,
        "Config rule evaluations 24 rules × 100 × $0.001": 24 * 100 * 0.001,
        "flow logs to S3 10 GB × 10% REJECT × $0.25": 1 * 0.25,
        "Parquet conversion 1 GB × $0.035": 1 * 0.035,
        # lifecycle: kept max(360 days, Object Lock 365 days) = 365: 90 days Standard, 275 days Glacier IR
        "archive Standard 1 GB × 90/30 × $0.023": archive_gb * 90 / 30 * 0.023,
        "archive Glacier IR 1 GB × 275/30 × $0.004": archive_gb * 275 / 30 * 0.004,
        "archive transitions 9,760 × $0.02/1,000": objects * 0.02 / 1000,
        "archive PUTs 9,760 × $0.005/1,000": objects * 0.005 / 1000,
        "replication transfer 1 GB × $0.02": archive_gb * 0.02,
        "replica Standard (us-west-2, multiplier 1.0)": archive_gb * 90 / 30 * 0.023,
        "replica Glacier IR": archive_gb * 275 / 30 * 0.004,
        "replica transitions": objects * 0.02 / 1000,
        "replica PUTs": objects * 0.005 / 1000,
        "server access logs of the archive 0.3 GB × 365/30 × $0.023": 0.3 * 365 / 30 * 0.023,
        "server access logs of the replica (us-west-2) 0.3 GB × 365/30 × $0.023": 0.3 * 365 / 30 * 0.023,
        "alarms (16 − 10 free) × $0.10": (16 - 10) * 0.10,
        "posture dashboard: 1 of the 3 free dashboards": 0.0,
        "KMS keys 2 × $1.00": 2 * 1.00,
        "KMS requests (120,000 − 20,000 free) × $0.03/10,000": (120_000 - 20_000) * 0.03 / 10_000,
        "Inspector EC2 4 × $1.2528": 4 * 1.2528,
        "Inspector ECR 10 × $0.09": 10 * 0.09,
        "SNS 100 publishes and 100 e-mails: within the free tier": 0.0,
        "Lambda 1,000 invocations, 250 GB-s: within the free tier": 0.0,
        "GuardDuty management events 1,048,576 × $4.00/1,000,000": 1_048_576 * 4.00 / 1_000_000,
        "GuardDuty flow logs analyzed 1 VPC × 10 GB (all traffic) × $1.00": 1 * 10 * 1.00,
        # S3 Protection (s3-data-events) is not among the default protection plans: no S3 data events analyzed
        "Security Hub 5,000 checks × $0.0010 (first tier)": 5_000 * 0.0010,
        "Athena 0.01 TB × $5.00": 0.01 * 5.00,
        # external-access analyzers are free; the unused-access analyzer is off (accessAnalyzerUnusedAccessDays 0)
    }
    assert archive_gb == pytest.approx(1.0)
    assert result.total == round(sum(expected.values()), 2) == 35.22
    assert len([l for l in result.lines if l.service == "S3"]) == 11


@pytest.mark.parametrize("setting, override", [
    ("configRecordingFrequency", {"configRecordingFrequency": "DAILY"}),
    ("flowLogTrafficType", {"flowLogTrafficType": "ALL"}),
    ("trailS3DataEvents", {"trailS3DataEvents": True}),
    ("trailInsights", {"trailInsights": True}),
    ("archiveTransitionStorageClass", {"archiveTransitionStorageClass": "DEEP_ARCHIVE"}),
])
def test_a_what_if_line_equals_running_the_program_with_the_setting_changed(one_region, fixture_file, setting, override):
    usage = load_usage("small")
    base = estimate(one_region, usage, PRICES)
    line = next(w for w in what_ifs(base) if w.setting == setting)
    changed = estimate(run_baseline(fixture=fixture_file, regions=["us-east-1"], **override), usage, PRICES)
    assert line.total == changed.total
    assert line.difference == round(changed.total - base.total, 2)
    assert line.difference != 0


def test_rules_in_every_region_are_the_largest_what_if_of_the_example_rules():
    result = estimate(example(), load_usage("small"), PRICES)
    line = next(w for w in what_ifs(result) if w.setting == "Config rules × regions")
    # 16 non-home regions × 18 rules × 30 evaluations, each region at its multiplier: the what-if removes exactly
    # the evaluation lines outside the home region.
    elsewhere = sum(l.monthly for l in result.lines if l.price_key == "config.rule_evaluations" and l.region != "us-east-1")
    assert line.difference == pytest.approx(-elsewhere, abs=0.01)
    assert line.difference < -9


def test_every_resource_type_of_our_stacks_is_priced_or_free_with_a_reason():
    runs = [example()] + [run_program(ORG, role, ORG / "accounts" / f"{role}.yaml") for role in ORG_ROLES]
    types = {r.type for run in runs for r in run.resources if r.custom}
    unmapped = sorted(types - set(RESOURCE_COSTS))
    assert not unmapped, f"add these types to RESOURCE_COSTS (their cost lines, or 'free: why'): {unmapped}"
    for type_, cost in RESOURCE_COSTS.items():
        assert cost.strip(), type_
        if cost.startswith("free"):
            assert len(cost) > len("free: ") + 5, f"{type_}: say why it is free"
    for run in runs:
        assert estimate(run, load_usage("small"), PRICES).unpriced_types == []


def test_a_type_missing_from_the_mapping_is_reported_unpriced():
    from tests.cost.helpers import plan, resource, zero_usage
    from aws_logging_baseline.cost.pricing import price_plan

    result = price_plan(plan(resource("aws:macie2/account:Account", "us-east-1")), zero_usage(), PRICES)
    assert result.unpriced_types == ["aws:macie2/account:Account"]


def test_docs_cost_md_is_the_generators_output():
    assert (REPO / "docs" / "cost.md").read_text() == docs.render(example()), (
        "docs/cost.md is stale: python -m aws_logging_baseline.cost.docs > docs/cost.md")


def test_streaming_prices_the_trails_events_through_firehose():
    """logStreaming: every CloudTrail event the trail's log group ingests passes through the stream:
    500,000 events × 1,500 bytes = 0.6985 GiB × $0.029 (first tier) per month with the small profile."""
    run = run_baseline(logStreaming=True, logStreamingOpensearchDomainArn="arn:aws:es:us-east-1:111111111111:domain/siem")
    result = estimate(run, load_usage("small"), PRICES)
    assert result.unpriced_types == []
    [line] = [l for l in result.lines if l.price_key == "firehose.ingestion"]
    gib = 500_000 * 1_500 / 1024**3
    [ingested] = [l.quantity for l in result.lines if l.price_key == "logs.ingestion_standard"]
    assert line.quantity == pytest.approx(gib) == pytest.approx(ingested)
    assert line.monthly == pytest.approx(gib * 0.029)
