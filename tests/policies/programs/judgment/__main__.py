"""Builds the case named by config `policy-judgment:case` (see judgment_cases.py)."""

import pulumi

import judgment_cases

judgment_cases.build(pulumi.Config().require("case"))
