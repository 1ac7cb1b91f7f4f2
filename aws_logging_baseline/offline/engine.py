"""Run any Pulumi Python program offline, under the SDK's mock monitor, and record every registration.

What the Pulumi CLI would do before and around the program is emulated here: Pulumi.yaml config defaults
are applied, invokes (caller identity, partition, region, VPCs, organization) are answered from an account
fixture, StackReference reads come from the fixture's `stackOutputs`, and each resource gets realistic
outputs (id, arn, names) so references between resources resolve. The record keeps the raw protobuf
Structs too, so `aws_logging_baseline.offline.crossguard` can hand them to a policy pack exactly as the engine would.
"""

import asyncio
import contextlib
import gc
import inspect
import os
import runpy
import sys
import threading
import time
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import config as pulumi_config
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.fixture import AccountFixture, load_fixture
from aws_logging_baseline.offline.invokes import answer_invoke
from aws_logging_baseline.offline.project import Project, load_project, resolve_config
from aws_logging_baseline.offline.runtime_tuning import tuned_runtime
from aws_logging_baseline.offline.synthesis import synthesize

STACK_TYPE = "pulumi:pulumi:Stack"
STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"
_PULUMI_SDK_DIR = os.path.dirname(pulumi.__file__)  # also the prefix of pulumi_aws and other SDK packages
_RUN_LOCK = threading.Lock()  # the Pulumi runtime keeps global state: one program at a time per process


@dataclass
class Registration:
    """One resource as the engine saw it: the request (inputs, options) and the mock's answer (outputs)."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    provider: str
    protect: bool
    retain_on_delete: bool
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    ignore_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    additional_secret_outputs: list[str] = field(default_factory=list)
    custom_timeouts: dict[str, str] = field(default_factory=dict)
    # Where the program declared the resource, from the SDK's sourcePosition: an absolute path and a 1-based
    # line; "" and 0 when the SDK sent none (or not a local file).
    source_file: str = ""
    source_line: int = 0
    input_struct: struct_pb2.Struct = field(default_factory=struct_pb2.Struct, repr=False)
    output_struct: struct_pb2.Struct = field(default_factory=struct_pb2.Struct, repr=False)

    @property
    def region(self) -> str | None:
        return self.outputs.get("region") if self.custom else None


@dataclass
class RunResult:
    project: Project
    stack: str
    fixture: AccountFixture
    config: dict[str, str]
    resources: list[Registration]
    stack_urn: str
    stack_outputs: dict[str, Any]
    seconds: float

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def by_urn(self) -> dict[str, Registration]:
        return {r.urn: r for r in self.resources}


def plain(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Struct -> dict with integral numbers as ints (Struct numbers are doubles)."""
    return _ints(json_format.MessageToDict(struct))


def _ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ints(v) for v in value]
    return value


