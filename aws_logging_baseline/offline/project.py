"""Read a Pulumi project and one of its stacks, and compute the config the program sees, as the CLI does.

The Pulumi CLI applies `config:` defaults from Pulumi.yaml, checks stack values against the declared types,
and hands the program a flat map of `namespace:key` -> string (structured values as JSON). Under mocks none
of that happens, so the offline engine does it here.
"""

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aws_logging_baseline.echo import echo, got
from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline import safe_yaml

# libyaml's loader when PyYAML was built with it: the pure-Python one dominated a preview's fixed cost.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The sections a stack file may have (https://www.pulumi.com/docs/iac/concepts/projects/project-file/ and
# `pulumi config`'s stack settings); anything else is a typo such as `configx:` and is named.
STACK_SECTIONS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")
# `namespace:name` as `pulumi config set` accepts it: one colon at most, both parts non-empty, plain ASCII.
_CONFIG_KEY = re.compile(r"(?:[A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+")
_BASELINE = "baseline"  # the components' own namespace (components/settings.py NAMESPACE)
_PROVIDER_NAMESPACES = ("aws", "pulumi")

_TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
}


@dataclass(frozen=True)
class ConfigEntry:
    """One typed setting declared in Pulumi.yaml."""

    key: str  # fully qualified, e.g. "baseline:homeRegion"
    type: str
    description: str
    default: Any = None
    has_default: bool = False
    items_type: str | None = None


@dataclass
class Project:
    directory: Path
    name: str
    runtime: Any
    schema: dict[str, ConfigEntry] = field(default_factory=dict)
    main: Path | None = None  # the program's entry point (`main:`): a directory with __main__.py, or a .py file
    stack_config_dir: Path | None = None  # where Pulumi.<stack>.yaml files live (`stackConfigDir:`)

    @property
    def main_file(self) -> Path:
        """The file the Python language host runs: `main:` (a .py file, or a directory's __main__.py),
        by default the project directory's __main__.py."""
        main = self.main or self.directory
        return main if main.suffix == ".py" else main / "__main__.py"


def read_yaml(path: Path, what: str) -> Any:
    """Parse a user's YAML file (no aliases, bounded size and depth: safe_yaml); every failure is one line
    naming the file."""
    return safe_yaml.load(path, what)


def qualify(project_name: str, key: str) -> str:
    return key if ":" in key else f"{project_name}:{key}"


def load_project(directory: Path, python_only: bool = True) -> Project:
    """Pulumi.yaml of `directory`. `python_only=False` (audit, which only reads the stack files) takes any runtime."""
    path = directory / "Pulumi.yaml"
    doc = read_yaml(path, "project file (Pulumi.yaml)")
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str) or not doc["name"].strip():
        raise UserError(f"{path}: a Pulumi project file needs a string `name`")
    runtime = doc.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if python_only and runtime_name != "python":
        raise UserError(f"{path}: runtime is {echo(runtime_name)}; the offline engine runs Python programs only")
    project = Project(directory=directory, name=doc["name"], runtime=runtime)
    for attribute, field_name in (("main", "main"), ("stackConfigDir", "stack_config_dir")):
        value = doc.get(attribute)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip() or "\0" in value:
            raise UserError(f"{path}: `{attribute}` must be a path relative to Pulumi.yaml, {got(value)}")
        setattr(project, field_name, (directory / value).resolve())
    config = doc.get("config")
    if config is not None and not isinstance(config, dict):
        raise UserError(f"{path}: `config:` must be a mapping of key: {{type, default, description}}, {got(config)}")
    problems = []
    for key, spec in (config or {}).items():
        try:
            entry = _schema_entry(project, path, key, spec)
        except UserError as exc:
            problems.append(str(exc))
            continue
        project.schema[entry.key] = entry
    if problems:
        raise UserError("\n".join(problems))
    return project


