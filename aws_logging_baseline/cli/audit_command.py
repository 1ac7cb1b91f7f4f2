"""`pulumi-baseline audit`: the read-only live audit of an AWS account (exit 0 all pass, 1 otherwise, 2 bad input)."""

import argparse
import json
import re
import sys
from pathlib import Path

from rich.console import Console

from aws_logging_baseline.cli import audit_exceptions
from aws_logging_baseline.cli.main import add_report_options, check_report_options, seconds_argument
from aws_logging_baseline.errors import EXIT_FINDINGS, EXIT_OK, UserError
from aws_logging_baseline.cli.output_files import write_json_atomically

DESCRIPTION = (
    "Read-only audit of a live AWS account against the baseline, with the standard boto3 credential chain. "
    "Bad input (flags, the --output path) is reported before any AWS call. Exit 0 when every check passes, 1 when "
    "any fails or cannot be checked, 2 on bad input or missing credentials (nothing is written then)."
)


BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
KEY_ARN = re.compile(r"arn:aws(-[a-z]+)*:kms:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:key/[A-Za-z0-9-]+")


def register(subparsers) -> None:
    parser = subparsers.add_parser("audit", help="read-only audit of a live AWS account (boto3 credential chain)",
                                   description=DESCRIPTION)
    parser.add_argument("--profile", help="AWS profile (default: the standard boto3 credential chain)")
    parser.add_argument("--regions", default="all", help="comma-separated regions, or 'all' enabled regions (default)")
    parser.add_argument("--endpoint-url", help="send every AWS call to this endpoint (e.g. a moto server)")
    add_report_options(parser)
    parser.add_argument("--archive-bucket", action="append", default=[], metavar="BUCKET",
                        help="also audit this log archive bucket (e.g. an organization trail's, owned elsewhere)")
    parser.add_argument("--log-key", action="append", default=[], metavar="KEY_ARN",
                        help="also check rotation of this KMS key")
    parser.add_argument("--workers", type=int, default=16, help="regions audited at once (default 16)")
    parser.add_argument("--deadline", type=seconds_argument, default=300.0, metavar="SECONDS",
                        help="end the audit after SECONDS; checks still waiting on AWS are reported unknown (default 300)")
    audit_exceptions.add_option(parser)
    parser.add_argument("--program", type=Path, metavar="DIR",
                        help="the Pulumi program that deploys the baseline to this account: SARIF results point at the "
                             "line of its stack file that sets the control's baseline: setting (default: the current "
                             "directory if it has a Pulumi.yaml; without a program, results have only a logical location, "
                             "which GitHub code scanning does not accept)")
    parser.add_argument("--stack", metavar="NAME",
                        help="the stack deployed to this account: SARIF points into PROGRAM's Pulumi.NAME.yaml (default: "
                             "the program's only stack file; with several, its Pulumi.yaml)")
    parser.add_argument("--repo-root", type=Path, metavar="DIR",
                        help="SARIF paths are relative to DIR (default: the git work tree holding the program, "
                             "as code scanning resolves them)")
    parser.set_defaults(handler=handle)


STACK_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")


def config_file(args: argparse.Namespace):
    """The user's stack file SARIF results point into (audit/locations.py), checked before any AWS call; None when
    there is no program (then a notice says what code scanning needs). Given flags are checked whatever the format."""
    from aws_logging_baseline.audit.locations import find_config_file

    program, stack, repo_root = args.program, args.stack, args.repo_root
    if stack is not None and not STACK_NAME.fullmatch(stack):
        raise UserError(f"--stack {stack[:100]!r}: a stack name is 1 to 100 letters, digits, - _ . (not starting with .)")
    if repo_root is not None and not repo_root.is_dir():
        raise UserError(f"--repo-root {repo_root}: not a directory")
    if program is not None and not (program / "Pulumi.yaml").is_file():
        raise UserError(f"--program {program}: no Pulumi.yaml there; name the directory of the Pulumi program that "
                        "deploys the baseline")
    if program is None and (Path.cwd() / "Pulumi.yaml").is_file():
        if args.format != "sarif" and stack is None and repo_root is None:
            return None  # nothing asks for it: a broken Pulumi.yaml here does not fail a text or json audit
        program = Path.cwd()
    if program is None:
        if stack is not None or repo_root is not None:
            raise UserError(f"{'--stack' if stack is not None else '--repo-root'}: the current directory has no "
                            "Pulumi.yaml; add --program DIR, the program that deploys the baseline")
        if args.format == "sarif":
            print("audit: no --program and no Pulumi.yaml in the current directory: SARIF results have only a logical "
                  "location (account/region/resource); GitHub code scanning needs --program DIR [--stack NAME]",
                  file=sys.stderr)
        return None
    found, notice = find_config_file(program, stack, repo_root)
    if notice and args.format == "sarif":
        print(notice, file=sys.stderr)
    return found


