"""Engine runs the analytics, dashboard and streaming tests share (each runs once per test process)."""

import functools

from tests.engine_helpers import run_baseline


@functools.lru_cache(maxsize=1)
def variant():
    """Flow logs to CloudWatch Logs (no flow-log table, REJECT alarms per region), one saved query and one CIS
    alarm switched off, a smaller scan cutoff."""
    return run_baseline(
        flowLogDestination="cloud-watch-logs", disabledQueries='["iam-changes"]', athenaBytesScannedCutoff=1073741824,
        disabledCisAlarms='["organizations-changes"]',
    )


@functools.lru_cache(maxsize=1)
def switched_off():
    """Analytics and dashboard off."""
    return run_baseline(analytics=False, dashboard=False)
