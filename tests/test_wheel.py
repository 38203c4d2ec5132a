"""`jumelage demo` works from a built wheel installed outside the checkout (issue 8, point 5):
the samples, the language data and the fitted weights ship as package data, and nothing reads
the repository's files.

The wheel is built from this checkout (`pip wheel --no-deps --no-build-isolation`) and installed
without dependencies into a fresh virtual environment under the test's temporary folder; that
environment reaches the dependencies already installed for the tests through one `.pth` line
(installing them again would download and take minutes). The demo then runs from another folder.
"""
from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def test_demo_runs_from_an_installed_wheel(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                 "-w", dist, ROOT, cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(dist.glob("jumelage-*.whl"))
    # every file of the package ships (data, templates, static assets such as the favicon),
    # except what Python or git leave behind
    package = ROOT / "src" / "jumelage"
    expected = {f"jumelage/{p.relative_to(package).as_posix()}" for p in package.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    with zipfile.ZipFile(wheel) as whl:
        shipped = set(whl.namelist())
    assert expected <= shipped, sorted(expected - shipped)

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                cwd=tmp_path).stdout.strip()
    Path(site, "test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = _run(python, "-m", "pip", "install", "-q", "--no-deps", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr[-2000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(python, "-c", "import jumelage; print(jumelage.__file__)", cwd=elsewhere)
    assert where.stdout.strip().startswith(str(env_dir)), where.stdout + where.stderr
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    demo = _run(env_dir / "bin" / "jumelage", "demo", "--db", db, cwd=elsewhere)
    assert demo.returncode == 0, demo.stderr[-2000:]
    summary = _run(env_dir / "bin" / "jumelage", "summary", "--db", db, "--json", cwd=elsewhere)
    totals = json.loads(summary.stdout)
    assert totals["sources"] >= 3 and totals["places"] > 5 and totals["partnerships"] > 0