class RunObserver(Protocol):
    """Told of a run as it happens (`check` streams each resource to the policy pack, as the Pulumi CLI does):
    `started` once the stack config is resolved, before the program runs; `registered` for each resource as the
    engine records it, on whichever thread registered it."""

    def started(self, project: Project, stack: str, config: dict[str, str]) -> None: ...

    def registered(self, registration: "Registration") -> None: ...


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self, fixture: AccountFixture, default_region: str):
        self.fixture = fixture
        self.default_region = default_region
        self.errors: list[UserError] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        if args.typ == STACK_REFERENCE_TYPE:
            return self._stack_reference(args)
        if not args.custom:
            return "", {}
        region = args.inputs.get("region") or self.default_region
        urn = f"{args.typ}::{args.name}"
        return synthesize(
            args.typ, args.name, urn, args.inputs, self.fixture.partition, self.fixture.dns_suffix,
            self.fixture.account_id, region, read_id=args.resource_id or "",
        )

    def _stack_reference(self, args):
        name = args.resource_id or args.inputs.get("name") or args.name
        outputs = self.fixture.stack_outputs.get(name)
        if outputs is None:
            error = UserError(
                f"{self.fixture.path}: stackOutputs: no outputs for stack reference {name!r} "
                f"(known: {', '.join(self.fixture.stack_outputs) or 'none'})"
            )
            self.errors.append(error)
            raise error
        return name, {"name": name, "outputs": outputs, "secretOutputNames": []}

    def call(self, args: pulumi.runtime.MockCallArgs):
        try:
            return answer_invoke(self.fixture, args.token, args.args, self.default_region)
        except UserError as error:
            self.errors.append(error)
            raise


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, keeping each request and response, and component/stack outputs."""

    def __init__(self, mocks: _Mocks, observer: RunObserver | None = None):
        super().__init__(mocks)
        self.records: list[Registration] = []
        self.observer = observer
        self.registered_outputs: dict[str, struct_pb2.Struct] = {}
        self.stack_urn = ""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The real engine leaves the Stack out of a child's type chain; the SDK's mock keeps it.
        if parent.split("::")[2:3] == [STACK_TYPE]:
            parent = ""
        return super().make_urn(parent, type_, name)

    # The SDK's mock deserializes requests into Python objects and serializes the mock's answer back through
    # its async machinery (leaving an event loop behind on each executor thread). Our inputs, invoke arguments
    # and synthesized outputs are plain JSON data, so Struct -> dict -> Struct gives the same response at a
    # fraction of the cost.

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            self.stack_urn = urn
            return resource_pb2.RegisterResourceResponse(urn=urn)
        resource_id, outputs = self._new_resource(urn, request, request.object, request.importId, bool(request.custom))
        response = resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id or "", object=outputs)
        self._record(request, response)
        return response

    def ReadResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        resource_id, properties = self._new_resource(urn, request, request.properties, request.id, True)
        response = resource_pb2.ReadResourceResponse(urn=urn, id=resource_id or request.id, properties=properties)
        self._record(request, response)
        return response

    def _record(self, request, response) -> None:
        registration = _to_registration(request, response)
        self.records.append(registration)
        if self.observer is not None:
            self.observer.registered(registration)

    def _new_resource(self, urn, request, inputs: struct_pb2.Struct, resource_id: str, custom: bool):
        resource_id, state = self.mocks.new_resource(
            pulumi.runtime.MockResourceArgs(
                typ=request.type, name=request.name, inputs=json_format.MessageToDict(inputs),
                provider=request.provider, resource_id=resource_id, custom=custom,
            )
        )
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, resource_id, state)
        return resource_id, _struct(state)

    def Invoke(self, request):
        if request.tok == "pulumi:pulumi:getResource":
            return super().Invoke(request)
        answer = self.mocks.call(
            pulumi.runtime.MockCallArgs(
                token=request.tok, args=json_format.MessageToDict(request.args), provider=request.provider
            )
        )
        return resource_pb2.ResourceInvokeResponse(**{"return": _struct(answer)})

    def RegisterResourceOutputs(self, request):
        self.registered_outputs[request.urn] = request.outputs
        return super().RegisterResourceOutputs(request)


def _struct(data: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(data)
    return struct


def _to_registration(request, response) -> Registration:
    import urllib.parse  # here, to keep this change local; both modules are already loaded by the SDK
    import urllib.request

    is_read = not hasattr(request, "object")
    inputs_struct = request.properties if is_read else request.object
    outputs_struct = response.properties if is_read else response.object
    urn = response.urn
    source_file, source_line = "", 0
    if request.HasField("sourcePosition"):  # the SDK sends file:///abs/path.py (percent-encoded) and a line
        position = urllib.parse.urlsplit(request.sourcePosition.uri)
        if position.scheme == "file" and position.netloc in ("", "localhost") and position.path.startswith("/"):
            source_file = os.path.normpath(urllib.request.url2pathname(position.path))
            source_line = max(int(request.sourcePosition.line), 0)
    return Registration(
        urn=urn,
        type=request.type,
        name=request.name,
        custom=True if is_read else bool(request.custom),
        parent=request.parent,
        provider=request.provider,
        protect=False if is_read else bool(request.protect),
        retain_on_delete=False if is_read else bool(request.retainOnDelete),
        id=request.id if is_read else response.id,
        inputs=plain(inputs_struct),
        outputs=plain(outputs_struct),
        dependencies=[] if is_read else list(request.dependencies),
        property_dependencies={} if is_read else {k: list(v.urns) for k, v in request.propertyDependencies.items()},
        ignore_changes=[] if is_read else list(request.ignoreChanges),
        delete_before_replace=False if is_read else bool(request.deleteBeforeReplace),
        additional_secret_outputs=[] if is_read else list(request.additionalSecretOutputs),
        custom_timeouts={}
        if is_read or not request.HasField("customTimeouts")
        else {k: getattr(request.customTimeouts, k) for k in ("create", "update", "delete") if getattr(request.customTimeouts, k)},
        source_file=source_file,
        source_line=source_line,
        input_struct=inputs_struct,
        output_struct=outputs_struct,
    )


def run_program(
    program_dir: Path | str,
    stack: str,
    fixture_path: Path | str | AccountFixture,
    preview: bool = True,
    config_overrides: dict[str, Any] | None = None,
    observer: RunObserver | None = None,
) -> RunResult:
    """Run the program in `program_dir` for `stack` offline and return every registration.

    `config_overrides` (key -> value, keys with or without namespace) go over the stack file's values;
    `observer` is told of the run as it happens (see RunObserver)."""
    program_dir = Path(program_dir).resolve()
    if not program_dir.is_dir():
        raise UserError(f"--program {program_dir}: not a directory")
    project = load_project(program_dir)
    config = resolve_config(project, stack, config_overrides)
    fixture = fixture_path if isinstance(fixture_path, AccountFixture) else load_fixture(Path(fixture_path))
    main_file = _main_file(project)
    default_region = config.get("aws:region", "us-east-1")
    if observer is not None:
        observer.started(project, stack, config)

    # As the language host does: the program runs from its entry point's directory, importable from there.
    with _RUN_LOCK, _program_context(main_file.parent), tuned_runtime():
        mocks = _Mocks(fixture, default_region)
        monitor = _RecordingMonitor(mocks, observer)
        started = time.perf_counter()
        _run_under_mocks(project, stack, config, monitor, main_file, preview)
        seconds = time.perf_counter() - started

    resources = monitor.records
    stack_outputs = plain(monitor.registered_outputs.get(monitor.stack_urn, struct_pb2.Struct()))
    return RunResult(project, stack, fixture, config, resources, monitor.stack_urn, stack_outputs, seconds)


def _main_file(project: Project) -> Path:
    main = project.main_file
    if not main.is_file():
        declared = " (Pulumi.yaml `main:`)" if project.main else ""
        raise UserError(f"{main}: not found; it is the Python program's entry point{declared}")
    return main


@contextlib.contextmanager
def _program_context(program_dir: Path):
    """The CLI runs a program from its own directory with that directory importable."""
    previous_cwd, previous_path = os.getcwd(), list(sys.path)
    os.chdir(program_dir)
    sys.path.insert(0, str(program_dir))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    except BaseException:
        _discard_failed_run(loop)
        raise
    finally:
        os.chdir(previous_cwd)
        sys.path[:] = previous_path
        asyncio.set_event_loop(None)
        loop.close()


def _discard_failed_run(loop: asyncio.AbstractEventLoop) -> None:
    """A failed program leaves the SDK's unfinished work behind (pending tasks, futures holding the error,
    coroutines it never awaited), held by the SDK's global settings until the next run and then reported as
    stray warnings. Finish and drop it now, quietly: the failure itself is what gets reported."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.set_exception_handler(lambda _loop, _context: None)  # "exception was never retrieved"
    pulumi_settings.reset_options()
    # An Output whose first awaitable failed never starts the others; the error's traceback (which the
    # caller may keep) holds them, so they would warn whenever it is dropped. Close them now.
    for obj in gc.get_objects():
        if (
            isinstance(obj, types.CoroutineType)
            and inspect.getcoroutinestate(obj) == inspect.CORO_CREATED
            and obj.cr_code.co_filename.startswith(_PULUMI_SDK_DIR)
        ):
            obj.close()
    gc.collect()


