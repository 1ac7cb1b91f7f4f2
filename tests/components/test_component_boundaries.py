"""Components take their own Args; only the compositions read the stack configuration (issue 15).

The compositions (AccountBaseline, the regional coverage helpers, the organization roles) and the settings modules
are the only ones that may name `Settings`; from_settings.py maps it to each component's Args."""

import ast
from pathlib import Path

import pytest

import aws_logging_baseline.components as components

COMPONENTS_DIR = Path(components.__file__).parent
COMPOSITIONS = {"account_baseline.py", "regional_coverage.py", "from_settings.py", "__init__.py"}
SETTINGS_MODULES = {"settings.py", "regional_settings.py", "analytics_settings.py", "detective_settings.py"}
COMPONENT_MODULES = sorted(p for p in COMPONENTS_DIR.glob("*.py") if p.name not in COMPOSITIONS | SETTINGS_MODULES)


def names_used(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    return used


@pytest.mark.parametrize("module", COMPONENT_MODULES, ids=lambda p: p.name)
def test_a_component_module_never_sees_the_stack_configuration(module):
    assert not {"Settings", "load_settings"} & names_used(module), f"{module.name} reads Settings: map it in from_settings.py"


def test_the_guard_sees_a_module_that_reads_settings():
    assert "Settings" in names_used(COMPONENTS_DIR / "account_baseline.py")
    assert len(COMPONENT_MODULES) >= 20
