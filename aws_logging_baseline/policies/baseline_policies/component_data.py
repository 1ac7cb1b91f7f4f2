"""Data the pack shares with the components (components/catalog), read from the package the pack lives in."""

from functools import lru_cache
from pathlib import Path

import yaml

# The pack directory lives inside the package, next to components/ (installed or in the repository).
COMPONENT_CATALOG = Path(__file__).resolve().parents[2] / "components" / "catalog"


# libyaml's safe loader when PyYAML has it: the same data in a twentieth of the time, on the way to a verdict.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def component_catalog(name: str) -> dict:
    return yaml.load((COMPONENT_CATALOG / name).read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506


@lru_cache(maxsize=1)
def services_without_source_keys() -> frozenset[str]:
    """Service principals AWS documents as sending no aws:SourceArn / aws:SourceAccount (catalog file)."""
    return frozenset(entry["principal"] for entry in component_catalog("services_without_source_keys.yaml")["services"])
