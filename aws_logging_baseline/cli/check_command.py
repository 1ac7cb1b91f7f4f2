"""`pulumi-baseline check`: the offline plan, then the policy pack's verdict on it, as `pulumi preview
--policy-pack` would give it. Exit 0 when no mandatory policy is violated, 1 when one is, 2 on bad input."""

import argparse
import contextlib
import json
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterator

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule

from aws_logging_baseline import PROJECT_URL, policy_help_url
from aws_logging_baseline.access.plan import from_run
from aws_logging_baseline.access.proofs import Proofs, delivery_lines, prove
from aws_logging_baseline.cli import check_exceptions, sarif
from aws_logging_baseline.cli.main import add_report_options, check_report_options, seconds_argument
from aws_logging_baseline.offline.crossguard import (CALL_TIMEOUT, Analysis, CheckResult, PolicyPackProcess, load_policy_config,
                                                    reconcile_config)
from aws_logging_baseline.offline.account_facts import with_account_facts
from aws_logging_baseline.offline.engine import Registration, RunResult
from aws_logging_baseline.errors import EXIT_FINDINGS, EXIT_OK, UserError
from aws_logging_baseline.cli.output_files import write_json_atomically
from aws_logging_baseline.cli.preview_command import add_program_options, check_program_options, run_and_print, write_export
from aws_logging_baseline.offline.project import stack_file
from aws_logging_baseline.offline.stacks import fixture_for, is_pattern, matching_stacks
from aws_logging_baseline.cli.report import _fit, wide_console
from aws_logging_baseline.cost import review as cost_review

POLICY_PACK_DIR = Path(__file__).resolve().parents[1] / "policies"  # installed with the package
FORMATS = ("text", "json", "sarif")
DESCRIPTION = (
    "Run the program offline and print its plan, then run the policy pack on it and report the verdict, as "
    "pulumi preview --policy-pack would. --json FILE writes the plan export (the shape of pulumi stack export); "
    "--format json or sarif with --output FILE writes the verdict. Flags, output paths, the pack directory, the "
    "policy config (against the pack's policies), stack config types and the account fixture are checked before "
    "the program runs. Exit 0 when no "
    "mandatory policy is violated, 1 when one is, 2 on bad input (nothing is written then)."
)


def run_check(args: argparse.Namespace, console: Console) -> tuple[RunResult, CheckResult, dict[str, float], Proofs]:
    """Everything that can be checked is checked before the program runs; then the engine, then the pack (and,
    while the pack analyzes in its own process, the access proofs the report prints).

    Up front: --format/--output and the --output and --json paths (probed in their directories), the -c
    overrides, the policy config file and the pack directory; then the pack is started and the policy config
    is reconciled against its policies and their schemas (unknown policy, wrong type, extra key, bad level).
    Only then does the engine run the program (printing the plan) and the pack analyze it. The pack is always
    stopped. Nothing is written here: the caller writes the export and the report once the verdict is in.
    """
    check_report_options(args)
    overrides = check_program_options(args)
    source = _config_source(args)
    user_config = load_policy_config(args.policy_config) if args.policy_config is not None else None
    exception_entries = check_exceptions.collect(args, user_config, source)  # governed exceptions, read up front
    started = time.perf_counter()
    with _started_pack(args, user_config, source) as pack:
        run, result, timings, proofs = _check_stack(args, console, overrides, pack, user_config, source, started)
    return run, check_exceptions.apply(result, exception_entries), timings, proofs


def _config_source(args: argparse.Namespace) -> str:
    """How messages name the policy config: the --policy-config file, or just "policy config" when none was given."""
    return f"--policy-config {args.policy_config}" if args.policy_config is not None else "policy config"


@contextlib.contextmanager
def _started_pack(args: argparse.Namespace, user_config: dict | None, source: str) -> Iterator[PolicyPackProcess]:
    """The pack running, its policy config reconciled against its policies (bad config fails before any program
    runs), and the components imported meanwhile: the import costs about as long as the pack takes to start."""
    pack = PolicyPackProcess(args.policy_pack, call_timeout=args.pack_timeout, relay=True)  # checks PulumiPolicy.yaml first
    preload = threading.Thread(target=_preload_components, daemon=True)
    preload.start()  # while the pack process boots (it waits on I/O here), not after it
    with pack:
        reconcile_config(pack.analyzer_info(), user_config, source)  # the same check pack.check makes, up front
        preload.join()
        yield pack


