"""Turn an AWS error into "unknown" findings for the controls it prevented, so one denied call never ends the audit."""

from collections.abc import Callable, Iterable

from botocore.exceptions import BotoCoreError, ClientError

from aws_logging_baseline.audit.findings import Finding, unknown


def reason(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'Error')}: {error.get('Message', '')}".rstrip(": ")
    return str(exc)


def guarded(controls: Iterable[str], region: str, resource: str, check: Callable[[], list[Finding]]) -> list[Finding]:
    try:
        return check()
    except (ClientError, BotoCoreError) as exc:
        why = reason(exc)
        return [unknown(control, region, resource, f"could not check: {why}") for control in controls]


def error_code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")
