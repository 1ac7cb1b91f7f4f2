"""Small stacks priced by hand, to the cent, from the figures in catalog/prices.yaml.

Each test writes the computation out (quantity × unit price, tier by tier) and compares it with the engine's.
Unit prices used (us-east-1 unless said; eu-central-1's multiplier is 1.0652 = $0.0245 / $0.023):
  CloudTrail management events: first copy free, additional copies $2.00 per 100,000; data events $0.10 per 100,000
  Config items: continuous $0.003, periodic $0.012; rule evaluations per region: first 100,000 $0.001,
  next 400,000 $0.0008, over 500,000 $0.0005
  Vended logs to S3 per region: first 10,240 GB $0.25, next 20,480 GB $0.15
  S3 Standard $0.023 per GB-month; Glacier Instant Retrieval $0.004 (minimum 90 days); Deep Archive $0.00099 (180 days)
  CloudWatch standard alarms $0.10, the first 10 per account free
"""

from dataclasses import replace

import pytest

from aws_logging_baseline.cost.prices import load_prices
from aws_logging_baseline.cost.pricing import ArchivePolicy, price_plan
from aws_logging_baseline.errors import UserError
from tests.cost.helpers import NO_ARCHIVE, plan, resource, zero_usage

PRICES = load_prices()
TRAIL = "aws:cloudtrail/trail:Trail"
MANAGEMENT = [{"name": "Management events", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]
S3_DATA = {"name": "S3 data events", "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]},
                                                          {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}


def by_key(estimate, key: str) -> list:
    return [line for line in estimate.lines if line.price_key == key]


def test_first_copy_of_management_events_is_free_and_the_second_is_paid():
    trails = plan(resource(TRAIL, "us-east-1", "a-trail", advancedEventSelectors=MANAGEMENT),
                  resource(TRAIL, "us-east-1", "b-trail", advancedEventSelectors=MANAGEMENT + [S3_DATA]))
    usage = zero_usage(management_events=1_000_000, s3_data_events=3_000_000)
    result = price_plan(trails, usage, PRICES)
    # a-trail: the first copy, 1,000,000 events × $0 = $0.00
    # b-trail: an additional copy, 1,000,000 / 100,000 × $2.00 = $20.00; its S3 data events 3,000,000 / 100,000 × $0.10 = $3.00
    assert [round(l.monthly, 2) for l in by_key(result, "cloudtrail.management_events_first_copy")] == [0.00]
    assert [round(l.monthly, 2) for l in by_key(result, "cloudtrail.management_events_additional_copy")] == [20.00]
    assert [round(l.monthly, 2) for l in by_key(result, "cloudtrail.data_events")] == [3.00]
    assert result.by("service")["CloudTrail"] == 23.00

    # An organization trail already records the account: both trails of the stack are paid copies: 2 × $20.00.
    result = price_plan(trails, usage.replace(other_management_trails=1), PRICES)
    assert not by_key(result, "cloudtrail.management_events_first_copy")
    assert sum(l.monthly for l in by_key(result, "cloudtrail.management_events_additional_copy")) == pytest.approx(40.00)


def test_config_items_continuous_versus_periodic_with_a_region_multiplier():
    recorders = plan(
        resource("aws:cfg/recorder:Recorder", "us-east-1", "home", recordingMode={"recordingFrequency": "CONTINUOUS"}),
        resource("aws:cfg/recorder:Recorder", "eu-central-1", "frankfurt", recordingMode={"recordingFrequency": "DAILY"}),
        regions=("us-east-1", "eu-central-1"),
    )
    usage = zero_usage(config_items_home_region=2_000, config_items_other_region=500, config_daily_item_ratio=0.4)
    result = price_plan(recorders, usage, PRICES)
    # us-east-1, continuous: 2,000 items × $0.003 = $6.00
    # eu-central-1, daily: 500 × 0.4 = 200 items × ($0.012 × 1.0652 = $0.0127824) = $2.55648 -> $2.56
    (continuous,) = by_key(result, "config.configuration_item_continuous")
    (periodic,) = by_key(result, "config.configuration_item_periodic")
    assert (continuous.region, continuous.quantity, round(continuous.monthly, 2)) == ("us-east-1", 2_000, 6.00)
    assert (periodic.region, periodic.quantity, round(periodic.monthly, 2)) == ("eu-central-1", 200, 2.56)
    assert result.total == 8.56


def test_rule_evaluations_cross_two_tiers_in_one_region():
    rules = [resource("aws:cfg/rule:Rule", "us-east-1", f"rule-{i}") for i in range(30)]
    rules.append(resource("aws:cfg/rule:Rule", "eu-west-1", "rule-eu"))
    usage = zero_usage(config_evaluations_per_rule_home_region=20_000, config_evaluations_per_rule_other_region=1_000)
    result = price_plan(plan(*rules, regions=("us-east-1", "eu-west-1")), usage, PRICES)
    # us-east-1: 30 rules × 20,000 = 600,000 evaluations:
    #   100,000 × $0.001 = $100.00 + 400,000 × $0.0008 = $320.00 + 100,000 × $0.0005 = $50.00 -> $470.00
    # eu-west-1 (tiers count per region): 1 rule × 1,000 = 1,000 × $0.001 = $1.00
    home, europe = sorted(by_key(result, "config.rule_evaluations"), key=lambda l: l.region != "us-east-1")
    assert round(home.monthly, 2) == 470.00
    assert home.formula == "100,000 × $0.001 + 400,000 × $0.0008 + 100,000 × $0.0005 = $470.00"
    assert round(europe.monthly, 2) == 1.00
    assert result.total == 471.00


def test_flow_log_delivery_crosses_the_first_vended_logs_tier():
    flow_logs = [resource("aws:ec2/flowLog:FlowLog", "us-east-1", f"vpc-{i}", trafficType="ALL", logDestinationType="s3",
                          destinationOptions={"fileFormat": "plain-text"}) for i in range(3)]
    usage = zero_usage(flow_log_gb_per_vpc=4_000)
    result = price_plan(plan(*flow_logs), usage, PRICES)
    # 3 VPCs × 4,000 GB = 12,000 GB: 10,240 × $0.25 = $2,560.00 + 1,760 × $0.15 = $264.00 -> $2,824.00
    (delivery,) = by_key(result, "vended_logs.delivery_to_s3")
    assert round(delivery.monthly, 2) == 2824.00
    # REJECT only: 10% of the records: 1,200 GB × $0.25 = $300.00
    rejected = [replace(r, inputs={**r.inputs, "trafficType": "REJECT"}) for r in flow_logs]
    result = price_plan(plan(*rejected), usage.replace(flow_log_reject_fraction=0.1), PRICES)
    assert round(by_key(result, "vended_logs.delivery_to_s3")[0].monthly, 2) == 300.00


def test_archive_storage_over_the_lifecycle_with_an_object_lock_minimum():
    recorder = resource("aws:cfg/recorder:Recorder", "us-east-1", "home", recordingMode={"recordingFrequency": "CONTINUOUS"})
    usage = zero_usage(config_delivery_gb_per_region=6)
    # Standard 30 days, then Glacier IR; objects expire at 60 days, but Object Lock keeps them 120 days:
    #   Standard: 6 GB × 30/30 = 6 GB-months × $0.023 = $0.138
    #   Glacier IR: 6 GB × (120 − 30)/30 = 18 GB-months × $0.004 = $0.072           -> $0.21
    locked = ArchivePolicy("us-east-1", 30, "GLACIER_IR", expiration_days=60, lock_days=120, replica_region=None)
    result = price_plan(plan(recorder, archive=locked), usage, PRICES)
    standard, = by_key(result, "s3.storage_standard")
    glacier, = by_key(result, "s3.storage_glacier_ir")
    assert (standard.quantity, glacier.quantity) == (6, 18)
    assert result.total == 0.21
    # Without the lock the objects would leave Glacier IR after 30 days, but its 90-day minimum storage duration
    # is charged anyway: 6 GB × 90/30 = 18 GB-months again -> the same $0.21.
    unlocked = replace(locked, lock_days=0)
    assert by_key(price_plan(plan(recorder, archive=unlocked), usage, PRICES), "s3.storage_glacier_ir")[0].quantity == 18
    # A lock longer than the expiration in Deep Archive: retained 400 days (lock), 30 in Standard, 370 in Deep Archive:
    #   6 × 30/30 × $0.023 = $0.138 + 6 × 370/30 = 74 GB-months × $0.00099 = $0.07326 -> $0.21126 -> $0.21
    deep = ArchivePolicy("us-east-1", 30, "DEEP_ARCHIVE", expiration_days=200, lock_days=400, replica_region=None)
    result = price_plan(plan(recorder, archive=deep), usage, PRICES)
    assert by_key(result, "s3.storage_deep_archive")[0].quantity == pytest.approx(74)
    assert result.total == 0.21
    # Replicated: the replica region stores the same, plus 6 GB × $0.02 inter-region transfer = $0.12.
    result = price_plan(plan(recorder, archive=replace(locked, replica_region="us-west-2")), usage, PRICES)
    assert result.total == round(0.21 * 2 + 0.12, 2)
    assert result.by("region") == {"us-east-1": 0.33, "us-west-2": 0.21}


def test_the_free_alarms_are_per_account_and_taken_from_the_home_region_first():
    alarms = [resource("aws:cloudwatch/metricAlarm:MetricAlarm", "us-east-1", f"a{i}", period=300) for i in range(12)]
    alarms += [resource("aws:cloudwatch/metricAlarm:MetricAlarm", "eu-west-1", f"b{i}", period=300) for i in range(3)]
    result = price_plan(plan(*alarms, regions=("us-east-1", "eu-west-1")), zero_usage(), PRICES)
    # 12 in us-east-1: (12 − 10 free) × $0.10 = $0.20; 3 in eu-west-1, the free ones used up: 3 × $0.10 = $0.30
    assert result.by("region") == {"eu-west-1": 0.30, "us-east-1": 0.20}


def test_a_region_without_prices_is_an_error_not_us_east_1():
    unpriced = plan(resource("aws:kms/key:Key", "il-central-1", "key"), regions=("il-central-1",), home="il-central-1",
                    archive=replace(NO_ARCHIVE, region="il-central-1"))
    with pytest.raises(UserError, match="no prices for region 'il-central-1'"):
        price_plan(unpriced, zero_usage(), PRICES)
