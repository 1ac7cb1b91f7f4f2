"""Builds the case named by config `policy-cases:case` (see cases.py)."""

import pulumi

import cases

cases.build(pulumi.Config().require("case"))
