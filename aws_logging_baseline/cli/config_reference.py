"""The README's configuration reference, generated from Pulumi.yaml so the two cannot drift.

`python -m aws_logging_baseline.cli.config_reference` rewrites the table between the markers in README.md;
a test fails when the README is out of date.
"""

import argparse
import json
import sys
from pathlib import Path

from aws_logging_baseline.offline.project import load_project

REPO = Path(__file__).resolve().parents[2]
BEGIN = "<!-- config-reference:begin (generated from Pulumi.yaml by python -m aws_logging_baseline.cli.config_reference) -->"
END = "<!-- config-reference:end -->"


def _default(value) -> str:
    if value in ("", [], None):
        return "(empty)"
    if isinstance(value, list) and len(value) > 4:
        return f"{len(value)} items (see Pulumi.yaml)"
    return f"`{json.dumps(value) if not isinstance(value, str) else value}`"


def render(project_dir: Path = REPO) -> str:
    project = load_project(project_dir)
    rows = ["| key | type | default | description |", "| --- | --- | --- | --- |"]
    for key, entry in project.schema.items():
        type_ = f"array of {entry.items_type}" if entry.items_type else entry.type
        rows.append(f"| `{key}` | {type_} | {_default(entry.default)} | {entry.description} |")
    return "\n".join([BEGIN, *rows, END])


def update_readme(readme: Path = REPO / "README.md") -> bool:
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    updated = text[:start] + render() + text[end:]
    if updated != text:
        readme.write_text(updated, encoding="utf-8")
    return updated != text


def readme_section(readme: Path = REPO / "README.md") -> str:
    text = readme.read_text(encoding="utf-8")
    return text[text.index(BEGIN) : text.index(END) + len(END)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aws_logging_baseline.cli.config_reference",
        description="Regenerate the configuration reference table in README.md (between its config-reference "
                    "markers) from the config schema in Pulumi.yaml. README.md is rewritten only when the table "
                    "changed; tests/baseline/test_config_reference.py fails while it is out of date.",
    )
    parser.parse_args(argv)
    changed = update_readme()
    print("README.md configuration reference " + ("updated" if changed else "already up to date"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
