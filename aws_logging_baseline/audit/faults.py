"""Every way an AWS call can fail, as one line: which service and operation, and the error code.

The audit must never end with a traceback and never turn a failed read into a verdict: whatever a check's calls
raise (an error answer, throttling after retries, an expired token, a timeout, an answer botocore cannot parse,
an answer missing a field the check needs) becomes "unknown" for the controls that check decides, with this line
as the reason. Which call failed is recorded per thread by a botocore `before-call` hook on every client, so the
reason names the call even for errors that do not carry it (a parse error, a KeyError on a missing field).
"""

import threading
from typing import Any

from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from botocore.parsers import ResponseParserError  # not a BotoCoreError: a plain Exception

MAX_MESSAGE = 160  # characters of AWS's own message kept in a reason
_current = threading.local()


def record_call(model: Any = None, **_: Any) -> None:
    """botocore `before-call` handler: remember the service and operation this thread is calling."""
    if model is not None:
        _current.call = f"{model.service_model.service_name} {model.name}"


def watch(client: Any) -> None:
    client.meta.events.register("before-call.*.*", record_call)


def last_call() -> str:
    return getattr(_current, "call", "")


def _short(text: Any) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE] + "..."


def describe(exc: BaseException) -> str:
    """`service Operation: Code: message`, one line, for any exception a check's calls can raise."""
    where = last_call()
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {}) if isinstance(exc.response, dict) else {}
        operation = getattr(exc, "operation_name", "")
        if operation and not where.endswith(f" {operation}"):
            where = operation
        what = f"{error.get('Code') or 'Error'}: {_short(error.get('Message', ''))}".rstrip(": ")
    elif isinstance(exc, ResponseParserError):
        what = "malformed response: AWS's answer could not be parsed"
    elif isinstance(exc, (ConnectTimeoutError, ReadTimeoutError)):
        what = f"timed out: {_short(exc)}"
    elif isinstance(exc, EndpointConnectionError):
        what = f"cannot connect: {_short(exc)}"
    elif isinstance(exc, (KeyError, IndexError, TypeError, AttributeError, ValueError)):
        detail = f" {_short(exc.args[0])!r}" if isinstance(exc, KeyError) and exc.args else ""
        what = f"unexpected response: {type(exc).__name__}{detail} (a field the check needs is missing or malformed)"
    else:
        what = f"{type(exc).__name__}: {_short(exc)}"
    return f"{where}: {what}" if where else what
