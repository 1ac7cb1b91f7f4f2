"""QueryArchive: the archive made queryable with Athena (home region), and the saved investigations.

An Athena workgroup that enforces its configuration (results location, SSE-KMS with the baseline's key, a
per-query scan cutoff), a results bucket built like every log store (SecureBucket: customer-managed key,
TLS-only, public access blocked, lifecycle expiry), a Glue database and one table per log the baseline
writes, each with partition projection so that no crawler or MSCK REPAIR is needed. Table locations are
built from the prefixes the writers use (components/log_archive.py), never retyped. The saved queries of
catalog/saved_queries.yaml become named queries of the workgroup. docs/analytics.md shows how to run them.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws
import yaml

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.log_archive import ACCESS_LOG_PREFIX, CONFIG_PREFIX, FLOW_LOGS_PREFIX, TRAIL_PREFIX
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regional_settings import default_flow_log_fields
from aws_logging_baseline.components.regions import partition_of
from aws_logging_baseline.components.saved_queries import SavedQuery, selected_queries
from aws_logging_baseline.components.secure_bucket import SecureBucket, SecureBucketArgs

TABLE_CATALOG = Path(__file__).parent / "catalog" / "athena_tables.yaml"
# Query results are working copies (the archive keeps the logs): kept long enough to share a result.
RESULTS_EXPIRATION_DAYS = 30
# Athena engine version 3 is Trino-based: the dialect the saved queries are written and tested in.
ENGINE_VERSION = "Athena engine version 3"
# The default per-query scan cutoff (10 GiB): a runaway query costs at most a few cents (Athena bills per TB scanned).
DEFAULT_BYTES_SCANNED_CUTOFF = 10737418240
_PROJECTED = re.compile(r"\$\{(\w+)\}")


@lru_cache(maxsize=1)
def table_catalog() -> dict[str, Any]:
    return yaml.safe_load(TABLE_CATALOG.read_text())


class QueryArchiveArgs(TypedDict):
    """Arguments of QueryArchive: the archive to query (where each writer writes), the key, and what the tables project."""

    account_id: str
    """The account of the archive and the workgroup (the results bucket's expected owner)."""
    home_region: str
    """The region of the workgroup, the results bucket and the Glue database (the archive's region)."""
    key_arn: pulumi.Input[str]
    """The KMS key that encrypts query results (the archive's key in the home region)."""
    archive_bucket_name: str
    """The log archive bucket the trail, AWS Config and the flow logs write to; the tables read it."""
    access_log_bucket_name: str
    """The bucket the archive's S3 server access logs go to; the access-log table reads it."""
    regions: list[str]
    """The regions the tables' region partition projects (every covered region)."""
    flow_log_table: NotRequired[bool]
    """Flow logs are delivered to the archive as Parquet, so the vpc_flow_logs table reads them. Default: true."""
    flow_log_fields: NotRequired[list[str]]
    """The flow log record fields, in order (the flow-log table's columns). Default: the catalog's default fields (catalog/flow_log_fields.yaml)."""
    bytes_scanned_cutoff: NotRequired[int]
    """Most bytes one query may scan before Athena cancels it (at least 10485760). Default: 10737418240."""
    disabled_queries: NotRequired[list[str]]
    """Ids of saved queries to leave out (catalog/saved_queries.yaml). Default: none."""
    organization_id: NotRequired[str]
    """A log-archive account's organization: the tables read the organization's layout. Default: none (the account's layout)."""
    account_ids: NotRequired[list[str]]
    """With organization_id: the accounts the tables project, one partition each. Default: none."""
    name_prefix: NotRequired[str]
    """Prefix of the workgroup, database and results bucket names. Default: baseline."""
    protect: NotRequired[bool]
    """Protect the results bucket from `pulumi destroy` and keep it when removed from the program. Default: true."""
    tags: NotRequired[dict[str, str]]
    """Tags of every resource. Default: none."""


def database_name(name_prefix: str) -> str:
    """Glue database names are lower case letters, digits and underscores."""
    return re.sub(r"[^a-z0-9_]", "_", f"{name_prefix}_logs".lower())


def workgroup_name(name_prefix: str) -> str:
    return f"{name_prefix}-investigations"


def results_bucket_name(name_prefix: str, account_id: str, region: str) -> str:
    return f"{name_prefix}-athena-results-{account_id}-{region}"


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


def _projection(key: str, spec: dict[str, Any], regions: list[str], account_ids: list[str], start: str) -> dict[str, str]:
    p = f"projection.{key}."
    if key in ("region", "aws_region"):
        return {p + "type": "enum", p + "values": ",".join(regions)}
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


def writer_locations(archive_bucket: str, access_log_bucket: str) -> dict[str, tuple[str, str]]:
    """Bucket and key prefix of each log writer: the same names and constants the writers are built from."""
    return {
        "trail": (archive_bucket, TRAIL_PREFIX),
        "flow_logs": (archive_bucket, FLOW_LOGS_PREFIX),
        "config": (archive_bucket, CONFIG_PREFIX),
        "access_logs": (access_log_bucket, ACCESS_LOG_PREFIX),
    }


def table_definitions(args: QueryArchiveArgs) -> dict[str, TableDefinition]:
    """The tables of this stack: the organization layout in a log-archive account, the account layout otherwise;
    the flow-log table only when flow logs go to the archive as Parquet."""
    catalog = table_catalog()
    account_id, organization_id = args["account_id"], args.get("organization_id")
    writers = writer_locations(args["archive_bucket_name"], args["access_log_bucket_name"])
    flow_log_fields = args.get("flow_log_fields", default_flow_log_fields())
    tables = {}
    for name, spec in catalog["tables"].items():
        if name == "vpc_flow_logs" and not args.get("flow_log_table", True):
            continue
        layout = spec.get("organization_layout", spec["layout"]) if organization_id else spec["layout"]
        bucket, prefix = writers[spec["writer"]]
        fixed = {"account": account_id, "organization": organization_id, "region": args["home_region"], "bucket": args["archive_bucket_name"]}
        layout = re.sub(r"(?<!\$)\{(\w+)\}", lambda m: fixed[m.group(1)], layout)
        static, _, _ = layout.partition("${")
        static = static[: static.rfind("/") + 1]  # the location is a folder: up to the last "/" before a projected key
        base = f"s3://{bucket}/{prefix.rstrip('/')}/"
        keys = tuple(_PROJECTED.findall(layout))
        if "columns" in spec:
            columns = tuple(spec["columns"].items())
        else:  # flow logs: the configured fields, in order
            columns = tuple((f.replace("-", "_"), spec["field_types"].get(f, "string")) for f in flow_log_fields)
        parameters = {"EXTERNAL": "TRUE", "projection.enabled": "true", "storage.location.template": base + layout}
        for key in keys:
            parameters.update(_projection(key, spec, args["regions"], args.get("account_ids", []), catalog["projection_start"]))
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


class QueryArchive(pulumi.ComponentResource):
    """The log archive made queryable with Athena: an enforcing workgroup, a results bucket, partition-projected tables, the saved queries."""

    workgroup: aws.athena.Workgroup
    database: aws.glue.CatalogDatabase
    tables: dict[str, aws.glue.CatalogTable]
    queries: dict[str, aws.athena.NamedQuery]

    def __init__(self, name: str, args: QueryArchiveArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("QueryArchive", name, args, QueryArchiveArgs)
        super().__init__("baseline:athena:QueryArchive", name, None, opts)
        account, region, prefix = args["account_id"], args["home_region"], args.get("name_prefix", "baseline")
        key_arn, tags = args["key_arn"], args.get("tags", {})
        results_name = results_bucket_name(prefix, account, region)
        self.results = SecureBucket(
            f"{name}-results",
            SecureBucketArgs(
                bucket_name=results_name,
                region=region,
                policy=docs.tls_only_bucket_policy(f"arn:{partition_of(region) or 'aws'}:s3:::{results_name}"),
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
                kms_key_arn=key_arn,
                protect=args.get("protect", True),
                tags=tags,
            ),
            opts=child(self),
        )
        # Enforced: a client cannot send results elsewhere, unencrypted, or scan past the cutoff
        # (https://docs.aws.amazon.com/athena/latest/ug/workgroups-settings-override.html).
        self.workgroup = aws.athena.Workgroup(
            f"{name}-workgroup",
            name=workgroup_name(prefix),
            region=region,
            description="Baseline investigations over the log archive (docs/analytics.md)",
            state="ENABLED",
            force_destroy=False,
            configuration={
                "enforce_workgroup_configuration": True,
                "publish_cloudwatch_metrics_enabled": True,
                "bytes_scanned_cutoff_per_query": args.get("bytes_scanned_cutoff", DEFAULT_BYTES_SCANNED_CUTOFF),
                "engine_version": {"selected_engine_version": ENGINE_VERSION},
                "result_configuration": {
                    "output_location": pulumi.Output.concat("s3://", self.results.name, "/"),
                    "expected_bucket_owner": account,
                    "encryption_configuration": {"encryption_option": "SSE_KMS", "kms_key_arn": key_arn},
                },
            },
            tags=tags,
            opts=child(self, [self.results.policy, self.results.encryption]),
        )
        self.database = aws.glue.CatalogDatabase(
            f"{name}-database",
            name=database_name(prefix),
            region=region,
            description="Tables over the baseline's log archive (partition projection; docs/analytics.md)",
            tags=tags,
            opts=child(self),
        )
        self.definitions = table_definitions(args)
        self.tables = {t.name: self._table(name, t, region) for t in self.definitions.values()}
        # Not a schema output (Python only): the saved queries as data, for the dashboard's links.
        self.saved: list[SavedQuery] = selected_queries(
            args.get("disabled_queries", []), self.tables, args.get("flow_log_fields", default_flow_log_fields())
        )
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
