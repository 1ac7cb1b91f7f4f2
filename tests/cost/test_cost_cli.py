"""`pulumi-baseline cost` and `check --cost-baseline` through the real command line: the PR delta of a toggled
setting and its violation, the organization roll-up, bad input (one line, exit 2, nothing written), the price
table's coverage of regions."""

import json
import re

import pytest
import yaml

from aws_logging_baseline.cli.main import main
from aws_logging_baseline.components.regions import default_enabled_regions
from aws_logging_baseline.cost.prices import PRICES, load_prices
from aws_logging_baseline.cost.usage import load_usage
from tests.cli_helpers import assert_one_line_error, cli
from tests.cost.helpers import one_region_fixture
from tests.engine_helpers import REPO

ONE_REGION = ("-c", "baseline:regions=[us-east-1]")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("cost-cli")


@pytest.fixture(scope="module")
def fixture_file(workdir):
    return str(one_region_fixture(workdir))


@pytest.fixture(scope="module")
def base_estimate(workdir, fixture_file):
    """The base branch's estimate: `cost --format json --output FILE` of the one-region stack."""
    path = workdir / "base-cost.json"
    assert main(["cost", "--account", fixture_file, *ONE_REGION, "--format", "json", "--output", str(path)]) == 0
    return path


def test_cost_json_document_holds_lines_with_formulas_and_what_ifs(base_estimate):
    doc = json.loads(base_estimate.read_text())
    assert doc["kind"] == "pulumi-baseline cost" and doc["stack"] == "example" and doc["profile"] == "small"
    assert doc["monthlyTotal"] == round(sum(line["monthly"] for line in doc["lines"]), 2)
    assert doc["byRegion"].keys() == {"us-east-1", "us-west-2"}  # the home region and the replica's
    for line in doc["lines"]:
        assert re.search(r" × \$[0-9.]+.* = \$[0-9,.]+$", line["formula"]), line
    monthly = [line["monthly"] for line in doc["lines"]]
    assert monthly == sorted(monthly, reverse=True)  # dominant drivers first
    assert {w["setting"] for w in doc["whatIf"]} >= {"configRecordingFrequency", "flowLogTrafficType", "trailS3DataEvents"}
    assert doc["usage"] == load_usage("small").values


def test_cost_text_names_total_drivers_what_ifs_and_assumptions(capsys, fixture_file):
    code, out, err = cli(capsys, "cost", "--account", fixture_file, *ONE_REGION, "--profile", "medium")
    assert code == 0, err
    assert re.search(r"Monthly cost of stack example \(project baseline\): \$[0-9,.]+ per month \(usage profile medium\)", out)
    for text in ("By service", "By region", "Dominant drivers", "What if", "Assumptions", "config_items_home_region = 15,000 items"):
        assert text in out


