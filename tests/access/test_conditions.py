"""Condition operators, set qualifiers, policy variables and the wildcard matchers, one table per rule family."""

from datetime import datetime, timezone

import pytest

from aws_logging_baseline.access.conditions import (
    arn_like,
    evaluate_condition,
    substitute_variables,
    wildcard_match,
)


def holds(block, context):
    return evaluate_condition(block, context).holds()


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
STRING_ROWS = [
    ("StringEquals", "prod", "prod", True),
    ("StringEquals", "prod", "Prod", False),
    ("StringEquals", "pro*", "prod", False),  # no wildcards in StringEquals
    ("StringNotEquals", "prod", "dev", True),
    ("StringNotEquals", "prod", "prod", False),
    ("StringEqualsIgnoreCase", "PROD", "prod", True),
    ("StringNotEqualsIgnoreCase", "PROD", "prod", False),
    ("StringNotEqualsIgnoreCase", "PROD", "dev", True),
    ("StringLike", "home/*/docs", "home/alice/docs", True),
    ("StringLike", "home/?", "home/ab", False),
    ("StringLike", "Home/*", "home/x", False),  # case-sensitive
    ("StringNotLike", "tmp/*", "tmp/x", False),
    ("StringNotLike", "tmp/*", "var/x", True),
    ("StringEquals", "true", True, True),  # JSON booleans compare as "true"/"false"
    ("StringEquals", "42", 42, True),
]


@pytest.mark.parametrize(("operator", "wanted", "actual", "expected"), STRING_ROWS)
def test_string_operators(operator, wanted, actual, expected):
    assert holds({operator: {"aws:ResourceTag/env": wanted}}, {"aws:ResourceTag/env": actual}) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
NUMERIC_ROWS = [
    ("NumericEquals", "10", 10, True),
    ("NumericEquals", "10", "10.0", True),
    ("NumericNotEquals", "10", 11, True),
    ("NumericNotEquals", "10", 10, False),
    ("NumericLessThan", "10", 9, True),
    ("NumericLessThan", "10", 10, False),
    ("NumericLessThanEquals", "10", 10, True),
    ("NumericGreaterThan", "10", 11.5, True),
    ("NumericGreaterThan", "10", 10, False),
    ("NumericGreaterThanEquals", "10", 10, True),
    ("NumericEquals", "10", "ten", False),  # a value that is not a number never matches
]


@pytest.mark.parametrize(("operator", "wanted", "actual", "expected"), NUMERIC_ROWS)
def test_numeric_operators(operator, wanted, actual, expected):
    assert holds({operator: {"s3:max-keys": wanted}}, {"s3:max-keys": actual}) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
NOON = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
DATE_ROWS = [
    ("DateEquals", "2026-06-01T12:00:00Z", NOON, True),
    ("DateNotEquals", "2026-06-01T12:00:00Z", NOON, False),
    ("DateLessThan", "2026-06-01T12:00:01Z", NOON, True),
    ("DateLessThan", "2026-06-01T12:00:00Z", NOON, False),
    ("DateLessThanEquals", "2026-06-01T12:00:00Z", NOON, True),
    ("DateGreaterThan", "2026-01-01", NOON, True),
    ("DateGreaterThanEquals", "2026-06-01T14:00:00+02:00", NOON, True),  # same instant, another offset
    ("DateEquals", str(int(NOON.timestamp())), NOON, True),  # epoch seconds in the policy
    ("DateLessThan", "2027-01-01T00:00:00Z", "2026-06-01T12:00:00Z", True),  # ISO string in the request
    ("DateGreaterThan", "2026-01-01T00:00:00Z", int(NOON.timestamp()), True),  # epoch in the request
    ("DateEquals", "not a date", NOON, False),
]


@pytest.mark.parametrize(("operator", "wanted", "actual", "expected"), DATE_ROWS)
def test_date_operators(operator, wanted, actual, expected):
    assert holds({operator: {"aws:CurrentTime": wanted}}, {"aws:CurrentTime": actual}) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
