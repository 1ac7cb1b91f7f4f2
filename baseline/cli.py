"""Argument parsing and the exit-code contract shared by every subcommand.

Each subcommand lives in its own module and exposes `register(subparsers)`, which adds its parser and sets
`handler` to a function `(args) -> int`. Bad input raises `UserError`: one line on stderr, exit 2.
"""

import argparse
import sys
import traceback

from baseline.errors import EXIT_USAGE, UserError


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad flags already; this keeps its message to one line naming the flag."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse hook
        self.exit(EXIT_USAGE, f"error: {self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from baseline import audit_command, check_command, preview_command

    parser = _Parser(
        prog="python -m baseline",
        description="Offline preview, offline policy check and read-only live audit of the AWS logging & monitoring baseline.",
    )
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    for module in (preview_command, check_command, audit_command):
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except UserError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
