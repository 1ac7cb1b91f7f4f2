"""The CloudWatch Logs JSON filter-pattern parser the pack judges CIS metric filters with."""

import pytest
import yaml

from aws_logging_baseline.policies.baseline_policies.filter_pattern import PatternError, differences, parse
from tests.policies.conftest import REPO

CATALOG = yaml.safe_load((REPO / "aws_logging_baseline" / "components" / "catalog" / "cis_alarms.yaml").read_text())


@pytest.mark.parametrize("entry", CATALOG["alarms"], ids=lambda e: e["id"])
def test_every_reference_pattern_parses_to_itself_and_survives_reformatting(entry):
    reference = parse(entry["pattern"])
    spaced = entry["pattern"].replace("(", " ( ").replace(")", " ) ").replace("&&", "  &&  ")
    assert parse(f"  {spaced}  ") == reference  # whitespace does not matter
    assert parse("{(" + entry["pattern"].strip()[1:-1] + ")}") == reference  # nor an extra pair of parentheses


@pytest.mark.parametrize("rewritten", [
    '{ ($.eventName = "UpdateTrail") || ($.eventName = CreateTrail) }',
    "{$.eventName=CreateTrail||(($.eventName=UpdateTrail))}",
    '{ ( ($.eventName = "CreateTrail") ) || $.eventName = "UpdateTrail" }',
])
def test_equivalent_rewrites_are_equal(rewritten):
    assert parse(rewritten) == parse("{($.eventName=CreateTrail) || ($.eventName=UpdateTrail)}")


@pytest.mark.parametrize("other, why", [
    ("{($.eventName=CreateTrail) && ($.eventName=UpdateTrail)}", "joined by && where the reference joins them by ||"),
    ("{($.eventName=CreateTrail)}", "it is $.eventName = \"CreateTrail\" where the reference is"),
    ("{($.eventName=CreateTrail) || ($.eventName=DeleteTrail)}", 'it lacks $.eventName = "UpdateTrail", and it adds '
                                                                  '$.eventName = "DeleteTrail"'),
    ("{($.eventName=CreateTrail) || ($.eventName!=UpdateTrail)}", 'it adds $.eventName != "UpdateTrail"'),
])
def test_a_different_meaning_is_different_and_says_why(other, why):
    reference = parse("{($.eventName=CreateTrail) || ($.eventName=UpdateTrail)}")
    assert parse(other) != reference
    assert why in differences(parse(other), reference)


def test_nested_groups_keep_their_structure():
    grouped = parse('{(($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.eventName != "HeadBucket")}')
    flat = parse('{($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.eventName != "HeadBucket")}')
    assert grouped != flat


@pytest.mark.parametrize("text, message", [
    ("$.eventName = CreateTrail", "enclosed in { }"),
    ("{ $.a = 1 && $.b = 2 || $.c = 3 }", "mixed without parentheses"),
    ("{ ($.a = 1 }", "not closed"),
    ("{ eventName = CreateTrail }", "expected a selector"),
    ("{ $.a = }", "ends too early"),
    ("{ $.a = 1 $.b = 2 }", "after a complete expression"),
])
def test_what_is_not_a_json_filter_pattern_is_refused(text, message):
    with pytest.raises(PatternError, match=message):
        parse(text)


def test_not_exists_and_is_clauses():
    assert str(parse("{ $.userIdentity.invokedBy NOT EXISTS }")) == "$.userIdentity.invokedBy NOT EXISTS"
    assert parse("{ $.flag IS TRUE }") != parse("{ $.flag IS FALSE }")
