"""Governed exceptions in `audit`: a failed (or undecided) control on a matching resource is shown as excepted and
does not fail the run; expired or malformed exceptions fail it. The resource pattern is matched against the
finding's resource (ARN or name) and `region/resource`. Format: aws_logging_baseline/policy_exceptions.py."""

import argparse
import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from aws_logging_baseline import policy_exceptions as pe
from aws_logging_baseline.cli import sarif

FLAG = "--exceptions"
HELP = ("governed exceptions (YAML, `exceptions:` list of control, resource, owner, reason, expires under the keys "
        "policy, resource, owner, reason, expires); default: aws_logging_baseline/policies/exceptions.yaml")


@dataclass
class AuditExceptions:
    report: Any  # the AuditReport without the excepted findings
    excepted: list  # (Finding, PolicyException)
    exceptions: list[pe.PolicyException]
    problems: list[pe.ExceptionProblem]
    source_path: Path
    today: dt.date

    @property
    def failing_problems(self) -> list[pe.ExceptionProblem]:
        return [p for p in self.problems if p.enforcement == "mandatory"]


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(FLAG, metavar="FILE", help=HELP)


def read(args: argparse.Namespace) -> tuple[Path, list[tuple[str, Any]]]:
    """Read before any AWS call: a file that is not YAML is bad input."""
    chosen = getattr(args, "exceptions", None)
    path = Path(chosen) if chosen else pe.DEFAULT_FILE
    entries = pe.read_file(path, FLAG, required=bool(chosen))
    return path, [(f"{path.name} entry {i}", e) for i, e in enumerate(entries, 1)]


def apply(report, path: Path, entries: list[tuple[str, Any]], controls, today: dt.date | None = None) -> AuditExceptions:
    today = today or pe.today_utc()
    exceptions, problems = pe.parse(entries, controls)
    open_findings = [f for f in report.findings if f.status != "pass"]
    outcome = pe.apply(open_findings, exceptions, problems,
                       lambda f: (f.control, [f.resource, f"{f.region}/{f.resource}"]), today)
    excepted_ids = {id(f) for f, _ in outcome.excepted}
    kept = dataclasses.replace(report, findings=[f for f in report.findings if id(f) not in excepted_ids])
    return AuditExceptions(kept, outcome.excepted, exceptions, outcome.problems, path, today)


def print_text(result: AuditExceptions, console: Console) -> None:
    for finding, exception in result.excepted:
        console.print(f"[cyan]EXCEPTED[/] {finding.control}  {finding.region}  {escape(finding.resource)}  "
                      f"{escape(finding.message)}  [cyan]owner {escape(exception.owner)}, reason {escape(exception.reason)}, "
                      f"{exception.days_left(result.today)} day(s) left[/]", soft_wrap=True, highlight=False)
    for problem in result.problems:
        style = "bold red" if problem.enforcement == "mandatory" else "yellow"
        console.print(f"[{style}]{'FAIL' if problem.enforcement == 'mandatory' else 'NOTE':7}[/] {problem.rule}  "
                      f"{escape(problem.message)}", soft_wrap=True, highlight=False)
    if result.excepted or result.problems:
        console.print(f"{len(result.excepted)} excepted finding(s); {len(result.failing_problems)} exception(s) expired "
                      "or malformed", highlight=False)


def json_section(result: AuditExceptions) -> dict[str, Any]:
    return {
        "excepted": [{**f.to_dict(), "exception": e.describe(result.today)} for f, e in result.excepted],
        "exceptions": [e.describe(result.today) for e in result.exceptions],
        "exceptionProblems": [{"rule": p.rule, "enforcement": p.enforcement, "source": p.source, "message": p.message}
                              for p in result.problems],
    }


def extend_sarif(document: dict[str, Any], result: AuditExceptions, rule_for, place_for,
                 exceptions_location: tuple[str | None, int | None]) -> None:
    """Adds excepted findings (suppressed, with the justification) and exception problems to the audit's SARIF log.
    `rule_for(control)` gives a finding's SarifRule, `place_for(finding)` its (uri, line) in the user's repository
    and `exceptions_location` the exceptions file's; a None uri leaves the result its logical location alone."""
    from aws_logging_baseline.audit.report import logical_location

    account = result.report.account_id
    rules = {r.id: r for r in (rule_for(f.control) for f, _ in result.excepted)}
    for rule, (enforcement, severity, description, remediation) in pe.RULES.items():
        rules[rule] = sarif.SarifRule(id=rule, name=rule, short_description=description, full_description=description,
                                      help_text=remediation, default_level="error" if enforcement == "mandatory" else "note",
                                      properties={"tags": ["governance"], "severity": severity})
    results = []
    for finding, exception in result.excepted:
        artifact, line = place_for(finding)
        results.append(sarif.SarifResult(
            rule_id=finding.control, level=sarif.level_for_severity(rules[finding.control].properties.get("severity", "medium")),
            message=finding.message, logical_location=logical_location(account, finding.region, finding.resource),
            logical_name=finding.resource, artifact_uri=artifact, start_line=line,
            properties={"status": finding.status, "region": finding.region, "resource": finding.resource, "account": account,
                        "exception": exception.describe(result.today)},
            suppressions=[{"kind": "external", "status": "accepted", "justification": pe.justification(exception, result.today)}]))
    uri, line = exceptions_location
    for problem in result.problems:
        results.append(sarif.SarifResult(
            rule_id=problem.rule, level="error" if problem.enforcement == "mandatory" else "note", message=problem.message,
            logical_location=problem.source, logical_kind="module", artifact_uri=uri, start_line=line,
            properties={"source": problem.source}))
    extra = sarif.build_sarif("extra", "0", None, list(rules.values()), results, require_artifact=uri is not None)
    driver = document["runs"][0]["tool"]["driver"]
    known = {r["id"] for r in driver["rules"]}
    driver["rules"] += [r for r in extra["runs"][0]["tool"]["driver"]["rules"] if r["id"] not in known]
    index = {r["id"]: i for i, r in enumerate(driver["rules"])}
    for entry in extra["runs"][0]["results"]:
        entry["ruleIndex"] = index[entry["ruleId"]]
        document["runs"][0]["results"].append(entry)
