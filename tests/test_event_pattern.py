"""The offline EventBridge pattern matcher, case by case against the EventBridge user guide's documented semantics
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html)."""

import pytest

from aws_logging_baseline.event_pattern import matches

EVENT = {
    "source": "aws.s3",
    "detail-type": "AWS API Call via CloudTrail",
    "region": "eu-west-1",
    "detail": {
        "eventName": "PutBucketPolicy",
        "requestParameters": {"bucketName": "baseline-log-archive-1", "alarmNames": ["other-alarm", "baseline-cis-4.3"]},
        "userIdentity": {"type": "AssumedRole"},
        "count": 3,
        "flag": True,
        "nothing": None,
    },
}


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ({"source": ["aws.s3"]}, True),
        ({"source": ["aws.s3x", "aws.s3"]}, True),  # listed values are alternatives
        ({"source": ["aws.s"]}, False),  # exact, not substring
        ({"source": ["aws.s3"], "region": ["us-east-1"]}, False),  # every field must match
        ({"detail": {"eventName": ["PutBucketPolicy"]}}, True),
        ({"detail": {"requestParameters": {"bucketName": [{"prefix": "baseline-"}]}}}, True),
        ({"detail": {"requestParameters": {"bucketName": [{"prefix": "team-"}]}}}, False),
        ({"detail": {"requestParameters": {"bucketName": [{"suffix": "-1"}]}}}, True),
        ({"detail": {"requestParameters": {"alarmNames": [{"prefix": "baseline-"}]}}}, True),  # any array element
        ({"detail": {"requestParameters": {"alarmNames": ["nope"]}}}, False),
        ({"region": [{"anything-but": "us-east-1"}]}, True),
        ({"region": [{"anything-but": ["eu-west-1", "us-east-1"]}]}, False),
        ({"region": [{"anything-but": {"prefix": "eu-"}}]}, False),
        ({"detail": {"missing": [{"anything-but": "x"}]}}, False),  # anything-but needs the field
        ({"detail": {"missing": [{"exists": False}]}}, True),
        ({"detail": {"missing": [{"exists": True}]}}, False),
        ({"detail": {"eventName": [{"exists": True}]}}, True),
        ({"detail": {"eventName": [{"exists": False}]}}, False),
        ({"detail": {"missing": ["x"]}}, False),
        ({"detail": {"count": [3]}}, True),
        ({"detail": {"count": ["3"]}}, False),  # types matter
        ({"detail": {"flag": [True]}}, True),
        ({"detail": {"flag": [1]}}, False),
        ({"detail": {"nothing": [None]}}, True),
        ({"detail": {"userIdentity": {"type": ["Root"]}}}, False),
        ({"detail": {"missingObject": {"type": ["Root"]}}}, False),
        ({"source": ["aws.s3"], "$or": [{"region": ["us-east-1"]}, {"detail": {"eventName": ["PutBucketPolicy"]}}]}, True),
        ({"source": ["aws.s3"], "$or": [{"region": ["us-east-1"]}, {"detail": {"eventName": ["DeleteBucket"]}}]}, False),
        ({"source": ["aws.kms"], "$or": [{"region": ["eu-west-1"]}]}, False),  # $or and the other fields
    ],
)
def test_pattern_semantics(pattern, expected):
    assert matches(pattern, EVENT) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        {"source": [{"wildcard": "aws.*"}]},  # an operator this matcher does not implement
        {"source": "aws.s3"},  # a bare value is not a pattern
        {"source": [{"prefix": "a", "suffix": "b"}]},
        {"$or": []},
        {"detail": {"missing": [{"exists": "yes"}]}},
    ],
)
def test_unknown_or_malformed_patterns_are_refused_not_matched(pattern):
    with pytest.raises(ValueError):
        matches(pattern, EVENT)
