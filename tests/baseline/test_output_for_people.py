"""What a person sees: `make preview` (check of the example stack) fits a terminal and ends with what to do next."""

import os
import re
import subprocess
import sys

import pytest

from tests.engine_helpers import REPO


def run(*args: str, columns: int = 100) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "dumb"}
    return subprocess.run([sys.executable, "-m", "aws_logging_baseline", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def make_preview() -> subprocess.CompletedProcess:
    return run("check", "--stack", "example")


def test_make_preview_fits_80_lines_of_100_columns(make_preview):
    assert make_preview.returncode == 0, make_preview.stderr
    lines = make_preview.stdout.rstrip("\n").splitlines()
    assert len(lines) <= 80, len(lines)
    assert max(len(line) for line in lines) <= 100


def test_make_preview_ends_with_the_verdict_and_a_next_step(make_preview):
    tail = make_preview.stdout.rstrip("\n").splitlines()[-3:]
    assert re.fullmatch(r"0 mandatory and 0 advisory violation\(s\) from [0-9]+ policies", tail[0]), tail[0]
    assert tail[1].startswith("next: `pulumi up --stack example` deploys")


def test_collapsed_tree_groups_like_components_and_counts_per_region(make_preview):
    out = make_preview.stdout
    assert "ConfigRecording ×17 (51): cfg.Recorder, cfg.DeliveryChannel, cfg.RecorderStatus in each of" in out
    assert re.search(r"cfg\.Rule ×[0-9]+ in 17 regions \([0-9]+-[0-9]+ each\)", out)
    assert "inspector2.Enabler in each of 17 regions" in out
    assert "LogKey ×2 (4): kms.Key, kms.Alias in each of 2 regions" in out


def test_make_preview_shows_each_delivery_path_and_exposure_once(make_preview):
    out = make_preview.stdout
    paths = out[out.index("Delivery paths"):out.index("Exposure")].splitlines()[1:]
    assert paths and len(paths) == len(set(paths)) and all(line.endswith("  allowed") for line in paths)
    assert "    S3 replication -> replica key (us-west-2)  allowed" in paths
    assert "archive key (us-east-1): refuses outsiders (" in out


def test_full_tree_lists_every_resource_and_both_tables():
    done = run("preview", "--tree", "full", columns=200)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("cfg.Rule ") >= 312
    assert "Resources by region and service" in done.stdout and "Resources by type" in done.stdout


def test_help_is_named_after_the_command_typed():
    done = run("--help")
    assert done.stdout.startswith("usage: python -m aws_logging_baseline ")


def test_a_component_lists_its_types_in_declaration_order_whatever_the_registration_order():
    """The engine registers a component's resources in an order that varies between runs; the collapsed tree must
    not (a plan diffed in review would show noise)."""
    import random

    from aws_logging_baseline.cli.report import _declares
    from tests.engine_helpers import example

    topic = [r for r in example().resources if r.parent.endswith("baseline:sns:AlertTopic::baseline-alert-topic")]
    assert len(topic) == 3
    shuffled = random.Random(7).sample(topic, len(topic))
    assert _declares(shuffled) == _declares(list(reversed(topic))) == "sns.Topic, sns.TopicPolicy, sns.TopicSubscription in us-east-1"
