"""Runs the builder named by config `direct-components:build` (module:function in tests.components): a function
that constructs one component from its own typed Args, as a user of the component library would."""

import importlib

import pulumi

module, function = pulumi.Config().require("build").split(":")
getattr(importlib.import_module(f"tests.components.{module}"), function)()
