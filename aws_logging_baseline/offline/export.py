"""The JSON export: the shape of `pulumi stack export`, with inputs and outputs under camelCase names."""

from typing import Any

from aws_logging_baseline.offline.engine import STACK_TYPE, RunResult


def export_document(result: RunResult) -> dict[str, Any]:
    stack = {
        "urn": result.stack_urn,
        "type": STACK_TYPE,
        "custom": False,
        "outputs": result.stack_outputs,
    }
    resources = [stack]
    for r in result.resources:
        entry: dict[str, Any] = {
            "urn": r.urn,
            "custom": r.custom,
            "type": r.type,
            "parent": r.parent,
            "provider": r.provider,
            "protect": r.protect,
            "retainOnDelete": r.retain_on_delete,
            "inputs": r.inputs,
            "outputs": r.outputs,
            "dependencies": r.dependencies,
            "propertyDependencies": r.property_dependencies,
        }
        if r.custom:
            entry["id"] = r.id
        if r.custom_timeouts:
            entry["customTimeouts"] = r.custom_timeouts
        resources.append(entry)
    return {
        "version": 3,
        "deployment": {
            "manifest": {"generator": "baseline offline engine (pulumi mocks)"},
            "resources": resources,
        },
    }
