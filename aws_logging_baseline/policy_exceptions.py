"""Governed exceptions: a violation (check) or a failed control (audit) a team accepts for a while, on the record.

Each exception names the policy (or audit control), the resource (a Pulumi URN, or a name pattern with * and ?),
an owner, a reason and an expiry date. They live in `aws_logging_baseline/policies/exceptions.yaml` (or a file
given with --exceptions) under `exceptions:`, or under `"exceptions"` in the --policy-config file:

    exceptions:
      - policy: s3-bucket-logging-enabled
        resource: legacy-*                      # or urn:pulumi:prod::baseline::aws:s3/bucket:Bucket::legacy-logs
        owner: platform-security@example.com
        reason: Legacy bucket, replaced by the archive in Q3 (SEC-123)
        expires: 2026-09-30                     # valid through this day (UTC)

An excepted violation is reported as excepted (owner, reason, days left) and does not fail the run. An expired or
malformed exception is itself a violation (policy-exception-valid, mandatory): nothing lapses silently. An
exception that matches nothing is reported (policy-exception-unused, advisory) so stale entries get removed.
"""

import datetime as dt
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

import yaml

from aws_logging_baseline.errors import UserError

FIELDS = ("policy", "resource", "owner", "reason", "expires")
INVALID = "policy-exception-valid"
UNUSED = "policy-exception-unused"
DEFAULT_FILE = Path(__file__).resolve().parent / "policies" / "exceptions.yaml"
RULES = {
    INVALID: ("mandatory", "high", "Every governed exception is well formed (policy, resource, owner, reason, expiry date) "
              "and not expired.", "Renew the exception with a new expiry date and a current reason, fix the violation it "
              "covered, or correct the entry."),
    UNUSED: ("advisory", "low", "Every governed exception still matches a violation.",
             "Remove the exception: the violation it covered is gone (or the policy or resource pattern is wrong)."),
}
T = TypeVar("T")


@dataclass(frozen=True)
class PolicyException:
    policy: str
    resource: str
    owner: str
    reason: str
    expires: dt.date
    source: str  # e.g. "exceptions.yaml entry 2"

    def matches(self, policy: str, resource_names: Sequence[str]) -> bool:
        return policy == self.policy and any(fnmatch.fnmatchcase(name, self.resource) for name in resource_names if name)

    def days_left(self, today: dt.date) -> int:
        return (self.expires - today).days

    def describe(self, today: dt.date) -> dict[str, Any]:
        return {"policy": self.policy, "resource": self.resource, "owner": self.owner, "reason": self.reason,
                "expires": self.expires.isoformat(), "daysLeft": self.days_left(today), "source": self.source}


@dataclass(frozen=True)
class ExceptionProblem:
    rule: str  # INVALID or UNUSED
    source: str
    message: str

    @property
    def enforcement(self) -> str:
        return RULES[self.rule][0]


@dataclass
class Outcome:
    kept: list  # items no exception covers
    excepted: list[tuple[Any, PolicyException]]
    problems: list[ExceptionProblem]
    exceptions: list[PolicyException] = field(default_factory=list)