def test_pr_delta_of_s3_data_events_and_the_violation_above_the_threshold(capsys, workdir, fixture_file, base_estimate):
    """The pull request turns trailS3DataEvents on. The plan's difference, with the base estimate's usage (small):
    2,000,000 S3 data events / 100,000 × $0.10 = $2.00 (CloudTrail), their records in CloudWatch Logs
    2,000,000 × 1,500 bytes = 2.794 GiB × $0.50 = $1.40 plus a year's storage, $0.10, and their gzip files in the archive."""
    report = workdir / "check.json"
    code, out, err = cli(capsys, "check", "--no-tree", "--account", fixture_file, *ONE_REGION, "-c", "baseline:trailS3DataEvents=true",
                         "--cost-baseline", str(base_estimate), "--max-monthly-increase", "3", "--format", "json", "--output", str(report))
    assert code == 1, err  # no policy is violated: the cost increase alone fails the check
    cost = json.loads(report.read_text())["cost"]
    assert json.loads(report.read_text())["summary"]["mandatory"] == 0
    assert cost["violation"] is True and cost["maxMonthlyIncrease"] == 3
    assert cost["byService"]["CloudTrail"] == 2.00
    gib = 2_000_000 * 1500 / 1024**3  # ingested, then kept 365 days compressed to 0.1
    assert cost["byService"]["CloudWatch Logs"] == pytest.approx(gib * 0.50 + gib * 0.1 * 365 / 30 * 0.03, abs=0.01)
    assert 3 < cost["monthlyDifference"] < 4
    assert cost["monthlyDifference"] == round(cost["monthly"] - cost["baselineMonthly"], 2)
    assert "above the allowed increase of $3.00/month" in out

    sarif_path = workdir / "check.sarif"
    code, _, err = cli(capsys, "check", "--no-tree", "--account", fixture_file, *ONE_REGION, "-c", "baseline:trailS3DataEvents=true",
                       "--cost-baseline", str(base_estimate), "--max-monthly-increase", "5", "--format", "sarif", "--output", str(sarif_path))
    assert code == 0, err  # below the threshold: the change is reported, not a violation
    run = json.loads(sarif_path.read_text())["runs"][0]
    (result,) = [r for r in run["results"] if r["ruleId"] == "monthly-cost-change"]
    assert result["level"] == "note"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "monthly-cost-change"
    assert result["properties"]["monthlyDifference"] == cost["monthlyDifference"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Pulumi.example.yaml"


def test_organization_sums_the_roles_and_the_member_cost_does_not_grow(capsys, workdir):
    path = workdir / "org.json"
    org = REPO / "examples" / "org"
    code, out, err = cli(capsys, "cost", "--program", str(org), "--stack", "*", "--account", str(org / "accounts"),
                         "--member-accounts", "40", "--format", "json", "--output", str(path))
    assert code == 0, err
    doc = json.loads(path.read_text())
    stacks = {s["stack"]: s for s in doc["stacks"]}
    assert set(stacks) == {"log-archive", "management", "security", "member"}
    assert stacks["member"]["accounts"] == 40
    # The sum of every stack's lines, member lines counted once per member account (lines keep 4 decimals).
    summed = sum(line["monthly"] * s["accounts"] for s in doc["stacks"] for line in s["lines"])
    assert doc["monthlyTotal"] == pytest.approx(summed, abs=0.01)
    # The organization trail records 3 role accounts + 40 members; each member adds its own stack's cost and its
    # share of the organization trail: the same at 40 and at 80 members.
    assert doc["perMemberAccount"] == doc["perMemberAccountAtDouble"]
    assert doc["perMemberAccount"] >= stacks["member"]["monthlyTotal"]


@pytest.mark.parametrize("usage_text, expected", [
    ("management_events: 10\nflow_log_gb_per_vp: 3\n", "unknown usage key 'flow_log_gb_per_vp'"),
    ("flow_log_gb_per_vpc: -5\n", "flow_log_gb_per_vpc: a quantity cannot be negative, got -5"),
    ("flow_log_reject_fraction: 1.5\n", "flow_log_reject_fraction: a ratio between 0 and 1"),
    ("- 1\n", "expected a mapping of usage key to quantity"),
])
def test_bad_usage_file_is_one_line_exit_2_and_nothing_written(capsys, workdir, usage_text, expected):
    usage = workdir / "usage.yaml"
    usage.write_text(usage_text)
    out = workdir / "never.json"
    code, _, err = cli(capsys, "cost", "--usage", str(usage), "--format", "json", "--output", str(out))
    assert_one_line_error(code, err, expected)
    assert not out.exists()


def test_a_region_with_no_prices_is_one_line_exit_2(capsys, workdir):
    out = workdir / "never.json"
    code, _, err = cli(capsys, "cost", "-c", "baseline:regions=[us-east-1,il-central-1]", "--format", "json", "--output", str(out))
    assert_one_line_error(code, err, "no prices for region 'il-central-1'")
    assert not out.exists()


def test_bad_flags_are_one_line_exit_2(capsys, workdir, base_estimate):
    code, _, err = cli(capsys, "cost", "--output", str(workdir / "x.json"))
    assert_one_line_error(code, err, "--output", "--format json")
    code, _, err = cli(capsys, "cost", "--member-accounts", "3")
    assert_one_line_error(code, err, "--member-accounts")
    code, _, err = cli(capsys, "check", "--max-monthly-increase", "5")
    assert_one_line_error(code, err, "--max-monthly-increase: needs --cost-baseline")
    not_cost = workdir / "not-cost.json"
    not_cost.write_text('{"version": 3}')
    code, _, err = cli(capsys, "check", "--cost-baseline", str(not_cost))
    assert_one_line_error(code, err, "--cost-baseline", "pulumi-baseline cost --format json")
    unknown = workdir / "unknown-key.json"
    doc = json.loads(base_estimate.read_text())
    doc["usage"]["flow_log_gb"] = 1
    unknown.write_text(json.dumps(doc))
    code, _, err = cli(capsys, "check", "--cost-baseline", str(unknown))
    assert_one_line_error(code, err, "unknown flow_log_gb")
    code, _, err = cli(capsys, "cost", "--program", str(REPO / "examples" / "org"), "--stack", "nope-*")
    assert_one_line_error(code, err, "--stack 'nope-*': no stack file Pulumi.<stack>.yaml")


def test_price_table_sources_and_regions():
    table = load_prices()
    raw = yaml.safe_load(PRICES.read_text())
    for key, line in table.lines.items():
        assert line.source.startswith("https://aws.amazon.com/") and line.source.endswith("/pricing/"), key
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", line.read), key
        assert line.confidence in ("P", "S", "U"), key
    assert raw["base_region"] == "us-east-1"
    # Every default-enabled region is priced; the regions left out are named here, so adding one is deliberate.
    assert set(default_enabled_regions()) <= set(table.regions)
    catalog = yaml.safe_load((REPO / "aws_logging_baseline" / "components" / "catalog" / "regions.yaml").read_text())
    every = {r for regions in catalog["partitions"].values() for r in regions}
    assert every - set(table.regions) == {
        "cn-north-1", "cn-northwest-1",  # priced in CNY on a separate price list
        "ap-east-2", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "il-central-1", "me-central-1", "mx-central-1",
    }
    # Tokyo's own figures replace the multiplier where they are known.
    assert table.tiers("logs.ingestion_standard", "ap-northeast-1")[0].price == 0.76
    assert table.tiers("logs.ingestion_standard", "eu-central-1")[0].price == pytest.approx(0.50 * 1.0652)
    assert table.tiers("kms.customer_managed_key", "sa-east-1")[0].price == 1.00  # not regional


def test_own_price_table_is_validated_and_used(capsys, workdir, fixture_file):
    table = yaml.safe_load(PRICES.read_text())
    del table["lines"]["kms.customer_managed_key"]["source"]
    broken = workdir / "broken-prices.yaml"
    broken.write_text(yaml.safe_dump(table))
    code, _, err = cli(capsys, "cost", "--account", fixture_file, *ONE_REGION, "--prices", str(broken))
    assert_one_line_error(code, err, "lines.kms.customer_managed_key: missing source")

    table = yaml.safe_load(PRICES.read_text())
    table["lines"]["kms.customer_managed_key"]["price"] = 2.5  # a negotiated price
    own = workdir / "own-prices.yaml"
    own.write_text(yaml.safe_dump(table))
    code, out, err = cli(capsys, "cost", "--account", fixture_file, *ONE_REGION, "--prices", str(own), "--format", "json")
    assert code == 0, err
    keys = [line for line in json.loads(out)["lines"] if line["priceKey"] == "kms.customer_managed_key"]
    assert {(line["region"], line["formula"]) for line in keys} == {("us-east-1", "1 × $2.50 = $2.50"), ("us-west-2", "1 × $2.50 = $2.50")}
