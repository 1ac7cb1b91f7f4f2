"""Offline stand-in for Athena over the archive: sample log files in the layouts AWS writes, and a loader that
reads them through the Glue table definitions of a plan into DuckDB.

The file layouts come from the AWS guides (cited where built), the buckets and prefixes from the planned
writers (trail, delivery channel, flow logs, bucket logging). The loader only knows the tables: it matches
each file against the table's `storage.location.template` and projection (a file the table cannot see
fails the test), and reads rows the way the table's SerDe would: JSON keys matched case-insensitively,
nested JSON kept as text in string columns, Parquet columns by name and type, regex groups for text logs.
"""

import gzip
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

# --- Hive types -------------------------------------------------------------------------------------------


def parse_type(text: str) -> tuple:
    """A Hive/Glue type string as a tree: ('string',), ('struct', [(name, t)...]), ('array', t), ('map', k, v)."""
    pos = 0

    def word() -> str:
        nonlocal pos
        m = re.compile(r"\w+").match(text, pos)
        assert m, f"bad type at {pos}: {text}"
        pos = m.end()
        return m.group(0)

    def expect(char: str) -> None:
        nonlocal pos
        assert text[pos] == char, f"expected {char!r} at {pos}: {text}"
        pos += 1

    def parse() -> tuple:
        nonlocal pos
        name = word().lower()
        if name == "struct":
            expect("<")
            fields = []
            while True:
                field = word()
                expect(":")
                fields.append((field, parse()))
                if text[pos] == ">":
                    pos += 1
                    return ("struct", fields)
                expect(",")
        if name == "array":
            expect("<")
            element = parse()
            expect(">")
            return ("array", element)
        if name == "map":
            expect("<")
            key = parse()
            expect(",")
            value = parse()
            expect(">")
            return ("map", key, value)
        return (name,)

    tree = parse()
    assert pos == len(text), f"trailing text in type: {text}"
    return tree


def arrow_type(tree: tuple) -> pa.DataType:
    kind = tree[0]
    if kind == "struct":
        return pa.struct([(name, arrow_type(t)) for name, t in tree[1]])
    if kind == "array":
        return pa.list_(arrow_type(tree[1]))
    if kind == "map":
        return pa.map_(arrow_type(tree[1]), arrow_type(tree[2]))
    return {"string": pa.string(), "bigint": pa.int64(), "int": pa.int32(), "boolean": pa.bool_()}[kind]


def _lookup(record: dict, name: str) -> Any:
    """JSON SerDes match keys case-insensitively (Hive column names are lower case)."""
    for key, value in record.items():
        if key.lower() == name:
            return value
    return None


def conform(value: Any, tree: tuple) -> Any:
    """A JSON value as the table's SerDe returns it for a column of type `tree`."""
    if value is None:
        return None
    kind = tree[0]
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if kind in ("bigint", "int"):
        # Hive SerDes return NULL for a field that is not a number (an access log's "-").
        return int(value) if not isinstance(value, str) or re.fullmatch(r"-?\d+", value) else None
    if kind == "struct":
        return {name: conform(_lookup(value, name), t) for name, t in tree[1]}
    if kind == "array":
        return [conform(v, tree[1]) for v in value]
    if kind == "map":
        return [(k, conform(v, tree[2])) for k, v in value.items()]
    raise AssertionError(f"unsupported type {tree}")


# --- tables of the plan -------------------------------------------------------------------------------------


