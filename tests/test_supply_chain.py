"""requirements.lock is the full, hash-pinned transitive set of requirements.txt's direct pins, and `make` installs
from it with hash checking. After a pin changes in requirements.txt, `make lock` refreshes the lock (README)."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503 normalized


def direct_pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            match = _PIN.fullmatch(line)
            assert match, f"requirements.txt: {line!r} is not an exact pin (name==version)"
            pins[_name(match.group(1))] = match.group(2)
    return pins


def locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of every requirements.lock entry."""
    text = (REPO / "requirements.lock").read_text()
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        first = block.strip().splitlines()[0] if block.strip() else ""
        match = _PIN.match(first)
        if match:
            entries[_name(match.group(1))] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return entries


def test_every_direct_pin_is_locked_at_the_same_version():
    lock = locked()
    stale = {name: (version, lock.get(name, ("missing",))[0]) for name, version in direct_pins().items()
             if lock.get(name, ("",))[0] != version}
    assert not stale, f"requirements.lock is stale (requirements.txt vs lock): {stale}; run `make lock`"


def test_every_locked_package_has_hashes():
    lock = locked()
    assert len(lock) > len(direct_pins())  # the transitive set, not only the direct pins
    assert {"botocore", "grpcio", "protobuf", "urllib3", "pip-tools"} <= set(lock)
    assert [name for name, (_, hashes) in lock.items() if not hashes] == []


def test_make_installs_from_the_lock_with_hash_checking():
    makefile = (REPO / "Makefile").read_text()
    assert "--require-hashes --no-deps -r $(LOCK)" in makefile and "LOCK := requirements.lock" in makefile
    assert "piptools compile --quiet --generate-hashes" in makefile