def _schema_entry(project: Project, path: Path, key: Any, spec: Any) -> "ConfigEntry":
    """One `config:` declaration of Pulumi.yaml, its shape checked."""
    if not isinstance(key, str) or not _CONFIG_KEY.fullmatch(key):
        raise UserError(f"{path}: config {echo(key)}: a key is namespace:name or name (letters, digits, _ . -)")
    full = qualify(project.name, key)
    if not isinstance(spec, dict) or "type" not in spec:
        # A plain value (allowed for provider keys): it acts as a default of inferred type.
        return ConfigEntry(full, _infer_type(spec), "", spec, True)
    if not isinstance(spec["type"], str) or spec["type"] not in _TYPE_CHECKS:
        raise UserError(f"{path}: config {key}: unknown type {echo(spec['type'])} (one of {', '.join(_TYPE_CHECKS)})")
    description = spec.get("description", "")
    if not isinstance(description, str):
        raise UserError(f"{path}: config {key}: `description` must be a string, {got(description)}")
    items = None
    if spec["type"] == "array":
        declared = spec.get("items", {"type": "string"})
        if not isinstance(declared, dict) or declared.get("type") not in _TYPE_CHECKS or declared["type"] == "array":
            raise UserError(f"{path}: config {key}: `items` must be a mapping such as {{type: string}}, {got(declared)}")
        items = declared["type"] if "items" in spec else None
    elif "items" in spec:
        raise UserError(f"{path}: config {key}: `items` is only for type array")
    entry = ConfigEntry(full, spec["type"], description, spec.get("default"), "default" in spec, items)
    if entry.has_default:
        _check_type(entry, entry.default, f"{path}: config {key}: default")
    return entry


def _infer_type(value: Any) -> str:
    for name, check in _TYPE_CHECKS.items():
        if check(value):
            return name
    return "string"


def _check_type(entry: ConfigEntry, value: Any, where: str) -> None:
    if not _TYPE_CHECKS[entry.type](value):
        raise UserError(f"{where}: expected {entry.type}, {got(value)}")
    if entry.items_type and not all(_TYPE_CHECKS[entry.items_type](item) for item in value):
        raise UserError(f"{where}: every item must be {entry.items_type}")


def stack_file(project: Project, stack: str) -> Path:
    return (project.stack_config_dir or project.directory) / f"Pulumi.{stack}.yaml"


def resolve_config(project: Project, stack: str, overrides: dict[str, Any] | None = None) -> dict[str, str]:
    """Stack values over Pulumi.yaml defaults, then `overrides` (like `pulumi preview --config`), type-checked,
    serialized as the CLI passes them to the program. Every problem of the stack file and the overrides is
    reported together, one line each."""
    path = stack_file(project, stack)
    doc = read_yaml(path, f"stack file for stack {stack!r}") or {}
    if not isinstance(doc, dict):
        raise UserError(f"{path}: a stack file is a mapping with a `config:` key, {got(doc)}")
    problems: list[str] = []
    for section in doc:
        if section not in STACK_SECTIONS:
            close = difflib.get_close_matches(str(section), STACK_SECTIONS, n=1)
            hint = f"; did you mean {close[0]}?" if close else f" (a stack file has {', '.join(STACK_SECTIONS)})"
            problems.append(f"{path}: {echo(section)}: unknown section{hint}")
    values = doc.get("config") or {}
    if not isinstance(values, dict):
        problems.append(f"{path}: `config:` must be a mapping of key: value, {got(values)}")
        values = {}

    merged: dict[str, Any] = {key: e.default for key, e in project.schema.items() if e.has_default}
    for key, value in values.items():
        try:
            if not isinstance(key, str) or not _CONFIG_KEY.fullmatch(key):
                raise UserError(f"{path}: {echo(key)}: a config key is namespace:name (letters, digits, _ . -)")
            full = qualify(project.name, key)
            where = f"{path}: {full}"
            if isinstance(value, dict) and set(value) == {"secure"}:
                raise UserError(f"{where}: encrypted secrets cannot be read offline; use a plain value in this stack")
            entry = _declared(project, full, where)
            if entry is not None:
                _check_type(entry, value, where)
            _check_known_value(full, value, where)
            merged[full] = value
        except UserError as exc:
            problems.append(str(exc))
    for key, value in (overrides or {}).items():
        full = qualify(project.name, key)
        where = f"--config {full}"
        try:
            entry = _declared(project, full, where)
            if entry is not None:
                if isinstance(value, str) and entry.type != "string":
                    value = _from_text(entry.type, entry.items_type, value, where)
                _check_type(entry, value, where)
            _check_known_value(full, value, where)
            merged[full] = value
        except UserError as exc:
            problems.append(str(exc))
    if problems:
        raise UserError("\n".join(problems))
    return {key: _serialize(value) for key, value in merged.items() if value is not None}


