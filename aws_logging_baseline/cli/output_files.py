"""Write report files whole or not at all: a reader never sees a half-written JSON or SARIF file.

`check_output_path` validates a `--json`/`--output` path before any work is done (so bad input fails up front
and nothing is written); `write_json_atomically` then writes to a temporary file beside the target and renames
it into place. The final file gets the mode a plain `open(path, "w")` would give it: 0666 minus the umask for a
new file, the existing mode for a file it replaces.
"""

import json
import os
import secrets
import stat
from pathlib import Path
from typing import Any

from aws_logging_baseline.errors import UserError


def _existing_ancestor(directory: Path) -> Path:
    while not os.path.lexists(directory) and directory != directory.parent:
        directory = directory.parent
    return directory


def _directory_of(path: str, flag: str) -> Path:
    """The target's directory, which must exist and be a directory; the target must not be a directory."""
    if not path:
        raise UserError(f"{flag}: expected a file name, got an empty string")
    target = Path(path)
    if target.is_dir():
        raise UserError(f"{flag} {path}: is a directory; expected a file name")
    if path.endswith(("/", os.sep)):
        raise UserError(f"{flag} {path}: expected a file name, not a directory name ending in {path[-1]}")
    directory = target.parent
    if not directory.is_dir():
        ancestor = _existing_ancestor(directory)
        if os.path.lexists(ancestor) and not ancestor.is_dir():
            raise UserError(f"{flag} {path}: {ancestor} is not a directory")
        raise UserError(f"{flag} {path}: directory {directory} does not exist")
    return directory


def _create_temp(directory: Path, name: str, path: str, flag: str) -> tuple[int, Path]:
    """A new file beside the target, created as open() creates one (mode 0666, the umask applies)."""
    for _ in range(100):
        tmp = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise UserError(f"{flag} {path}: cannot write in {directory}: {exc.strerror or exc}") from None
    raise UserError(f"{flag} {path}: cannot create a temporary file in {directory}")


def check_output_path(path: str | None, flag: str) -> None:
    """Fail now (exit 2) if `path` cannot be written later: empty, a directory, no such directory, or a
    directory this process cannot create files in (probed with a temporary file, removed at once)."""
    if path is None:
        return
    directory = _directory_of(path, flag)
    fd, tmp = _create_temp(directory, Path(path).name, path, flag)
    os.close(fd)
    tmp.unlink(missing_ok=True)


def write_json_atomically(path: str, document: Any, flag: str) -> None:
    """Serialize first, then write to a temp file beside the target and rename it into place."""
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    target = Path(path)
    directory = _directory_of(path, flag)
    fd, tmp = _create_temp(directory, target.name, path, flag)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            existing = os.stat(target)
        except FileNotFoundError:
            existing = None
        if existing is not None and stat.S_ISREG(existing.st_mode):
            os.chmod(tmp, stat.S_IMODE(existing.st_mode))
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"{flag} {path}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
