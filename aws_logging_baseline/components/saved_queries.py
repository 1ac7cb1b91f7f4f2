"""The saved-investigation catalog (catalog/saved_queries.yaml): which queries a stack gets."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CATALOG = Path(__file__).parent / "catalog" / "saved_queries.yaml"


@dataclass(frozen=True)
class Parameter:
    name: str
    example: str


@dataclass(frozen=True)
class SavedQuery:
    id: str
    table: str
    description: str
    sql: str
    parameters: tuple[Parameter, ...]
    fields: tuple[str, ...] = ()  # flow-log fields the query reads

    @property
    def placeholder_count(self) -> int:
        return self.sql.count("?")


@lru_cache(maxsize=1)
def load_catalog() -> tuple[SavedQuery, ...]:
    raw = yaml.safe_load(CATALOG.read_text())["queries"]
    return tuple(
        SavedQuery(
            id=q["id"],
            table=q["table"],
            description=q["description"],
            sql=q["sql"].strip(),
            parameters=tuple(Parameter(**p) for p in q.get("parameters", [])),
            fields=tuple(q.get("fields", [])),
        )
        for q in raw
    )


def query_ids() -> list[str]:
    return [q.id for q in load_catalog()]


def selected_queries(disabled, tables, flow_log_fields) -> list[SavedQuery]:
    """The queries a stack gets: not disabled, its table deployed, the flow-log fields it reads configured."""
    return [
        q
        for q in load_catalog()
        if q.id not in disabled and q.table in tables and all(f in flow_log_fields for f in q.fields)
    ]
