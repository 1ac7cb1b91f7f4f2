"""Render an audit report as text (terminal or pipe), JSON, or SARIF 2.1.0."""

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.markup import escape

from aws_logging_baseline.audit import AuditReport
from aws_logging_baseline import PROJECT_URL
from aws_logging_baseline.audit.controls import CONTROLS, help_url
from aws_logging_baseline.audit.locations import ConfigFile
from aws_logging_baseline.cli.sarif import SarifResult, SarifRule, build_sarif, level_for_severity, security_severity

TOOL_NAME = "baseline-audit"
TOOL_VERSION = "0.1.0"
_STYLE = {"pass": "green", "fail": "bold red", "unknown": "yellow"}


def to_json(report: AuditReport) -> dict[str, Any]:
    return {"tool": TOOL_NAME, "version": TOOL_VERSION, "account": report.account_id, "regions": report.regions,
            "summary": report.counts(), "findings": [f.to_dict() for f in report.findings]}


def logical_location(account: str, region: str, resource: str) -> str:
    """A finding's logical location: the account, the region ('global' for account-wide) and the resource. The
    account makes the alerts of several accounts uploaded to one repository distinct (fingerprints derive from it)."""
    return f"{account}/{region}/{resource}"


def place(control: str, config: ConfigFile | None) -> tuple[str | None, int | None, str | None]:
    """Where a finding of `control` points: (uri, line, the setting on that line) in the user's stack file
    (audit/locations.py), or nothing without one."""
    if config is None:
        return None, None, None
    line, setting = config.locate(control)
    return config.uri, line, setting


def sarif_rules() -> list[SarifRule]:
    return [SarifRule(id=c.id, name=c.id, short_description=c.title, full_description=c.title, help_text=c.remediation,
                      default_level=level_for_severity(c.severity), help_uri=help_url(c.id),
                      properties={"tags": ["security", "aws", "logging-and-monitoring"], "severity": c.severity,
                                  "security-severity": security_severity(c.severity), "frameworks": c.frameworks})
            for c in CONTROLS.values()]


def to_sarif(report: AuditReport, config: ConfigFile | None = None) -> dict[str, Any]:
    """One rule per control, one result per failed or unknown finding, pointing into `config` (the user's stack
    file) when given; without it, results have only their logical location (not for code scanning)."""
    results = []
    for f in report.findings:
        if f.status == "pass":  # every SARIF result is an alert to a consumer such as code scanning
            continue
        uri, line, setting = place(f.control, config)
        results.append(SarifResult(
            rule_id=f.control, message=f.message, logical_location=logical_location(report.account_id, f.region, f.resource),
            logical_name=f.resource, artifact_uri=uri, start_line=line,
            kind="fail" if f.status == "fail" else "open",
            level=level_for_severity(CONTROLS[f.control].severity) if f.status == "fail" else "none",
            properties={"status": f.status, "region": f.region, "resource": f.resource, "account": report.account_id,
                        **({"setting": setting} if setting else {})}))
    return build_sarif(TOOL_NAME, TOOL_VERSION, PROJECT_URL, sarif_rules(), results, require_artifact=config is not None)


WIDTH = 100
_ORDER = {"fail": 0, "unknown": 1, "pass": 2}


def control_rows(report: AuditReport) -> list[tuple[str, str, str]]:
    """One (status, control, where-and-why) row per control: its worst status, then where it stands, regions
    grouped ('all 17 regions', 'us-east-1, eu-west-1 of 17 regions'), and the first problem's message."""
    by_control: dict[str, list] = {}
    for finding in report.findings:
        by_control.setdefault(finding.control, []).append(finding)
    rows = []
    for control, findings in by_control.items():
        status = min((f.status for f in findings), key=_ORDER.__getitem__)
        regions = sorted({f.region for f in findings})
        if status == "pass":
            where = "account-wide" if regions == ["global"] else f"all {len(regions)} region(s)"
            rows.append((status, control, where))
            continue
        problems = [f for f in findings if f.status == status]
        places = sorted({f.region for f in problems})
        scope = ("account-wide" if places == ["global"] else
                 f"{', '.join(places[:4])}{f' +{len(places) - 4} more' if len(places) > 4 else ''} of {len(regions)} region(s)")
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        rows.append((status, control, f"{scope}: {problems[0].message}{more}"))
    order = {control: index for index, control in enumerate(CONTROLS)}
    return sorted(rows, key=lambda row: (_ORDER[row[0]], order.get(row[1], len(order))))


def print_text(report: AuditReport, console: Console) -> None:
    """One row per control, failures first, regions grouped, at most 100 columns; colour only on a terminal."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("status", no_wrap=True)
    table.add_column("control", no_wrap=True)
    table.add_column("where and why", overflow="fold")
    for status, control, detail in control_rows(report):
        table.add_row(f"[{_STYLE[status]}]{status.upper()}[/]", control, escape(detail))
    console.print(table, width=min(console.width, WIDTH), highlight=False)
    counts = report.counts()
    console.print(f"account {report.account_id}, {len(report.regions)} region(s): {counts['pass']} pass, "
                  f"{counts['fail']} fail, {counts['unknown']} unknown", highlight=False)
