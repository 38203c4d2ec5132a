"""The documentation inside the repository is kept true by running it.

1. Every command of the Typer app (found at run time, sub-command groups such as `user` included)
   is documented in `docs/cli.md` (a heading or a code line naming `jumelage COMMAND`) and
   `jumelage COMMAND --help` exits 0 and prints that command's own help text.
2. Every example in a fenced block tagged `sh runnable` in `docs/cli.md` and `README.md` runs and
   exits 0: line by line, in document order, in a temporary folder holding a copy of `samples/`,
   with `JUMELAGE_DATABASE_URL` pointing to a temporary SQLite atlas that holds the samples, and
   `jumelage` standing for this environment's console script (or `python -m jumelage`). Commands
   that cannot run unattended are listed in NOT_RUNNABLE and must stay in plain `sh` blocks.
3. The documents the index links to exist, and the index names every file of `docs/`.
4. The Python examples of `docs/` compile and import only names that exist (they are run by hand:
   they need the language model and an ingest, too slow for this file's budget).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from jumelage.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CLI_DOC = DOCS / "cli.md"
RUNNABLE_SOURCES = (CLI_DOC, ROOT / "README.md")
SAMPLES = ROOT / "samples"

# Commands no example may run unattended, and why; their examples live in plain `sh` blocks.
NOT_RUNNABLE = {
    "serve": "serves the web atlas until Ctrl-C",
    "user add": "asks for the password on the terminal unless --password-stdin is given",
}

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.M | re.S)


def commands() -> list[tuple[tuple[str, ...], Any]]:
    """Every command and group under the root, as (path of names, Click command); groups are
    recognised by their `commands` (Typer vendors its own Click, so no isinstance)."""
    found: list[tuple[tuple[str, ...], Any]] = []

    def walk(group: Any, prefix: tuple[str, ...]) -> None:
        for name, cmd in group.commands.items():
            path = (*prefix, name)
            found.append((path, cmd))
            if hasattr(cmd, "commands"):
                walk(cmd, path)

    root = typer.main.get_command(app)
    assert hasattr(root, "commands")
    walk(root, ())
    return found


COMMANDS = commands()


def blocks(path: Path) -> list[tuple[str, str]]:
    """The fenced blocks of a Markdown file: (info string, body)."""
    return [(m.group(1).strip(), m.group(2)) for m in FENCE.finditer(path.read_text("utf-8"))]


def runnable_lines(path: Path) -> list[str]:
    """The command lines of the `sh runnable` blocks of a file, in order (no blanks, comments)."""
    lines = []
    for info, body in blocks(path):
        if info.split() == ["sh", "runnable"]:
            lines += [line.strip() for line in body.splitlines()
                      if line.strip() and not line.strip().startswith("#")]
    return lines


def names_command(line: str, path: tuple[str, ...]) -> bool:
    """Whether a line of text starts with `jumelage PATH` as a whole command name."""
    words = " ".join(path)
    return re.match(rf"jumelage {re.escape(words)}(?![\w-])", line.strip().strip("`")) is not None


def documented(path: tuple[str, ...]) -> bool:
    text = CLI_DOC.read_text("utf-8")
    headings = [h.lstrip("#").strip() for h in text.splitlines() if h.startswith("#")]
    code = [line for info, body in blocks(CLI_DOC) if info.startswith("sh")
            for line in body.splitlines()]
    inline = re.findall(r"`(jumelage [^`]+)`", text)
    return any(names_command(line, path) for line in (*headings, *code, *inline))


def squash(text: str) -> str:
    """Text without Rich's box drawing and with one space between words."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_is_documented_and_has_help(path, command):
    assert documented(path), f"`jumelage {' '.join(path)}` is not documented in docs/cli.md"
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    own = squash((command.help or "").split("\n\n")[0])
    assert own, f"`jumelage {' '.join(path)}` has no help text"
    assert own[:60] in squash(result.output), result.output


def test_the_runnable_convention_is_kept():
    """At least the core examples are runnable, and none runs a command that cannot."""
    lines = [line for source in RUNNABLE_SOURCES for line in runnable_lines(source)]
    assert len(lines) >= 20
    for line in lines:
        for command in re.findall(r"(?:^|[|;&]\s*)jumelage ([a-z-]+(?: [a-z-]+)?)", line):
            for stuck, why in NOT_RUNNABLE.items():
                if command.startswith(stuck) and not (
                        stuck == "user add" and "--password-stdin" in line):
                    pytest.fail(f"{line!r} is marked runnable but {stuck} {why}")


def console_script() -> list[str]:
    script = Path(sys.executable).with_name("jumelage")
    return [str(script)] if script.exists() else [sys.executable, "-m", "jumelage"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A folder holding a copy of samples/, and an environment whose atlas holds them."""
    folder = tmp_path_factory.mktemp("docs-examples")
    shutil.copytree(SAMPLES, folder / "samples")
    env = {**os.environ, "JUMELAGE_DATABASE_URL": f"sqlite:///{folder / 'atlas.sqlite'}",
           "COLUMNS": "100"}
    proc = subprocess.run([*console_script(), "ingest", "samples"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return folder, env


def test_every_runnable_example_runs(workdir):
    folder, env = workdir
    define = "jumelage() { " + " ".join(map(shlex.quote, console_script())) + ' "$@"; }\n'
    failures = []
    ran = 0
    seen: set[str] = set()
    for source in RUNNABLE_SOURCES:
        for line in runnable_lines(source):
            command = re.sub(r"\s+#\s.*$", "", line)   # the README repeats some of
            if command in seen:                          # docs/cli.md's examples
                continue
            seen.add(command)
            proc = subprocess.run(["bash", "-o", "pipefail", "-c", define + line], cwd=folder,
                                  env=env, capture_output=True, text=True, timeout=600)
            ran += 1
            if proc.returncode != 0 or "Traceback" in proc.stderr:
                failures.append(f"{source.name}: {line}\n  exit {proc.returncode}: "
                                f"{proc.stderr.strip()[-500:]}")
    assert ran, "no runnable examples found"
    assert not failures, "\n".join(failures)
    # what the examples claim to write is there
    assert (folder / "atlas.json").stat().st_size > 0
    assert {p.name for p in (folder / "atlas-csv").iterdir()} >= {"places.csv", "actions.csv"}
    assert (folder / "copy.sqlite").exists()


def test_the_index_names_every_document():
    index = (DOCS / "README.md").read_text("utf-8")
    for target in re.findall(r"\]\(([^)#]+\.md)\)", index):
        assert (DOCS / target).exists(), f"docs/README.md links to a missing {target}"
    for doc in DOCS.glob("*.md"):
        if doc.name != "README.md":
            assert f"({doc.name})" in index, f"docs/README.md does not link to {doc.name}"


def test_python_examples_compile_and_import_what_exists():
    """The Python examples of docs/ are valid Python and import only names jumelage has (running
    them needs the model and an ingest: that is left to people, who get them from library.md)."""
    import importlib
    import importlib.util

    checked = 0
    for doc in sorted(DOCS.glob("*.md")):
        for info, body in blocks(doc):
            if info != "python":
                continue
            compile(body, f"{doc.name} example", "exec")
            for module, names in re.findall(r"^from (jumelage[\w.]*) import ([\w, ]+)$", body,
                                            re.M):
                imported = importlib.import_module(module)
                for name in (n.split()[0] for n in names.split(",")):
                    assert hasattr(imported, name) or importlib.util.find_spec(
                        f"{module}.{name}") is not None, f"{doc.name}: {module}.{name}"
            checked += 1
    assert checked >= 10
