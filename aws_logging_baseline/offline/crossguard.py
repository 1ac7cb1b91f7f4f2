"""Drive a CrossGuard policy pack over the analyzer gRPC protocol, as the Pulumi CLI does.

The CLI starts a Python pack with `python -u -m pulumi.policy <engineAddress> <packDir>`, reads the port the
pack prints, then calls GetAnalyzerInfo, Configure (policy config reconciled from schema defaults, the pack's
initial config and the user's config file), ConfigureStack, Analyze once per resource (inputs) as the program
registers it, and AnalyzeStack once (outputs, parents, dependencies) when the program is done. `Analysis` does the
same while the engine runs a program (`check`), `PolicyPackProcess.check` with a finished run. The pack process is
always stopped: on success, on errors, on Ctrl-C and on SIGTERM.
"""

import difflib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import grpc
import jsonschema
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc

from aws_logging_baseline.offline.engine import STACK_TYPE, Registration, RunResult
from aws_logging_baseline.offline import safe_yaml
from aws_logging_baseline.offline.pack_process import OutputTail, forget_child, start_child
from aws_logging_baseline.offline.relay_client import AnalyzeRelay, RelayedCallError, RelayError
from aws_logging_baseline.errors import UserError

LEVELS = {"advisory": proto.ADVISORY, "mandatory": proto.MANDATORY, "disabled": proto.DISABLED, "remediate": proto.REMEDIATE}
LEVEL_NAMES = {value: name for name, value in LEVELS.items()}
SEVERITIES = {
    proto.POLICY_SEVERITY_UNSPECIFIED: "", proto.POLICY_SEVERITY_LOW: "low", proto.POLICY_SEVERITY_MEDIUM: "medium",
    proto.POLICY_SEVERITY_HIGH: "high", proto.POLICY_SEVERITY_CRITICAL: "critical",
}
POLICY_TYPES = {proto.POLICY_TYPE_RESOURCE: "resource", proto.POLICY_TYPE_STACK: "stack"}
START_TIMEOUT = 60.0
# Every gRPC call to the pack has a deadline (check --pack-timeout): a policy that never returns ends the check
# with a message naming the resource it was analyzing, instead of hanging a CI job until it is killed.
CALL_TIMEOUT = 300.0
ENGINE_ADDRESS = "127.0.0.1:0"  # the Python analyzer host does not call back into the engine


@dataclass
class PolicyInfo:
    name: str
    description: str
    enforcement: str
    severity: str
    policy_type: str
    framework: dict[str, str]
    tags: list[str]
    remediation: str
    config_schema: dict[str, Any]
    required: list[str]


@dataclass
class Violation:
    policy: str
    enforcement: str  # the level this violation was reported at (unknown values are always advisory)
    severity: str
    urn: str
    message: str  # the violation's own message (without the policy description)
    description: str


@dataclass
class CheckResult:
    pack_name: str
    pack_version: str
    pack_dir: Path
    policies: list[PolicyInfo]
    config: dict[str, dict[str, Any]]
    violations: list[Violation]
    not_applicable: dict[str, str] = field(default_factory=dict)
    start_seconds: float = 0.0
    analyze_seconds: float = 0.0

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement == "mandatory"]


def read_pack_project(pack_dir: Path) -> dict[str, Any]:
    """PulumiPolicy.yaml: Python runtime and a version (the CLI's only version source for Python packs)."""
    if not pack_dir.is_dir():
        raise UserError(f"--policy-pack {pack_dir}: not a directory")
    project_file = pack_dir / "PulumiPolicy.yaml"
    if not project_file.is_file():
        raise UserError(f"--policy-pack {pack_dir}: no PulumiPolicy.yaml (not a policy pack directory)")
    project = safe_yaml.load(project_file, "pack project file (PulumiPolicy.yaml)") or {}  # no aliases, bounded
    runtime = project.get("runtime") if isinstance(project, dict) else None
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise UserError(f"{project_file}: runtime is {_prefix(repr(runtime_name), 60)}; only Python packs can run here")
    if not isinstance(project.get("version"), (str, int, float)) or not str(project["version"]).strip():
        raise UserError(f"{project_file}: `version` is required")
    if not (pack_dir / "__main__.py").is_file():
        raise UserError(f"--policy-pack {pack_dir}: no __main__.py (the pack's entry point)")
    return project


