"""Where `audit --format sarif` points each finding in the user's repository.

A finding is about a live resource, not a file, but GitHub code scanning places an alert only on a file of the
repository the log is uploaded to, and rejects a result without `physicalLocation.artifactLocation.uri`. The file
that decides what the baseline deploys in the audited account is the stack file of the program deploying it,
Pulumi.<stack>.yaml (found as `check` finds it: offline/project.py). Each result points at the line of the first
`baseline:` setting of its control (controls.GOVERNED_BY) that the stack sets, else at the stack's `config:` line
(line 1 without one). When the program has several stack files and no --stack names one (or none), its Pulumi.yaml,
where settings are declared, serves the same way. Without a program a result keeps its logical location alone.
Paths are relative to the repository root (--repo-root, by default the git work tree holding the program).
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from aws_logging_baseline.audit.controls import GOVERNED_BY
from aws_logging_baseline.cli.sarif import relative_uri, repository_root
from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline import safe_yaml
from aws_logging_baseline.offline.project import load_project, qualify, stack_file
from aws_logging_baseline.offline.stacks import stack_names

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ConfigFile:
    """A stack file (or Pulumi.yaml) of the user's program, as SARIF locations point into it."""

    uri: str  # relative to the repository root, '/'-separated
    repo_root: Path
    config_line: int  # the `config:` line, 1 when the file has none
    key_lines: dict[str, int] = field(default_factory=dict)  # fully qualified key -> its line

    def locate(self, control: str) -> tuple[int, str | None]:
        """The line a finding of `control` points at, and the setting on it (None: the `config:` line)."""
        for key in GOVERNED_BY.get(control, ()):
            if key in self.key_lines:
                return self.key_lines[key], key
        return self.config_line, None


def read_lines(path: Path, project_name: str, what: str) -> tuple[int, dict[str, int]]:
    """The `config:` line of a stack file or Pulumi.yaml and the line of each key under it. The file is read as
    every user YAML is (safe_yaml: bounded, no aliases); a problem is one line naming the file."""
    document = safe_yaml.load(path, what)
    if document is not None and not isinstance(document, dict):
        raise UserError(f"{path}: {what} must be a mapping with a `config:` key")
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER)  # safe: the events were checked above
    if not isinstance(root, yaml.MappingNode):
        return 1, {}
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "config":
            lines = {}
            if isinstance(value, yaml.MappingNode):
                lines = {qualify(project_name, k.value): k.start_mark.line + 1
                         for k, _ in value.value if isinstance(k, yaml.ScalarNode)}
            return key.start_mark.line + 1, lines
    return 1, {}


def find_config_file(program: Path, stack: str | None, repo_root: Path | None) -> tuple[ConfigFile, str | None]:
    """The file audit SARIF points into, and a notice when it is Pulumi.yaml because no stack file was chosen.
    Bad input (no project, an unknown stack, a stack file outside --repo-root) is one line naming the flag."""
    project = load_project(program, python_only=False)  # any runtime: only its stack files are read
    names = stack_names(project)
    notice = None
    if stack is None and len(names) == 1:
        stack = names[0]
    if stack is not None:
        path = stack_file(project, stack)
        if not path.is_file():
            raise UserError(f"--stack {stack}: no stack file {path.name} in {path.parent} "
                            f"(stacks there: {', '.join(names) or 'none'})")
        what = f"stack file for stack {stack!r}"
    else:
        path = program / "Pulumi.yaml"
        what = "project file (Pulumi.yaml)"
        found = f"{len(names)} stack files ({', '.join(names)})" if names else "no stack file Pulumi.<stack>.yaml"
        notice = (f"audit: SARIF results point at the program's Pulumi.yaml: {program} has {found}; "
                  "--stack NAME points them at the settings of the stack deployed to this account")
    root = repo_root if repo_root is not None else repository_root(program)
    uri = relative_uri(path, root)
    if uri is None:
        raise UserError(f"--repo-root {root}: {path} is not inside it; SARIF paths are relative to the repository "
                        "holding the stack file")
    config_line, key_lines = read_lines(path, project.name, what)
    return ConfigFile(uri, root, config_line, key_lines), notice
