"""Generate docs/compliance.md from the pack's control catalog (policies/controls.yaml).

`python -m aws_logging_baseline.cli.compliance_matrix > docs/compliance.md`; a test keeps the file equal to the output.
"""

import sys
from pathlib import Path

import yaml

CATALOG = Path(__file__).resolve().parents[1] / "policies" / "controls.yaml"
CIS_CATALOG = Path(__file__).resolve().parents[1] / "components" / "catalog" / "cis_alarms.yaml"

HEADER = """# Compliance matrix

Generated from `aws_logging_baseline/policies/controls.yaml` by `python -m aws_logging_baseline.cli.compliance_matrix` (a test keeps this file
current). Each row is one policy of the CrossGuard pack in `aws_logging_baseline/policies/`: the CIS AWS Foundations Benchmark
recommendation it proves (v1.4.0 numbering and v5.0.0, the newest version AWS Security Hub supports; v6.0.0 and
v7.0.0 renumber Logging 3.x to 4.x and Monitoring 4.x to 5.x), the AWS Security Hub controls, the component in
this repository that implements it, and the AWS Config rule (or Security Hub check) that watches it at run time.
`check` (offline) and `pulumi preview --policy-pack aws_logging_baseline/policies` prove it before deployment; `pulumi-baseline audit` and
the Config rule watch it after.

Level: the default enforcement (mandatory blocks a preview; advisory reports). Change it per policy with a
policy config file (`--policy-config` / `--policy-pack-config`).
"""


def _ids(values: list[str]) -> str:
    return ", ".join(values) if values else "—"


def render(catalog_path: Path = CATALOG) -> str:
    document = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
    lines = [HEADER, "| Policy | Type | Level | Severity | CIS v1.4.0 | CIS v5.0.0 | Security Hub | Implemented by | Watched at run time by |",
             "|---|---|---|---|---|---|---|---|---|"]
    for c in document["policies"]:
        lines.append(
            f"| <a id=\"{c['name']}\"></a>`{c['name']}` | {c['kind']} | {c['enforcement']} | {c['severity']} | {_ids(c['cis14'])} | {_ids(c['cis5'])} "
            f"| {_ids(c['securityHub'])} | {c['component']} | {('`' + c['configRule'] + '`') if c['configRule'] else 'audit only'} |"
        )
    lines += ["", "## Configurable thresholds", "", "| Policy | Setting | Type | Default | Meaning |", "|---|---|---|---|---|"]
    for c in document["policies"]:
        for key, spec in (c.get("config") or {}).items():
            default = spec.get("default")
            lines.append(f"| `{c['name']}` | `{key}` | {spec['type']} | `{default}` | {spec.get('description', '')} |")
    alarms = yaml.safe_load(CIS_CATALOG.read_text(encoding="utf-8"))
    parameters = ", ".join(f"{k} {v}" for k, v in alarms["alarm"].items())
    lines += ["", "## CIS monitoring alarms judged by `cis-metric-filters-and-alarms`", "",
              "A control is met when a metric filter on the trail's log group has a pattern that parses to the same "
              "clauses as the reference below (clause order, parentheses, whitespace and quotes do not matter; `&&` "
              "for `||` does), and an alarm on exactly its metric and namespace notifies this stack's alert topic "
              f"with: {parameters}.", "",
              "| CIS v1.4.0 | Monitors | Security Hub | Reference pattern |", "|---|---|---|---|"]
    for entry in alarms["alarms"]:
        pattern = entry["pattern"].replace("|", "\\|")
        lines.append(f"| {entry['cis']['1.4.0']} | {entry['title']} | {entry['security_hub'] or ''} | `{pattern}` |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    import argparse

    argparse.ArgumentParser(
        prog="python -m aws_logging_baseline.cli.compliance_matrix",
        description="Print docs/compliance.md (the compliance matrix) generated from the pack's controls.yaml; "
                    "redirect it to the file: `... > docs/compliance.md`. A test keeps the file current.",
    ).parse_args(argv)
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
