"""Known region names per partition, from the data file beside this module."""

from functools import lru_cache
from pathlib import Path

import yaml

_CATALOG = Path(__file__).parent / "catalog" / "regions.yaml"


@lru_cache(maxsize=1)
def _catalog() -> dict:
    return yaml.safe_load(_CATALOG.read_text(encoding="utf-8"))


def partition_of(region: str) -> str | None:
    """The partition a region belongs to, or None for an unknown name."""
    for partition, regions in _catalog()["partitions"].items():
        if region in regions:
            return partition
    return None


def regions_in(partition: str) -> list[str]:
    return list(_catalog()["partitions"].get(partition, []))


def default_enabled_regions() -> list[str]:
    return list(_catalog()["default_enabled"])
