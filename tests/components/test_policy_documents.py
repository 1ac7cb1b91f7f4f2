"""The policy builders refuse a service-principal grant without a source condition (confused-deputy guard)."""

import pytest

from aws_logging_baseline.components import policy_documents as docs


def test_a_service_statement_without_a_condition_is_refused():
    with pytest.raises(ValueError, match="AllowX: a service principal statement needs a source condition"):
        docs.allow_service("AllowX", "logs.amazonaws.com", "kms:Decrypt", "*", {})


def test_a_trust_policy_without_conditions_is_refused():
    with pytest.raises(ValueError, match="a trust policy for s3.amazonaws.com needs"):
        docs.assume_role_policy("s3.amazonaws.com", {})


def test_a_service_statement_has_the_iam_shape():
    assert docs.allow_service("S", "config.amazonaws.com", ["s3:GetBucketAcl"], "arn:aws:s3:::b",
                              {"StringEquals": {"aws:SourceAccount": "111111111111"}}) == {
        "Sid": "S",
        "Effect": "Allow",
        "Principal": {"Service": "config.amazonaws.com"},
        "Action": ["s3:GetBucketAcl"],
        "Resource": "arn:aws:s3:::b",
        "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}},
    }