@dataclass
class PlannedTable:
    name: str
    location: str
    template: str
    columns: list[tuple[str, str]]
    partition_keys: list[str]
    parameters: dict[str, str]
    serde: str
    serde_parameters: dict[str, str]
    input_format: str

    @classmethod
    def from_registration(cls, registration) -> "PlannedTable":
        i = registration.inputs
        sd = i["storageDescriptor"]
        return cls(
            name=i["name"],
            location=sd["location"],
            template=i["parameters"]["storage.location.template"],
            columns=[(c["name"], c["type"]) for c in sd["columns"]],
            partition_keys=[k["name"] for k in i.get("partitionKeys", [])],
            parameters=i["parameters"],
            serde=sd["serDeInfo"]["serializationLibrary"],
            serde_parameters=sd["serDeInfo"].get("parameters", {}),
            input_format=sd["inputFormat"],
        )

    def key_pattern(self, key: str) -> str:
        p = self.parameters
        kind = p[f"projection.{key}.type"]
        if kind == "enum":
            return "|".join(re.escape(v) for v in p[f"projection.{key}.values"].split(","))
        if kind == "integer":
            return rf"\d{{{p[f'projection.{key}.digits']}}}"
        if kind == "date":
            fmt = p[f"projection.{key}.format"]
            tokens = {"yyyy": r"\d{4}", "MM": r"\d{2}", "dd": r"\d{2}", "M": r"\d{1,2}", "d": r"\d{1,2}"}
            return "".join(tokens.get(part, re.escape(part)) for part in re.split(r"(yyyy|MM|dd|M|d)", fmt))
        raise AssertionError(f"{self.name}: unknown projection type {kind} for {key}")

    def partition_values(self, uri: str) -> dict[str, str] | None:
        """The projected partition of an object key, or None when the table's projection cannot reach it."""
        pattern = ""
        for literal, key in re.findall(r"([^$]*?)(?:\$\{(\w+)\}|$)", self.template):
            pattern += re.escape(literal) + (f"(?P<{key}>{self.key_pattern(key)})" if key else "")
        m = re.fullmatch(pattern + r"/[^/]+", uri)
        if not m:
            return None
        values = m.groupdict()
        for key, value in values.items():
            p = self.parameters
            if p[f"projection.{key}.type"] == "integer":
                low, high = (int(x) for x in p[f"projection.{key}.range"].split(","))
                if not low <= int(value) <= high:
                    return None
            if p[f"projection.{key}.type"] == "date":
                start = p[f"projection.{key}.range"].split(",")[0]
                if _as_date(value) < _as_date(start):
                    return None
        return values


def _as_date(text: str) -> date:
    year, month, day = (int(x) for x in text.split("/"))
    return date(year, month, day)


# --- the bucket on disk ----------------------------------------------------------------------------------------


class LocalS3:
    """s3://bucket/key -> root/bucket/key."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, uri: str) -> Path:
        assert uri.startswith("s3://"), uri
        return self.root / uri[len("s3://"):]

    def put(self, uri: str, data: bytes) -> None:
        path = self.path(uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def objects(self, location: str) -> list[str]:
        """Every object whose key starts with the location (S3 lists by prefix)."""
        keys = ("s3://" + str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())
        return sorted(k for k in keys if k.startswith(location))


def put_json_gz(s3: LocalS3, uri: str, document: dict) -> None:
    s3.put(uri, gzip.compress(json.dumps(document).encode()))


def put_parquet(s3: LocalS3, uri: str, table: pa.Table) -> None:
    path = s3.path(uri)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


# --- reading through a table ---------------------------------------------------------------------------------


def rows_of(table: PlannedTable, s3: LocalS3) -> tuple[list[dict], list[str]]:
    """Rows the table returns from the objects under its location, and the objects its projection cannot reach."""
    rows, unreachable = [], []
    types = {name: parse_type(t) for name, t in table.columns}
    for uri in s3.objects(table.location):
        partition = table.partition_values(uri)
        if partition is None:
            unreachable.append(uri)
            continue
        for record in _records(table, s3.path(uri)):
            row = {name: conform(_lookup(record, name), types[name]) for name, _ in table.columns}
            rows.append({**row, **partition})
    return rows, unreachable


def _records(table: PlannedTable, path: Path) -> list[dict]:
    if table.serde.endswith("ParquetHiveSerDe"):
        return pq.read_table(path).to_pylist()
    text = gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text()
    if table.serde.endswith("RegexSerDe"):
        regex = re.compile(table.serde_parameters["input.regex"])
        names = [name for name, _ in table.columns]
        records = []
        for line in text.splitlines():
            m = regex.fullmatch(line)
            assert m, f"{table.name}: the table's regex does not parse {line!r}"
            records.append(dict(zip(names, m.groups())))
        return records
    document = json.loads(text)
    # CloudTrail's input format reads the Records array of each file; Config files are one object each.
    if table.input_format == "com.amazon.emr.cloudtrail.CloudTrailInputFormat":
        return document["Records"]
    return [document]


def load(con, table: PlannedTable, s3: LocalS3) -> list[str]:
    """Create the table in DuckDB with the Glue columns' types (partition keys as strings); return unreachable objects."""
    columns = [name for name, _ in table.columns]
    assert len(set(columns + table.partition_keys)) == len(columns) + len(table.partition_keys), (
        f"{table.name}: a partition key repeats a column name (Athena rejects the table)")
    rows, unreachable = rows_of(table, s3)
    schema = pa.schema(
        [(name, arrow_type(parse_type(t))) for name, t in table.columns] + [(k, pa.string()) for k in table.partition_keys]
    )
    arrow = pa.Table.from_pylist(rows, schema=schema)
    con.register(f"{table.name}_arrow", arrow)
    con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM {table.name}_arrow")
    con.unregister(f"{table.name}_arrow")
    return unreachable


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
