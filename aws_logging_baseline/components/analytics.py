"""QueryArchive: the archive made queryable with Athena (home region), and the saved investigations.

An Athena workgroup that enforces its configuration (results location, SSE-KMS with the baseline's key, a
per-query scan cutoff), a results bucket built like every log store (SecureBucket: customer-managed key,
TLS-only, public access blocked, lifecycle expiry), a Glue database and one table per log the baseline
writes, each with partition projection so that no crawler or MSCK REPAIR is needed. Table locations are
built from the prefixes the writers use (components/log_archive.py), never retyped. The saved queries of
catalog/saved_queries.yaml become named queries of the workgroup. docs/analytics.md shows how to run them.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import yaml

from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.log_archive import (
    ACCESS_LOG_PREFIX,
    CONFIG_PREFIX,
    FLOW_LOGS_PREFIX,
    TRAIL_PREFIX,
    access_log_bucket_name,
    archive_bucket_name,
)
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.saved_queries import SavedQuery, selected_queries
from aws_logging_baseline.components.secure_bucket import SecureBucket, SecureBucketArgs
from aws_logging_baseline.components.settings import Settings

TABLE_CATALOG = Path(__file__).parent / "catalog" / "athena_tables.yaml"
# Query results are working copies (the archive keeps the logs): kept long enough to share a result.
RESULTS_EXPIRATION_DAYS = 30
# Athena engine version 3 is Trino-based: the dialect the saved queries are written and tested in.
ENGINE_VERSION = "Athena engine version 3"
_PROJECTED = re.compile(r"\$\{(\w+)\}")


@lru_cache(maxsize=1)
def table_catalog() -> dict[str, Any]:
    return yaml.safe_load(TABLE_CATALOG.read_text())


def database_name(s: Settings) -> str:
    """Glue database names are lower case letters, digits and underscores."""
    return re.sub(r"[^a-z0-9_]", "_", f"{s.name_prefix}_logs".lower())


def workgroup_name(s: Settings) -> str:
    return f"{s.name_prefix}-investigations"


def results_bucket_name(s: Settings, account_id: str) -> str:
    return f"{s.name_prefix}-athena-results-{account_id}-{s.home_region}"


@dataclass(frozen=True)
class TableDefinition:
    """One Glue table as data: what the component registers and what the offline query tests read."""

    name: str
    description: str
    location: str  # s3://bucket/prefix/... up to the first projected key
    location_template: str  # storage.location.template: the location with ${key} for each partition key
    columns: tuple[tuple[str, str], ...]
    partition_keys: tuple[str, ...]
    parameters: dict[str, str]
    serde: str
    serde_parameters: dict[str, str]
    input_format: str
    output_format: str


def _date(start: str, date_format: str) -> str:
    """The catalog's projection start (yyyy/MM/dd) in the table's own date format (e.g. Config's yyyy/M/d)."""
    year, month, day = start.split("/")
    if date_format == "yyyy/M/d":
        return f"{year}/{int(month)}/{int(day)}"
    return start


def _projection(key: str, spec: dict[str, Any], s: Settings, account_ids: tuple[str, ...], start: str) -> dict[str, str]:
    p = f"projection.{key}."
    if key in ("region", "aws_region"):
        return {p + "type": "enum", p + "values": ",".join(s.regions)}
    if key == "account":
        return {p + "type": "enum", p + "values": ",".join(account_ids)}
    if key in spec.get("enums", {}):
        return {p + "type": "enum", p + "values": ",".join(spec["enums"][key])}
    if key in spec.get("integers", {}):
        low, high, digits = spec["integers"][key]
        return {p + "type": "integer", p + "range": f"{low},{high}", p + "digits": str(digits)}
    if key == "day" and "date_format" in spec:
        return {
            p + "type": "date",
            p + "format": spec["date_format"],
            p + "range": f"{_date(start, spec['date_format'])},NOW",
            p + "interval": "1",
            p + "interval.unit": "DAYS",
        }
    raise ValueError(f"athena_tables.yaml: no projection for partition key {key!r}")


def writer_locations(s: Settings, account_id: str) -> dict[str, tuple[str, str]]:
    """Bucket and key prefix of each log writer: the same names and constants the writers are built from."""
    archive = archive_bucket_name(s.name_prefix, account_id, s.home_region)
    return {
        "trail": (archive, TRAIL_PREFIX),
        "flow_logs": (archive, FLOW_LOGS_PREFIX),
        "config": (archive, CONFIG_PREFIX),
        "access_logs": (access_log_bucket_name(s.name_prefix, account_id, s.home_region), ACCESS_LOG_PREFIX),
    }


def table_definitions(
    s: Settings, account_id: str, organization_id: str | None = None, account_ids: tuple[str, ...] = ()
) -> dict[str, TableDefinition]:
    """The tables of this stack: the organization layout in a log-archive account, the account layout otherwise;
    the flow-log table only when flow logs go to the archive as Parquet."""
    catalog = table_catalog()
    writers = writer_locations(s, account_id)
    tables = {}
    for name, spec in catalog["tables"].items():
        if name == "vpc_flow_logs" and (s.flow_log_destination != "s3" or s.flow_log_file_format != "parquet"):
            continue
        layout = spec.get("organization_layout", spec["layout"]) if organization_id else spec["layout"]
        bucket, prefix = writers[spec["writer"]]
        fixed = {"account": account_id, "organization": organization_id, "region": s.home_region, "bucket": archive_bucket_name(s.name_prefix, account_id, s.home_region)}
        layout = re.sub(r"(?<!\$)\{(\w+)\}", lambda m: fixed[m.group(1)], layout)
        static, _, _ = layout.partition("${")
        static = static[: static.rfind("/") + 1]  # the location is a folder: up to the last "/" before a projected key
        base = f"s3://{bucket}/{prefix.rstrip('/')}/"
        keys = tuple(_PROJECTED.findall(layout))
        if "columns" in spec:
            columns = tuple(spec["columns"].items())
        else:  # flow logs: the configured fields, in order
            columns = tuple((f.replace("-", "_"), spec["field_types"].get(f, "string")) for f in s.flow_log_fields)
        parameters = {"EXTERNAL": "TRUE", "projection.enabled": "true", "storage.location.template": base + layout}
        for key in keys:
            parameters.update(_projection(key, spec, s, account_ids, catalog["projection_start"]))
        serde_parameters = {"input.regex": spec["regex"]} if "regex" in spec else {"serialization.format": "1"}
        tables[name] = TableDefinition(
            name=name,
            description=spec["description"],
            location=base + static,
            location_template=base + layout,
            columns=columns,
            partition_keys=keys,
            parameters=parameters,
            serde=spec["serde"],
            serde_parameters=serde_parameters,
            input_format=spec["input_format"],
            output_format=spec["output_format"],
        )
    return tables


@dataclass
class QueryArchiveArgs:
    settings: Settings
    account_id: str
    key_arn: pulumi.Input[str]  # encrypts query results (the archive's key in the home region)
    # Set in a log-archive account: the tables read the organization's layout, one partition per account.
    organization_id: str | None = None
    account_ids: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)


