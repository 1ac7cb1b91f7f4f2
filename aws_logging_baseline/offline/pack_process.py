"""A child process that cannot outlive the command, and whose output can never fill a pipe and block it.

- Dies with us: on Linux the child asks the kernel for SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG,
  set between fork and exec, kept across exec), so even `kill -9` of the command leaves no pack behind. The
  signal follows the *thread* that started the child, so start it from a thread that lives as long as it
  (the command's main thread). https://man7.org/linux/man-pages/man2/prctl.2.html
- Forked without gRPC's fork handlers: grpcio enables them, and in a forked child they restart gRPC's pollers,
  whose descriptors the child then closes before it execs (close_fds): a process that had already used gRPC
  (a second check in one process, as in the tests) saw its pack or relay abort before exec (exit -6,
  "epoll_wait error: Bad file descriptor"). This process forks only to exec, so it turns them off, before gRPC
  initializes (at the first channel; this module is imported before the command opens any).
- Drained: a daemon thread reads each of stdout and stderr to the end, keeping only the last lines (each cut
  to a bounded length), so a policy that prints never blocks on a full pipe and a chatty one costs no memory.
"""

import collections
import ctypes
import ctypes.util
import os
import queue
import signal
import subprocess
import sys
import threading
from typing import IO

os.environ["GRPC_ENABLE_FORK_SUPPORT"] = "0"  # see above; the children inherit it and do not fork either

PR_SET_PDEATHSIG = 1
TAIL_LINES = 20
MAX_LINE = 500  # characters kept of one output line


def _load_prctl():
    if not sys.platform.startswith("linux"):
        return None
    # The running process already has libc loaded: look prctl up there first. ctypes.util.find_library spawns
    # `ldconfig -p`, a child process of the command (and a fork of it) that is better avoided when not needed.
    for name in (None, "libc.so.6"):
        try:
            return ctypes.CDLL(name, use_errno=True).prctl
        except (OSError, AttributeError):
            pass
    try:
        return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).prctl
    except (OSError, AttributeError, TypeError):
        return None


_LIVE: set[subprocess.Popen] = set()  # children not yet stopped, for kill_children
_LIVE_LOCK = threading.Lock()
_PRCTL = _load_prctl()  # resolved here: the child between fork and exec should do as little as possible


def _die_with(parent_pid: int):
    def preexec() -> None:
        if _PRCTL is not None:
            _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before the request took effect
            os._exit(1)
    return preexec


class OutputTail:
    """Reads a pipe to its end on a daemon thread; keeps the last lines. `first_line` gets the first line."""

    def __init__(self, stream: IO[bytes], keep: int = TAIL_LINES):
        self._lines: collections.deque[str] = collections.deque(maxlen=keep)
        self.first_line: queue.Queue[str | None] = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[bytes]) -> None:
        first = True
        try:
            while True:
                # A bounded read: a policy printing one endless line cannot grow memory.
                line = stream.readline(64 * 1024)
                if not line:
                    break
                text = line.decode("utf-8", "replace").rstrip("\r\n")
                if first:
                    self.first_line.put(text)
                    first = False
                self._lines.append(text if len(text) <= MAX_LINE else text[:MAX_LINE] + f"... ({len(text)} characters)")
        except (OSError, ValueError):
            pass  # the pipe was closed under us: the process is being stopped
        finally:
            if first:
                self.first_line.put(None)  # end of output before any line
            stream.close()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def tail(self, lines: int = 12) -> str:
        return "\n".join(list(self._lines)[-lines:])


def start_child(argv: list[str], cwd: str, env: dict[str, str]) -> tuple[subprocess.Popen, OutputTail, OutputTail]:
    """Start `argv` in its own session (Ctrl-C reaches only us; we stop it), tied to our life, output drained."""
    process = _popen(argv, cwd, env, stdin=subprocess.DEVNULL, preexec_fn=_die_with(os.getpid()))
    assert process.stdout is not None and process.stderr is not None
    return process, OutputTail(process.stdout), OutputTail(process.stderr)


def start_talking_child(argv: list[str], cwd: str, env: dict[str, str]) -> tuple[subprocess.Popen, OutputTail]:
    """As `start_child`, for a child of ours that asks for PR_SET_PDEATHSIG itself (the analyze relay): started
    without a fork (no preexec function, so subprocess uses vfork), stdin and stdout ours to talk over
    (unbuffered: stdout is read with select); only stderr is drained."""
    process = _popen(argv, cwd, env, stdin=subprocess.PIPE, bufsize=0)
    assert process.stderr is not None
    return process, OutputTail(process.stderr)


def _popen(argv: list[str], cwd: str, env: dict[str, str], **options) -> subprocess.Popen:
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **options,
    )
    with _LIVE_LOCK:
        _LIVE.add(process)
    return process


def forget_child(process: subprocess.Popen) -> None:
    """The child was stopped and reaped."""
    with _LIVE_LOCK:
        _LIVE.discard(process)


def kill_children() -> None:
    """SIGKILL every child still running (the interrupt watchdog's last act, where PR_SET_PDEATHSIG is absent)."""
    with _LIVE_LOCK:
        children = list(_LIVE)
    for process in children:
        try:
            process.kill()
        except OSError:
            pass
