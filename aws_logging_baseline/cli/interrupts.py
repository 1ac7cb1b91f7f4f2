"""Ctrl-C ends the command within about a second, quietly, with exit code 130: never a hang, never a traceback.

Python runs signal handlers on the main thread between bytecodes. When the kernel delivers SIGINT to another
thread (gRPC's, boto3's) while the main thread sits in a system call (epoll_wait of an event loop, joining a
thread pool whose calls are still in flight), the handler may run late or never. So the command also asks the
interpreter to write each signal's number to a pipe (`signal.set_wakeup_fd`, written by the C-level handler
on whichever thread got it); a daemon thread watches the pipe and, if the command has not ended GRACE seconds
after an interrupt, kills the processes the command started and exits 130 itself. The normal path (the
KeyboardInterrupt reaching `main`) usually wins the race and stops the pack cleanly first.
"""

import os
import signal
import sys
import threading
import time

from aws_logging_baseline.offline.pack_process import kill_children

GRACE = 1.0  # seconds the normal shutdown gets before the watchdog ends the process
EXIT_INTERRUPTED = 130
_installed = False


def exit_now(code: int = EXIT_INTERRUPTED) -> None:
    """Stop every child we started, say so in one line, and end the process without waiting for any thread."""
    kill_children()
    try:
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _watch(read_fd: int) -> None:
    while True:
        try:
            data = os.read(read_fd, 64)
        except OSError:
            return
        if not data:
            return
        if any(number in (signal.SIGINT, signal.SIGTERM) for number in data):
            time.sleep(GRACE)
            exit_now(EXIT_INTERRUPTED if signal.SIGINT in data else 128 + signal.SIGTERM)


def install() -> None:
    """Arm the watchdog; only a command run as a program does this (not `main([...])` inside a test)."""
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    threading.Thread(target=_watch, args=(read_fd,), name="interrupt-watchdog", daemon=True).start()
    _installed = True


def caused_by_interrupt(exc: BaseException) -> bool:
    """True when KeyboardInterrupt is anywhere in the exception's chain (asyncio may re-raise it as another error)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