class PolicyPackProcess:
    """The pack running in its own process, as the CLI starts it. Use as a context manager."""

    def __init__(self, pack_dir: Path | str, python: str = sys.executable, call_timeout: float = CALL_TIMEOUT,
                 relay: bool = False):
        """`relay`: streamed Analyze requests (`analysis`) go through an AnalyzeRelay process, so that the
        program run they overlap does not pay for the gRPC calls (see offline/analyze_relay.py)."""
        self.pack_dir = Path(pack_dir).resolve()
        self.use_relay = relay
        self.relay: AnalyzeRelay | None = None
        self.python = python
        self.call_timeout = call_timeout
        self.project = read_pack_project(self.pack_dir)
        self.version = str(self.project["version"])
        self.process: subprocess.Popen | None = None
        self.channel: grpc.Channel | None = None
        self.stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._stdout: OutputTail | None = None
        self._stderr: OutputTail | None = None
        self._previous_sigterm: Any = None
        self.start_seconds = 0.0
        self._info: tuple[proto.AnalyzerInfo, list[PolicyInfo]] | None = None  # the pack's, fixed once it serves

    def __enter__(self) -> "PolicyPackProcess":
        self._trap_sigterm()
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _trap_sigterm(self) -> None:
        """SIGTERM would end this process without running `finally`; turn it into SystemExit so the pack stops."""
        if threading.current_thread() is threading.main_thread():
            def _terminate(signum, _frame):
                raise SystemExit(128 + signum)

            self._previous_sigterm = signal.signal(signal.SIGTERM, _terminate)

    def start(self) -> None:
        started = time.perf_counter()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        # Drained stdout/stderr and a pack that dies with us (even on SIGKILL): see pack_process.
        self.process, self._stdout, self._stderr = start_child(
            [self.python, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, str(self.pack_dir)], str(self.pack_dir), env)
        if self.use_relay:
            self.relay = AnalyzeRelay(self.call_timeout)
        port = self._read_port()
        self.channel = grpc.insecure_channel(
            f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", 400 * 1024 * 1024),
                                          ("grpc.max_send_message_length", 400 * 1024 * 1024)]
        )
        try:
            grpc.channel_ready_future(self.channel).result(timeout=START_TIMEOUT)
        except grpc.FutureTimeoutError:
            raise UserError(f"--policy-pack {self.pack_dir}: the pack printed port {port} but does not answer") from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        if self.relay is not None:
            self.relay.connect(f"127.0.0.1:{port}")
        self.start_seconds = time.perf_counter() - started

    def _read_port(self) -> int:
        assert self.process is not None and self._stdout is not None
        try:
            line = self._stdout.first_line.get(timeout=START_TIMEOUT)
        except queue.Empty:
            raise self._crashed(f"did not print its port within {START_TIMEOUT:.0f}s") from None
        text = (line or "").strip()
        if text.isascii() and text.isdigit():
            return int(text)
        raise self._crashed(f"printed {_prefix(text)!r} instead of its port" if text else "exited")

    def stderr_tail(self, lines: int = 12) -> str:
        """The last lines the pack wrote to stderr (and, after them, to stdout beyond its port line)."""
        if self._stderr is None:
            return ""
        if self.process is not None and self.process.poll() is not None:
            self._stderr.join(1.0)  # the pipe is at its end: read what is left
        parts = [self._stderr.tail(lines)]
        if self._stdout is not None:
            stdout = self._stdout.tail(lines).splitlines()
            if stdout and stdout[0].strip().isdigit():
                stdout = stdout[1:]
            if stdout:
                parts.append("(stdout)\n" + "\n".join(stdout))
        return "\n".join(p for p in parts if p)

    def _indented_tail(self) -> str:
        tail = self.stderr_tail()
        return (":\n" + "\n".join("    " + line for line in tail.splitlines())) if tail else ""

    def _crashed(self, what: str) -> UserError:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        code = self.process.returncode if self.process is not None else None
        detail = f" (exit code {code})" if code is not None and what == "exited" else ""
        message = f"--policy-pack {self.pack_dir}: the pack {what}{detail} before it started serving"
        return UserError(message + self._indented_tail())

    def call_failed(self, exc: grpc.RpcError, doing: str) -> UserError:
        """One message for a failed call: a deadline names what was being analyzed; a dead pack its exit
        status; a policy that raised its error; each with the tail of the pack's output."""
        code = exc.code() if hasattr(exc, "code") else None
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            return UserError(f"--policy-pack {self.pack_dir}: no answer within {self.call_timeout:g}s while {doing} "
                             "(a policy hangs or is too slow; --pack-timeout sets the limit)" + self._indented_tail())
        exited = self._exit_status(wait=1.0 if code == grpc.StatusCode.UNAVAILABLE else 0.0)
        if exited is not None:
            how = f"was killed by signal {-exited}" if exited < 0 else f"exited with status {exited}"
            return UserError(f"--policy-pack {self.pack_dir}: the pack {how} while {doing}" + self._indented_tail())
        details = exc.details() if hasattr(exc, "details") else str(exc)
        lines = (details or "").strip().splitlines()
        last = _prefix(lines[-1] if lines else str(exc))
        return UserError(f"--policy-pack {self.pack_dir}: a policy failed while {doing}: {last}"
                         + (f"\n{self.stderr_tail()}" if self.stderr_tail() else ""))

    def _exit_status(self, wait: float) -> int | None:
        if self.process is None:
            return None
        try:
            return self.process.wait(timeout=wait) if wait else self.process.poll()
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        """Stop the pack (terminate, then kill), then its relay (whose calls then fail at once), and release
        everything; safe to call more than once."""
        self._info = None
        try:
            if self.channel is not None:
                self.channel.close()
                self.channel = None
            process, self.process = self.process, None
            if process is not None:
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
                forget_child(process)  # its pipes are closed by their drain threads at end of output
        finally:
            relay, self.relay = self.relay, None
            if relay is not None:
                relay.stop()
            if self._previous_sigterm is not None:
                signal.signal(signal.SIGTERM, self._previous_sigterm)
                self._previous_sigterm = None

    def _call(self, method, request, doing: str):
        try:
            return method(request, timeout=self.call_timeout)
        except grpc.RpcError as exc:
            raise self.call_failed(exc, doing) from None

    def _result(self, future, doing: str) -> Any:
        try:
            return future.result()
        except grpc.RpcError as exc:
            raise self.call_failed(exc, doing) from None

    # --- protocol ---------------------------------------------------------------------------------------

    def analyzer_info(self) -> proto.AnalyzerInfo:
        return self._policies()[0]

    def _policies(self) -> tuple[proto.AnalyzerInfo, list[PolicyInfo]]:
        """GetAnalyzerInfo and its policies, asked once: a running pack's policies do not change, and converting
        them costs every stack of `check --stack PATTERN` a noticeable share of its time otherwise."""
        assert self.stub is not None
        if self._info is None:
            info = self._call(self.stub.GetAnalyzerInfo, empty_pb2.Empty(), "listing its policies")
            self._info = (info, [_policy_info(p) for p in info.policies])
        return self._info

    def analysis(self, user_config: dict[str, Any] | None = None, config_source: str = "policy config",
                 dry_run: bool = True) -> "Analysis":
        """One stack's analysis, to be fed as the engine runs: pass it to `run_program(observer=...)`, then call
        its `finish`. The Pulumi CLI too analyzes each resource as the program registers it."""
        assert self.stub is not None
        return Analysis(self, user_config, config_source, dry_run)

    def check(self, run: RunResult, user_config: dict[str, Any] | None = None, config_source: str = "policy config",
              dry_run: bool = True, meanwhile: Callable[[], Any] | None = None) -> CheckResult:
        """Configure the pack and analyze every resource of a finished `run`, then the stack. `meanwhile` runs
        here while the pack analyzes the resources (in its own process), instead of after the verdict."""
        analysis = self.analysis(user_config, config_source, dry_run)
        analysis.started(run.project, run.stack, run.config)
        for resource in run.resources:
            analysis.registered(resource)
        return analysis.finish(run, user_config, meanwhile)


