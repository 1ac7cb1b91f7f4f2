"""The estimate for people (text: totals by service and region, dominant drivers with formulas, what-ifs,
assumptions) and for tools (a JSON document that `check --cost-baseline` reads back)."""

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aws_logging_baseline.cost.pricing import Estimate
from aws_logging_baseline.cost.usage import usage_keys
from aws_logging_baseline.cost.whatif import WhatIf

DOCUMENT_KIND = "pulumi-baseline cost"
DOCUMENT_VERSION = 1
TOP_DRIVERS = 15


def money(value: float, sign: bool = False) -> str:
    text = f"${abs(value):,.2f}"
    if sign:
        return ("+" if value >= 0 else "−") + text
    return text if value >= 0 else "−" + text


def assumptions(estimate: Estimate) -> list[str]:
    prices = estimate.prices
    plan = estimate.plan
    archive = plan.archive
    lines = [
        f"Prices: {prices.path.name} read {prices.read}, USD list prices of {prices.base_region} scaled by each region's "
        "multiplier (S3 Standard price ratio; see the file), no discounts, always-free tiers per account applied.",
        f"Usage: {estimate.usage.source}; quantities are per account per month.",
        f"Archive: in {archive.region}, Standard for {archive.transition_days} days then {archive.storage_class}, "
        + (f"expiring after {archive.expiration_days} days" if archive.expiration_days else f"never expiring (priced at {int(estimate.usage.archive_age_days)} days of age)")
        + (f", Object Lock {archive.lock_days} days" if archive.lock_days else "")
        + (f", replicated to {archive.replica_region}." if archive.replica_region else ", not replicated."),
    ]
    if plan.organization_accounts > 1 and plan.of_type("aws:cloudtrail/trail:Trail"):
        lines.append(f"An organization trail records {plan.organization_accounts} accounts' events.")
    return lines


def document(estimate: Estimate, what_ifs: list[WhatIf], meta: dict[str, Any]) -> dict[str, Any]:
    keys = usage_keys()
    return {
        "kind": DOCUMENT_KIND,
        "version": DOCUMENT_VERSION,
        **meta,
        "currency": "USD",
        "pricesRead": estimate.prices.read,
        "profile": estimate.usage.profile,
        "usage": {k: estimate.usage.values[k] for k in keys},
        "monthlyTotal": estimate.total,
        "byService": estimate.by("service"),
        "byRegion": estimate.by("region"),
        "lines": [
            {"service": l.service, "region": l.region, "priceKey": l.price_key, "item": l.item, "quantity": round(l.quantity, 6),
             "unit": l.unit, "monthly": round(l.monthly, 4), "formula": l.formula, "driver": l.driver}
            for l in estimate.lines
        ],
        "whatIf": [{"setting": w.setting, "change": w.change, "monthlyTotal": w.total, "monthlyDifference": w.difference} for w in what_ifs],
        "assumptions": assumptions(estimate),
        "unpricedTypes": estimate.unpriced_types,
    }


def print_text(estimate: Estimate, what_ifs: list[WhatIf], title: str, console: Console, top: int = TOP_DRIVERS) -> None:
    console.print(f"[bold]{escape(title)}[/]: [bold]{money(estimate.total)}[/] per month (usage {escape(estimate.usage.source)})")
    services = Table(title="By service")
    services.add_column("service")
    services.add_column("monthly", justify="right")
    services.add_column("share", justify="right")
    for name, value in estimate.by("service").items():
        services.add_row(name, money(value), f"{100 * value / estimate.total:.0f}%" if estimate.total else "-")
    regions = Table(title="By region")
    regions.add_column("region")
    regions.add_column("monthly", justify="right")
    for name, value in estimate.by("region").items():
        label = f"{name} (home)" if name == estimate.plan.home_region else name
        regions.add_row(label, money(value))
    console.print(services)
    console.print(regions)
    drivers = Table(title=f"Dominant drivers (top {min(top, len(estimate.lines))} of {len(estimate.lines)} lines)")
    for column in ("monthly", "service", "region", "what", "formula (quantity × unit price)"):
        drivers.add_column(column, justify="right" if column == "monthly" else "left")
    for line in estimate.lines[:top]:
        drivers.add_row(money(line.monthly), line.service, line.region, escape(line.item), escape(line.formula))
    console.print(drivers)
    if what_ifs:
        table = Table(title="What if (the plan re-priced with one setting changed)")
        for column in ("setting", "change", "monthly difference", "new total"):
            table.add_column(column, justify="right" if column in ("monthly difference", "new total") else "left")
        for w in what_ifs:
            table.add_row(w.setting, escape(w.change), money(w.difference, sign=True), money(w.total))
        console.print(table)
    console.print("[bold]Assumptions[/]")
    for text in assumptions(estimate):
        console.print(f"  - {escape(text)}")
    keys = usage_keys()
    overridden = set(estimate.usage.overridden)
    for name, value in estimate.usage.values.items():
        mark = " (from --usage)" if name in overridden else ""
        console.print(f"  - {name} = {value:,.10g} {keys[name].unit}{mark}: {escape(keys[name].doc)}", style="dim")
    if estimate.unpriced_types:
        console.print(f"[yellow]Not priced (no entry in the cost mapping):[/] {', '.join(estimate.unpriced_types)}")