def _check_stack(args: argparse.Namespace, console: Console, overrides: dict, pack: PolicyPackProcess,
                 user_config: dict | None, source: str, started: float) -> tuple[RunResult, CheckResult, dict[str, float], Proofs]:
    """One stack: the engine runs the program (printing the plan), then the running pack gives its verdict while
    the access proofs are computed. `started`: where the "total" timing counts from."""
    engine_started = time.perf_counter()
    analysis = pack.analysis(user_config, source)  # each resource analyzed as the program registers it

    def judge(run: RunResult) -> None:  # the stack handed to the pack, which judges it while the plan prints
        policies = [policy.name for policy in analysis.policies]
        analysis.submit(run, with_account_facts(user_config, run.fixture, run.stack_outputs, policies))

    try:
        run = _run_engine(args, console, overrides, analysis, judge)
    except BaseException:
        analysis.cancel()
        raise
    engine_seconds = time.perf_counter() - engine_started
    proofs = _ProofsMeanwhile(run)
    result = analysis.result(meanwhile=proofs)
    timings = {
        "engine": engine_seconds,
        "packStart": result.start_seconds,
        "policies": result.analyze_seconds,
        "total": time.perf_counter() - started,
        "access": proofs.seconds,
    }
    return run, result, timings, proofs.value


class _ProofsMeanwhile:
    """`access_proofs(run)` as the pack's `meanwhile`: computed while the pack analyzes, not after it."""

    def __init__(self, run: RunResult):
        self.run = run
        self.value: Proofs | None = None
        self.seconds = 0.0

    def __call__(self) -> None:
        self.value, self.seconds = access_proofs(self.run)


def _preload_components() -> None:
    """Import the component modules (and the pulumi-aws modules they use) the program will import anyway: the
    import costs about as long as the pack takes to start, so doing it meanwhile takes the pack start off the
    command's wall time. A failure is left for the program run to report."""
    try:
        from aws_logging_baseline.components.roles import role_components

        role_components()  # imports every role's composition
    except Exception:  # noqa: BLE001
        pass


def _run_engine(args: argparse.Namespace, console: Console, overrides: dict, observer: Analysis,
                ran: Callable[[RunResult], None]) -> RunResult:
    try:
        return run_and_print(args, console, overrides, observer, ran)
    except UserError as exc:
        # The pack is running, so SIGTERM is trapped as SystemExit; the engine reports whatever ends the
        # program as a program error. A signal is not bad input: let it end the command as a signal does.
        if isinstance(exc.__cause__, SystemExit):
            raise exc.__cause__ from None
        raise


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
    check_exceptions.print_excepted(result, console)


def access_proofs(run: RunResult) -> tuple[Proofs, float]:
    """The access proofs of the plan (the same the pack's log-delivery-paths-allowed and
    log-stores-refuse-outsiders judge), and the seconds they took."""
    started = time.perf_counter()
    proofs = prove(*from_run(run))
    return proofs, time.perf_counter() - started


def print_proofs(proofs: Proofs, console: Console, detail: bool = False) -> None:
    """The delivery paths (writer -> store: allowed, or DENIED and why) and one exposure line per store; the
    actions of each path with `detail` (--tree full or none: only the collapsed default is compact), and always
    for a denial."""
    console.print()
    allowed = sum(row.allowed for row in proofs.deliveries)
    console.print(f"[bold]Delivery paths[/]: {allowed} of {len(proofs.deliveries)} requests AWS makes are allowed by the "
                  "plan's documents", width=min(console.width, 100))
    if not proofs.deliveries:
        console.print("    none in this stack (its writers deliver to another stack's stores)")
    shown = set()
    for path, actions, verdict in delivery_lines(proofs):
        style = "green" if verdict == "allowed" else "red"
        if detail or verdict != "allowed":
            console.print(f"    {escape(path)}  [dim]{escape(actions)}[/]  [{style}]{escape(verdict)}[/]")
        elif path not in shown:  # one line per writer and store; its actions are in --tree full and the JSON
            shown.add(path)
            console.print(f"    {escape(_fit(path, 100 - 4 - 9))}  [{style}]allowed[/]")
    console.print("[bold]Exposure[/] (anonymous, another account, another organization, this account without a grant)")
    for exposure in proofs.exposures:
        if exposure.open or detail or exposure.named:
            style = "green" if not exposure.open else "red"
            console.print(f"    {escape(exposure.store)}: [{style}]{escape(exposure.summary())}[/]")
        else:
            verdict = f"refuses outsiders ({len(exposure.attempts)} denied)"
            store = _fit(exposure.store, 100 - 4 - 2 - len(verdict))
            console.print(f"    {escape(store)}: [green]{verdict}[/]")


def summary(result: CheckResult) -> dict[str, int]:
    return {
        "policies": len(result.policies),
        "mandatory": len(result.mandatory),
        "advisory": len([v for v in result.violations if v.enforcement == "advisory"]),
        "excepted": len(getattr(result, "excepted", [])),
    }