class QueryArchive(pulumi.ComponentResource):
    workgroup: aws.athena.Workgroup
    database: aws.glue.CatalogDatabase
    tables: dict[str, aws.glue.CatalogTable]
    queries: dict[str, aws.athena.NamedQuery]
    saved: list[SavedQuery]

    def __init__(self, name: str, args: QueryArchiveArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:athena:QueryArchive", name, None, opts)
        s, account, region = args.settings, args.account_id, args.settings.home_region
        results_name = results_bucket_name(s, account)
        self.results = SecureBucket(
            f"{name}-results",
            SecureBucketArgs(
                bucket_name=results_name,
                region=region,
                policy=docs.tls_only_bucket_policy(f"arn:{s.partition}:s3:::{results_name}"),
                lifecycle_rules=[
                    {
                        "id": "query-results-expiry",
                        "status": "Enabled",
                        "filter": {"prefix": ""},
                        "expiration": {"days": RESULTS_EXPIRATION_DAYS},
                        "noncurrent_version_expiration": {"noncurrent_days": 1},
                        "abort_incomplete_multipart_upload": {"days_after_initiation": 1},
                    }
                ],
                kms_key_arn=args.key_arn,
                protect=s.protect_resources,
                tags=args.tags,
            ),
            opts=child(self),
        )
        # Enforced: a client cannot send results elsewhere, unencrypted, or scan past the cutoff
        # (https://docs.aws.amazon.com/athena/latest/ug/workgroups-settings-override.html).
        self.workgroup = aws.athena.Workgroup(
            f"{name}-workgroup",
            name=workgroup_name(s),
            region=region,
            description="Baseline investigations over the log archive (docs/analytics.md)",
            state="ENABLED",
            force_destroy=False,
            configuration={
                "enforce_workgroup_configuration": True,
                "publish_cloudwatch_metrics_enabled": True,
                "bytes_scanned_cutoff_per_query": s.athena_bytes_scanned_cutoff,
                "engine_version": {"selected_engine_version": ENGINE_VERSION},
                "result_configuration": {
                    "output_location": pulumi.Output.concat("s3://", self.results.name, "/"),
                    "expected_bucket_owner": account,
                    "encryption_configuration": {"encryption_option": "SSE_KMS", "kms_key_arn": args.key_arn},
                },
            },
            tags=args.tags,
            opts=child(self, [self.results.policy, self.results.encryption]),
        )
        self.database = aws.glue.CatalogDatabase(
            f"{name}-database",
            name=database_name(s),
            region=region,
            description="Tables over the baseline's log archive (partition projection; docs/analytics.md)",
            tags=args.tags,
            opts=child(self),
        )
        self.definitions = table_definitions(s, account, args.organization_id, args.account_ids)
        self.tables = {t.name: self._table(name, t, region) for t in self.definitions.values()}
        self.saved = selected_queries(s.disabled_queries, self.tables, s.flow_log_fields)
        self.queries = {
            q.id: aws.athena.NamedQuery(
                f"{name}-query-{q.id}",
                name=q.id,
                region=region,
                description=_query_description(q),
                database=self.database.name,
                workgroup=self.workgroup.name,
                query=q.sql,
                opts=child(self, [self.tables[q.table]]),
            )
            for q in self.saved
        }
        self.outputs = {
            "athenaWorkgroup": self.workgroup.name,
            "athenaResultsBucket": self.results.name,
            "glueDatabase": self.database.name,
            "athenaTables": sorted(self.tables),
            "savedQueries": {i: q.id for i, q in self.queries.items()},
        }
        self.register_outputs(self.outputs)

    def _table(self, name: str, t: TableDefinition, region: str) -> aws.glue.CatalogTable:
        return aws.glue.CatalogTable(
            f"{name}-table-{t.name}",
            name=t.name,
            region=region,
            database_name=self.database.name,
            description=t.description,
            table_type="EXTERNAL_TABLE",
            parameters=t.parameters,
            partition_keys=[{"name": key, "type": "string"} for key in t.partition_keys],
            storage_descriptor={
                "location": t.location,
                "input_format": t.input_format,
                "output_format": t.output_format,
                "ser_de_info": {"serialization_library": t.serde, "parameters": t.serde_parameters},
                "columns": [{"name": column, "type": type_} for column, type_ in t.columns],
            },
            opts=child(self),
        )


def _query_description(q: SavedQuery) -> str:
    """Athena shows the description next to the query; the parameters, in order, are what a user must supply."""
    if not q.parameters:
        return q.description
    return f"{q.description} Parameters: " + ", ".join(f"{p.name} (e.g. {p.example})" for p in q.parameters)