def today_utc() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def read_file(path: Path, flag: str, required: bool = True) -> list[Any]:
    """The `exceptions:` entries of a YAML file; [] when a default file is absent (`required` false). A file that
    is not YAML or not `exceptions: [...]` is bad input (exit 2); a bad entry is judged later, as a violation."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if not required:
            return []
        raise UserError(f"{flag} {path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{flag} {path}: cannot read it: {exc}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise UserError(f"{flag} {path}: not YAML{where}") from None
    if document is None or document == {"exceptions": None}:
        return []
    entries = document.get("exceptions") if isinstance(document, dict) else None
    if not isinstance(document, dict) or set(document) - {"exceptions"} or not isinstance(entries, (list, type(None))):
        raise UserError(f"{flag} {path}: expected a mapping with one key, `exceptions`, holding a list of entries")
    return list(entries or [])


def from_policy_config(config: dict[str, Any], source: str) -> list[Any]:
    """Pops `exceptions` from a --policy-config document (the pack never sees it)."""
    entries = config.pop("exceptions", None)
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise UserError(f"{source}: exceptions: expected a list of entries")
    return entries


def parse(entries: Iterable[tuple[str, Any]], known_policies: Iterable[str]) -> tuple[list[PolicyException], list[ExceptionProblem]]:
    """(well-formed exceptions, one problem per malformed entry). `entries` are (source label, raw entry)."""
    known = set(known_policies)
    valid, problems = [], []
    for source, entry in entries:
        why = _malformed(entry, known)
        if why:
            problems.append(ExceptionProblem(INVALID, source, f"{source} is malformed: {why}; it excepts nothing."))
            continue
        expires = entry["expires"]
        if not isinstance(expires, dt.date):
            expires = dt.date.fromisoformat(expires)
        valid.append(PolicyException(entry["policy"], entry["resource"], entry["owner"].strip(), entry["reason"].strip(),
                                     expires, source))
    return valid, problems


def _malformed(entry: Any, known: set[str]) -> str | None:
    if not isinstance(entry, Mapping):
        return f"expected a mapping with {', '.join(FIELDS)}, got {type(entry).__name__}"
    missing = [k for k in FIELDS if k not in entry or entry[k] in (None, "")]
    if missing:
        return f"missing {', '.join(missing)}"
    extra = sorted(set(entry) - set(FIELDS))
    if extra:
        return f"unknown key(s) {', '.join(map(str, extra))} (allowed: {', '.join(FIELDS)})"
    for key in ("policy", "resource", "owner", "reason"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            return f"{key} must be a non-empty string"
    if entry["policy"] not in known:
        return f"unknown policy {entry['policy']!r}"
    expires = entry["expires"]
    if isinstance(expires, dt.datetime) or not isinstance(expires, (dt.date, str)):
        return f"expires must be a date YYYY-MM-DD, got {expires!r}"
    if isinstance(expires, str):
        try:
            dt.date.fromisoformat(expires)
        except ValueError:
            return f"expires must be a date YYYY-MM-DD, got {expires!r}"
    return None


def apply(items: Sequence[T], exceptions: list[PolicyException], problems: list[ExceptionProblem],
          key: Callable[[T], tuple[str, Sequence[str]]], today: dt.date) -> Outcome:
    """Sorts `items` (violations or findings) into kept and excepted. `key(item)` gives (policy, names the
    resource pattern may match). Expired exceptions except nothing and are problems; unused ones are reported."""
    problems = list(problems)
    active = []
    for exception in exceptions:
        if exception.days_left(today) < 0:
            problems.append(ExceptionProblem(INVALID, exception.source, (
                f"{exception.source} (policy {exception.policy}, resource {exception.resource}, owner {exception.owner}) "
                f"expired on {exception.expires.isoformat()}: renew it with a new date and reason, or fix what it covered.")))
        else:
            active.append(exception)
    kept, excepted, used = [], [], set()
    for item in items:
        policy, names = key(item)
        match = next((e for e in active if e.matches(policy, names)), None)
        if match is None:
            kept.append(item)
        else:
            excepted.append((item, match))
            used.add(match.source)
    for exception in active:
        if exception.source not in used:
            problems.append(ExceptionProblem(UNUSED, exception.source, (
                f"{exception.source} (policy {exception.policy}, resource {exception.resource}, owner {exception.owner}) "
                "matches no violation: remove it.")))
    return Outcome(kept, excepted, problems, exceptions)


def justification(exception: PolicyException, today: dt.date) -> str:
    return (f"{exception.reason} (owner {exception.owner}; expires {exception.expires.isoformat()}, "
            f"{exception.days_left(today)} day(s) left; {exception.source})")
