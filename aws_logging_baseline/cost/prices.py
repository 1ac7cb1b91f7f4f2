"""The price table (components/catalog/prices.yaml): unit prices per region, tiers, free quantities.

A region the table does not list is an error (UserError, exit 2), never priced as us-east-1 in silence.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.project import read_yaml

PRICES = Path(__file__).resolve().parent.parent / "components" / "catalog" / "prices.yaml"
CONFIDENCE = ("P", "S", "U")


@dataclass(frozen=True)
class Tier:
    upto: float | None  # cumulative quantity where the tier ends; None: no end
    price: float


@dataclass(frozen=True)
class PriceLine:
    key: str
    unit: str
    per: int
    tiers: tuple[Tier, ...]  # a flat price is one tier without an end
    free: float
    regional: bool
    min_days: int
    source: str
    read: str
    confidence: str
    note: str = ""

    @property
    def flat(self) -> bool:
        return len(self.tiers) == 1


@dataclass(frozen=True)
class RegionPrices:
    multiplier: float
    overrides: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PriceTable:
    path: Path
    read: str
    base_region: str
    lines: dict[str, PriceLine]
    regions: dict[str, RegionPrices]

    def line(self, key: str) -> PriceLine:
        try:
            return self.lines[key]
        except KeyError:
            raise UserError(f"{self.path}: no price line {key!r}") from None

    def check_region(self, region: str) -> None:
        if region not in self.regions:
            raise UserError(
                f"{self.path}: no prices for region {region!r} (priced: {', '.join(sorted(self.regions))}); "
                "add it under regions: with its multiplier and source"
            )

    def tiers(self, key: str, region: str) -> tuple[Tier, ...]:
        """The line's tiers in `region`: an override replaces a flat price; the multiplier scales regional lines."""
        line = self.line(key)
        self.check_region(region)
        prices = self.regions[region]
        if key in prices.overrides:
            return (Tier(None, prices.overrides[key]),)
        factor = prices.multiplier if line.regional else 1.0
        return tuple(Tier(t.upto, round(t.price * factor, 10)) for t in line.tiers)


def _number(value: Any, where: str, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise UserError(f"{where}: expected a number >= {minimum:g}, got {value!r}")
    return float(value)


def _line(path: Path, key: str, spec: Any) -> PriceLine:
    where = f"{path}: lines.{key}"
    if not isinstance(spec, dict):
        raise UserError(f"{where}: expected a mapping")
    for required in ("unit", "source", "read", "confidence"):
        if not spec.get(required):
            raise UserError(f"{where}: missing {required}")
    if spec["confidence"] not in CONFIDENCE:
        raise UserError(f"{where}.confidence: one of {', '.join(CONFIDENCE)}, got {spec['confidence']!r}")
    if ("price" in spec) == ("tiers" in spec):
        raise UserError(f"{where}: give either price or tiers")
    if "price" in spec:
        tiers = (Tier(None, _number(spec["price"], f"{where}.price")),)
    else:
        raw = spec["tiers"]
        if not isinstance(raw, list) or not raw:
            raise UserError(f"{where}.tiers: expected a non-empty list")
        tiers = tuple(
            Tier(None if "upto" not in t else _number(t["upto"], f"{where}.tiers[{i}].upto", 1), _number(t.get("price"), f"{where}.tiers[{i}].price"))
            for i, t in enumerate(raw)
        )
        ends = [t.upto for t in tiers]
        if ends[-1] is not None or None in ends[:-1] or ends[:-1] != sorted(ends[:-1]):
            raise UserError(f"{where}.tiers: increasing `upto` values, the last tier without one")
    return PriceLine(
        key=key, unit=str(spec["unit"]), per=int(_number(spec.get("per", 1), f"{where}.per", 1)), tiers=tiers,
        free=_number(spec.get("free", 0), f"{where}.free"), regional=bool(spec.get("regional", True)),
        min_days=int(_number(spec.get("min_days", 0), f"{where}.min_days")), source=str(spec["source"]),
        read=str(spec["read"]), confidence=spec["confidence"], note=str(spec.get("note", "")),
    )


@lru_cache(maxsize=8)
def load_prices(path: Path = PRICES) -> PriceTable:
    doc = read_yaml(Path(path), "price table")
    if not isinstance(doc, dict) or not isinstance(doc.get("lines"), dict) or not isinstance(doc.get("regions"), dict):
        raise UserError(f"{path}: a price table needs `lines` and `regions` mappings")
    lines = {key: _line(path, key, spec) for key, spec in doc["lines"].items()}
    regions = {}
    for name, spec in doc["regions"].items():
        where = f"{path}: regions.{name}"
        if not isinstance(spec, dict):
            raise UserError(f"{where}: expected a mapping with multiplier")
        overrides = spec.get("overrides") or {}
        unknown = sorted(set(overrides) - set(lines))
        if unknown:
            raise UserError(f"{where}.overrides: unknown line {unknown[0]!r}")
        regions[name] = RegionPrices(
            _number(spec.get("multiplier"), f"{where}.multiplier"),
            {k: _number(v, f"{where}.overrides.{k}") for k, v in overrides.items()},
        )
    return PriceTable(Path(path), str(doc.get("read", "")), str(doc.get("base_region", "us-east-1")), lines, regions)


def tiered_cost(quantity: float, tiers: tuple[Tier, ...], per: int = 1) -> float:
    """Cost of `quantity` units over volume tiers (each tier's `upto` is cumulative, in units)."""
    total, start = Decimal(0), 0.0
    for tier in tiers:
        end = quantity if tier.upto is None else min(quantity, tier.upto)
        if end > start:
            total += Decimal(str(end - start)) * Decimal(str(tier.price)) / Decimal(per)
        if tier.upto is None or quantity <= tier.upto:
            break
        start = tier.upto
    return float(total)