def _run_under_mocks(project, stack, config, monitor, main_file, preview) -> None:
    pulumi_settings.reset_options(project=project.name, stack=stack, preview=preview)
    pulumi_config.set_all_config(dict(config), [])
    pulumi_settings.configure(
        pulumi_mocks.MockSettings(
            monitor=monitor,
            monitor_features=set(),
            engine=pulumi_mocks.MockEngine(None),
            project=project.name,
            stack=stack,
            dry_run=preview,
            organization="organization",
            callbacks=None,
        )
    )
    try:
        _sync_await(run_in_stack(lambda: runpy.run_path(str(main_file), run_name="__main__")))
    except UserError:
        raise
    except BaseException as exc:  # noqa: BLE001 - every program failure becomes one clear message
        if isinstance(exc, KeyboardInterrupt):
            raise
        if monitor.mocks.errors:
            raise monitor.mocks.errors[0] from exc
        raise UserError(describe_program_error(exc, main_file)) from exc
    finally:
        pulumi_config.set_all_config({}, [])


def describe_program_error(exc: BaseException, main_file: Path) -> str:
    """One line: a RunError (config problems) as its message, anything else with the program's own frame."""
    cause = _root_cause(exc)
    if isinstance(cause, pulumi.RunError):
        return str(cause)
    program_dir = main_file.parent
    where = ""
    for frame in reversed(traceback.extract_tb(cause.__traceback__)):
        if frame.filename.startswith(str(program_dir)) and "site-packages" not in frame.filename:
            where = f" at {os.path.relpath(frame.filename, program_dir)}:{frame.lineno}"
            break
    message = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return f"program {main_file} failed{where}: {type(cause).__name__}: {message}"


def _root_cause(exc: BaseException) -> BaseException:
    seen = set()
    while exc.__cause__ is not None and id(exc) not in seen and not isinstance(exc, pulumi.RunError):
        seen.add(id(exc))
        exc = exc.__cause__
    return exc
