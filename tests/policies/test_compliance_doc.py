"""docs/compliance.md is generated from the pack's catalog: no drift between the matrix and the policies."""

from aws_logging_baseline.cli.compliance_matrix import render
from tests.policies.conftest import REPO


def test_compliance_matrix_is_current():
    assert (REPO / "docs" / "compliance.md").read_text() == render(), "run: python -m aws_logging_baseline.cli.compliance_matrix > docs/compliance.md"


def test_matrix_has_one_row_per_policy():
    import yaml
    names = [c["name"] for c in yaml.safe_load((REPO / "aws_logging_baseline" / "policies" / "controls.yaml").read_text())["policies"]]
    text = render()
    assert all(text.count(f"| <a id=\"{n}\"></a>`{n}` | ") == 1 for n in names)
