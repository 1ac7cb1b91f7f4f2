"""The engine's runtime tuning must not change what the SDK sends: the cheap stack trace equals the SDK's own,
and the garbage-collector settings and the SDK function are restored after a run."""

import gc

import pytest
from pulumi.runtime import resource as pulumi_resource

from aws_logging_baseline.offline.engine import run_program
from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.runtime_tuning import FIRST_GENERATION_THRESHOLD, fast_stack_trace, tuned_runtime
from tests.engine_helpers import FIXTURE

SDK_STACK_TRACE = pulumi_resource._get_stack_trace


def both_traces():
    return SDK_STACK_TRACE(), fast_stack_trace()


class Resource:  # the SDK's Resource.__init__ is the first of the three constructors the trace skips
    def __init__(self, captured: list):
        captured.append(both_traces())


class CustomResource(Resource):
    def __init__(self, captured: list):
        super().__init__(captured)


class ConcreteResource(CustomResource):
    def __init__(self, captured: list):
        super().__init__(captured)


class Component:  # user code with an __init__ of its own further out, as a ComponentResource subclass has
    def __init__(self, captured: list):
        self.child = ConcreteResource(captured)


def user_program(captured: list) -> None:
    Component(captured)


def test_fast_stack_trace_equals_the_sdks_for_a_resource_inside_a_component():
    captured: list = []
    user_program(captured)
    sdk, fast = captured[0]
    assert fast == sdk
    assert len(fast.frames) > 3
    innermost = fast.frames[0].pc
    assert innermost.uri.endswith("/tests/baseline/test_runtime_tuning.py")
    assert innermost.line == Component.__init__.__code__.co_firstlineno + 1  # the line that constructs the resource


def test_fast_stack_trace_is_empty_like_the_sdks_without_three_constructors():
    sdk, fast = both_traces()
    assert fast == sdk
    assert len(fast.frames) == 0


def test_a_run_restores_the_collector_and_the_sdk_function():
    threshold = gc.get_threshold()
    with tuned_runtime():
        assert pulumi_resource._get_stack_trace is fast_stack_trace
        assert gc.get_threshold()[0] == max(threshold[0], FIRST_GENERATION_THRESHOLD)
        assert gc.get_freeze_count() > 0
    assert pulumi_resource._get_stack_trace is SDK_STACK_TRACE
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == 0


def test_a_failing_program_restores_them_too(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: failing\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text("raise ValueError('boom')\n")
    threshold = gc.get_threshold()
    with pytest.raises(UserError, match="ValueError: boom"):
        run_program(tmp_path, "dev", FIXTURE)
    assert pulumi_resource._get_stack_trace is SDK_STACK_TRACE
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == 0
