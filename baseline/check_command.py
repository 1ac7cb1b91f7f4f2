"""`python -m baseline check`: the offline plan, then the policy pack's verdict on it, as `pulumi preview
--policy-pack` would give it. Exit 0 when no mandatory policy is violated, 1 when one is, 2 on bad input."""

import argparse
import json
import sys
import time
from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.markup import escape

from baseline import sarif
from baseline.crossguard import CheckResult, PolicyPackProcess, load_policy_config
from baseline.engine import RunResult
from baseline.errors import EXIT_FINDINGS, EXIT_OK, UserError
from baseline.output_files import write_json_atomically
from baseline.preview_command import REPO_ROOT, add_program_options, run_and_report
from baseline.report import wide_console

FORMATS = ("text", "json", "sarif")
INFORMATION_URI = "https://github.com/pulumi/pulumi-policy"


def run_check(args: argparse.Namespace, console: Console) -> tuple[RunResult, CheckResult, dict[str, float]]:
    """The engine, then the pack (always stopped). Bad input surfaces before the program runs."""
    user_config = load_policy_config(args.policy_config) if args.policy_config else None
    pack = PolicyPackProcess(args.policy_pack)  # checks PulumiPolicy.yaml before the engine runs
    started = time.perf_counter()
    run = run_and_report(args, console)
    engine_seconds = time.perf_counter() - started
    with pack:
        result = pack.check(run, user_config, f"--policy-config {args.policy_config}")
    timings = {
        "engine": engine_seconds,
        "packStart": result.start_seconds,
        "policies": result.analyze_seconds,
        "total": time.perf_counter() - started,
    }
    return run, result, timings


def grouped(result: CheckResult) -> dict[str, list]:
    """Violations by policy, mandatory policies first, in the pack's order."""
    order = {p.name: i for i, p in enumerate(result.policies)}
    groups: dict[str, list] = defaultdict(list)
    for violation in result.violations:
        groups[violation.policy].append(violation)
    return dict(sorted(groups.items(), key=lambda kv: (kv[1][0].enforcement != "mandatory", order.get(kv[0], 1_000))))


def print_text(result: CheckResult, console: Console) -> None:
    meta = {p.name: p for p in result.policies}
    console.print()
    console.print(f"[bold]Policies:[/] {escape(result.pack_name)}@v{escape(result.pack_version)} (local: {escape(str(result.pack_dir))})")
    if not result.violations:
        console.print(f"    [green]no violations[/] ({len(result.policies)} policies)")
    for name, violations in grouped(result).items():
        level = violations[0].enforcement
        style = "red" if level == "mandatory" else "yellow"
        severity = meta[name].severity if name in meta else violations[0].severity
        console.print(f"    [{style}]{escape(f'[{level}]')}[/]  [bold]{escape(name)}[/] ({severity}, {len(violations)} violation"
                      f"{'s' if len(violations) != 1 else ''})")
        console.print(f"        {escape(violations[0].description)}")
        for violation in violations:
            console.print(f"        - {escape(violation.urn or '(stack)')}", style="dim")
            console.print(f"          {escape(violation.message)}")
        if name in meta and meta[name].remediation:
            console.print(f"        remediation: {escape(meta[name].remediation)}", style="cyan")


def summary(result: CheckResult) -> dict[str, int]:
    return {
        "policies": len(result.policies),
        "mandatory": len(result.mandatory),
        "advisory": len([v for v in result.violations if v.enforcement == "advisory"]),
    }


def json_document(run: RunResult, result: CheckResult, timings: dict[str, float]) -> dict[str, Any]:
    return {
        "pack": {"name": result.pack_name, "version": result.pack_version, "dir": str(result.pack_dir)},
        "stack": run.stack,
        "project": run.project.name,
        "resources": len(run.resources),
        "summary": summary(result),
        "violations": [
            {"policy": v.policy, "enforcement": v.enforcement, "severity": v.severity, "urn": v.urn, "message": v.message}
            for v in result.violations
        ],
        "policies": [
            {"name": p.name, "type": p.policy_type, "enforcement": result.config.get(p.name, {}).get("enforcementLevel", p.enforcement),
             "severity": p.severity, "framework": p.framework, "config": result.config.get(p.name, {}).get("properties", {}),
             "notApplicable": result.not_applicable.get(p.name)}
            for p in result.policies
        ],
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }


def sarif_document(result: CheckResult) -> dict[str, Any]:
    rules = [
        sarif.SarifRule(
            id=p.name,
            name=p.name,
            short_description=p.description,
            full_description=f"{p.description} ({p.framework.get('reference', '')})",
            help_text=p.remediation or p.description,
            default_level="error" if result.config.get(p.name, {}).get("enforcementLevel") == "mandatory" else "warning",
            properties={"tags": p.tags, "security-severity": sarif.security_severity(p.severity or "medium"),
                        "severity": p.severity, "policyType": p.policy_type, "framework": p.framework},
        )
        for p in result.policies
    ]
    results = [
        sarif.SarifResult(
            rule_id=v.policy,
            level="error" if v.enforcement == "mandatory" else "warning",
            message=v.message,
            logical_location=v.urn or None,
            properties={"enforcementLevel": v.enforcement, "severity": v.severity},
        )
        for v in result.violations
        if v.policy in {p.name for p in result.policies}
    ]
    return sarif.build_sarif(result.pack_name, result.pack_version, INFORMATION_URI, rules, results)


def handler(args: argparse.Namespace) -> int:
    if args.output and args.format == "text":
        raise UserError("--output: only with --format json or --format sarif")
    machine = args.format != "text" and not args.output
    console = wide_console(stderr=machine)  # stdout carries only the document when no --output is given
    run, result, timings = run_check(args, console)
    if args.format == "text":
        print_text(result, console)
    else:
        document = json_document(run, result, timings) if args.format == "json" else sarif_document(result)
        if args.output:
            write_json_atomically(args.output, document, "--output")
            print_text(result, console)
            console.print(f"{args.format} report written to {args.output}")
        else:
            sys.stdout.write(json.dumps(document, indent=2) + "\n")
    counts = summary(result)
    console.print(
        f"\n{counts['mandatory']} mandatory and {counts['advisory']} advisory violation(s) from {counts['policies']} policies; "
        f"engine {timings['engine']:.2f}s, pack start {timings['packStart']:.2f}s, policies {timings['policies']:.2f}s"
    )
    return EXIT_FINDINGS if result.mandatory else EXIT_OK


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="run the program offline, then the policy pack on it (as pulumi preview --policy-pack)",
        description=__doc__,
    )
    add_program_options(parser)
    parser.add_argument("--policy-pack", default=str(REPO_ROOT / "policies"), metavar="DIR",
                        help="policy pack directory (default: this repository's policies/)")
    parser.add_argument("--policy-config", metavar="FILE",
                        help="policy config JSON, as `pulumi preview --policy-pack-config`: {\"all\": level, \"<policy>\": level | {...}}")
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    parser.add_argument("--output", metavar="FILE", help="write the json or sarif report to FILE (written whole or not at all)")
    parser.set_defaults(handler=handler)