def _check_known_value(key: str, value: Any, where: str) -> None:
    """Provider settings the tools read themselves: aws:region must be a region of a known partition
    (components/catalog/regions.yaml), not `mars-1`, 5, a list or empty."""
    if key == "aws:region":
        from aws_logging_baseline.components.regions import partition_of  # the catalog, no pulumi import

        if not isinstance(value, str) or partition_of(value) is None:
            raise UserError(f"{where}: not an AWS region, {got(value)} (e.g. us-east-1)")


def _declared(project: Project, key: str, where: str) -> ConfigEntry | None:
    """The schema entry of `key`. As the Pulumi CLI does, a key in a namespace the project declares keys in
    (its own, typically) but not this key is refused: a typo would otherwise be ignored. The components'
    `baseline:` namespace is closed even when the project declares none of it (a program composing the
    components under another name, such as examples/org): the components' settings are its declaration.
    Provider namespaces (aws:, pulumi:) stay open."""
    entry = project.schema.get(key)
    if entry is not None:
        return entry
    namespace = key.split(":", 1)[0]
    if namespace in _PROVIDER_NAMESPACES:
        return None
    prefix = f"{namespace}:"
    declared = [k.removeprefix(prefix) for k in project.schema if k.startswith(prefix)]
    owner = f"project {project.name}"
    if not declared and namespace == _BASELINE:
        declared, owner = _baseline_settings(), "the baseline components"
        if key.removeprefix(prefix) in declared:
            return None  # typed and checked by the components themselves
    if declared:
        close = difflib.get_close_matches(key.removeprefix(prefix), declared, n=1)
        hint = f"; did you mean {prefix}{close[0]}?" if close else f" (see the config: block of {project.directory / 'Pulumi.yaml'})"
        raise UserError(f"{where}: not a setting of {owner}{hint}")
    return None


def _baseline_settings() -> list[str]:
    from aws_logging_baseline.components.settings import settings_fields

    return [key.split(":", 1)[1] for _, key, _ in settings_fields()]


def _from_text(type_: str, items_type: str | None, raw: str, where: str) -> Any:
    """A command-line value as `pulumi config set` reads it: text, converted to the declared type."""
    text = raw.strip()
    if type_ == "integer" and re.fullmatch(r"[+-]?[0-9]{1,18}", text):  # ASCII digits, no 5000-digit int()
        return int(text)
    if type_ == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if type_ == "array":
        try:
            safe_yaml.check_events(text, where)  # no aliases, bounded depth, as in files
            items = yaml.load(text, Loader=yaml.BaseLoader)  # every scalar stays a string, as typed
        except yaml.YAMLError:
            items = None
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            return [item if items_type in (None, "string") else _from_text(items_type, None, item, where) for item in items]
        raise UserError(f"{where}: expected an array such as [a, b], got {echo(raw)}")
    raise UserError(f"{where}: expected {type_}, got {echo(raw)}")


def parse_override(text: str) -> tuple[str, str]:
    """`key=value` from the command line. The value stays text: `resolve_config` converts it to the key's
    declared type (so account ids stay strings, and 30, true and [a, b] work where those types are declared)."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise UserError(f"--config {echo(text)}: expected key=value")
    if not _CONFIG_KEY.fullmatch(key):
        raise UserError(f"--config {echo(text)}: the key must be name or namespace:name (letters, digits, _ . -)")
    return key, raw


def _serialize(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)
