"""The README's configuration reference matches Pulumi.yaml (regenerate: python -m aws_logging_baseline.cli.config_reference)."""

from aws_logging_baseline.cli.config_reference import readme_section, render


def test_readme_configuration_reference_is_current():
    assert readme_section() == render(), "README.md is stale: run `python -m aws_logging_baseline.cli.config_reference`"


def test_every_declared_key_is_documented():
    section = readme_section()
    from aws_logging_baseline.offline.project import load_project
    from tests.engine_helpers import REPO

    for key in load_project(REPO).schema:
        assert f"`{key}`" in section
