"""Cost in pull-request review: `check --cost-baseline FILE [--max-monthly-increase USD]`.

FILE is a previous `cost --format json` of the base branch. The pull request's plan (the one check just ran) is
priced with that document's usage quantities, so the difference is the plan's alone; an increase above
--max-monthly-increase is a violation (exit 1). The result joins the check's text, JSON and SARIF (a note, or an
error when over the threshold).
"""

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from aws_logging_baseline.cli import sarif

from aws_logging_baseline.cost.prices import load_prices
from aws_logging_baseline.cost.pricing import estimate
from aws_logging_baseline.cost.report import DOCUMENT_KIND, money
from aws_logging_baseline.cost.usage import Usage, usage_keys
from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.engine import RunResult

RULE_ID = "monthly-cost-change"


@dataclass
class CostBaseline:
    path: str
    total: float
    by_service: dict[str, float]
    usage: Usage


@dataclass
class CostReview:
    baseline: CostBaseline
    total: float
    by_service: dict[str, float]
    threshold: float | None

    @property
    def difference(self) -> float:
        return round(self.total - self.baseline.total, 2)

    @property
    def violates(self) -> bool:
        return self.threshold is not None and self.difference > self.threshold

    def service_changes(self) -> dict[str, float]:
        names = set(self.by_service) | set(self.baseline.by_service)
        changes = {n: round(self.by_service.get(n, 0.0) - self.baseline.by_service.get(n, 0.0), 2) for n in names}
        return {n: d for n, d in sorted(changes.items(), key=lambda kv: (-abs(kv[1]), kv[0])) if d}

    def message(self) -> str:
        text = (f"monthly cost {money(self.baseline.total)} → {money(self.total)} ({money(self.difference, sign=True)}/month, "
                f"usage {self.baseline.usage.source})")
        changes = self.service_changes()
        if changes:
            text += "; " + ", ".join(f"{n} {money(d, sign=True)}" for n, d in list(changes.items())[:4])
        if self.violates:
            text += f"; above the allowed increase of {money(self.threshold)}/month"
        return text


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cost-baseline", metavar="FILE",
                        help="a previous `pulumi-baseline cost --format json` (the base branch's): report the plan's monthly cost difference")
    parser.add_argument("--max-monthly-increase", metavar="USD", type=float, default=None,
                        help="with --cost-baseline: a monthly increase above USD is a violation (exit 1)")


def load_baseline(args: argparse.Namespace) -> CostBaseline | None:
    """Checked before the program runs: the file, its kind and its usage (one line on a problem, exit 2)."""
    if args.max_monthly_increase is not None:
        if args.cost_baseline is None:
            raise UserError("--max-monthly-increase: needs --cost-baseline FILE to compare with")
        if args.max_monthly_increase < 0:
            raise UserError(f"--max-monthly-increase: expected an amount >= 0, got {args.max_monthly_increase:g}")
    if args.cost_baseline is None:
        return None
    where = f"--cost-baseline {args.cost_baseline}"
    try:
        doc = json.loads(Path(args.cost_baseline).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{where}: no such file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"{where}: not a JSON document ({exc})") from None
    if not isinstance(doc, dict) or doc.get("kind") != DOCUMENT_KIND or "stacks" in doc:
        raise UserError(f"{where}: expected the output of `pulumi-baseline cost --format json` for one stack")
    total, usage, services = doc.get("monthlyTotal"), doc.get("usage"), doc.get("byService")
    if not isinstance(total, (int, float)) or not isinstance(usage, dict) or not isinstance(services, dict):
        raise UserError(f"{where}: missing monthlyTotal, byService or usage")
    keys = usage_keys()
    unknown = sorted(set(usage) - set(keys))
    missing = sorted(set(keys) - set(usage))
    if unknown or missing:
        raise UserError(f"{where}: usage keys differ from this version's ({'unknown ' + unknown[0] if unknown else 'missing ' + missing[0]})")
    values = {}
    for name, value in usage.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise UserError(f"{where}: usage.{name}: expected a quantity >= 0, got {value!r}")
        values[name] = float(value)
    profile = str(doc.get("profile", "custom"))
    return CostBaseline(args.cost_baseline, float(total), {str(k): float(v) for k, v in services.items()},
                        Usage(profile, values, (), f"as recorded in {args.cost_baseline}"))


def review(baseline: CostBaseline | None, run: RunResult, threshold: float | None) -> CostReview | None:
    if baseline is None:
        return None
    result = estimate(run, baseline.usage, load_prices())
    return CostReview(baseline, result.total, result.by("service"), threshold)


def print_text(result: CostReview | None, console: Console) -> None:
    if result is None:
        return
    style = "red" if result.violates else "cyan"
    console.print(f"\n[bold]Cost:[/] [{style}]{escape(result.message())}[/]", soft_wrap=True)


def json_fields(result: CostReview) -> dict[str, Any]:
    return {"cost": {
        "baseline": result.baseline.path, "baselineMonthly": result.baseline.total, "monthly": result.total,
        "monthlyDifference": result.difference, "byService": result.service_changes(),
        "maxMonthlyIncrease": result.threshold, "violation": result.violates,
    }}


def add_to_document(document: dict[str, Any], fmt: str, result: CostReview | None, location: str, stack_urn: str | None) -> None:
    if result is None:
        return
    if fmt == "json":
        document.update(json_fields(result))
    else:
        add_to_sarif(document, result, location, stack_urn)


def add_to_sarif(document: dict[str, Any], result: CostReview, location: str, stack_urn: str | None) -> None:
    """One result for the cost change: a note, or an error when the increase is above the threshold. Built with
    the shared SARIF builder (its checks apply), then appended to the check's run."""
    extra = sarif.build_sarif("cost", "1", None, [sarif.SarifRule(
        id=RULE_ID, name=RULE_ID,
        short_description="Monthly cost change of the plan against the base branch's estimate",
        full_description="The difference between the pull request's estimated monthly AWS cost and the base branch's (pulumi-baseline cost).",
        help_text="Review the cost lines that changed (pulumi-baseline cost); raise --max-monthly-increase if the increase is intended.",
        default_level="note",
    )], [sarif.SarifResult(
        rule_id=RULE_ID, level="error" if result.violates else "note", message=result.message(),
        logical_location=stack_urn or None, artifact_uri=location,
        properties={"monthlyDifference": result.difference, "monthly": result.total, "baselineMonthly": result.baseline.total},
    )])
    run = document["runs"][0]
    rules = run["tool"]["driver"].setdefault("rules", [])
    rules.append(extra["runs"][0]["tool"]["driver"]["rules"][0])
    added = extra["runs"][0]["results"][0]
    added["ruleIndex"] = len(rules) - 1
    run.setdefault("results", []).append(added)
