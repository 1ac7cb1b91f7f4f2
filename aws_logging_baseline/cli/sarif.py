"""A generic SARIF 2.1.0 log builder, shared by `baseline audit` and `baseline check`.

One rule per control or policy, one result per finding or violation. Every result points at a file (an artifact
URI relative to the repository, optionally a line): GitHub code scanning rejects an upload with a result that has
no `physicalLocation.artifactLocation.uri`. A result may also name a logical location (an AWS resource, a Pulumi
URN). Only a log built with `require_artifact=False` (an audit that was given no program to point at) may hold
results with a logical location alone: valid SARIF 2.1.0, but not for code scanning.
"""

import hashlib
import os
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = ("error", "warning", "note", "none")
_SEVERITY_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub code scanning ranks security alerts by this numeric property (0.1-10, CVSS-like).
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def level_for_severity(severity: str) -> str:
    """critical/high -> error, medium -> warning, low -> note."""
    return _SEVERITY_LEVEL.get(severity.lower(), "warning")


def security_severity(severity: str) -> str:
    return _SECURITY_SEVERITY.get(severity.lower(), "5.5")


@dataclass(frozen=True)
class SarifRule:
    id: str
    name: str
    short_description: str
    full_description: str
    help_text: str
    default_level: str = "warning"
    help_uri: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)  # e.g. tags, frameworks, security-severity


@dataclass(frozen=True)
class SarifResult:
    rule_id: str
    level: str
    message: str
    logical_location: str | None = None  # fully qualified name, e.g. "us-east-1/vpc-123" or a Pulumi URN
    logical_name: str | None = None  # short name shown to people (default: the fully qualified name)
    logical_kind: str = "resource"
    artifact_uri: str | None = None  # a file, relative to the repository root (required by build_sarif)
    start_line: int | None = None
    kind: str = "fail"  # SARIF result.kind: fail | open (could not decide) | review | pass | ...
    properties: dict[str, Any] = field(default_factory=dict)
    suppressions: list[dict[str, Any]] | None = None  # e.g. a governed exception: kind external, status accepted


def relative_uri(path: str | os.PathLike, root: str | os.PathLike, must_exist: bool = True) -> str | None:
    """`path` as an artifact URI relative to `root`: '/'-separated and percent-encoded, never absolute, never
    leaving `root`. None when `path` is not under `root` (or, with `must_exist`, is not a file there).

    Paths are compared as written ('..' folded) first, so a file reached through a symbolic link inside `root`
    keeps its path in the repository, then with every link resolved."""
    for resolve in (os.path.abspath, os.path.realpath):
        try:
            relative = Path(resolve(path)).relative_to(resolve(root))
        except ValueError:
            continue
        if relative.parts and ".." not in relative.parts and (not must_exist or (Path(root) / relative).is_file()):
            return urllib.parse.quote(relative.as_posix())
    return None


def repository_root(directory: str | os.PathLike) -> Path:
    """The git work tree holding `directory` (where GitHub resolves SARIF paths), else `directory` itself."""
    directory = Path(directory).resolve()
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return directory


def check_artifact_uri(uri: str | None) -> None:
    """Refuse what code scanning cannot place in a checkout (or that would leak a machine's paths): no URI, a
    scheme (file://), an absolute path, a backslash, or a '..' segment."""
    if not uri:
        raise ValueError("SARIF result needs an artifact_uri: code scanning rejects a result without "
                         "locations[].physicalLocation.artifactLocation.uri")
    parsed = urllib.parse.urlsplit(uri)
    if parsed.scheme or parsed.netloc or uri.startswith("/") or "\\" in uri or ".." in uri.split("/"):
        raise ValueError(f"SARIF artifact_uri must be a path relative to the repository root, not {uri!r}")


def _rule(rule: SarifRule) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.short_description},
        "fullDescription": {"text": rule.full_description},
        "help": {"text": rule.help_text},
        "defaultConfiguration": {"level": rule.default_level},
    }
    if rule.help_uri:
        document["helpUri"] = rule.help_uri
    if rule.properties:
        document["properties"] = rule.properties
    return document


def _location(result: SarifResult) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if result.artifact_uri:
        physical: dict[str, Any] = {"artifactLocation": {"uri": result.artifact_uri}}
        if result.start_line:
            physical["region"] = {"startLine": result.start_line}
        location["physicalLocation"] = physical
    if result.logical_location:
        name = result.logical_name or result.logical_location
        location["logicalLocations"] = [{"name": name, "fullyQualifiedName": result.logical_location,
                                         "kind": result.logical_kind}]
    return location


def fingerprint(result: SarifResult) -> str:
    """Code scanning identifies an alert by rule and this fingerprint; left to itself, the upload action hashes
    the text of the result's line, so every bucket declared by one SecureBucket line (or every region's finding
    of one audit control) would collapse into one alert. The rule and the resource make it one alert per
    resource, stable when the declaring line moves. Format as the action writes it: 16 hex digits, ':', index."""
    digest = hashlib.sha256(f"{result.rule_id}\0{result.logical_location}".encode()).hexdigest()
    return f"{digest[:16]}:1"


def build_sarif(tool_name: str, tool_version: str, information_uri: str | None,
                rules: list[SarifRule], results: list[SarifResult], require_artifact: bool = True) -> dict[str, Any]:
    """Return a SARIF 2.1.0 log (a dict ready for json.dump) with one run. With `require_artifact` (the default,
    what code scanning needs) every result must have an artifact_uri; without it, a result may have only a
    logical location, but every artifact_uri given is still checked."""
    index = {rule.id: position for position, rule in enumerate(rules)}
    if len(index) != len(rules):
        raise ValueError("SARIF rules must have unique ids")
    sarif_results = []
    for result in results:
        if result.rule_id not in index:
            raise ValueError(f"SARIF result refers to unknown rule {result.rule_id!r}")
        if result.level not in LEVELS:
            raise ValueError(f"SARIF level must be one of {LEVELS}, not {result.level!r}")
        if result.kind != "fail" and result.level != "none":
            raise ValueError("SARIF 2.1.0 (3.27.9): a result whose kind is not 'fail' must have level 'none'")
        if result.start_line is not None and result.start_line < 1:
            raise ValueError(f"SARIF startLine is 1-based, not {result.start_line}")
        if require_artifact or result.artifact_uri is not None:
            check_artifact_uri(result.artifact_uri)
        if result.artifact_uri is None and not result.logical_location:
            raise ValueError("SARIF result needs a location: an artifact_uri or a logical location")
        document: dict[str, Any] = {"ruleId": result.rule_id, "ruleIndex": index[result.rule_id], "kind": result.kind,
                                    "level": result.level, "message": {"text": result.message}}
        location = _location(result)
        if location:
            document["locations"] = [location]
        if result.logical_location:
            document["partialFingerprints"] = {"primaryLocationLineHash": fingerprint(result)}
        if result.properties:
            document["properties"] = result.properties
        if result.suppressions:
            document["suppressions"] = result.suppressions
        sarif_results.append(document)
    driver: dict[str, Any] = {"name": tool_name, "version": tool_version}
    if information_uri:
        driver["informationUri"] = information_uri
    driver["rules"] = [_rule(rule) for rule in rules]
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": sarif_results}]}
