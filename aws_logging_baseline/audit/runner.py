"""Run audit tasks (one per region, plus the account-wide groups) on worker threads, with a progress bar on a
terminal, until they are done or the audit's deadline passes.

The workers are daemon threads, not a ThreadPoolExecutor: at the deadline or on Ctrl-C the audit reports and
ends at once, and a call still in flight (up to a minute with retries) must not hold the process open; the
executor's threads are joined at exit. A task still running at the deadline yields its `unfinished` findings
("unknown", naming the deadline) instead of a verdict.
"""

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from aws_logging_baseline.audit.findings import Finding


@dataclass
class Task:
    run: Callable[[], list[Finding]]
    unfinished: Callable[[str], list[Finding]]  # the findings when it cannot finish in time, given the reason


def run_tasks(tasks: dict[str, Task], workers: int, show_progress: bool, deadline: float | None = None) -> list[Finding]:
    """Run every task; `workers=1` runs them one at a time (the benchmark's baseline). `deadline` is a
    time.monotonic() value; tasks not done by then are reported with their `unfinished` findings."""
    todo: queue.Queue = queue.Queue()
    for name in tasks:
        todo.put(name)
    done: queue.Queue = queue.Queue()

    def worker() -> None:
        while True:
            try:
                name = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done.put((name, tasks[name].run()))
            except Exception as exc:  # noqa: BLE001 - the checks guard their calls; this is the last net
                done.put((name, tasks[name].unfinished(f"could not check: {type(exc).__name__}: {exc}")))

    for _ in range(max(1, min(workers, len(tasks)))):
        threading.Thread(target=worker, name="audit-worker", daemon=True).start()

    findings: list[Finding] = []
    finished: set[str] = set()
    progress = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                        TimeElapsedColumn(), console=Console(stderr=True), transient=True, disable=not show_progress)
    with progress:
        bar = progress.add_task("", total=len(tasks))
        while len(finished) < len(tasks):
            wait = 0.2 if deadline is None else min(0.2, deadline - time.monotonic())
            if wait <= 0:
                break
            try:
                name, result = done.get(timeout=wait)  # short waits: Ctrl-C is handled at once
            except queue.Empty:
                continue
            finished.add(name)
            findings.extend(result)
            progress.update(bar, advance=1, description=name)
    for name in tasks:
        if name not in finished:
            findings.extend(tasks[name].unfinished("not checked: the audit's --deadline passed while its calls were "
                                                   "still running"))
    return findings
