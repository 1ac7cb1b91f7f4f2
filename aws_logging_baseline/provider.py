"""The components as a Pulumi package: one provider that TypeScript, Go, C#, Java and YAML programs call.

`component_provider_host` (pulumi.provider.experimental) serves PUBLIC_COMPONENTS over the provider gRPC
protocol; the schema (GetSchema) is inferred from each component's `args: XxxArgs` TypedDict, descriptions from
the field docstrings (docs/other-languages.md). The plugin directory `plugin/` (PulumiPlugin.yaml) runs `main()`.

    python -m aws_logging_baseline.provider --schema > tests/data/provider-schema.json   # the snapshot
"""

import json
import sys
from importlib.metadata import version as distribution_version

import pulumi
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.host import component_provider_host

from aws_logging_baseline.components.trail import Trail

PROVIDER_NAME = "aws-logging-baseline"
DISTRIBUTION = "pulumi-aws-logging-baseline"

# Every component another language may construct: each takes `args: XxxArgs` (a documented TypedDict).
# Its schema token is `aws-logging-baseline:index:<ClassName>`.
PUBLIC_COMPONENTS: list[type[pulumi.ComponentResource]] = [
    Trail,
]


def provider_version() -> str:
    """The installed distribution's version (pyproject.toml), so the schema and the wheel never disagree."""
    return distribution_version(DISTRIBUTION)


def component_provider() -> ComponentProvider:
    """The provider the host serves: its `.schema` is the JSON string GetSchema returns to the engine."""
    return ComponentProvider(PUBLIC_COMPONENTS, PROVIDER_NAME, None, provider_version())


def schema_json() -> str:
    """The provider's schema, pretty-printed with a trailing newline (the checked-in snapshot's format)."""
    return json.dumps(json.loads(component_provider().schema), indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`--schema` prints the schema; anything else is the engine starting the plugin (its address, flags)."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--schema"]:
        sys.stdout.write(schema_json())
        return 0
    # Reads sys.argv itself (the engine address); prints the port and serves until the engine stops it.
    component_provider_host(PUBLIC_COMPONENTS, PROVIDER_NAME, version=provider_version())
    return 0


if __name__ == "__main__":
    sys.exit(main())
