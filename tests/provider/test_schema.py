"""The schema other languages see: every public component and input typed and documented, and equal to the snapshot.

Iterates over PUBLIC_COMPONENTS (aws_logging_baseline/provider.py), so a component added there is held to the
same rules without touching this file.
"""

import difflib
import functools
import inspect
import json
from typing import NotRequired, TypedDict

import pulumi
import pytest
from pulumi.provider.experimental.analyzer import Analyzer, ComponentDefinition

from aws_logging_baseline.provider import PROVIDER_NAME, PUBLIC_COMPONENTS, main, provider_version, schema_json
from tests.engine_helpers import REPO

SNAPSHOT = REPO / "tests" / "data" / "provider-schema.json"
REGENERATE = "python -m aws_logging_baseline.provider --schema > tests/data/provider-schema.json"
PUBLIC_NAMES = sorted(c.__name__ for c in PUBLIC_COMPONENTS)


@functools.cache
def analyzed() -> dict[str, ComponentDefinition]:
    """What the provider infers (a failure here names the component and field it cannot type)."""
    return Analyzer(PROVIDER_NAME).analyze(PUBLIC_COMPONENTS)["component_definitions"]


def test_every_public_component_is_in_the_schema_with_a_description():
    assert PUBLIC_COMPONENTS, "PUBLIC_COMPONENTS is empty"
    assert sorted(analyzed()) == PUBLIC_NAMES
    undocumented = [name for name, component in analyzed().items() if not (component.description or "").strip()]
    assert not undocumented, f"components without a class docstring (their schema description): {undocumented}"


@pytest.mark.parametrize("component", PUBLIC_COMPONENTS, ids=lambda c: c.__name__)
def test_the_provider_can_call_every_public_component_and_the_docs_name_its_python_only_hooks(component):
    """The provider calls `Xxx(name, args, opts)`: anything after `opts` must be keyword-only with a default
    (a Python-only hook), and docs/other-languages.md must say what other languages do instead."""
    parameters = list(inspect.signature(component.__init__).parameters.values())[1:]
    assert [p.name for p in parameters[:3]] == ["name", "args", "opts"], parameters
    hooks = parameters[3:]
    assert all(p.kind is p.KEYWORD_ONLY and p.default is not p.empty for p in hooks), hooks
    docs = (REPO / "docs" / "other-languages.md").read_text()
    missing = [p.name for p in hooks if f"`{component.__name__}`'s keyword-only `{p.name}`" not in docs]
    assert not missing, f"docs/other-languages.md does not say how other languages replace {component.__name__}'s {missing}"


def input_problems(component: ComponentDefinition) -> list[str]:
    """Each input without a type, without a description, or NotRequired without its default: one line each."""
    problems = []
    for name, prop in component.inputs.items():
        python_name = component.inputs_mapping[name]
        if prop.type is None and prop.ref is None:
            problems.append(f"{python_name}: no type")
        for element, what in ((prop.items, "elements"), (prop.additional_properties, "values")):
            if element is not None and element.type is None and element.ref is None:
                problems.append(f"{python_name}: its {what} have no type")
        description = (prop.description or "").strip()
        if not description:
            problems.append(f"{python_name}: no docstring (a string literal right after the annotation)")
        elif prop.optional and "Default:" not in description:
            problems.append(f"{python_name}: NotRequired but its docstring does not end with 'Default: <value>.'")
    return problems


@pytest.mark.parametrize("component", PUBLIC_NAMES)
def test_every_input_has_a_type_and_a_description_and_optional_ones_say_their_default(component):
    definition = analyzed()[component]
    assert definition.inputs, f"{component} has no inputs: is its __init__ argument named `args` and annotated?"
    problems = input_problems(definition)
    assert not problems, f"{component}Args:\n  " + "\n  ".join(problems)


class CarelessArgs(TypedDict):
    documented: str
    """A documented required input."""
    undocumented: str
    optional_without_default: NotRequired[int]
    """An optional input that does not say what happens when it is left out."""
    optional_with_default: NotRequired[bool]
    """An optional input. Default: true."""


class Careless(pulumi.ComponentResource):
    """A component that breaks the rules, to prove the rules catch it."""

    def __init__(self, name: str, args: CarelessArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("test:index:Careless", name, None, opts)


def test_the_rules_catch_an_undocumented_input_and_an_optional_input_without_its_default():
    careless = Analyzer(PROVIDER_NAME).analyze([Careless])["component_definitions"]["Careless"]
    assert input_problems(careless) == [
        "undocumented: no docstring (a string literal right after the annotation)",
        "optional_without_default: NotRequired but its docstring does not end with 'Default: <value>.'",
    ]


def test_schema_equals_the_snapshot():
    generated = schema_json()
    checked_in = SNAPSHOT.read_text()
    if generated != checked_in:
        diff = "".join(difflib.unified_diff(checked_in.splitlines(True), generated.splitlines(True),
                                            "tests/data/provider-schema.json (checked in)", "generated"))
        pytest.fail(f"The provider schema changed. If intended, regenerate it with\n    {REGENERATE}\n"
                    f"and review the diff (what TypeScript/YAML callers see):\n{diff}")


def test_the_regenerate_command_prints_the_schema(capsys):
    assert main(["--schema"]) == 0
    assert capsys.readouterr().out == schema_json()


def test_schema_names_the_package_and_its_version_and_tokens():
    schema = json.loads(schema_json())
    assert (schema["name"], schema["version"]) == (PROVIDER_NAME, provider_version())
    assert sorted(schema["resources"]) == sorted(f"{PROVIDER_NAME}:index:{c.__name__}" for c in PUBLIC_COMPONENTS)
    assert all(resource["isComponent"] for resource in schema["resources"].values())
