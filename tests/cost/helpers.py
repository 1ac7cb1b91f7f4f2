"""Small plans for pricing tests: registrations shaped as the engine records them (inputs camelCase, region in
the outputs), and a one-region stack of the repository's program run through the engine."""

from pathlib import Path

from aws_logging_baseline.cost.pricing import ArchivePolicy, Plan
from aws_logging_baseline.cost.usage import Usage, load_usage
from aws_logging_baseline.offline.engine import Registration

ONE_REGION_FIXTURE = """accountId: "111111111111"
partition: aws
callerArn: arn:aws:iam::111111111111:role/platform-deployer
vpcs:
  us-east-1: [vpc-0a1b2c3d4e5f60001]
"""

NO_ARCHIVE = ArchivePolicy(region="us-east-1", transition_days=0, storage_class="STANDARD", expiration_days=0, lock_days=0, replica_region=None)


def resource(type_: str, region: str, name: str = "r", outputs: dict | None = None, **inputs) -> Registration:
    return Registration(
        urn=f"urn:pulumi:test::p::{type_}::{name}", type=type_, name=name, custom=True, parent="", provider="",
        protect=False, retain_on_delete=False, id=name, inputs=inputs, outputs={"region": region, **(outputs or {})},
        dependencies=[], property_dependencies={},
    )


def plan(*resources: Registration, archive: ArchivePolicy = NO_ARCHIVE, home: str = "us-east-1", regions=("us-east-1",)) -> Plan:
    return Plan(list(resources), home, list(regions), archive)


def zero_usage(**values: float) -> Usage:
    """Every quantity 0 except those given: a test sees only the lines it sets up."""
    base = load_usage("small")
    return base.replace(**{k: 0.0 for k in base.values}).replace(**values)


def one_region_fixture(directory: Path) -> Path:
    path = directory / "one-region.yaml"
    path.write_text(ONE_REGION_FIXTURE)
    return path
