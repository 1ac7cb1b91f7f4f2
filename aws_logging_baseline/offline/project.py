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

from aws_logging_baseline.errors import UserError

# libyaml's loader when PyYAML was built with it: the pure-Python one dominated a preview's fixed cost.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
    """Parse a YAML file; every failure is one line naming the file."""
    if not path.is_file():
        raise UserError(f"{path}: {what} not found")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"{path}: malformed YAML{where}: {problem}") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: {what} is not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise UserError(f"{path}: cannot read {what}: {exc.strerror}") from exc


def qualify(project_name: str, key: str) -> str:
    return key if ":" in key else f"{project_name}:{key}"


def load_project(directory: Path) -> Project:
    path = directory / "Pulumi.yaml"
    doc = read_yaml(path, "project file (Pulumi.yaml)")
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise UserError(f"{path}: a Pulumi project file needs a string `name`")
    runtime = doc.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise UserError(f"{path}: runtime is {runtime_name!r}; the offline engine runs Python programs only")
    project = Project(directory=directory, name=doc["name"], runtime=runtime)
    for attribute, field_name in (("main", "main"), ("stackConfigDir", "stack_config_dir")):
        value = doc.get(attribute)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise UserError(f"{path}: `{attribute}` must be a path relative to Pulumi.yaml, got {value!r}")
        setattr(project, field_name, (directory / value).resolve())
    for key, spec in (doc.get("config") or {}).items():
        full = qualify(project.name, key)
        if not isinstance(spec, dict) or "type" not in spec:
            # A plain value (allowed for provider keys): it acts as a default of inferred type.
            project.schema[full] = ConfigEntry(full, _infer_type(spec), "", spec, True)
            continue
        if spec["type"] not in _TYPE_CHECKS:
            raise UserError(f"{path}: config {key}: unknown type {spec['type']!r}")
        items = spec.get("items", {}).get("type") if spec["type"] == "array" else None
        entry = ConfigEntry(full, spec["type"], spec.get("description", ""), spec.get("default"), "default" in spec, items)
        if entry.has_default:
            _check_type(entry, entry.default, f"{path}: config {key}: default")
        project.schema[full] = entry
    return project


def _infer_type(value: Any) -> str:
    for name, check in _TYPE_CHECKS.items():
        if check(value):
            return name
    return "string"


def _check_type(entry: ConfigEntry, value: Any, where: str) -> None:
    if not _TYPE_CHECKS[entry.type](value):
        raise UserError(f"{where}: expected {entry.type}, got {type(value).__name__} {value!r}")
    if entry.items_type and not all(_TYPE_CHECKS[entry.items_type](item) for item in value):
        raise UserError(f"{where}: every item must be {entry.items_type}")


def stack_file(project: Project, stack: str) -> Path:
    return (project.stack_config_dir or project.directory) / f"Pulumi.{stack}.yaml"


def resolve_config(project: Project, stack: str, overrides: dict[str, Any] | None = None) -> dict[str, str]:
    """Stack values over Pulumi.yaml defaults, then `overrides` (like `pulumi preview --config`), type-checked,
    serialized as the CLI passes them to the program."""
    path = stack_file(project, stack)
    doc = read_yaml(path, f"stack file for stack {stack!r}") or {}
    if not isinstance(doc, dict):
        raise UserError(f"{path}: a stack file is a mapping with a `config:` key")
    values = doc.get("config") or {}
    if not isinstance(values, dict):
        raise UserError(f"{path}: `config:` must be a mapping of key: value")

    merged: dict[str, Any] = {key: e.default for key, e in project.schema.items() if e.has_default}
    for key, value in values.items():
        full = qualify(project.name, str(key))
        where = f"{path}: {full}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            raise UserError(f"{where}: encrypted secrets cannot be read offline; use a plain value in this stack")
        entry = _declared(project, full, where)
        if entry is not None:
            _check_type(entry, value, where)
        merged[full] = value
    for key, value in (overrides or {}).items():
        full = qualify(project.name, key)
        where = f"--config {full}"
        entry = _declared(project, full, where)
        if entry is not None:
            if isinstance(value, str) and entry.type != "string":
                value = _from_text(entry.type, entry.items_type, value, where)
            _check_type(entry, value, where)
        merged[full] = value
    return {key: _serialize(value) for key, value in merged.items() if value is not None}


def _declared(project: Project, key: str, where: str) -> ConfigEntry | None:
    """The schema entry of `key`. As the Pulumi CLI does, a key in the project's own namespace that the project
    does not declare is refused (a typo would otherwise be ignored); other namespaces (aws:) pass."""
    entry = project.schema.get(key)
    own = [k for k in project.schema if k.startswith(f"{project.name}:")]
    if entry is None and own and key.startswith(f"{project.name}:"):
        prefix = f"{project.name}:"
        close = difflib.get_close_matches(key.removeprefix(prefix), [k.removeprefix(prefix) for k in own], n=1)
        hint = f"; did you mean {prefix}{close[0]}?" if close else f" (see the config: block of {project.directory / 'Pulumi.yaml'})"
        raise UserError(f"{where}: not a setting of project {project.name}{hint}")
    return entry


def _from_text(type_: str, items_type: str | None, raw: str, where: str) -> Any:
    """A command-line value as `pulumi config set` reads it: text, converted to the declared type."""
    text = raw.strip()
    if type_ == "integer" and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if type_ == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if type_ == "array":
        try:
            items = yaml.load(text, Loader=yaml.BaseLoader)  # every scalar stays a string, as typed
        except yaml.YAMLError:
            items = None
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            return [item if items_type in (None, "string") else _from_text(items_type, None, item, where) for item in items]
        raise UserError(f"{where}: expected an array such as [a, b], got {raw!r}")
    raise UserError(f"{where}: expected {type_}, got {raw!r}")


def parse_override(text: str) -> tuple[str, str]:
    """`key=value` from the command line. The value stays text: `resolve_config` converts it to the key's
    declared type (so account ids stay strings, and 30, true and [a, b] work where those types are declared)."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise UserError(f"--config {text!r}: expected key=value")
    return key, raw


def _serialize(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)
