"""MkDocs hooks: the package's source as ``gmm_math`` for mkdocstrings, and the repository's figures.

Both read files only: nothing is imported from the package and nothing is fetched.

- The folders ``api/``, ``derivations/``, ``numerics/`` and ``cli/`` install as ``gmm_math`` and its
  sub-packages (``[tool.setuptools.package-dir]`` in pyproject.toml). griffe, which reads the docstrings
  statically, looks for a folder named after the package, and an editable install has none. So the
  build lays out ``gmm_math/`` in a temporary folder from that mapping (symbolic links to the sources)
  and gives it to mkdocstrings as its search path.
- A page in a sub-folder of ``docs/`` (``docs/remedies/ridge.md``) joins the navigation by itself, in a
  section named after its folder, after "Commands" (the folder's ``index.md`` first): adding such a page
  touches only the page.
- The pages link the pictures in the top-level ``figures/`` as ``../figures/NAME`` (as GitHub renders
  them); every file there is added to the site under ``figures/``, as it is (a Markdown file too: it is
  a reference rendering, not a page of the site).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import tomllib
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "figures"


def _source_tree() -> Path:
    """A temporary folder holding ``gmm_math/`` laid out as installed (links to the source folders)."""
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    folder = Path(tempfile.mkdtemp(prefix="gmm-math-docs-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    root_source = ROOT / mapping["gmm_math"]
    package = folder / "gmm_math"
    package.mkdir()
    for entry in root_source.iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for name, source in mapping.items():
        if name != "gmm_math":
            package.joinpath(*name.split(".")[1:]).symlink_to(ROOT / source, target_is_directory=True)
    return folder


@event_priority(100)  # before mkdocstrings' own on_config, which starts the handler with its paths
def on_config(config):
    python = config["plugins"]["mkdocstrings"].config["handlers"].setdefault("python", {})
    python["paths"] = [str(_source_tree())]
    return config


class _Figure(File):
    """A file of ``figures/``, copied into the site as it is."""

    def is_documentation_page(self) -> bool:
        return False


def _named(nav) -> set[str]:
    """The pages a nav (a list of "path" or {"title": path or list}) names."""
    named: set[str] = set()
    for item in nav:
        for value in item.values() if isinstance(item, dict) else [item]:
            named |= _named(value) if isinstance(value, list) else {value}
    return named


def _add_folder_sections(files: Files, config) -> None:
    nav = config["nav"]
    named = _named(nav)
    folders: dict[str, list[str]] = {}
    for page in files.documentation_pages():
        folder, _, name = page.src_uri.rpartition("/")
        if folder and page.src_uri not in named:
            folders.setdefault(folder, []).append(page.src_uri)
    after = next((i + 1 for i, item in enumerate(nav) if isinstance(item, dict) and "Commands" in item), len(nav))
    for folder in sorted(folders, reverse=True):
        pages = sorted(folders[folder], key=lambda uri: (not uri.endswith("/index.md"), uri))
        nav.insert(after, {folder.replace("-", " ").capitalize(): pages})


def on_files(files: Files, config) -> Files:
    if config["nav"]:
        _add_folder_sections(files, config)
    for path in sorted(FIGURES.rglob("*")):
        if path.is_file():
            relative = path.relative_to(ROOT).as_posix()
            files.append(_Figure(f"../{relative}", config["docs_dir"], config["site_dir"],
                                 config["use_directory_urls"], dest_uri=relative,
                                 inclusion=InclusionLevel.INCLUDED))
    return files
