"""Render an audit report as text (terminal or pipe), JSON, or SARIF 2.1.0."""

from functools import lru_cache
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from aws_logging_baseline.audit import AuditReport
from aws_logging_baseline.audit.controls import CONTROLS, DEPLOYED_BY, Deployment
from aws_logging_baseline.cli.sarif import SarifResult, SarifRule, build_sarif, level_for_severity, security_severity

TOOL_NAME = "baseline-audit"
TOOL_VERSION = "0.1.0"
REPO_ROOT = Path(__file__).resolve().parents[2]
_STYLE = {"pass": "green", "fail": "bold red", "unknown": "yellow"}


def to_json(report: AuditReport) -> dict[str, Any]:
    return {"tool": TOOL_NAME, "version": TOOL_VERSION, "account": report.account_id, "regions": report.regions,
            "summary": report.counts(), "findings": [f.to_dict() for f in report.findings]}


@lru_cache(maxsize=None)
def deployment_line(deployment: Deployment) -> int | None:
    """The line of the repository file that deploys a control (the one line holding its anchor), or None when
    the file is not there (an installed package without the repository) or the anchor is not on exactly one line."""
    try:
        text = (REPO_ROOT / deployment.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = [number for number, line in enumerate(text.splitlines(), 1) if deployment.anchor in line]
    return lines[0] if len(lines) == 1 else None


def to_sarif(report: AuditReport) -> dict[str, Any]:
    rules = [SarifRule(id=c.id, name=c.id, short_description=c.title, full_description=c.title, help_text=c.remediation,
                       default_level=level_for_severity(c.severity),
                       properties={"tags": ["security", "aws", "logging-and-monitoring"], "severity": c.severity,
                                   "security-severity": security_severity(c.severity), "frameworks": c.frameworks})
             for c in CONTROLS.values()]
    # Passing checks are left out: every SARIF result is an alert to a consumer such as code scanning.
    results = [SarifResult(rule_id=f.control, message=f.message, logical_location=f"{f.region}/{f.resource}",
                           logical_name=f.resource,
                           artifact_uri=DEPLOYED_BY[f.control].path,
                           start_line=deployment_line(DEPLOYED_BY[f.control]),
                           kind="fail" if f.status == "fail" else "open",
                           level=level_for_severity(CONTROLS[f.control].severity) if f.status == "fail" else "none",
                           properties={"status": f.status, "region": f.region, "resource": f.resource,
                                       "account": report.account_id})
               for f in report.findings if f.status != "pass"]
    return build_sarif(TOOL_NAME, TOOL_VERSION, None, rules, results)


def print_text(report: AuditReport, console: Console) -> None:
    """One line per finding, failures first, then a summary; colour only on a terminal."""
    order = {"fail": 0, "unknown": 1, "pass": 2}
    for f in sorted(report.findings, key=lambda f: order[f.status]):
        console.print(f"[{_STYLE[f.status]}]{f.status.upper():7}[/] {f.control}  {f.region}  {escape(f.resource)}  "
                      f"{escape(f.message)}", soft_wrap=True, highlight=False)
    counts = report.counts()
    console.print(f"\naccount {report.account_id}, {len(report.regions)} region(s): {counts['pass']} pass, "
                  f"{counts['fail']} fail, {counts['unknown']} unknown", highlight=False)
