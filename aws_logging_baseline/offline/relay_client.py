"""The command's end of the analyze relay (see analyze_relay.py for why it exists and its frames).

`send` writes one serialized Analyze request to the relay (safe from any thread: the engine registers resources
on its executor threads); `answers` ends the stack and reads one answer per request sent since the last end, in
order. A relay that dies, or that stops answering, is reported as one `RelayError`, never a hang: every read waits
at most the calls' own deadline plus SLACK seconds.
"""

import os
import selectors
import subprocess
import sys
import threading
import time
from pathlib import Path

import grpc

from aws_logging_baseline.offline.analyze_relay import HEADER, frame
from aws_logging_baseline.offline.pack_process import forget_child, start_talking_child

SCRIPT = Path(__file__).with_name("analyze_relay.py")
SLACK = 30.0  # seconds beyond the calls' deadline before a silent relay is given up on


class RelayError(Exception):
    """The relay itself failed (not a call it relayed)."""


class RelayedCallError(grpc.RpcError):
    """A relayed call that failed, with the status and details the pack's gRPC server gave it."""

    def __init__(self, status: str, details: str):
        super().__init__(f"{status}: {details}")
        self._code = getattr(grpc.StatusCode, status, grpc.StatusCode.UNKNOWN)
        self._details = details

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details


class AnalyzeRelay:
    def __init__(self, call_timeout: float, python: str = sys.executable):
        """Started with the pack, before its address is known (`connect` follows): the relay's start overlaps
        the pack's. `-P`: the script's folder (this package's modules) is not on the relay's import path."""
        self.call_timeout = call_timeout
        self.process, self._stderr = start_talking_child(
            [python, "-P", str(SCRIPT), str(os.getpid()), repr(call_timeout)], str(SCRIPT.parent), dict(os.environ))
        self._lock = threading.Lock()
        self._sent = 0  # requests whose answers `answers` returns
        self._discarded = 0  # requests sent before `discard`: their answers come first, and are dropped
        self._broken: OSError | None = None
        self._buffer = bytearray()  # read from the relay, not yet taken

    def connect(self, address: str) -> None:
        """The pack's address, once it serves."""
        with self._lock:
            try:
                self._write(frame(b"C", address.encode()))
            except OSError as exc:
                self._broken = exc

    def send(self, request: bytes) -> None:
        """Queue one Analyze request (a write to the relay's pipe; the relay makes the call)."""
        with self._lock:
            if self._broken is not None:
                return  # reported by `answers`
            try:
                self._write(frame(b"R", request))
                self._sent += 1
            except OSError as exc:
                self._broken = exc

    def discard(self) -> None:
        """Forget the requests sent so far (their stack failed): the next `answers` drops theirs."""
        with self._lock:
            self._discarded += self._sent
            self._sent = 0

    def answers(self) -> list[bytes | RelayedCallError]:
        """End the stack; each request's answer (AnalyzeResponse bytes, or the call's error), in order sent."""
        with self._lock:
            count, self._sent = self._sent, 0
            dropped, self._discarded = self._discarded, 0
            if self._broken is None:
                try:
                    self._write(frame(b"E"))
                except OSError as exc:
                    self._broken = exc
            if self._broken is not None:
                raise RelayError(f"the relay {self._ended()} (its input closed: {self._broken.strerror or self._broken})"
                                 + self._tail())
        for _ in range(dropped):
            self._read_frame()
        results: list[bytes | RelayedCallError] = []
        for _ in range(count):
            kind, payload = self._read_frame()
            if kind == b"A":
                results.append(payload)
            else:
                status, _, details = payload.decode("utf-8", "replace").partition("\n")
                results.append(RelayedCallError(status, details))
        return results

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:  # an unbuffered write may take part of a large frame
            view = view[self.process.stdin.write(view):]

    def _read_frame(self) -> tuple[bytes, bytes]:
        header = self._read_exact(HEADER.size)
        kind, length = HEADER.unpack(header)
        return kind, self._read_exact(length) if length else b""

    def _read_exact(self, size: int) -> bytes:
        """`size` bytes of the relay's answers; read in large chunks (a stack's answers arrive together), so a
        stack of ~860 answers costs a few reads, not two per answer."""
        deadline = time.monotonic() + self.call_timeout + SLACK
        with selectors.DefaultSelector() as selector:  # poll/epoll: any descriptor number, unlike select()
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while len(self._buffer) < size:
                wait = deadline - time.monotonic()
                if not selector.select(max(wait, 0)):
                    raise RelayError(f"the relay gave no answer within {self.call_timeout + SLACK:g}s" + self._tail())
                chunk = os.read(self.process.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise RelayError(f"the relay {self._ended()} before it answered" + self._tail())
                self._buffer += chunk
        taken = bytes(self._buffer[:size])
        del self._buffer[:size]
        return taken

    def _ended(self) -> str:
        try:
            status = self.process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            return "stopped reading"
        return f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"

    def _tail(self) -> str:
        tail = self._stderr.tail()
        return (":\n" + "\n".join("    " + line for line in tail.splitlines())) if tail else ""

    def stop(self) -> None:
        """End of input ends the relay; kill it if it lingers. Safe to call more than once."""
        process = self.process
        try:
            process.stdin.close()
        except OSError:
            pass
        if process.poll() is None:
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
        forget_child(process)