class Analysis:
    """A stack analyzed by a running pack as the engine registers its resources (`RunObserver`):

    - `started` (stack config resolved, program not yet run): Configure with the reconciled policy config, then
      ConfigureStack;
    - `registered` (each resource, on the engine's threads): Analyze sent, not awaited, so the pack works in its
      own process while the program runs;
    - `submit(run, user_config)` (the program is done): the answers collected, then the stack's own Analyze and
      AnalyzeStack sent; `result()` collects the verdict (`finish` is both). A `user_config` that reconciles
      differently from the one the resources were analyzed with (check adds the account fixture's facts, known
      only from the stack's outputs) is configured before AnalyzeStack; if it changes a resource policy's config,
      every resource is analyzed again under it.
    """

    def __init__(self, pack: PolicyPackProcess, user_config: dict[str, Any] | None, config_source: str, dry_run: bool):
        self.pack = pack
        self.config_source = config_source
        self.dry_run = dry_run
        self.info, self.policies = pack._policies()
        self.config = reconcile_config(self.info, user_config, config_source)  # bad config: before anything runs
        self.bridge: _Bridge | None = None
        self.relay = pack.relay
        self.sent: list[tuple[Registration, Any]] = []  # (resource, its Analyze future or None if relayed), in order
        self._lock = threading.Lock()
        self._started = time.perf_counter()
        self._failure: BaseException | None = None
        self._submitted: tuple[RunResult, dict, list] | None = None
        self._stack_future: Any = None
        self._stack_analyzed: Any = None
        self._submitting: threading.Thread | None = None

    def started(self, project: Any, stack: str, config: dict[str, str]) -> None:
        pack = self.pack
        pack._call(pack.stub.Configure, _configure_request(self.config), "configuring its policies")
        pack._call(pack.stub.ConfigureStack, proto.AnalyzerStackConfigureRequest(
            stack=stack, project=project.name, organization="organization", dry_run=self.dry_run,
            config={k: str(v) for k, v in config.items()}, tags={},
        ), "configuring the stack")
        self.bridge = _Bridge(stack, project.name, config)

    def registered(self, resource: Registration) -> None:
        assert self.bridge is not None, "started() comes first"
        request = self.bridge.analyze_request(resource)
        if self.relay is not None:
            data = request.SerializeToString()
            with self._lock:  # the relay answers in the order sent
                self.relay.send(data)
                self.sent.append((resource, None))
            return
        future = self.pack.stub.Analyze.future(request, timeout=self.pack.call_timeout)
        with self._lock:
            self.sent.append((resource, future))

    def cancel(self) -> None:
        """Nothing left in flight (the run failed, or the verdict is in): futures cancelled, relayed answers
        discarded (the relay's calls run out by their deadline)."""
        with self._lock:
            sent, self.sent = self.sent, []
            if self.relay is not None:
                self.relay.discard()
        for _, future in sent:
            if future is not None:
                future.cancel()

    def _answers(self) -> list[tuple[Registration, Any]]:
        """(resource, its AnalyzeResponse) for every resource sent, in the order sent; a failed call raises."""
        with self._lock:
            sent, self.sent = self.sent, []
        if self.relay is None:
            return [(resource, self.pack._result(future, f"analyzing {resource.urn}")) for resource, future in sent]
        try:
            answers = self.relay.answers()
        except RelayError as exc:
            raise UserError(f"--policy-pack {self.pack.pack_dir}: {exc}") from None
        except (OSError, ValueError) as exc:  # reading the relay failed in a way it could not say
            raise UserError(f"--policy-pack {self.pack.pack_dir}: reading the analyze relay failed: {exc}") from None
        if len(answers) != len(sent):  # cannot happen: the relay answers every request, in order
            raise UserError(f"--policy-pack {self.pack.pack_dir}: the relay answered {len(answers)} of {len(sent)} requests")
        results = []
        for (resource, _), answer in zip(sent, answers):
            if isinstance(answer, RelayedCallError):
                raise self.pack.call_failed(answer, f"analyzing {resource.urn}")
            results.append((resource, proto.AnalyzeResponse.FromString(answer)))
        return results

    def submit(self, run: RunResult, user_config: dict[str, Any] | None = None) -> None:
        """The program is done: on a thread of its own (mostly waiting on the pack, so the caller prints the plan
        meanwhile), every resource's answer collected, the final config (see the class), then the stack's own
        Analyze and AnalyzeStack sent. `result` waits for it and raises what failed."""
        assert self.bridge is not None, "started() comes first"
        self._started = time.perf_counter()
        self._submitting = threading.Thread(target=self._submit, args=(run, user_config), daemon=True)
        self._submitting.start()

    def _submit(self, run: RunResult, user_config: dict[str, Any] | None) -> None:
        pack, bridge = self.pack, self.bridge
        try:
            stack_request = bridge.analyze_stack_request(run)  # built while the pack answers the last resources
            answers = self._answers()  # every resource's, under the config it was sent with
            config = reconcile_config(self.info, user_config, self.config_source)
            changed = {name for name in config if config[name] != self.config.get(name)}
            if changed:  # nothing is in flight now: every call after this one sees the final config
                pack._call(pack.stub.Configure, _configure_request(config), "configuring its policies")
            if any(p.policy_type == "resource" for p in self.policies if p.name in changed):
                for resource in run.resources:  # analyzed under the old config: again
                    self.registered(resource)
                answers = self._answers()
            self._stack_future = pack.stub.Analyze.future(bridge.stack_analyze_request(run), timeout=pack.call_timeout)
            self._stack_analyzed = pack.stub.AnalyzeStack.future(stack_request, timeout=pack.call_timeout)
            position = {id(resource): index for index, resource in enumerate(run.resources)}
            answers.sort(key=lambda pair: position.get(id(pair[0]), len(position)))
            self._submitted = (run, config, answers)
        except BaseException as exc:  # noqa: BLE001 - raised by `result`
            self._failure = exc

    def result(self, meanwhile: Callable[[], Any] | None = None) -> CheckResult:
        """The verdict of the submitted stack. `meanwhile` runs first, while the pack runs the stack policies."""
        try:
            if meanwhile is not None:
                meanwhile()
            assert self._submitting is not None, "submit() comes first"
            while self._submitting.is_alive():  # in slices: Ctrl-C is seen at once
                self._submitting.join(0.2)
            if self._failure is not None:
                raise self._failure
            run, config, answers = self._submitted
            pack = self.pack
            violations: list[Violation] = []
            not_applicable: dict[str, str] = {}
            meta = {p.name: p for p in self.policies}
            _collect(pack._result(self._stack_future, f"analyzing {run.stack_urn}"), run.stack_urn, meta, violations,
                     not_applicable)
            for resource, response in answers:
                _collect(response, resource.urn, meta, violations, not_applicable)
            _collect(pack._result(self._stack_analyzed, "running the stack policies (AnalyzeStack)"), "", meta,
                     violations, not_applicable)
        finally:
            self.cancel()
        return CheckResult(
            pack_name=self.info.name, pack_version=pack.version, pack_dir=pack.pack_dir, policies=self.policies,
            config=config, violations=violations, not_applicable=not_applicable, start_seconds=pack.start_seconds,
            analyze_seconds=time.perf_counter() - self._started,
        )

    def finish(self, run: RunResult, user_config: dict[str, Any] | None = None,
               meanwhile: Callable[[], Any] | None = None) -> CheckResult:
        """`submit`, then `result`."""
        self.submit(run, user_config)
        return self.result(meanwhile)