def json_document(run: RunResult, result: CheckResult, timings: dict[str, float], proofs: Proofs | None = None) -> dict[str, Any]:
    return {
        **({"access": proofs.to_json()} if proofs is not None else {}),
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
        **check_exceptions.json_section(result),
    }


repository_root = sarif.repository_root  # shared with audit's SARIF (cli/sarif.py)


def source_location(run: RunResult, registration: Registration | None, repo_root: Path | None = None) -> tuple[str, int | None]:
    """Where a violation points: the file and line that declared the resource, relative to the repository root
    (`--repo-root`, by default the git work tree of the program, which is what code scanning resolves paths
    against); for the stack itself, a resource the engine did not record (the default provider) or a declaration
    outside the repository (an installed package), the stack's config file Pulumi.<stack>.yaml. Never an absolute
    path: code scanning needs a path relative to the checkout, and a CI runner's paths are nobody's business."""
    root = repo_root if repo_root is not None else repository_root(run.project.directory)
    if registration is not None and registration.source_file and registration.source_line > 0:
        uri = sarif.relative_uri(registration.source_file, root)
        if uri is not None:
            return uri, registration.source_line
    config_uri = sarif.relative_uri(stack_file(run.project, run.stack), root, must_exist=False)
    return config_uri or "Pulumi.yaml", None


def sarif_document(run: RunResult, result: CheckResult, repo_root: Path | None = None) -> dict[str, Any]:
    rules = [
        sarif.SarifRule(
            id=p.name,
            name=p.name,
            short_description=p.description,
            full_description=f"{p.description} ({p.framework.get('reference', '')})",
            help_text=p.remediation or p.description,
            help_uri=policy_help_url(p.name),
            default_level="error" if result.config.get(p.name, {}).get("enforcementLevel") == "mandatory" else "warning",
            properties={"tags": p.tags, "security-severity": sarif.security_severity(p.severity or "medium"),
                        "severity": p.severity, "policyType": p.policy_type, "framework": p.framework},
        )
        for p in result.policies
    ]
    policy_names = {p.name for p in result.policies}
    by_urn = run.by_urn()
    results = []
    for v in result.violations:
        if v.policy not in policy_names:
            continue
        artifact_uri, start_line = source_location(run, by_urn.get(v.urn) if v.urn else None, repo_root)
        results.append(sarif.SarifResult(
            rule_id=v.policy,
            level="error" if v.enforcement == "mandatory" else "warning",
            message=v.message,
            logical_location=v.urn or run.stack_urn or None,  # a stack policy's violation is about the stack
            artifact_uri=artifact_uri,
            start_line=start_line,
            properties={"enforcementLevel": v.enforcement, "severity": v.severity},
        ))

    def location(v):
        artifact_uri, start_line = source_location(run, by_urn.get(v.urn) if v.urn else None, repo_root)
        return artifact_uri, start_line, v.urn or run.stack_urn or None

    results += check_exceptions.sarif_results(result, location)
    return sarif.build_sarif(result.pack_name, result.pack_version, PROJECT_URL, rules, results)


def handler(args: argparse.Namespace) -> int:
    if is_pattern(args.stack):
        return handle_many(args)
    machine = args.format != "text" and args.output is None
    console = wide_console(stderr=machine)  # stdout carries only the document when no --output is given
    cost_baseline = cost_review.load_baseline(args)  # bad input fails before the program runs
    run, result, timings, proofs = run_check(args, console)
    write_export(args, run)
    cost = cost_review.review(cost_baseline, run, args.max_monthly_increase)
    if args.format == "text":
        print_proofs(proofs, console, detail=args.tree != "collapsed")
        print_text(result, console)
        cost_review.print_text(cost, console)
    else:
        document = json_document(run, result, timings, proofs) if args.format == "json" else sarif_document(run, result, args.repo_root)
        cost_review.add_to_document(document, args.format, cost, source_location(run, None, args.repo_root)[0], run.stack_urn)
        if args.output is not None:
            write_json_atomically(args.output, document, "--output")
            print_proofs(proofs, console, detail=args.tree != "collapsed")
            print_text(result, console)
            cost_review.print_text(cost, console)
            console.print(f"{args.format} report written to {args.output}")
        else:
            sys.stdout.write(json.dumps(document, indent=2) + "\n")
    if args.json is not None:
        console.print(f"export written to {args.json}")
    counts = summary(result)
    # policies: what the pack took after the program ran (it analyzes each resource while the program runs)
    console.print(f"\ntimings: engine {timings['engine']:.2f}s, pack start {timings['packStart']:.2f}s, "
                  f"policies after the run {timings['policies']:.2f}s, access proofs {timings['access']:.2f}s",
                  style="dim")
    console.print(verdict(counts), style="bold")
    over_budget = cost is not None and cost.violates
    console.print(next_step(run, result, over_budget), width=100)
    return EXIT_FINDINGS if result.mandatory or over_budget else EXIT_OK


