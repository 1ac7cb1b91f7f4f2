"""The pack's memo of pulumi-policy's property conversion: the SDK's own results, computed once per object."""

from google.protobuf import json_format, struct_pb2

from aws_logging_baseline.policies.baseline_policies.sdk_memo import _Memo


def test_same_object_converted_once_and_equal_to_the_sdk():
    calls = []
    memo = _Memo(lambda message: calls.append(message) or json_format.MessageToDict(message))
    first, second = struct_pb2.Struct(), struct_pb2.Struct()
    first.update({"bucket": "archive", "tags": {"Owner": "security"}})
    second.update({"bucket": "replica"})
    assert memo(first) == json_format.MessageToDict(first) and memo(first) is memo(first)
    assert memo(second) == {"bucket": "replica"}
    assert len(calls) == 2  # once per object, however many policies ask


def test_extra_arguments_are_part_of_the_key():
    memo = _Memo(lambda value, *flags: (value["x"], flags))
    value = {"x": 1}
    assert memo(value) == (1, ()) and memo(value, True) == (1, (True,))