def _prefix(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _policy_info(policy: Any) -> PolicyInfo:
    schema = json_format.MessageToDict(policy.configSchema.properties) if policy.HasField("configSchema") else {}
    return PolicyInfo(
        name=policy.name,
        description=policy.description,
        enforcement=LEVEL_NAMES.get(policy.enforcementLevel, "advisory"),
        severity=SEVERITIES.get(policy.severity, ""),
        policy_type=POLICY_TYPES.get(policy.policy_type, ""),
        framework=json_format.MessageToDict(policy.framework) if policy.HasField("framework") else {},
        tags=list(policy.tags),
        remediation=policy.remediation_steps,
        config_schema=schema,
        required=list(policy.configSchema.required) if policy.HasField("configSchema") else [],
    )


def _collect(response, resource_urn: str, meta: dict[str, PolicyInfo], violations: list[Violation],
             not_applicable: dict[str, str]) -> None:
    for diagnostic in response.diagnostics:
        description = diagnostic.description
        message = diagnostic.message
        if description and message.startswith(description):
            message = message[len(description):].lstrip("\n")
        policy = meta.get(diagnostic.policyName)
        violations.append(
            Violation(
                policy=diagnostic.policyName,
                enforcement=LEVEL_NAMES.get(diagnostic.enforcementLevel, "advisory"),
                severity=SEVERITIES.get(diagnostic.severity, "") or (policy.severity if policy else ""),
                urn=diagnostic.urn or resource_urn,
                message=message,
                description=description,
            )
        )
    for item in response.not_applicable:
        not_applicable.setdefault(item.policy_name, item.reason)


# --- configuration --------------------------------------------------------------------------------------

def load_policy_config(path: str | Path) -> dict[str, Any]:
    """A `--policy-config` file in the CLI's format (JSON): {"all": level, "<policy>": level | {...}}."""
    if not str(path):
        raise UserError("--policy-config: expected a file name, got an empty string")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"--policy-config {path}: file not found") from None
    except IsADirectoryError:
        raise UserError(f"--policy-config {path}: is a directory; expected a JSON file") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"--policy-config {path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
                        "save it as UTF-8 JSON") from None
    except OSError as exc:
        raise UserError(f"--policy-config {path}: cannot read it: {exc.strerror or exc}") from None
    if len(text) > safe_yaml.MAX_BYTES:
        raise UserError(f"--policy-config {path}: {len(text)} characters; limited to {safe_yaml.MAX_BYTES // 1024} KiB")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"--policy-config {path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    except (RecursionError, ValueError) as exc:  # nested thousands deep; an integer of thousands of digits
        raise UserError(f"--policy-config {path}: cannot be read: {_prefix(str(exc), 120)}") from None
    if not isinstance(document, dict):
        raise UserError(f"--policy-config {path}: expected a JSON object of policy name -> level or settings")
    return document


