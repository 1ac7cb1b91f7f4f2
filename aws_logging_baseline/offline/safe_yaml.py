"""YAML from users (Pulumi.yaml, stack files, account fixtures, PulumiPolicy.yaml), read defensively.

A 1 KB file can expand to gigabytes through aliases ("billion laughs"), and deep nesting or huge integers
crash the parser or the program. Every user file goes through `load`: at most MAX_BYTES, parsed as events first
(libyaml when available, no objects built) to refuse any alias and to bound nesting depth and node count, then
built with the safe loader. Each problem is one line naming the file. Config files never need aliases.
"""

from pathlib import Path
from typing import Any

import yaml

from aws_logging_baseline.errors import UserError

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 200_000
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it


def check_events(text: str, where: str) -> None:
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise UserError(f"{where}: YAML aliases (*{event.anchor}) are not accepted (line {mark.line + 1}); "
                            "write the value out")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise UserError(f"{where}: nested more than {MAX_DEPTH} levels deep (line {event.start_mark.line + 1})")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            if event.tag not in (None, "!", "tag:yaml.org,2002:str") and not event.tag.startswith("tag:yaml.org,2002:"):
                raise UserError(f"{where}: YAML tag {event.tag[:40]!r} is not accepted (line {event.start_mark.line + 1})")
        nodes += 1
        if nodes > MAX_NODES:
            raise UserError(f"{where}: more than {MAX_NODES} YAML nodes; far more than any config file needs")


def loads(text: str, where: str) -> Any:
    """Parse `text` (from `where`, named in every message) with the limits above."""
    if len(text) > MAX_BYTES:
        raise UserError(f"{where}: {len(text)} characters; config files are limited to {MAX_BYTES // 1024} KiB")
    try:
        check_events(text, where)
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"{where}: malformed YAML{at}: {str(problem)[:200]}") from None
    except (ValueError, RecursionError, OverflowError) as exc:  # e.g. an integer of more than 4300 digits
        raise UserError(f"{where}: a value cannot be read: {str(exc)[:200]}") from None


def load(path: Path, what: str) -> Any:
    """Read and parse a user's YAML file; a missing, unreadable, oversized or non-UTF-8 file is one line."""
    if not path.is_file():
        raise UserError(f"{path}: {what} not found")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(f"{path}: {what} is {size} bytes; config files are limited to {MAX_BYTES // 1024} KiB")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: {what} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read {what}: {exc.strerror}") from None
    return loads(text, str(path))
