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

from aws_logging_baseline.components.access_analyzer import AccessAnalyzer
from aws_logging_baseline.components.alert_topic import AlertTopic
from aws_logging_baseline.components.analytics import QueryArchive
from aws_logging_baseline.components.auto_respond import AutoRespond
from aws_logging_baseline.components.config_recording import ConfigRecording
from aws_logging_baseline.components.config_rules import ConfigRules
from aws_logging_baseline.components.custom_config_rule import CustomConfigRule
from aws_logging_baseline.components.dashboard import PostureDashboard
from aws_logging_baseline.components.flow_logs import FlowLogs
from aws_logging_baseline.components.guardduty import GuardDuty
from aws_logging_baseline.components.inspector import Inspector
from aws_logging_baseline.components.log_archive import LogArchive
from aws_logging_baseline.components.log_key import LogKey
from aws_logging_baseline.components.log_streaming import LogStreaming
from aws_logging_baseline.components.secure_bucket import SecureBucket
from aws_logging_baseline.components.security_alarms import RejectSpikeAlarms, SecurityAlarms
from aws_logging_baseline.components.security_events import SecurityEvents
from aws_logging_baseline.components.security_hub import SecurityHub
from aws_logging_baseline.components.trail import Trail

PROVIDER_NAME = "aws-logging-baseline"
DISTRIBUTION = "pulumi-aws-logging-baseline"

# Every component another language may construct: each takes `args: XxxArgs` (a documented TypedDict).
# Its schema token is `aws-logging-baseline:index:<ClassName>`. Not here: ConfigRemediation (it needs the
# ConfigRules objects it remediates, a Python-only input) and AccountBaseline (the whole stack configuration).
PUBLIC_COMPONENTS: list[type[pulumi.ComponentResource]] = [
    LogKey,
    SecureBucket,
    LogArchive,
    Trail,
    AlertTopic,
    SecurityAlarms,
    RejectSpikeAlarms,
    SecurityEvents,
    FlowLogs,
    ConfigRecording,
    ConfigRules,
    CustomConfigRule,
    Inspector,
    GuardDuty,
    SecurityHub,
    AccessAnalyzer,
    QueryArchive,
    LogStreaming,
    AutoRespond,
    PostureDashboard,
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
