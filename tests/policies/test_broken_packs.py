"""`check` with deliberately broken packs: it ends with one clear message within its deadline and leaves no
pack process behind, whatever the pack does (prints, hangs, crashes) and however `check` itself is ended."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from aws_logging_baseline.cli.main import main
from tests.policies.conftest import CASES_PROGRAM, FIXTURE, REPO

CASE_ARGS = ["--program", str(CASES_PROGRAM), "--stack", "test", "--account", str(FIXTURE), "--no-tree",
             "-c", "policy-cases:case=trail-good"]


def _pack(directory: Path, validate_body: str) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (directory / "__main__.py").write_text(
        "import os, sys, time\nfrom pulumi_policy import PolicyPack, ResourceValidationPolicy\n"
        "def validate(args, report):\n" + textwrap.indent(textwrap.dedent(validate_body), "    ")
        + "\nPolicyPack('broken', [ResourceValidationPolicy('broken', 'misbehaves', validate=validate)])\n")
    return directory


def check(capsys, *args):
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_policy_printing_megabytes_to_stdout_and_stderr_does_not_block_the_check(capsys, tmp_path, started):
    # 1 MiB to each stream per resource: far beyond a pipe's 64 KiB, so an undrained pipe would block the pack.
    pack = _pack(tmp_path / "pack", """
        print("x" * (1 << 20))
        print("y" * (1 << 20), file=sys.stderr)
    """)
    began = time.monotonic()
    code, out, err = check(capsys, *CASE_ARGS, "--policy-pack", str(pack), "--pack-timeout", "30")
    assert code == 0, err
    assert "no violations" in out and time.monotonic() - began < 30


def test_a_policy_that_hangs_ends_the_check_at_the_deadline_naming_the_resource(capsys, tmp_path, started):
    pack = _pack(tmp_path / "pack", """
        if args.resource_type == "aws:cloudtrail/trail:Trail":
            print("about to hang", file=sys.stderr)
            time.sleep(600)
    """)
    began = time.monotonic()
    code, _, err = check(capsys, *CASE_ARGS, "--policy-pack", str(pack), "--pack-timeout", "2")
    assert code == 2
    assert time.monotonic() - began < 25  # engine + pack start + the 2 s deadline, not 600 s
    first = err.splitlines()[0]
    assert first.startswith(f"error: --policy-pack {pack}: no answer within 2s while analyzing urn:pulumi:test::")
    assert "aws:cloudtrail/trail:Trail" in first and "--pack-timeout" in first
    assert "about to hang" in err  # the tail of the pack's stderr
    assert "Traceback" not in err


def test_a_pack_that_dies_mid_analysis_is_reported_with_its_exit_status_and_stderr(capsys, tmp_path, started):
    pack = _pack(tmp_path / "pack", """
        print("out of memory in the policy (simulated)", file=sys.stderr, flush=True)
        os._exit(3)
    """)
    code, _, err = check(capsys, *CASE_ARGS, "--policy-pack", str(pack))
    assert code == 2
    assert f"error: --policy-pack {pack}: the pack exited with status 3 while analyzing urn:pulumi:test::" in err
    assert "out of memory in the policy (simulated)" in err
    assert "Stream removed" not in err and "Traceback" not in err


def test_pack_timeout_flag_is_checked(capsys):
    for value in ("0", "-1", "nan", "inf", "soon"):
        with pytest.raises(SystemExit) as exited:
            main(["check", "--pack-timeout", value])
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert "--pack-timeout" in err and len(err.strip().splitlines()) == 1


# --- the command as a process: SIGKILL and Ctrl-C ------------------------------------------------------------

def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _hanging_check(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    pack = _pack(tmp_path / "pack", "time.sleep(600)\n")
    command = subprocess.Popen([sys.executable, "-m", "aws_logging_baseline", "check", *CASE_ARGS, "--policy-pack",
                                str(pack)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline, children = time.monotonic() + 60, []
    while len(children) < 2 and time.monotonic() < deadline:  # the pack and its analyze relay
        time.sleep(0.1)
        children = _children(command.pid)
    assert len(children) == 2, f"the pack and its relay never started: {children}"
    time.sleep(1.0)  # the pack is serving, or already stuck in Analyze
    return command, children


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc are Linux's")
def test_sigkill_of_the_command_takes_the_pack_with_it(tmp_path):
    command, children = _hanging_check(tmp_path)
    os.kill(command.pid, signal.SIGKILL)
    command.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(child) for child in children), "the pack or its relay outlived a SIGKILLed check"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_ctrl_c_ends_the_command_within_two_seconds_quietly(tmp_path):
    command, children = _hanging_check(tmp_path)
    command.send_signal(signal.SIGINT)
    began = time.monotonic()
    code = command.wait(timeout=30)
    elapsed = time.monotonic() - began
    err = command.stderr.read()
    assert code == 130 and elapsed < 2.0, (code, elapsed, err)
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "interrupted"
    deadline = time.monotonic() + 5
    while any(_alive(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(child) for child in children)