def _level(value: Any, where: str) -> int:
    if not isinstance(value, str) or value not in LEVELS:
        raise UserError(f"{where}: enforcement level must be one of {', '.join(LEVELS)}, got {_prefix(repr(value), 80)}")
    return LEVELS[value]


def reconcile_config(info: Any, user_config: dict[str, Any] | None, source: str) -> dict[str, dict[str, Any]]:
    """As the CLI's ReconcilePolicyPackConfig: schema defaults -> the pack's initial config -> the user's config
    ("all" first, then each policy), then each policy's properties validated against its schema."""
    policies = {p.name: p for p in info.policies}
    result: dict[str, dict[str, Any]] = {}
    for name, policy in policies.items():
        props = json_format.MessageToDict(policy.configSchema.properties) if policy.HasField("configSchema") else {}
        defaults = {key: spec["default"] for key, spec in props.items() if isinstance(spec, dict) and "default" in spec}
        result[name] = {"enforcementLevel": policy.enforcementLevel, "properties": defaults}
    for name, initial in info.initialConfig.items():
        if name in result:
            result[name]["enforcementLevel"] = initial.enforcementLevel
            result[name]["properties"].update(json_format.MessageToDict(initial.properties))
    user_config = dict(user_config or {})
    if "all" in user_config:
        level = _level(user_config.pop("all"), f"{source}: all")
        for entry in result.values():
            entry["enforcementLevel"] = level
    for name, value in user_config.items():
        if name not in result:
            close = difflib.get_close_matches(str(name), list(result), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"the pack {info.name} has {len(result)} policies"
            raise UserError(f"{source}: unknown policy {_prefix(repr(name), 80)} ({hint})")
        if isinstance(value, str):
            result[name]["enforcementLevel"] = _level(value, f"{source}: {name}")
        elif isinstance(value, dict):
            value = dict(value)
            if "enforcementLevel" in value:
                result[name]["enforcementLevel"] = _level(value.pop("enforcementLevel"), f"{source}: {name}.enforcementLevel")
            result[name]["properties"].update(value)
        else:
            raise UserError(f"{source}: {name}: expected an enforcement level or an object, got {_prefix(repr(value), 80)}")
    for name, entry in result.items():
        policy = policies[name]
        schema = {
            "type": "object",
            "properties": json_format.MessageToDict(policy.configSchema.properties) if policy.HasField("configSchema") else {},
            "required": list(policy.configSchema.required) if policy.HasField("configSchema") else [],
            "additionalProperties": False,
        }
        if not schema["required"]:
            del schema["required"]
        error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(entry["properties"]))
        if error is not None:
            path = ".".join(str(p) for p in error.absolute_path)
            where = f"{name}.{path}" if path else name
            raise UserError(f"{source}: {where}: {_prefix(error.message, 300)}")
    return {name: {"enforcementLevel": LEVEL_NAMES[e["enforcementLevel"]], "properties": e["properties"]}
            for name, e in result.items()}


