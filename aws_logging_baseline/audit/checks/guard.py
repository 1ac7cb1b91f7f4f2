"""Turn any failure of a check's AWS calls into "unknown" findings for the controls it decides, so one failed
call never ends the audit and never reads as a verdict (see audit/faults.py for the one-line reason)."""

from collections.abc import Callable, Iterable

from botocore.exceptions import ClientError

from aws_logging_baseline.audit.faults import describe
from aws_logging_baseline.audit.findings import Finding, unknown


def reason(exc: BaseException) -> str:
    return describe(exc)


def guarded(controls: Iterable[str], region: str, resource: str, check: Callable[[], list[Finding]]) -> list[Finding]:
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - any failure to read is "unknown", never a traceback or a verdict
        why = reason(exc)
        return [unknown(control, region, resource, f"could not check: {why}") for control in controls]


def error_code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")
