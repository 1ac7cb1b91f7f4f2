"""`pulumi-baseline preview`: run a program offline and print the plan (and optionally export it)."""

import argparse
import re
import sys
from pathlib import Path
from typing import Callable

from rich.console import Console

from aws_logging_baseline.offline.engine import RunObserver, RunResult, run_program
from aws_logging_baseline.offline.fixture import AccountFixture, generated_fixture
from aws_logging_baseline.offline.stacks import is_pattern
from aws_logging_baseline.offline.export import export_document
from aws_logging_baseline.cli.main import command_name
from aws_logging_baseline.errors import UserError
from aws_logging_baseline.cli.output_files import check_output_path, write_json_atomically
from aws_logging_baseline.offline.project import parse_override
from aws_logging_baseline.echo import echo
from aws_logging_baseline.cli.report import TREE_VIEWS, print_plan, wide_console

JSON_HELP = "write the plan export (the shape of `pulumi stack export`) to FILE (written whole or not at all)"
DESCRIPTION = (
    "Run a Pulumi Python program offline, under the Pulumi SDK's mock monitor, and print its plan: the resource "
    "tree and two summary tables (resources by region and service, resources by type). With --json FILE the plan "
    "is also written as an export. Exit 0 on success, 2 on bad input (nothing is written then)."
)


def add_program_options(parser: argparse.ArgumentParser, json_help: str = JSON_HELP) -> None:
    """Options shared by preview and check."""
    parser.add_argument(
        "--program", default=None,
        help="directory of the Pulumi Python program (default: the current directory if it has a Pulumi.yaml, as "
             "`pulumi preview` uses it, else this repository's program when run from a checkout)",
    )
    parser.add_argument("--stack", default="example",
                        help="stack name: reads Pulumi.<stack>.yaml in PROGRAM (or its stackConfigDir) (default: "
                             "example); check also takes a glob ('*', 'member-*') and checks every matching stack")
    parser.add_argument(
        "--account",
        default=None,
        help="account fixture answering AWS lookups (account id, partition, VPCs per region, organization, "
             "outputs of referenced stacks; default: PROGRAM/examples/account.yaml, else a generated example "
             "account with one VPC per region, announced); "
             "with check --stack PATTERN, a directory holding <stack>.yaml for each stack",
    )
    parser.add_argument(
        "-c", "--config", action="append", default=[], metavar="KEY=VALUE",
        help="override a stack config value, as `pulumi preview --config` (repeatable; the text is read as the key's declared type: true/false, integers, [a, b] arrays)",
    )
    parser.add_argument("--json", metavar="FILE", help=json_help)
    parser.add_argument("--tree", choices=TREE_VIEWS, default="collapsed",
                        help="collapsed (default): one line per component or group of like components, and resources "
                             "by service; full: every resource, and the two summary tables (by region and service, by "
                             "type); none: only those two tables")
    parser.add_argument("--no-tree", action="store_const", const="none", dest="tree",
                        help="the same as --tree none: print only the two summary tables (by region and service, by type)")


GENERATED_NOTICE = (
    "no --account given and no {local}: answering AWS lookups from a generated account fixture (account {account}, "
    "one VPC in each of {regions} regions); --account FILE describes your account (format: examples/account.yaml "
    "in the project's repository)"
)


def fixture_path(args: argparse.Namespace) -> Path | AccountFixture:
    """--account, else the program's examples/account.yaml, else a generated fixture (see `fixture_notice`)."""
    if args.account:
        return Path(args.account)
    local = Path(args.program) / "examples" / "account.yaml"
    return local if local.is_file() else generated_fixture()


def fixture_notice(args: argparse.Namespace, fixture: AccountFixture) -> str:
    local = Path(args.program) / "examples" / "account.yaml"
    return GENERATED_NOTICE.format(local=local, account=fixture.account_id, regions=len(fixture.vpcs))


# The repository's own program, when the package runs from a checkout (make installs it editable).
CHECKOUT = Path(__file__).resolve().parents[2]


def default_program() -> str:
    """The current directory when it holds a project, as `pulumi preview` uses it; else, from a checkout, the
    repository's example program; else (an installed package) a clear error naming --program."""
    here = Path.cwd()
    for candidate in (here, CHECKOUT):
        if (candidate / "Pulumi.yaml").is_file():
            return str(candidate)
    raise UserError(f"--program: {here} has no Pulumi.yaml; run from a Pulumi project directory or name one "
                    f"with --program DIR")


def check_program_options(args: argparse.Namespace) -> dict:
    """What can be checked before the program runs without running anything: the --json path (so a bad one
    fails now, not after the run) and the -c overrides. Returns the overrides. Also settles --program."""
    if args.program is None:
        args.program = default_program()
    # A stack name becomes part of a file name (Pulumi.<stack>.yaml): Pulumi's characters only, no path; check and
    # cost also take a glob of them (* ? [ ]), matched against the program's stack files (offline/stacks.py).
    if not re.fullmatch(r"[A-Za-z0-9_*?\[\]-][A-Za-z0-9_.*?\[\]-]{0,99}", args.stack):
        raise UserError(f"--stack {echo(args.stack)}: a stack name is 1 to 100 letters, digits, - _ . "
                        "(not starting with .), or with check and cost a glob of them")
    check_output_path(args.json, "--json")
    return dict(parse_override(item) for item in args.config)


def run_and_print(args: argparse.Namespace, console: Console, overrides: dict | None = None,
                  observer: RunObserver | None = None, ran: Callable[[RunResult], None] | None = None) -> RunResult:
    """Run the program and print its plan; the --json export is the caller's to write (`write_export`).
    `observer` is told of each resource as it registers, and `ran` of the run before its plan is printed (check
    streams the resources to the policy pack, and hands it the stack to judge while the plan prints)."""
    if overrides is None:
        overrides = check_program_options(args)
    fixture = fixture_path(args)
    result = run_program(args.program, args.stack, fixture, config_overrides=overrides, observer=observer)
    if ran is not None:
        ran(result)
    print_plan(result, console, view=args.tree)
    if isinstance(fixture, AccountFixture):  # said once the run succeeded: bad input stays one line
        print(fixture_notice(args, fixture), file=sys.stderr)
    return result


def write_export(args: argparse.Namespace, result: RunResult) -> None:
    if args.json is not None:
        write_json_atomically(args.json, export_document(result), "--json")


def handler(args: argparse.Namespace) -> int:
    if is_pattern(args.stack):
        raise UserError(f"--stack {echo(args.stack)}: preview takes one stack; `check --stack PATTERN` checks many")
    overrides = check_program_options(args)
    console = wide_console()
    result = run_and_print(args, console, overrides)
    write_export(args, result)
    console.print(f"offline preview of stack [bold]{result.stack}[/]: {len(result.resources)} registrations in {result.seconds:.2f}s")
    if args.json is not None:
        console.print(f"export written to {args.json}")
    console.print(f"next: `{command_name()} check --stack {result.stack}` (policies), "
                  f"`pulumi up --stack {result.stack}` (deploy)", width=100)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "preview", help="run the program offline under mocks and print the plan", description=DESCRIPTION
    )
    add_program_options(parser)
    parser.set_defaults(handler=handler)
