"""Write report files whole or not at all: a reader never sees a half-written JSON or SARIF file."""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from baseline.errors import UserError


def write_json_atomically(path: str, document: Any, flag: str) -> None:
    """Serialize first, then write to a temp file beside the target and rename it into place."""
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise UserError(f"{flag} {path}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"{flag} {path}: {exc.strerror}") from exc
