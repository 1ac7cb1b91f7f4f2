"""Make the Pulumi Python runtime cheaper to run offline, without changing what it registers.

Two costs dominate a mock run that the program and the monitor never see (profiled on the 17-region example):

- CPython's cyclic garbage collector. The SDK creates dozens of short-lived cyclic objects per resource
  (futures, done-callbacks, Outputs), so collections run constantly, and each full collection re-scans the
  whole heap the imports left behind (pulumi_aws alone is hundreds of thousands of objects). `gc.freeze()`
  moves that import-time heap out of the collector's sight for the run and a larger first-generation
  threshold collects less often; both are restored afterwards, so garbage from the run is collected as usual.
- The stack trace the SDK attaches to every registration (`pulumi.runtime.resource._get_stack_trace`). It
  uses `traceback.extract_stack`, which reads each frame's source line from disk, and converts each file
  name to a URI with pathlib. `fast_stack_trace` builds the identical protobuf by walking the frames and
  caching the URI per file; tests/baseline/test_runtime_tuning.py proves it equal to the SDK's function.
"""

import contextlib
import functools
import gc
import pathlib
import sys
from collections.abc import Iterator

from pulumi.runtime import resource as pulumi_resource
from pulumi.runtime.proto import source_pb2

FIRST_GENERATION_THRESHOLD = 20000  # CPython's default is 700 allocations between young collections


@functools.lru_cache(maxsize=None)
def _file_uri(filename: str) -> str | None:
    try:
        return pathlib.Path(filename).as_uri()
    except BaseException:  # noqa: BLE001 - relative names such as "<frozen runpy>" have no URI, as in the SDK
        return None


def _stack_frame(filename: str, lineno: int | None) -> source_pb2.StackFrame:
    uri = _file_uri(filename) if filename and lineno is not None else None
    if uri is None:
        return source_pb2.StackFrame()
    return source_pb2.StackFrame(pc=source_pb2.SourcePosition(uri=uri, line=lineno))


def fast_stack_trace() -> source_pb2.StackTrace:
    """The SDK's `_get_stack_trace`: the frames outside the third `__init__` up the stack (Resource,
    Custom/ComponentResource, the concrete class), innermost first; empty when there is no such frame or it is
    the outermost one."""
    frame = sys._getframe(1)
    inits = 0
    while frame is not None:
        if frame.f_code.co_name == "__init__":
            inits += 1
            if inits == 3:
                break
        frame = frame.f_back
    if frame is None or frame.f_back is None:
        return source_pb2.StackTrace()
    frames = []
    outer = frame.f_back
    while outer is not None:
        frames.append(_stack_frame(outer.f_code.co_filename, outer.f_lineno))
        outer = outer.f_back
    return source_pb2.StackTrace(frames=frames)


@contextlib.contextmanager
def tuned_runtime() -> Iterator[None]:
    """For the duration of one program run: a quieter garbage collector and the cheap stack trace."""
    threshold = gc.get_threshold()
    original_stack_trace = pulumi_resource._get_stack_trace
    gc.freeze()
    gc.set_threshold(max(threshold[0], FIRST_GENERATION_THRESHOLD), *threshold[1:])
    pulumi_resource._get_stack_trace = fast_stack_trace
    try:
        yield
    finally:
        pulumi_resource._get_stack_trace = original_stack_trace
        gc.set_threshold(*threshold)
        gc.unfreeze()