BOOL_BINARY_NULL_ROWS = [
    ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "false"}, True),
    ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": False}, True),
    ({"Bool": {"aws:SecureTransport": False}}, {"aws:SecureTransport": "FALSE"}, True),
    ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": True}, False),
    ({"Bool": {"aws:SecureTransport": "false"}}, {}, False),  # missing key: Bool does not hold
    ({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, {}, True),
    ({"BinaryEquals": {"key": "QmluYXJ5VmFsdWU="}}, {"key": b"BinaryValue"}, True),
    ({"BinaryEquals": {"key": "QmluYXJ5VmFsdWU="}}, {"key": "QmluYXJ5VmFsdWU="}, True),
    ({"BinaryEquals": {"key": "QmluYXJ5VmFsdWU="}}, {"key": b"Other"}, False),
    ({"Null": {"aws:TokenIssueTime": "true"}}, {}, True),
    ({"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}, False),
    ({"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}, True),
    ({"Null": {"aws:TokenIssueTime": False}}, {}, False),
]


@pytest.mark.parametrize(("block", "context", "expected"), BOOL_BINARY_NULL_ROWS)
def test_bool_binary_and_null(block, context, expected):
    assert holds(block, context) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
IP_ROWS = [
    ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
    ("IpAddress", "203.0.113.0/24", "198.51.100.7", False),
    ("IpAddress", "203.0.113.7", "203.0.113.7", True),  # a bare address is a /32
    ("IpAddress", "2001:db8::/32", "2001:db8:1::5", True),
    ("IpAddress", "2001:db8::/32", "203.0.113.7", False),  # IPv4 never falls in an IPv6 range
    ("NotIpAddress", "203.0.113.0/24", "198.51.100.7", True),
    ("NotIpAddress", "203.0.113.0/24", "203.0.113.9", False),
    ("IpAddress", "203.0.113.0/24", "not-an-ip", False),
]


@pytest.mark.parametrize(("operator", "wanted", "actual", "expected"), IP_ROWS)
def test_ip_address_operators(operator, wanted, actual, expected):
    assert holds({operator: {"aws:SourceIp": wanted}}, {"aws:SourceIp": actual}) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
TRAIL = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org"
ARN_ROWS = [
    ("ArnEquals", TRAIL, TRAIL, True),
    ("ArnLike", "arn:aws:cloudtrail:*:111122223333:trail/*", TRAIL, True),
    ("ArnLike", "arn:aws:cloudtrail:*:444455556666:trail/*", TRAIL, False),
    ("ArnEquals", "arn:aws:cloudtrail:*:111122223333:trail/org", TRAIL, True),  # ArnEquals takes wildcards too
    ("ArnLike", "arn:aws:cloudtrail:us-east-1:111122223333:trail/ORG", TRAIL, False),  # case-sensitive
    ("ArnLike", "arn:aws:cloudtrail:*:*", TRAIL, False),  # fewer than six components
    ("ArnLike", "arn:aws:cloudtrail:us-east-1:111122223333:trail/org", "trail/org", False),  # not an ARN
    ("ArnLike", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c", True),  # the resource part may hold ":"
    ("ArnNotEquals", TRAIL, "arn:aws:cloudtrail:us-east-1:111122223333:trail/other", True),
    ("ArnNotLike", "arn:aws:cloudtrail:*:111122223333:trail/*", TRAIL, False),
]


@pytest.mark.parametrize(("operator", "wanted", "actual", "expected"), ARN_ROWS)
def test_arn_operators(operator, wanted, actual, expected):
    assert holds({operator: {"aws:SourceArn": wanted}}, {"aws:SourceArn": actual}) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
# ("If the key that you specify in a policy condition is not present in the request context, the values do not
# match and the condition is false. If the policy condition requires that the key is not matched, such as
# StringNotLike or ArnNotLike, and the right key is not present, the condition is true.")
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
MISSING_KEY_ROWS = [
    ({"StringEquals": {"aws:SourceAccount": "111122223333"}}, False),
    ({"StringNotEquals": {"aws:SourceAccount": "111122223333"}}, True),
    ({"StringNotLike": {"aws:SourceAccount": "1111*"}}, True),
    ({"StringNotEqualsIgnoreCase": {"aws:SourceAccount": "x"}}, True),
    ({"ArnNotLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*"}}, True),
    ({"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*"}}, False),
    ({"NumericNotEquals": {"s3:max-keys": "10"}}, True),
    ({"NumericLessThan": {"s3:max-keys": "10"}}, False),
    ({"DateNotEquals": {"aws:CurrentTime": "2026-01-01"}}, True),
    ({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, True),
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, False),
    ({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, True),
    ({"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*"}}, True),
    ({"NumericLessThanIfExists": {"s3:max-keys": "10"}}, True),
]


@pytest.mark.parametrize(("block", "expected"), MISSING_KEY_ROWS)
def test_missing_key(block, expected):
    assert holds(block, {"aws:SomethingElse": "x"}) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
IF_EXISTS_PRESENT_ROWS = [
    ({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, {"aws:SourceAccount": "111122223333"}, True),
    ({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, {"aws:SourceAccount": "444455556666"}, False),
    ({"StringNotEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, {"aws:SourceAccount": "111122223333"}, False),
]


@pytest.mark.parametrize(("block", "context", "expected"), IF_EXISTS_PRESENT_ROWS)
def test_if_exists_checks_a_present_key(block, context, expected):
    assert holds(block, context) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
SET_ROWS = [
    ("ForAllValues:StringEquals", ["a", "b"], ["a"], True),
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], True),
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], False),
    ("ForAllValues:StringEquals", ["a", "b"], None, True),  # missing key: true (the fail-open trap)
    ("ForAllValues:StringEquals", ["a", "b"], [], True),  # empty set: true
    ("ForAnyValue:StringEquals", ["a", "b"], ["c", "b"], True),
    ("ForAnyValue:StringEquals", ["a", "b"], ["c", "d"], False),
    ("ForAnyValue:StringEquals", ["a", "b"], None, False),  # missing key: false
    ("ForAnyValue:StringEquals", ["a", "b"], [], False),
    ("ForAllValues:StringLike", ["Created*"], ["CreatedBy", "CreatedAt"], True),
    ("ForAllValues:StringNotEquals", ["secret"], ["a", "b"], True),
    ("ForAllValues:StringNotEquals", ["secret"], ["a", "secret"], False),
    ("ForAnyValue:StringNotEquals", ["secret"], ["a", "secret"], True),
    ("ForAnyValue:StringNotEquals", ["secret"], ["secret"], False),
    ("ForAnyValue:StringEqualsIgnoreCase", ["ADMIN"], ["admin"], True),
    ("ForAnyValue:StringEquals", ["a"], "a", True),  # a single value is a one-element set
]


@pytest.mark.parametrize(("operator", "wanted", "actual", "expected"), SET_ROWS)
def test_set_qualifiers(operator, wanted, actual, expected):
    context = {} if actual is None else {"aws:TagKeys": actual}
    assert holds({operator: {"aws:TagKeys": wanted}}, context) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
COMBINATION_ROWS = [
    # several values of one key: OR
    ({"StringEquals": {"aws:SourceAccount": ["1", "2"]}}, {"aws:SourceAccount": "2"}, True),
    # a negated operator with several values: NOR
    ({"StringNotEquals": {"aws:SourceAccount": ["1", "2"]}}, {"aws:SourceAccount": "2"}, False),
    ({"StringNotEquals": {"aws:SourceAccount": ["1", "2"]}}, {"aws:SourceAccount": "3"}, True),
    # several keys under one operator: AND
    ({"StringEquals": {"a": "1", "b": "2"}}, {"a": "1", "b": "2"}, True),
    ({"StringEquals": {"a": "1", "b": "2"}}, {"a": "1", "b": "3"}, False),
    # several operators: AND
    ({"StringEquals": {"a": "1"}, "Bool": {"b": "true"}}, {"a": "1", "b": False}, False),
    ({"StringEquals": {"a": "1"}, "Bool": {"b": "true"}}, {"a": "1", "b": True}, True),
    # condition key names are case-insensitive, values are not
    ({"StringEquals": {"AWS:SOURCEACCOUNT": "1"}}, {"aws:sourceaccount": "1"}, True),
    ({"StringEquals": {"aws:SourceAccount": "abc"}}, {"aws:SourceAccount": "ABC"}, False),
    # a single-valued operator against a multivalued request key: any request value may match,
    # and the negated operator holds only when none does
    ({"StringEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["a", "b"]}, True),
    ({"StringNotEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["a", "b"]}, False),
    ({"StringNotEquals": {"aws:TagKeys": "z"}}, {"aws:TagKeys": ["a", "b"]}, True),
    # an empty Condition block always holds
    ({}, {}, True),
]


@pytest.mark.parametrize(("block", "context", "expected"), COMBINATION_ROWS)
def test_multiple_keys_and_values(block, context, expected):
    assert holds(block, context) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
VARIABLE_ROWS = [
    ({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}, {"aws:username": "alice", "s3:prefix": "home/alice/x"},
     True),
    ({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}, {"aws:username": "bob", "s3:prefix": "home/alice/x"},
     False),
    # a variable whose key is missing leaves the statement unmatched, even for a negated operator
    ({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}, {"s3:prefix": "home/alice/x"}, False),
    ({"StringNotEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}, {"aws:SourceAccount": "1"}, False),
    # the default form
    ({"StringEquals": {"s3:prefix": "${aws:username, 'guest'}"}}, {"s3:prefix": "guest"}, True),
    ({"StringEquals": {"s3:prefix": "${aws:username, 'it''s'}"}}, {"s3:prefix": "it's"}, True),
    ({"StringEquals": {"s3:prefix": "${aws:username, 'guest'}"}}, {"aws:username": "al", "s3:prefix": "al"}, True),
    # ${*} and ${?} are literal characters, not wildcards; ${$} is a literal dollar
    ({"StringLike": {"s3:prefix": "a${*}"}}, {"s3:prefix": "a*"}, True),
    ({"StringLike": {"s3:prefix": "a${*}"}}, {"s3:prefix": "abc"}, False),
    ({"StringLike": {"s3:prefix": "a${?}"}}, {"s3:prefix": "ab"}, False),
    ({"StringEquals": {"s3:prefix": "${$}{x}"}}, {"s3:prefix": "${x}"}, True),
    # variables in ARN operators, looked up case-insensitively
    ({"ArnEquals": {"aws:SourceArn": "arn:aws:cloudtrail:*:${aws:sourceaccount}:trail/*"}},
     {"aws:SourceAccount": "111122223333", "aws:SourceArn": TRAIL}, True),
    ({"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}},
     {"aws:PrincipalAccount": "1", "aws:SourceAccount": "1"}, True),
    # a multivalued key cannot be a variable
    ({"StringEquals": {"a": "${aws:TagKeys}"}}, {"aws:TagKeys": ["x"], "a": "x"}, False),
    # Numeric operators take no variables: the text is compared as written
    ({"NumericEquals": {"a": "${b}"}}, {"a": "1", "b": "1"}, False),
]


@pytest.mark.parametrize(("block", "context", "expected"), VARIABLE_ROWS)
def test_policy_variables(block, context, expected):
    assert holds(block, context) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
@pytest.mark.parametrize(("text", "context", "resolved"), [
    ("arn:aws:s3:::b/${aws:username}", {"aws:username": "alice"}, True),
    ("arn:aws:s3:::b/${aws:username}", {}, False),
    ("arn:aws:s3:::b/${aws:username, 'shared'}", {}, True),
    ("arn:aws:s3:::b/no-variable", {}, True),
])
def test_substitute_variables_reports_unresolved(text, context, resolved):
    assert (substitute_variables(text, context) is not None) is resolved


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
WILDCARD_ROWS = [
    ("*", "", True, True),
    ("a*c", "abbbc", True, True),
    ("a*c", "abbbd", True, False),
    ("a?c", "abc", True, True),
    ("a?c", "ac", True, False),
    ("*a*b*", "xxaxxbxx", True, True),
    ("s3:Get*", "S3:getobject", False, True),
    ("s3:Get*", "S3:getobject", True, False),
    ("a**b", "ab", True, True),
    ("abc", "abcd", True, False),
]


@pytest.mark.parametrize(("pattern", "value", "case_sensitive", "expected"), WILDCARD_ROWS)
def test_wildcard_match(pattern, value, case_sensitive, expected):
    assert wildcard_match(pattern, value, case_sensitive=case_sensitive) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
@pytest.mark.parametrize(("pattern", "arn", "expected"), [
    ("arn:aws:iam::*:role/x", "arn:aws:iam::444455556666:role/x", True),
    ("arn:aws:iam::*:role/x", "arn:aws:iam::444455556666:role/y", False),
    ("arn:aws:iam::111122223333:*", "arn:aws:iam::111122223333:role/a/b", True),
    ("*", "arn:aws:iam::111122223333:role/a", True),
    ("arn:aws:iam::*", "arn:aws:iam::111122223333:role/a", False),
])
def test_arn_like(pattern, arn, expected):
    assert arn_like(pattern, arn) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
@pytest.mark.parametrize(("block", "context", "text"), [
    ({"StringLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b/*"}},
     {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b"},
     "condition StringLike kms:EncryptionContext:aws:s3:arn expects arn:aws:s3:::b/* got arn:aws:s3:::b"),
    ({"StringEquals": {"aws:SourceAccount": ["1", "2"]}}, {},
     "condition StringEquals aws:SourceAccount expects 1, 2 got no value (key missing)"),
    ({"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"a": "1"}}, {"aws:SecureTransport": False},
     "condition Bool aws:SecureTransport expects true got false"),
    ({"ForAllValues:StringEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["a", "b"]},
     "condition ForAllValues:StringEquals aws:TagKeys expects a got [a, b]"),
])
def test_failure_names_the_first_failing_operator_and_key(block, context, text):
    result = evaluate_condition(block, context)
    assert not result.holds()
    assert str(result.failure) == text


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
@pytest.mark.parametrize("block", [
    {"StringEqualz": {"a": "1"}},
    {"ForSomeValues:StringEquals": {"a": "1"}},
])
def test_unknown_operators_are_refused(block):
    with pytest.raises(ValueError):
        evaluate_condition(block, {"a": "1"})
