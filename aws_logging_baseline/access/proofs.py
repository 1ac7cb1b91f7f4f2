"""Access proofs: every cataloged service delivery is allowed, every outsider is refused, by evaluating the
plan's own documents (bucket, key and topic policies, trust and role policies, function permissions) with the
offline evaluator, the way AWS evaluates them.

The requests are data (components/catalog/service_requests.yaml); the ARNs, accounts and regions they name come
from the plan (access/plan.py). `prove` is used by `check` (to print the proofs) and by the policy pack
(log-delivery-paths-allowed, log-stores-refuse-outsiders), so both always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from .evaluator import Decision, Policy, Principal, Request, evaluate, statements
from .open_grants import granted_by_resource_policy
from .plan import Plan, PlanResource, Store, read_plan

CATALOG_FILE = Path(__file__).resolve().parent.parent / "components" / "catalog" / "service_requests.yaml"
_FIELD = re.compile(r"\{([a-z_]+)(?:\.([a-z_]+))?\}")
# An outsider's own account allows it everything: only the store's documents may stop it.
_ALLOW_ALL = Policy("the outsider's own IAM policy (allows everything)",
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


class Missing(Exception):
    """A placeholder the plan has no value for: the request does not apply to this stack."""


# libyaml's safe loader when PyYAML has it (the same data, a twentieth of the time: the catalog is read on the
# way to every verdict, by check and by the pack); PyYAML's own safe loader otherwise.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def load_catalog(path: str = str(CATALOG_FILE)) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader


@dataclass(frozen=True)
class DeliveryRow:
    id: str
    writer: str
    store: str  # the store's label
    store_arn: str
    store_urn: str
    action: str
    resource: str
    allowed: bool
    reason: str  # the deciding statement(s), or the missing grant
    decided_by: tuple[str, ...]
    source: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "writer": self.writer, "store": self.store, "storeArn": self.store_arn, "action": self.action,
                "resource": self.resource, "allowed": self.allowed, "reason": self.reason,
                "decidedBy": list(self.decided_by), "source": self.source}


@dataclass(frozen=True)
class OutsiderAttempt:
    outsider: str
    action: str
    attempt: str  # read | write | delete | decrypt | reconfigure | fake-alert | unsubscribe ...
    allowed: bool
    reason: str


@dataclass(frozen=True)
class ExposureRow:
    store: str
    store_arn: str
    store_urn: str
    kind: str
    attempts: tuple[OutsiderAttempt, ...]
    named: tuple[str, ...] = ()  # IAM principals the store's policy names besides its own account (e.g. log readers)

    @property
    def open(self) -> list[OutsiderAttempt]:
        return [a for a in self.attempts if a.allowed]

    def summary(self) -> str:
        named = f"; names {', '.join(self.named)}" if self.named else ""
        if not self.open:
            return f"refuses outsiders ({len(self.attempts)} requests denied){named}"
        return "OPEN: " + "; ".join(f"{a.outsider} may {a.action} ({a.reason})" for a in self.open) + named

    def to_json(self) -> dict[str, Any]:
        return {"store": self.store, "storeArn": self.store_arn, "kind": self.kind, "refused": not self.open,
                "requests": len(self.attempts), "namedPrincipals": list(self.named),
                "allowed": [{"outsider": a.outsider, "action": a.action, "attempt": a.attempt, "reason": a.reason}
                            for a in self.open]}


@dataclass(frozen=True)
class Proofs:
    deliveries: tuple[DeliveryRow, ...]
    exposures: tuple[ExposureRow, ...]

    @property
    def denied(self) -> list[DeliveryRow]:
        return [d for d in self.deliveries if not d.allowed]

    def to_json(self) -> dict[str, Any]:
        return {"deliveries": [d.to_json() for d in self.deliveries], "exposure": [e.to_json() for e in self.exposures]}


def _fill(template: str, values: Mapping[str, Any], item: Mapping[str, Any] | None = None) -> str:
    def replace(match: re.Match) -> str:
        name, attribute = match.group(1), match.group(2)
        value = item if (name == "item") else values.get(name)
        if attribute is not None:
            value = value.get(attribute) if isinstance(value, Mapping) else None
        if value is None or value == "" and attribute not in ("prefix",):
            raise Missing(match.group(0))
        return str(value)

    return _FIELD.sub(replace, str(template))


def _resolve(value: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        return _fill(value, values)
    if isinstance(value, list):
        resolved = []
        for v in value:
            optional = isinstance(v, str) and v.startswith("?")
            try:
                resolved.append(_resolve(v[1:] if optional else v, values))
            except Missing:
                if not optional:
                    raise
        return resolved
    if isinstance(value, Mapping):
        out = {}
        for key, v in value.items():
            optional = str(key).endswith("?")
            try:
                out[str(key).rstrip("?")] = _resolve(v, values)
            except Missing:
                if not optional:
                    raise
        return out
    return value


def _session(role_arn: str, session: str = "proof") -> Principal:
    """The principal a service acting through a role is: a session of that role."""
    partition, account, name = role_arn.split(":")[1], role_arn.split(":")[4], role_arn.rsplit("/", 1)[-1]
    return Principal.aws(f"arn:{partition}:sts::{account}:assumed-role/{name}/{session}")


def _decide(store: Store, request: Request, identity: list[Policy]) -> Decision:
    return evaluate(request, resource_account=store.account, resource_policy=store.policy,
                    resource_kind=store.evaluation_kind, identity_policies=identity)


def _deliveries(plan: Plan, catalog: Mapping[str, Any]) -> list[DeliveryRow]:
    rows = []
    for entry in catalog["deliveries"]:
        each = entry.get("forEach")
        items = plan.lists.get(each, []) if each else [None]
        for item in items:
            values = dict(plan.values, **({each: item} if each else {}))
            try:
                store_arn = _fill(entry["store"], values)
                store = plan.stores.get(store_arn)
                if store is None:
                    continue  # another stack's store: that stack's documents decide (and prove) it
                writer = _fill(entry["writer"], values)
                actions = _resolve(entry["action"] if isinstance(entry["action"], list) else [entry["action"]], values)
                resource = _fill(entry["resource"], values)
                context = _resolve(entry.get("context") or {}, values)
                who = entry["principal"]
                if "service" in who:
                    principal, identity = Principal.service(_fill(who["service"], values)), []
                else:
                    role_arn = _fill(who["role"], values)
                    role = plan.stores.get(role_arn)
                    principal, identity = _session(role_arn), (role.identity if role else [])
            except Missing:
                continue
            for action in actions:
                decision = _decide(store, Request(principal, action, resource, context), identity)
                rows.append(DeliveryRow(entry["id"], writer, store.label, store.arn, store.urn, action, resource,
                                        decision.allowed, decision.reason, tuple(entry.get("decidedBy", ())),
                                        entry.get("source", "")))
    return rows


def _outsiders(plan: Plan, catalog: Mapping[str, Any]) -> list[tuple[str, Principal, list[Policy]]]:
    section = catalog["outsiders"]
    values = dict(plan.values, **section["accounts"])
    orgs = {"own": plan.values.get("org_id"), "foreign": values["foreign_org"]}
    found = []
    for spec in section["principals"]:
        if "arn" not in spec:
            found.append((spec["label"], Principal.anonymous(), []))
            continue
        principal = Principal.aws(_fill(spec["arn"], values), org_id=orgs.get(spec.get("org")))
        found.append((spec["label"], principal, [] if spec.get("noIdentityPolicy") else [_ALLOW_ALL]))
    return found


def _exposures(plan: Plan, catalog: Mapping[str, Any]) -> list[ExposureRow]:
    outsiders = _outsiders(plan, catalog)
    attempts_by_kind = catalog["outsiders"]["attempts"]
    rows = []
    for store in plan.stores.values():
        attempts = attempts_by_kind.get(store.kind)
        if not attempts:
            continue
        values = dict(plan.values, store={"arn": store.arn, "region": store.region, "sample_key": store.sample_key})
        results = []
        for spec in attempts:
            resource = _fill(spec["resource"], values)
            context = _resolve(spec.get("context") or {}, values)
            for label, principal, identity in outsiders:
                request = Request(principal, spec["action"], resource, context)
                if not granted_by_resource_policy(store.policy, request, store.evaluation_kind):
                    # outsiders need a grant of the store's own policy (none has one of its own account that counts)
                    results.append(OutsiderAttempt(label, spec["action"], spec["id"], False, "denied: no statement grants it"))
                    continue
                decision = _decide(store, request, identity)
                results.append(OutsiderAttempt(label, spec["action"], spec["id"], decision.allowed, decision.reason))
        rows.append(ExposureRow(store.label, store.arn, store.urn, store.kind, tuple(results), _named(store)))
    return sorted(rows, key=lambda r: (r.kind, r.store))


def _named(store: Store) -> tuple[str, ...]:
    """The IAM principals an Allow of the store's policy names, other than its own account's root."""
    own = {store.account, f"arn:{store.arn.split(':')[1]}:iam::{store.account}:root"}
    found = []
    for _, statement in statements(store.policy) if store.policy else []:
        principal = statement.get("Principal")
        if str(statement.get("Effect", "")).lower() == "allow" and isinstance(principal, Mapping):
            entries = principal.get("AWS")
            found += [str(e) for e in (entries if isinstance(entries, list) else [entries]) if e and str(e) not in own]
    return tuple(sorted(set(found)))


def prove_plan(plan: Plan, catalog: Mapping[str, Any] | None = None) -> Proofs:
    catalog = catalog or load_catalog()
    return Proofs(tuple(_deliveries(plan, catalog)), tuple(_exposures(plan, catalog)))


def prove(resources: Iterable[PlanResource], outputs: Mapping[str, Any], catalog: Mapping[str, Any] | None = None) -> Proofs:
    return prove_plan(read_plan(resources, outputs), catalog)


def _generic(label: str) -> str:
    """ "CloudWatch Logs (us-east-2)" -> "CloudWatch Logs": what repeated requests have in common."""
    return re.sub(r" \([^)]*\)$", "", label)


def _counted(labels: list[str]) -> str:
    distinct = list(dict.fromkeys(labels))
    return distinct[0] if len(distinct) == 1 else f"{_generic(distinct[0])} ({len(distinct)}x)"


def delivery_lines(proofs: Proofs) -> list[tuple[str, str, str]]:
    """The compact table: (writer -> store, actions, verdict) per catalog request; its repeated instances (one per
    region, log group or rule) share a line, and a denial lists each denied action with its reason."""
    groups: dict[tuple[str, str, str], list[DeliveryRow]] = {}
    for row in proofs.deliveries:
        groups.setdefault((row.id, _generic(row.writer), _generic(row.store)), []).append(row)
    lines = []
    for rows in groups.values():
        actions = ", ".join(dict.fromkeys(r.action for r in rows))
        denied = [r for r in rows if not r.allowed]
        verdict = "allowed" if not denied else "DENIED: " + "; ".join(dict.fromkeys(f"{r.action}: {r.reason}" for r in denied))
        lines.append((f"{_counted([r.writer for r in rows])} -> {_counted([r.store for r in rows])}", actions, verdict))
    return lines