def _configure_request(config: dict[str, dict[str, Any]]) -> proto.ConfigureAnalyzerRequest:
    request = proto.ConfigureAnalyzerRequest()
    for name, entry in config.items():
        properties = struct_pb2.Struct()
        properties.update(entry["properties"])
        request.policyConfig[name].CopyFrom(
            proto.PolicyConfig(enforcementLevel=LEVELS[entry["enforcementLevel"]], properties=properties)
        )
    return request


# --- engine record -> analyzer requests -----------------------------------------------------------------

class _Bridge:
    """Turns the engine's registrations into Analyze / AnalyzeStack requests (inputs vs outputs)."""

    def __init__(self, stack: str, project_name: str, config: dict[str, str]):
        self.by_urn: dict[str, Registration] = {}  # every resource seen so far: a provider registers before its users
        self.default_provider = self._default_provider(stack, project_name, config)

    @staticmethod
    def _default_provider(stack: str, project_name: str, config: dict[str, str]) -> proto.AnalyzerProviderResource:
        """The CLI registers a default aws provider (configured from `aws:*` stack config); mocks do not."""
        properties = struct_pb2.Struct()
        properties.update({k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("aws:")})
        urn = f"urn:pulumi:{stack}::{project_name}::pulumi:providers:aws::default"
        return proto.AnalyzerProviderResource(type="pulumi:providers:aws", properties=properties, urn=urn, name="default")

    def _provider(self, resource: Registration) -> proto.AnalyzerProviderResource | None:
        if resource.provider:
            registration = self.by_urn.get(resource.provider.rsplit("::", 1)[0])
            if registration is not None:
                return proto.AnalyzerProviderResource(
                    type=registration.type, properties=registration.input_struct, urn=registration.urn, name=registration.name
                )
        if resource.custom and resource.type.startswith("aws:"):
            return self.default_provider
        return None

    @staticmethod
    def _options(resource: Registration) -> proto.AnalyzerResourceOptions:
        return proto.AnalyzerResourceOptions(
            protect=resource.protect,
            ignoreChanges=resource.ignore_changes,
            deleteBeforeReplace=resource.delete_before_replace,
            deleteBeforeReplaceDefined=resource.delete_before_replace,
            additionalSecretOutputs=resource.additional_secret_outputs,
            parent=resource.parent,
        )

    @staticmethod
    def _stack_name(run: RunResult) -> str:
        return run.stack_urn.rsplit("::", 1)[-1]

    def analyze_request(self, resource: Registration) -> proto.AnalyzeRequest:
        """One resource's Analyze request (its inputs); the resource is remembered as a possible provider."""
        self.by_urn[resource.urn] = resource
        request = proto.AnalyzeRequest(
            type=resource.type, properties=resource.input_struct, urn=resource.urn, name=resource.name,
            options=self._options(resource),
        )
        provider = self._provider(resource)
        if provider is not None:
            request.provider.CopyFrom(provider)
        return request

    def stack_analyze_request(self, run: RunResult) -> proto.AnalyzeRequest:
        return proto.AnalyzeRequest(type=STACK_TYPE, properties=struct_pb2.Struct(), urn=run.stack_urn,
                                    name=self._stack_name(run), options=proto.AnalyzerResourceOptions())

    def analyze_stack_request(self, run: RunResult) -> proto.AnalyzeStackRequest:
        stack_outputs = struct_pb2.Struct()
        stack_outputs.update(run.stack_outputs)
        resources = [proto.AnalyzerResource(type=STACK_TYPE, properties=stack_outputs, urn=run.stack_urn,
                                            name=self._stack_name(run), options=proto.AnalyzerResourceOptions())]
        for resource in run.resources:
            self.by_urn.setdefault(resource.urn, resource)
            entry = proto.AnalyzerResource(
                type=resource.type, properties=resource.output_struct, urn=resource.urn, name=resource.name,
                options=self._options(resource), parent=resource.parent, dependencies=resource.dependencies,
            )
            for key, urns in resource.property_dependencies.items():
                entry.propertyDependencies[key].CopyFrom(proto.AnalyzerPropertyDependencies(urns=urns))
            provider = self._provider(resource)
            if provider is not None:
                entry.provider.CopyFrom(provider)
            resources.append(entry)
        return proto.AnalyzeStackRequest(resources=resources)

    @classmethod
    def of(cls, run: RunResult) -> "_Bridge":
        """The bridge of a finished run."""
        return cls(run.stack, run.project.name, run.config)
