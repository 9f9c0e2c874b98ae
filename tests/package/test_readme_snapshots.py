"""Every example command of README.md and of the documentation pages (docs/**/*.md), run, matches its stored
output: later changes to outputs are deliberate.

The same rules hold in every page, each page read on its own. An example is a ``$ gmm-math ...`` line
in a code block, a code block whose first line is its only ``gmm-math ...`` command (alone, or followed
by its output; not a usage line with ``[...]``), or a ``gmm-math ...`` command in backticks introducing
a block. Each runs in-process (Typer's CliRunner, 80 columns) in a fresh folder; its exit code, stdout
and stderr, with that folder's path replaced by ``<tmp>``, must equal ``tests/snapshots/readme/NAME.txt``.
An example keeps its snapshot when it moves to another page (the name comes from the command alone).

After a deliberate change to an output, regenerate every snapshot and review the diff in the same commit::

    GMM_MATH_UPDATE_SNAPSHOTS=1 python -m pytest tests/package/test_readme_snapshots.py
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gmm_math.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "readme"
UPDATE = os.environ.get("GMM_MATH_UPDATE_SNAPSHOTS") == "1"
FILES = {"blocker": ""}  # files the examples expect in the current folder (a regular file named blocker)


def _blocks(lines: list[str]):
    """(the last text line before the block, the block's lines) for every fenced code block."""
    inside, before, body, last = False, "", [], ""
    for line in lines:
        if line.startswith("```"):
            if inside:
                yield before, body
            inside, before, body = not inside, last, []
        elif inside:
            body.append(line)
        elif line.strip():
            last = line


def _joined(body: list[str]) -> list[str]:
    """Lines with a shell continuation (a trailing backslash) joined to the next."""
    out: list[str] = []
    for line in body:
        if out and out[-1].endswith("\\"):
            out[-1] = out[-1][:-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return out


def _command(line: str) -> str:
    """The command of an example line, without a trailing ``# comment``."""
    return re.sub(r"\s+#\s.*$", "", line).strip()


def pages() -> list[Path]:
    """README.md, then every documentation page: where the examples live."""
    return [README, *sorted(DOCS.rglob("*.md"))]


def page_commands(page: Path) -> list[str]:
    """The example commands of one page, in order."""
    commands = []
    for before, body in _blocks(page.read_text().splitlines()):
        body = _joined(body)
        prompted = [_command(line[2:]) for line in body if line.startswith("$ gmm-math ")]
        if prompted:
            commands += prompted
            continue
        introduced = re.fullmatch(r"`(gmm-math [^`]+)`.*:", before.strip())
        starts = [line for line in body if line.startswith("gmm-math ")]
        if introduced:
            commands.append(introduced.group(1))
        elif len(starts) == 1 and body[0] == starts[0] and not re.search(r"\[|&&|\bmedian\b", body[0]):
            commands.append(_command(body[0]))  # the command alone, or followed by its output
    return commands


def example_commands() -> list[str]:
    """Every example command of every page, each once."""
    return list(dict.fromkeys(command for page in pages() for command in page_commands(page)))


def snapshot_name(command: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", command.removeprefix("gmm-math ").lower()).strip("-")[:60].strip("-")
    return f"{words}-{hashlib.sha1(command.encode()).hexdigest()[:8]}"


COMMANDS = example_commands()


def run(command: str, folder: Path) -> str:
    for name, text in FILES.items():
        (folder / name).write_text(text)
    for data in (ROOT / "docs").glob("*-data"):  # example data a page names by its path in the repository
        shutil.copytree(data, folder / "docs" / data.name, dirs_exist_ok=True)
    result = CliRunner().invoke(app, shlex.split(command)[1:], env={"COLUMNS": "80", "TERM": "dumb"})
    text = (f"$ {command}\n# exit code {result.exit_code}\n# stdout\n{result.stdout}"
            f"# stderr\n{result.stderr}")
    return text.replace(str(folder.resolve()), "<tmp>").replace(str(folder), "<tmp>")


def test_every_example_has_exactly_one_snapshot():
    """No example without its snapshot, no snapshot without its example (an orphan)."""
    assert len(COMMANDS) >= 20
    if not UPDATE:
        assert sorted(p.stem for p in SNAPSHOTS.glob("*.txt")) == sorted(map(snapshot_name, COMMANDS))


@pytest.mark.parametrize("command", COMMANDS, ids=snapshot_name)
def test_readme_example_output_is_unchanged(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = run(command, tmp_path)
    stored = SNAPSHOTS / f"{snapshot_name(command)}.txt"
    if UPDATE:
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        stored.write_text(text)
    assert stored.exists(), f"no snapshot for {command!r}: regenerate (see this module's docstring)"
    assert text == stored.read_text()