def handle(args: argparse.Namespace) -> int:
    # Imported here so `pulumi-baseline preview` does not pay for boto3.
    from aws_logging_baseline.audit import AuditOptions, run_audit
    from aws_logging_baseline.audit.regions import parse_regions
    from aws_logging_baseline.audit.report import place, print_text, sarif_rules, to_json, to_sarif
    from aws_logging_baseline.audit.session import parse_endpoint_url

    if args.workers < 1:
        raise UserError(f"--workers {args.workers}: must be 1 or more")
    for bucket in args.archive_bucket:
        if not BUCKET_NAME.fullmatch(bucket):
            raise UserError(f"--archive-bucket {bucket!r}: not an S3 bucket name (3-63 of a-z, 0-9, '.', '-')")
    for key in args.log_key:
        if not KEY_ARN.fullmatch(key):
            raise UserError(f"--log-key {key!r}: expected a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<id>")
    check_report_options(args)  # the --output path too, before the regions are audited
    exceptions_file, exception_entries = audit_exceptions.read(args)  # governed exceptions, before any AWS call
    config = config_file(args)  # where SARIF points in the user's repository, before any AWS call too
    options = AuditOptions(profile=args.profile, regions=parse_regions(args.regions),
                           endpoint_url=parse_endpoint_url(args.endpoint_url), archive_buckets=args.archive_bucket,
                           log_keys=args.log_key, workers=args.workers, deadline=args.deadline,
                           progress=sys.stderr.isatty() and sys.stdout.isatty())
    from aws_logging_baseline.audit.controls import CONTROLS

    excepted = audit_exceptions.apply(run_audit(options), exceptions_file, exception_entries, CONTROLS)
    report = excepted.report
    if args.format == "text":
        console = Console()
        print_text(report, console)
        audit_exceptions.print_text(excepted, console)
    else:
        if args.format == "json":
            document = {**to_json(report), **audit_exceptions.json_section(excepted)}
        else:
            document = to_sarif(report, config)
            rules = {rule.id: rule for rule in sarif_rules()}
            audit_exceptions.extend_sarif(
                document, excepted, rule_for=rules.__getitem__,
                place_for=lambda finding: place(finding.control, config)[:2],
                exceptions_location=exceptions_location(exceptions_file, config, args))
        if args.output is not None:
            write_json_atomically(args.output, document, "--output")
            counts = report.counts()  # a CI log shows the outcome and where the details are
            print(f"account {report.account_id}, {len(report.regions)} region(s): {counts['pass']} pass, "
                  f"{counts['fail']} fail, {counts['unknown']} unknown; {args.format} report written to {args.output}")
        else:
            sys.stdout.write(json.dumps(document, indent=2) + "\n")
    failed = any(f.status != "pass" for f in report.findings) or excepted.failing_problems
    return EXIT_FINDINGS if failed else EXIT_OK


def exceptions_location(path: Path, config, args: argparse.Namespace) -> tuple[str | None, int | None]:
    """Where an exception problem points: the --exceptions file when it is in the user's repository, else the stack
    file's `config:` line. The default file is the installed package's: in nobody's repository, even when a
    virtualenv inside the repository holds it."""
    if config is None:
        return None, None
    from aws_logging_baseline.cli.sarif import relative_uri

    uri = relative_uri(path, config.repo_root) if getattr(args, "exceptions", None) else None
    return (uri, None) if uri else (config.uri, config.config_line)