def verdict(counts: dict[str, int]) -> str:
    excepted = f"; {counts['excepted']} excepted" if counts.get("excepted") else ""
    return f"{counts['mandatory']} mandatory and {counts['advisory']} advisory violation(s) from {counts['policies']} policies{excepted}"


def handle_many(args: argparse.Namespace) -> int:
    """`--stack PATTERN`: every matching stack in this process, against one pack process; a verdict per stack,
    exit 1 when any stack has a mandatory violation. JSON: one document per stack; SARIF: one run whose results
    name their stack in the URN."""
    if args.json is not None:
        raise UserError(f"--json: a plan export is one stack's; give one --stack, not the pattern {args.stack!r}")
    check_report_options(args)
    overrides = check_program_options(args)
    stacks = matching_stacks(args.program, args.stack)
    fixtures = {stack: fixture_for(args.account, stack) for stack in stacks}  # every fixture exists, up front
    machine = args.format != "text" and args.output is None
    console = wide_console(stderr=machine)
    source = _config_source(args)
    user_config = load_policy_config(args.policy_config) if args.policy_config is not None else None
    exception_entries = check_exceptions.collect(args, user_config, source)
    checked: list[tuple[RunResult, CheckResult, dict[str, float], Proofs]] = []
    with _started_pack(args, user_config, source) as pack:
        for stack in stacks:
            one = argparse.Namespace(**{**vars(args), "stack": stack, "account": fixtures[stack]})
            console.print(Rule(f"stack {stack}"), width=min(console.width, 100))
            run, result, timings, proofs = _check_stack(one, console, overrides, pack, user_config, source,
                                                        time.perf_counter())
            result = check_exceptions.apply(result, exception_entries)
            print_proofs(proofs, console, detail=args.tree != "collapsed")
            print_text(result, console)
            console.print(f"stack {stack}: {verdict(summary(result))}", style="bold")
            checked.append((run, result, timings, proofs))
    if args.format != "text":
        if args.format == "json":
            document: dict[str, Any] = {"stacks": [json_document(*one) for one in checked],
                                        "summary": {"stacks": len(checked),
                                                    **{k: sum(summary(r)[k] for _, r, _, _ in checked) for k in ("mandatory", "advisory")}}}
        else:
            document = sarif_document(*checked[0][:2], args.repo_root)
            for run, result, _, _ in checked[1:]:
                document["runs"][0]["results"] += sarif_document(run, result, args.repo_root)["runs"][0]["results"]
        if args.output is not None:
            write_json_atomically(args.output, document, "--output")
            console.print(f"{args.format} report written to {args.output}")
        else:
            sys.stdout.write(json.dumps(document, indent=2) + "\n")
    failing = [run.stack for run, result, _, _ in checked if result.mandatory]
    console.print(f"\n{len(checked)} stacks checked; " + (f"mandatory violations in: {', '.join(failing)}" if failing
                                                          else "no mandatory violation in any"), style="bold")
    return EXIT_FINDINGS if failing else EXIT_OK


def next_step(run: RunResult, result: CheckResult, over_budget: bool = False) -> str:
    if over_budget and not result.mandatory:
        return "next: the monthly cost increase is above --max-monthly-increase: review the cost lines above"
    if result.mandatory:
        return "next: fix the mandatory violations above (each names its remediation), then check again"
    return (f"next: `pulumi up --stack {run.stack}` deploys; `--format sarif --output FILE` reports to code "
            f"scanning in PR review; `--tree full` lists every resource")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="run the program offline, then the policy pack on it (as pulumi preview --policy-pack)",
        description=DESCRIPTION,
    )
    add_program_options(parser, json_help="write the plan export (the shape of `pulumi stack export`) to FILE; "
                                          "the verdict is --format json --output FILE")
    parser.add_argument("--policy-pack", default=str(POLICY_PACK_DIR), metavar="DIR",
                        help="policy pack directory (default: the installed package's policies/)")
    parser.add_argument("--policy-config", metavar="FILE",
                        help="policy config JSON, as `pulumi preview --policy-pack-config`: {\"all\": level, \"<policy>\": level | {...}}")
    parser.add_argument("--pack-timeout", type=seconds_argument, default=CALL_TIMEOUT, metavar="SECONDS",
                        help=f"longest wait for one answer from the pack (one resource analyzed), then exit 2 naming "
                             f"what it was analyzing (default: {CALL_TIMEOUT:g})")
    add_report_options(parser)
    parser.add_argument("--repo-root", type=Path, metavar="DIR",
                        help="SARIF paths are relative to DIR (default: the git work tree holding the program, "
                             "as code scanning resolves them)")
    cost_review.add_options(parser)
    check_exceptions.add_option(parser)
    parser.set_defaults(handler=handler)
