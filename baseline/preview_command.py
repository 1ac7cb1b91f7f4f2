"""`python -m baseline preview`: run a program offline and print the plan (and optionally export it)."""

import argparse
from pathlib import Path

from rich.console import Console

from baseline.engine import RunResult, run_program
from baseline.export import export_document
from baseline.output_files import write_json_atomically
from baseline.project import parse_override
from baseline.report import print_plan, wide_console

REPO_ROOT = Path(__file__).resolve().parent.parent


def add_program_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by preview and check."""
    parser.add_argument("--program", default=str(REPO_ROOT), help="directory of the Pulumi Python program (default: this repository)")
    parser.add_argument("--stack", default="example", help="stack name: reads PROGRAM/Pulumi.<stack>.yaml (default: example)")
    parser.add_argument(
        "--account",
        default=None,
        help="account fixture answering invokes (default: PROGRAM/examples/account.yaml, else this repository's)",
    )
    parser.add_argument(
        "-c", "--config", action="append", default=[], metavar="KEY=VALUE",
        help="override a stack config value, as `pulumi preview --config` (repeatable; value read as YAML)",
    )
    parser.add_argument("--json", metavar="FILE", help="write the export (shape of `pulumi stack export`) to FILE")
    parser.add_argument("--no-tree", action="store_true", help="print only the summary table, not the resource tree")


def fixture_path(args: argparse.Namespace) -> Path:
    if args.account:
        return Path(args.account)
    local = Path(args.program) / "examples" / "account.yaml"
    return local if local.is_file() else REPO_ROOT / "examples" / "account.yaml"


def run_and_report(args: argparse.Namespace, console: Console) -> RunResult:
    overrides = dict(parse_override(item) for item in args.config)
    result = run_program(args.program, args.stack, fixture_path(args), config_overrides=overrides)
    if args.json:
        write_json_atomically(args.json, export_document(result), "--json")
    print_plan(result, console, tree=not args.no_tree)
    return result


def handler(args: argparse.Namespace) -> int:
    console = wide_console()
    result = run_and_report(args, console)
    console.print(f"offline preview of stack [bold]{result.stack}[/]: {len(result.resources)} registrations in {result.seconds:.2f}s")
    if args.json:
        console.print(f"export written to {args.json}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "preview", help="run the program offline under mocks and print the plan", description=__doc__
    )
    add_program_options(parser)
    parser.set_defaults(handler=handler)
