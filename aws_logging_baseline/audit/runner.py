"""Run audit tasks (one per region, plus the account-wide groups) on a thread pool, with a progress bar on a terminal."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from aws_logging_baseline.audit.findings import Finding

Task = Callable[[], list[Finding]]


def run_tasks(tasks: dict[str, Task], workers: int, show_progress: bool) -> list[Finding]:
    """Run every task; `workers=1` runs them one at a time (the benchmark's baseline)."""
    findings: list[Finding] = []
    progress = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                        TimeElapsedColumn(), console=Console(stderr=True), transient=True, disable=not show_progress)
    with progress, ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        bar = progress.add_task("", total=len(tasks))
        futures = {pool.submit(task): name for name, task in tasks.items()}
        for future in as_completed(futures):
            findings.extend(future.result())  # checks turn AWS errors into findings; anything else is a bug
            progress.update(bar, advance=1, description=futures[future])
    return findings
