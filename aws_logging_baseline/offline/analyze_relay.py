"""Relays a stack's Analyze requests to the policy pack from a process of its own (run as a script by
`relay_client.AnalyzeRelay`; it imports nothing but grpc).

Why a process: `check` sends each resource's Analyze request as the program registers it, as the Pulumi CLI
does, so that the pack analyzes while the program runs. A gRPC call from Python costs ~0.25 ms of CPU under the
caller's GIL (measured: ~0.2-0.3 s for the example's 857 calls), which the program run would pay. Here the command
only writes each serialized request to a pipe, and this process, on the machine's other core, makes the calls.

Frames, both ways: one kind byte, a 4-byte big-endian length, the payload.
- in:  C <host:port>              first: the pack's address (the relay starts with the pack, before it serves)
       R <AnalyzeRequest bytes>   send it (deadline: TIMEOUT seconds from now)
       E                          end of a stack: answer every request since the last E, in order sent
- out: A <AnalyzeResponse bytes>  one answer
       X <status name>\\n<details>  the call failed (e.g. DEADLINE_EXCEEDED, UNAVAILABLE)
End of input ends the process.

Usage: python -P analyze_relay.py PARENT_PID TIMEOUT

The relay is started without a fork (the command's gRPC would run its fork handlers, and a fork of a process
whose gRPC is busy can abort before it execs), so it ties its life to the command itself: PR_SET_PDEATHSIG, as
pack_process does for the pack. https://man7.org/linux/man-pages/man2/prctl.2.html
"""

import os
import struct
import sys

HEADER = struct.Struct(">cI")
ANALYZE = "/pulumirpc.Analyzer/Analyze"
MAX_MESSAGE = 400 * 1024 * 1024  # as the command's own channel


def read_frame(stream) -> tuple[bytes, bytes] | None:
    """(kind, payload), or None at the end of input (also mid-frame: the writer is gone)."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    kind, length = HEADER.unpack(header)
    payload = stream.read(length) if length else b""
    if len(payload) < length:
        return None
    return kind, payload


def frame(kind: bytes, payload: bytes = b"") -> bytes:
    return HEADER.pack(kind, len(payload)) + payload


def _die_with_parent(parent_pid: int) -> None:
    import ctypes
    import os
    import signal

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the command died before the request took effect
        os._exit(1)


def main(argv: list[str]) -> int:
    _die_with_parent(int(argv[0]))
    import grpc

    timeout = float(argv[1])
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    first = read_frame(stdin)
    if first is None or first[0] != b"C":
        return 0  # the pack never served: nothing to relay
    address = first[1].decode()
    channel = grpc.insecure_channel(address, options=[("grpc.max_receive_message_length", MAX_MESSAGE),
                                                      ("grpc.max_send_message_length", MAX_MESSAGE)])
    analyze = channel.unary_unary(ANALYZE, _registered_method=True)  # bytes in, bytes out: no protobuf here
    pending = []
    while True:
        received = read_frame(stdin)
        if received is None:
            break
        kind, payload = received
        if kind == b"R":
            pending.append(analyze.future(payload, timeout=timeout))
            continue
        for future in pending:  # kind E
            try:
                stdout.write(frame(b"A", future.result()))
            except grpc.RpcError as exc:
                code = exc.code() if hasattr(exc, "code") else None
                details = exc.details() if hasattr(exc, "details") else str(exc)
                stdout.write(frame(b"X", f"{code.name if code else 'UNKNOWN'}\n{details or ''}".encode()))
        stdout.flush()
        pending = []
    os._exit(0)  # end of input: nothing is in flight, and the interpreter's teardown of gRPC only costs time


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
