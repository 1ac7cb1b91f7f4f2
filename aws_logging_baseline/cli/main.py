"""Argument parsing and the exit-code contract shared by every subcommand.

Each subcommand lives in its own module and exposes `register(subparsers)`, which adds its parser and sets
`handler` to a function `(args) -> int`. Bad input raises `UserError`: one line on stderr, exit 2.
"""

import argparse
import os
import sys
import traceback
from pathlib import Path

from aws_logging_baseline.errors import EXIT_USAGE, UserError

DEBUG_HELP = "show the full traceback of an error"

# The report options check and audit share, worded once so their help and errors cannot drift apart.
REPORT_FORMATS = ("text", "json", "sarif")
FORMAT_HELP = "report format: text for people, json or sarif for tools (default: text)"
OUTPUT_HELP = "write the json or sarif report to FILE instead of stdout (written whole or not at all)"
OUTPUT_NEEDS_FORMAT = "--output: only json and sarif reports are written to a file; add --format json or --format sarif"


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad flags already; this keeps its message to one line naming the flag, and the
    subcommand (`pulumi-baseline preview: unrecognized arguments: ...`) when the flag follows one."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse hook
        self.exit(EXIT_USAGE, f"error: {self.prog}: {message}\n")


class _SubcommandParser(_Parser):
    """A subcommand's parser: takes --debug too, and names itself in an unrecognized-argument error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # SUPPRESS: when absent here, the top-level parser's value (`pulumi-baseline --debug check`) stands.
        self.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        if extras:
            # argparse would hand these back to the top-level parser, which names itself, not the subcommand.
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras


def command_name() -> str:
    """What the user typed to run us (the console script or `python -m`), for help texts and next steps."""
    return "pulumi-baseline" if Path(sys.argv[0]).name == "pulumi-baseline" else "python -m aws_logging_baseline"


def seconds_argument(value: str) -> float:
    """A time limit flag (--deadline, --pack-timeout): more than 0, at most a day; one line naming the value."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value[:40]!r}") from None
    if not 0 < seconds <= 86_400:
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 86400, got {value[:40]!r}")
    return seconds


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """--format and --output, as check and audit both take them."""
    parser.add_argument("--format", choices=REPORT_FORMATS, default="text", help=FORMAT_HELP)
    parser.add_argument("--output", metavar="FILE", help=OUTPUT_HELP)


def check_report_options(args: argparse.Namespace) -> None:
    """Bad --format/--output combinations and an --output path that cannot be written: before any work."""
    from aws_logging_baseline.cli.output_files import check_output_path

    if args.output is not None and args.format == "text":
        raise UserError(OUTPUT_NEEDS_FORMAT)
    check_output_path(args.output, "--output")


def build_parser() -> argparse.ArgumentParser:
    from aws_logging_baseline.cli import audit_command, check_command, cost_command, preview_command

    parser = _Parser(
        prog=command_name(),
        description="Offline preview, offline policy check, offline cost estimate and read-only live audit of the AWS "
                    "logging & monitoring baseline.",
    )
    parser.add_argument("--debug", action="store_true", help=f"{DEBUG_HELP} (also accepted after the command)")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_SubcommandParser, metavar="COMMAND")
    for module in (preview_command, check_command, audit_command, cost_command):
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """The command. Run as a program (`argv` None), Ctrl-C also arms a watchdog and ends the process at once
    after cleanup, without waiting for threads still in a call (see interrupts.py)."""
    from aws_logging_baseline.cli import interrupts

    as_program = argv is None
    if as_program:
        interrupts.install()
    parser = build_parser()
    args = parser.parse_args(argv)
    code = _run(args, as_program)
    if as_program:
        _leave(code)
    return code


def _leave(code: int) -> None:
    """End the program without the interpreter's teardown: freeing the plan's hundreds of thousands of objects one
    by one takes ~0.7 s after every result is written and every child stopped (benchmarks/bench_cli.py)."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more to say
        pass
    os._exit(code)


def _run(args: argparse.Namespace, as_program: bool) -> int:
    from aws_logging_baseline.cli import interrupts

    try:
        return args.handler(args)
    except UserError as exc:
        if interrupts.caused_by_interrupt(exc):
            return _interrupted(as_program)
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return _interrupted(as_program)
    except Exception as exc:
        # asyncio can turn an interrupt inside the program's event loop into another error; it is still Ctrl-C.
        if interrupts.caused_by_interrupt(exc):
            return _interrupted(as_program)
        raise


def _interrupted(as_program: bool) -> int:
    from aws_logging_baseline.cli import interrupts

    if as_program:
        interrupts.exit_now(interrupts.EXIT_INTERRUPTED)  # no waiting for threads still in a call
    print("interrupted", file=sys.stderr)
    return interrupts.EXIT_INTERRUPTED
