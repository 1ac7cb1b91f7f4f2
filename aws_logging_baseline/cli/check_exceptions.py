"""Governed exceptions in `check`: read before the run, applied to the pack's verdict, shown in every format.

A violation's resource pattern is matched against its URN and its name (the URN's last part); a stack policy's
violation is about the stack (its URN). See aws_logging_baseline/policy_exceptions.py for the format.
"""

import argparse
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from aws_logging_baseline import policy_exceptions as pe
from aws_logging_baseline.cli import sarif
from aws_logging_baseline.offline.crossguard import CheckResult, PolicyInfo, Violation

FLAG = "--exceptions"
HELP = ("governed exceptions (YAML, `exceptions:` list of policy, resource, owner, reason, expires); default: the "
        "policy pack's exceptions.yaml. Entries under \"exceptions\" in --policy-config are added")


@dataclass
class ExceptedCheckResult(CheckResult):
    """The pack's verdict after the exceptions: `violations` are what still counts (plus exception problems)."""

    excepted: list[tuple[Violation, pe.PolicyException]] = field(default_factory=list)
    exceptions: list[pe.PolicyException] = field(default_factory=list)
    today: dt.date = field(default_factory=pe.today_utc)


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(FLAG, metavar="FILE", help=HELP)


def collect(args: argparse.Namespace, user_config: dict[str, Any] | None, config_source: str) -> list[tuple[str, Any]]:
    """(source label, raw entry) from the exceptions file and the policy config (whose `exceptions` key is
    removed: the pack has no such policy). A file that cannot be read as YAML is bad input, up front."""
    chosen = getattr(args, "exceptions", None)
    path = Path(chosen) if chosen else Path(args.policy_pack) / "exceptions.yaml"
    entries = [(f"{path.name} entry {i}", e) for i, e in enumerate(pe.read_file(path, FLAG, required=bool(chosen)), 1)]
    if user_config is not None:
        entries += [(f"--policy-config exceptions entry {i}", e)
                    for i, e in enumerate(pe.from_policy_config(user_config, config_source), 1)]
    return entries


def _names(violation: Violation) -> list[str]:
    return [violation.urn, violation.urn.rsplit("::", 1)[-1]] if violation.urn else []


def _rule_info(rule: str) -> PolicyInfo:
    enforcement, severity, description, remediation = pe.RULES[rule]
    return PolicyInfo(name=rule, description=description, enforcement=enforcement, severity=severity,
                      policy_type="stack", framework={"reference": "governed exceptions (docs/pr-review.md)"},
                      tags=["governance"], remediation=remediation, config_schema={}, required=[])


def apply(result: CheckResult, entries: list[tuple[str, Any]], today: dt.date | None = None) -> ExceptedCheckResult:
    today = today or pe.today_utc()
    exceptions, problems = pe.parse(entries, [p.name for p in result.policies])
    outcome = pe.apply(result.violations, exceptions, problems, lambda v: (v.policy, _names(v)), today)
    added = [Violation(policy=p.rule, enforcement=p.enforcement, severity=pe.RULES[p.rule][1], urn="",
                       message=p.message, description=pe.RULES[p.rule][2]) for p in outcome.problems]
    values = {f.name: getattr(result, f.name) for f in dataclasses.fields(CheckResult)}
    rules = sorted({p.rule for p in outcome.problems})  # the exception rules appear only when they report
    values.update(violations=outcome.kept + added, policies=[*result.policies, *map(_rule_info, rules)])
    values["config"] = {**result.config, **{rule: {"enforcementLevel": pe.RULES[rule][0], "properties": {}}
                                            for rule in rules}}
    return ExceptedCheckResult(**values, excepted=outcome.excepted, exceptions=exceptions, today=today)


def print_excepted(result: CheckResult, console: Console) -> None:
    if not isinstance(result, ExceptedCheckResult) or not result.excepted:
        return
    console.print(f"    [cyan]excepted[/] ({len(result.excepted)} violation{'s' if len(result.excepted) != 1 else ''}, "
                  "governed exceptions; they do not fail the run)")
    for violation, exception in result.excepted:
        console.print(f"        - {escape(violation.policy)} on {escape(violation.urn or '(stack)')}", style="dim")
        console.print(f"          {escape(violation.message)}")
        console.print(f"          excepted: owner {escape(exception.owner)}, reason {escape(exception.reason)}, "
                      f"{exception.days_left(result.today)} day(s) left (expires {exception.expires.isoformat()}, "
                      f"{escape(exception.source)})", style="cyan")


def json_section(result: CheckResult) -> dict[str, Any]:
    if not isinstance(result, ExceptedCheckResult):
        return {}
    return {
        "excepted": [
            {"policy": v.policy, "enforcement": v.enforcement, "severity": v.severity, "urn": v.urn, "message": v.message,
             "exception": e.describe(result.today)}
            for v, e in result.excepted
        ],
        "exceptions": [e.describe(result.today) for e in result.exceptions],
    }


def sarif_results(result: CheckResult, location) -> list[sarif.SarifResult]:
    """Excepted violations as SARIF results suppressed with the exception's justification (SARIF 2.1.0 3.27.23:
    kind external, status accepted), so code scanning shows them as dismissed, not as open alerts."""
    if not isinstance(result, ExceptedCheckResult):
        return []
    results = []
    for violation, exception in result.excepted:
        artifact_uri, start_line, logical = location(violation)
        results.append(sarif.SarifResult(
            rule_id=violation.policy, level="error" if violation.enforcement == "mandatory" else "warning",
            message=violation.message, logical_location=logical, artifact_uri=artifact_uri, start_line=start_line,
            properties={"enforcementLevel": violation.enforcement, "severity": violation.severity,
                        "exception": exception.describe(result.today)},
            suppressions=[{"kind": "external", "status": "accepted",
                           "justification": pe.justification(exception, result.today)}],
        ))
    return results
