"""The distribution: build the wheel, install it into a fresh venv, preview and check examples/org with it.

Offline and fast: the wheel is built without build isolation (setuptools and wheel from requirements.txt),
the fresh venv gets the wheel with --no-deps --no-index, and sees third-party packages (pulumi, pulumi-aws,
...) through a .pth line pointing at this interpreter's site-packages, never at the repository.
"""

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from tests.engine_helpers import REPO
from tests.org.org_helpers import ORG_PROGRAM, account_fixture

SOURCES = ("pyproject.toml", "README.md", "aws_logging_baseline")


def run(*args, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PYTHONNOUSERSITE": "1"})
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_wheel_installs_into_a_fresh_venv_and_runs_the_org_program(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(path, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
        "--disable-pip-version-check", "-q", "-w", tmp_path / "dist", source, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("pulumi_aws_logging_baseline-0.1.0-*.whl"))

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).stdout.strip())
    (site / "third_party.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # --ignore-installed: else pip uninstalls the editable install of the running environment first.
    run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check", "-q", "--ignore-installed",
        "--prefix", env_dir, wheel, cwd=tmp_path)

    where = json.loads(run(python, "-c", (
        "import json, importlib.util as u, aws_logging_baseline as b, aws_logging_baseline.components as c,"
        " aws_logging_baseline.policies as p, aws_logging_baseline.components.roles;"
        "print(json.dumps([c.__file__, b.__file__, p.__path__[0],"
        " [n for n in ('components', 'policies', 'baseline') if u.find_spec(n)]]))"
    ), cwd=tmp_path).stdout)
    assert where.pop() == [], "no generic top-level package may be installed"
    assert all(p.startswith(str(site)) for p in where), where
    assert (Path(where[2]) / "PulumiPolicy.yaml").is_file() and (Path(where[0]).parent / "catalog" / "config_rules.yaml").is_file()

    program = tmp_path / "org"  # the example program outside the repository, as another repository holds it
    shutil.copytree(ORG_PROGRAM, program, ignore=shutil.ignore_patterns("__pycache__"))
    out = run(python, "-m", "aws_logging_baseline", "preview", "--program", program, "--stack", "member",
              "--account", program / "accounts" / "member.yaml", "--no-tree", "--json", tmp_path / "member.json", cwd=tmp_path)
    assert "offline preview of stack member" in out.stdout
    exported = json.loads((tmp_path / "member.json").read_text())["deployment"]["resources"]
    assert any(r["type"] == "baseline:roles:MemberAccount" for r in exported)

    report = tmp_path / "check.json"
    run(python, "-m", "aws_logging_baseline", "check", "--program", program, "--stack", "management",
        "--account", account_fixture("management"), "--no-tree", "--format", "json", "--output", report, cwd=tmp_path)
    checked = json.loads(report.read_text())
    assert checked["summary"]["mandatory"] == 0 and checked["pack"]["dir"] == where[2]

    # The provider for other languages ships as the pulumi-resource-<package> script, serving the snapshot's schema.
    schema = run(env_dir / "bin" / "pulumi-resource-aws-logging-baseline", "--schema", cwd=tmp_path).stdout
    assert json.loads(schema) == json.loads((REPO / "tests" / "data" / "provider-schema.json").read_text())

    # examples/custom: a team's program in its own layout (its own components/ package) from its own directory,
    # with nothing of this repository but the installed wheel.
    custom = tmp_path / "team-repo"
    shutil.copytree(REPO / "examples" / "custom", custom, ignore=shutil.ignore_patterns("__pycache__"))
    # (python -m: pip install --prefix writes console scripts for the installing interpreter, not this venv's)
    out = run(python, "-m", "aws_logging_baseline", "preview", "--stack", "dev", "--no-tree", cwd=custom)
    assert "offline preview of stack dev" in out.stdout
    out = run(python, "-m", "aws_logging_baseline", "check", "--stack", "dev", "--policy-config", "policy-config.json",
              "--no-tree", "--format", "json", "--output", "check.json", cwd=custom)
    assert "0 mandatory and 0 advisory violation(s)" in out.stdout
    checked = json.loads((custom / "check.json").read_text())
    assert checked["summary"]["mandatory"] == checked["summary"]["advisory"] == 0 and checked["pack"]["dir"] == where[2]
