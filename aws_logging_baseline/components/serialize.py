"""JSON for policy documents and rule parameters.

`pulumi.Output.json_dumps` wraps every leaf of a document in an Output; for the hundreds of fully known
documents a multi-region stack builds (Config rule parameters, bucket and role policies) that cost more than
the resources themselves. Known documents are dumped directly; only those holding Outputs go through Pulumi.
"""

import json
from typing import Any

import pulumi


def _has_output(value: Any) -> bool:
    if isinstance(value, (pulumi.Output, pulumi.Resource)) or hasattr(value, "__await__"):
        return True
    if isinstance(value, dict):
        return any(_has_output(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_output(v) for v in value)
    return False


def to_json(document: Any) -> pulumi.Input[str]:
    """The document as a JSON string: a plain str when fully known, else an Output[str]."""
    if _has_output(document):
        return pulumi.Output.json_dumps(document)
    return json.dumps(document)
