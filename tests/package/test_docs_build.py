"""The documentation site builds offline with warnings as errors, and the front page's links lead somewhere.

``python -m mkdocs build --strict`` (the command ``.ci/run`` runs) fails on a broken link or anchor between
pages, a page left out of the navigation, and a docstring the API page cannot parse. README.md is not part
of the site, so its links (GitHub renders them relative to the repository) are checked here against the
files and against the anchors of the built pages.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
GRAMMAR = ROOT / "derivations" / "check" / "grammar.lark"
LANGUAGE_PAGE = ROOT / "docs" / "check-language.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    return folder


def _html(site: Path, page: str) -> str:
    """The built HTML of ``docs/PAGE.md``."""
    name = page.removesuffix(".md")
    folder = name.removesuffix("index").rstrip("/") if name == "index" or name.endswith("/index") else name
    return (site / folder / "index.html").read_text()


def test_every_page_is_built(site):
    for page in (ROOT / "docs").rglob("*.md"):
        assert _html(site, page.relative_to(ROOT / "docs").as_posix()), page


def test_api_page_holds_the_documented_entry_points(site):
    html = _html(site, "api.md")
    for name in ("gmm_math.derivations.single.single_gaussian_collapse",
                 "gmm_math.derivations.mixture.mixture_collapse",
                 "gmm_math.numerics.sweep.evaluate_table",
                 "gmm_math.numerics.em.fit.fit",
                 "gmm_math.cli.notebook.explore"):
        assert f'id="{name}"' in html, name
    assert "Parameters:" in html or "Parameters</" in html  # the numpydoc sections were parsed


def test_pages_show_the_repository_figures(site):
    for image in re.findall(r"!\[[^]]*\]\(\.\./(figures/[^)]+)\)", (ROOT / "docs" / "pictures.md").read_text()):
        assert (site / image).read_bytes() == (ROOT / image).read_bytes(), image


def _links(markdown: str) -> list[str]:
    """The targets of the Markdown links and images outside code."""
    prose = re.sub(r"^```.*?^```", "", markdown, flags=re.S | re.M)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    return re.findall(r"\]\(([^)\s]+)\)", prose)


def test_readme_links_lead_to_files_and_anchors(site):
    links = [link for link in _links(README.read_text()) if "://" not in link]
    assert any(link.startswith("docs/") for link in links)
    for link in links:
        path, _, anchor = link.partition("#")
        assert (ROOT / path).exists(), f"README links to {path}, which does not exist"
        if anchor and path.startswith("docs/") and path.endswith(".md"):
            assert f'id="{anchor}"' in _html(site, path.removeprefix("docs/")), f"README links to {link}: no such anchor"


def test_readme_stays_a_front_page():
    assert len(README.read_text().splitlines()) <= 250


def test_readme_command_table_lists_every_command():
    """Every command and sub-command of ``gmm-math -h`` has its row in README's command table."""
    import typer.main

    from gmm_math.cli.main import app

    def names(command, prefix: str = "") -> list[str]:
        if hasattr(command, "list_commands"):  # a group
            context = command.context_class(command)
            return [name for sub in command.list_commands(context)
                    for name in names(command.get_command(context, sub), f"{prefix}{sub} ")]
        return [prefix.strip()]

    rows = set(re.findall(r"^\| `([a-z -]+)` \|", README.read_text(), flags=re.M))
    assert set(names(typer.main.get_command(app))) <= rows


def test_language_page_shows_the_shipped_grammar():
    """The grammar on the page is the file the parser reads: copy grammar.lark into the page's block."""
    page = LANGUAGE_PAGE.read_text()
    block = re.search(r"^```\n(// The ASCII checking language.*?)^```", page, flags=re.S | re.M)
    assert block, "no grammar block in docs/check-language.md"
    assert block.group(1) == GRAMMAR.read_text()


def _python_names() -> set[str]:
    """Every ``gmm_math`` name the pages use: ``from gmm_math... import a, b`` and dotted ``gmm_math.x.y``."""
    names: set[str] = set()
    for page in [README, *sorted((ROOT / "docs").rglob("*.md"))]:
        text = page.read_text()
        for module, imported in re.findall(r"^from (gmm_math[\w.]*) import ([\w, ]+)", text, flags=re.M):
            names |= {f"{module}.{name.strip()}" for name in imported.split(",")}
        names |= set(re.findall(r"\bgmm_math(?:\.\w+)+", text))
    return names


@pytest.mark.parametrize("dotted", sorted(_python_names()))
def test_the_python_names_the_pages_use_exist(dotted):
    """A page that names a module, function or constant of the package names one that exists."""
    import importlib

    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            assert hasattr(value, attribute), f"{dotted}: {attribute!r} not found"
            value = getattr(value, attribute)
        return
    pytest.fail(f"{dotted}: no such module")
