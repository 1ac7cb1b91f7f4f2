"""`pulumi-baseline cost`: the monthly cost of a stack's plan (or of an organization's stacks), offline.

Runs the program under the engine exactly as preview does (without printing the plan), prices the
registrations with the price table and a usage profile, and reports totals by service and region, the dominant
drivers with their formulas, what-if lines and the assumptions. Exit 0, or 2 on bad input (nothing written).
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from aws_logging_baseline.cli.output_files import check_output_path, write_json_atomically
from aws_logging_baseline.cli.preview_command import add_program_options, check_program_options, fixture_path, write_export
from aws_logging_baseline.cli.report import wide_console
from aws_logging_baseline.cost import report
from aws_logging_baseline.cost.prices import PRICES, PriceTable, load_prices
from aws_logging_baseline.cost.pricing import Estimate, estimate, plan_of, price_plan, setting
from aws_logging_baseline.cost.usage import DEFAULT_PROFILE, Usage, load_usage, profile_names
from aws_logging_baseline.cost.whatif import what_ifs
from aws_logging_baseline.offline.fixture import AccountFixture
from aws_logging_baseline.offline.stacks import fixture_for, is_pattern, matching_stacks
from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.engine import RunResult, run_program
from aws_logging_baseline.offline.project import load_project

FORMATS = ("text", "json")
DESCRIPTION = (
    "Run the program offline (as preview does) and estimate the plan's monthly AWS cost: per service and region, "
    "the dominant drivers first with each line's formula (quantity × unit price), what-if lines (the plan re-priced "
    "with one setting changed) and the assumptions. Fixed quantities come from the plan, usage-driven ones from a "
    "usage profile (--profile) and --usage FILE. --stack '*' prices every stack of the program (an organization) "
    "with member stacks counted --member-accounts times. Exit 0, or 2 on bad input (nothing is written then)."
)


def register(subparsers) -> None:
    parser = subparsers.add_parser("cost", help="estimate the monthly AWS cost of the plan (offline)", description=DESCRIPTION)
    add_program_options(parser)
    parser.add_argument("--usage", metavar="FILE", help="YAML of usage quantities overriding the profile's (keys: aws_logging_baseline/cost/usage_profiles.yaml)")
    parser.add_argument("--profile", default=DEFAULT_PROFILE, choices=profile_names(), help=f"usage profile (default: {DEFAULT_PROFILE})")
    parser.add_argument("--prices", metavar="FILE", default=None, help="price table YAML (default: the package's catalog/prices.yaml)")
    parser.add_argument("--member-accounts", type=int, default=1, metavar="N",
                        help="with --stack '*': how many accounts each member stack stands for (default: 1)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    parser.add_argument("--output", metavar="FILE", help="write the json report to FILE instead of stdout (written whole or not at all)")
    parser.set_defaults(handler=handler)


def _check_options(args: argparse.Namespace) -> tuple[dict, Usage, PriceTable]:
    if args.output is not None and args.format != "json":
        raise UserError("--output: only the json report is written to a file; add --format json")
    check_output_path(args.output, "--output")
    if args.member_accounts < 0:
        raise UserError(f"--member-accounts: a number of accounts cannot be negative, got {args.member_accounts}")
    overrides = check_program_options(args)
    usage = load_usage(args.profile, args.usage)
    prices = load_prices(Path(args.prices) if args.prices else PRICES)
    return overrides, usage, prices


def _run(args: argparse.Namespace, stack: str, overrides: dict, account: Path) -> RunResult:
    return run_program(args.program, stack, account, config_overrides=overrides)


def _emit(args: argparse.Namespace, doc: dict[str, Any], console: Console) -> None:
    if args.format == "json":
        if args.output is not None:
            write_json_atomically(args.output, doc, "--output")
            console.print(f"json report written to {args.output}")
        else:
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")


def handler(args: argparse.Namespace) -> int:
    overrides, usage, prices = _check_options(args)
    console = wide_console(stderr=args.format == "json" and args.output is None)
    if is_pattern(args.stack):
        return _organization(args, overrides, usage, prices, console)
    if args.member_accounts != 1:
        raise UserError("--member-accounts: only with a --stack pattern such as '*' (an organization's stacks)")
    run = _run(args, args.stack, overrides, fixture_path(args))
    write_export(args, run)
    result = estimate(run, usage, prices)
    changes = what_ifs(result)
    title = f"Monthly cost of stack {run.stack} (project {run.project.name})"
    if args.format == "text":
        report.print_text(result, changes, title, console)
    _emit(args, report.document(result, changes, {"project": run.project.name, "stack": run.stack}), console)
    return 0


# --- an organization: every stack of the program ------------------------------------------------------------------


def _stacks(args: argparse.Namespace) -> list[str]:
    return matching_stacks(args.program, args.stack)


def _account_for(args: argparse.Namespace, stack: str) -> Path | AccountFixture:
    account = fixture_for(args.account, stack)
    return Path(account) if account is not None else fixture_path(args)


def organization_estimates(runs: dict[str, RunResult], usage: Usage, prices: PriceTable, member_accounts: int) -> dict[str, Any]:
    """Each stack priced once per account it stands for: member stacks count `member_accounts` times, and an
    organization trail records every account (the other stacks plus the members)."""
    roles = {name: str(setting(run, "role") or "standalone") for name, run in runs.items()}
    members = [n for n, r in roles.items() if r == "member"]
    others = len(runs) - len(members)

    def total(n: int) -> tuple[float, dict[str, Estimate]]:
        accounts = others + n * len(members)
        estimates = {name: price_plan(plan_of(run, accounts), usage, prices) for name, run in runs.items()}
        return sum(sum(l.monthly for l in e.lines) * (n if roles[name] == "member" else 1) for name, e in estimates.items()), estimates

    grand, estimates = total(member_accounts)
    without_members, _ = total(0)
    doubled, _ = total(2 * member_accounts) if member_accounts else (without_members, None)
    per_member = round((grand - without_members) / member_accounts, 2) if member_accounts else None
    per_member_doubled = round((doubled - without_members) / (2 * member_accounts), 2) if member_accounts else None
    return {"roles": roles, "estimates": estimates, "total": round(grand, 2), "withoutMembers": round(without_members, 2),
            "perMemberAccount": per_member, "perMemberAccountAtDouble": per_member_doubled, "members": members}


def _organization(args: argparse.Namespace, overrides: dict, usage: Usage, prices: PriceTable, console: Console) -> int:
    if args.json is not None:
        raise UserError("--json: a plan export is for one stack; drop it with --stack patterns")
    runs = {stack: _run(args, stack, overrides, _account_for(args, stack)) for stack in _stacks(args)}
    n = args.member_accounts
    org = organization_estimates(runs, usage, prices, n)
    project = next(iter(runs.values())).project.name
    if args.format == "text":
        table = Table(title=f"Monthly cost of the organization (project {project}, {n} member account{'s' if n != 1 else ''}, usage {usage.source})")
        for column in ("stack", "role", "accounts", "per account", "subtotal"):
            table.add_column(column, justify="left" if column in ("stack", "role") else "right")
        for name, e in org["estimates"].items():
            count = n if org["roles"][name] == "member" else 1
            table.add_row(name, org["roles"][name], str(count), report.money(e.total), report.money(e.total * count))
        table.add_row("[bold]total[/]", "", "", "", f"[bold]{report.money(org['total'])}[/]", end_section=True)
        console.print(table)
        if org["members"] and n:
            console.print(
                f"Per member account: {report.money(org['perMemberAccount'])} at {n} members, "
                f"{report.money(org['perMemberAccountAtDouble'])} at {2 * n}: (total − total without members) / members; "
                "it does not grow with the number of members."
            )
        for name, e in org["estimates"].items():
            top = ", ".join(f"{l.service} {l.item} {report.money(l.monthly)}" for l in e.lines[:3])
            console.print(f"  {name}: {top}", style="dim")
    doc = {
        "kind": report.DOCUMENT_KIND, "version": report.DOCUMENT_VERSION, "project": project, "stacks": [
            {**report.document(e, [], {"stack": name}), "role": org["roles"][name], "accounts": n if org["roles"][name] == "member" else 1}
            for name, e in org["estimates"].items()
        ],
        "memberAccounts": n, "monthlyTotal": org["total"], "perMemberAccount": org["perMemberAccount"],
        "perMemberAccountAtDouble": org["perMemberAccountAtDouble"],
    }
    _emit(args, doc, console)
    return 0
