"""Several stacks of one program in one run: `--stack 'PATTERN'` (a glob over the program's stack files) and
`--account DIR` (the fixture of stack S is DIR/S.yaml), as an organization repository holds them."""

import fnmatch
from pathlib import Path

from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.project import Project, load_project, stack_file

GLOB_CHARACTERS = frozenset("*?[")


def is_pattern(stack: str) -> bool:
    return any(c in GLOB_CHARACTERS for c in stack)


def stack_names(project: Project) -> list[str]:
    """Every stack with a Pulumi.<stack>.yaml in the project's stackConfigDir, sorted."""
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in stack_file(project, "x").parent.glob("Pulumi.*.yaml"))


def matching_stacks(program: str | Path, pattern: str) -> list[str]:
    """Stack names whose Pulumi.<stack>.yaml (in the program's stackConfigDir) match the glob, sorted."""
    project = load_project(Path(program))
    folder = stack_file(project, "x").parent
    names = stack_names(project)
    found = [name for name in names if fnmatch.fnmatchcase(name, pattern)]
    if not found:
        raise UserError(f"--stack {pattern!r}: no stack file Pulumi.<stack>.yaml in {folder} matches "
                        f"(stacks there: {', '.join(names) or 'none'})")
    return found


def fixture_for(account: str | None, stack: str) -> str | None:
    """`--account DIR`: DIR/<stack>.yaml, which must exist; a file (or nothing) serves every stack."""
    if account is None or not Path(account).is_dir():
        return account
    path = Path(account) / f"{stack}.yaml"
    if not path.is_file():
        raise UserError(f"--account {account}: no fixture {path.name} for stack {stack!r} in that directory")
    return str(path)
