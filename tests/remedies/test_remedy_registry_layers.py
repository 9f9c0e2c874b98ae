"""Every registered remedy, walked through every layer: derive remedy, em --remedy, plot-limit --remedy,
explain's remedy story and its docs page. Adding a remedy to the registry makes these tests ask for each
of its sides; a side it lacks must be refused where the CLI offers the others.

And no module outside the registry keeps its own list of remedy names.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from gmm_math.derivations.remedies import registry
from gmm_math.derivations.remedies.registry import REMEDIES

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").exists())  # any test folder
DOCS = ROOT / "docs" / "remedies"
PACKAGE_FOLDERS = ("api", "derivations", "numerics", "cli")  # the folders pyproject.toml maps onto gmm_math
REGISTRY_FILE = ROOT / "derivations" / "remedies" / "registry.py"
NAMES = tuple(REMEDIES)
EM_DATA = "0,0.1,0.3,5,5.2,5.5,9"  # 1-D, 7 points: every remedy fits it from a fixed seed


@pytest.fixture(scope="module")
def story_rows() -> dict:
    """explain's remedy table (section 5) from section 4's collapsing start, by remedy."""
    import sympy as sp

    from gmm_math.numerics.explain.em_story import collapsing_run
    from gmm_math.numerics.explain.remedy_story import remedy_section
    from gmm_math.numerics.explain.story import Table

    section = remedy_section(None, 0, 15, collapsing_run(0), sp.oo)
    table = next(block for block in section.blocks if isinstance(block, Table))
    return {row[0]: row for row in table.rows}


@pytest.mark.parametrize("name", NAMES)
def test_derive_remedy(name, cli):
    entry = REMEDIES[name]
    result = cli("derive", "remedy", name, "--dps", "15", "--format", "json")
    if entry.derivation is None:
        assert result.exit_code == 2 and name not in registry.names("derive")
        return
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["case"] == entry.objective
    assert out["numeric_trend_agrees"] is True


@pytest.mark.parametrize("name", NAMES)
def test_em_remedy(name, cli):
    from gmm_math.numerics.em.remedies import REMEDIES as EM_REMEDIES

    entry = REMEDIES[name]
    result = cli("em", "--data", EM_DATA, "--components", "2", "--remedy", name, "--seed", "3", "--format", "json")
    if not entry.em:
        assert result.exit_code == 2 and name not in EM_REMEDIES
        return
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["remedy"] == name
    remedy = EM_REMEDIES[name]
    assert remedy.key == name and remedy.source == entry.source
    assert remedy.keeps_likelihood == (entry.kind != registry.BOUNDS)


@pytest.mark.parametrize("name", NAMES)
def test_plot_limit_remedy(name, cli, tmp_path):
    entry = REMEDIES[name]
    out = tmp_path / "limit.svg"
    result = cli("plot-limit", "--remedy", name, "--points", "6", "--from", "0", "--to", "-40", "--dps", "15",
                 "--out", str(out))
    if not entry.overlay:
        assert result.exit_code == 2 and not out.exists()
        return
    assert result.exit_code == 0, result.stderr
    assert entry.overlay_colour in out.read_text()  # its curve, in its registered colour


@pytest.mark.parametrize("name", NAMES)
def test_explain_remedy_story(name, story_rows):
    """explain compares every EM remedy with plain likelihood, in the registry's words; the rest are left out."""
    entry = REMEDIES[name]
    compared = entry.em and entry.kind != registry.NONE
    assert (name in story_rows) == compared
    if compared:
        row = story_rows[name]
        assert row[1] == entry.description
        guards = "guards the algorithm only"
        assert (row[2] == guards) == (entry.kind == registry.GUARDS)


def _examples(page: str) -> list[str]:
    return [line[2:] for line in page.splitlines() if line.startswith("$ gmm-math ")]


@pytest.mark.parametrize("name", NAMES)
def test_docs_page(name):
    """Its page exists, is listed in the index, names its source and shows each command it has."""
    entry = REMEDIES[name]
    page = (ROOT / entry.docs_page).read_text()
    assert page.startswith(f"# `{name}`")
    assert f"({name}.md)" in (DOCS / "index.md").read_text()
    assert entry.source in page
    commands = {f"gmm-math derive remedy {name}": entry.derivation, f"--remedy {name}": entry.em,
                f"gmm-math plot-limit --remedy {name}": entry.overlay}
    for command, present in commands.items():
        assert (command in page) == bool(present), command
    for parameter in entry.derive_parameters + entry.em_parameters:
        assert f"--{parameter.name.replace('_', '-')}" in page


def test_docs_examples_are_readme_examples():
    """Every ``$ gmm-math`` example on the remedy pages is one whose output the snapshots hold."""
    import importlib.util

    path = next(ROOT.glob("tests/**/test_readme_snapshots.py"))  # wherever the test folders put it
    spec = importlib.util.spec_from_file_location("readme_snapshots", path)
    snapshots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(snapshots)
    examples = [command for page in sorted(DOCS.glob("*.md")) for command in _examples(page.read_text())]
    assert examples
    for command in examples:
        assert (snapshots.SNAPSHOTS / f"{snapshots.snapshot_name(command)}.txt").exists(), command


def test_the_docs_index_lists_exactly_the_registry():
    listed = re.findall(r"\]\((\w+)\.md\)", (DOCS / "index.md").read_text())
    assert listed == list(NAMES)
    assert sorted(p.stem for p in DOCS.glob("*.md")) == sorted([*NAMES, "index"])


def name_lists(source: str, names=NAMES, at_least: int = 3) -> list[int]:
    """Lines of ``source`` holding a literal tuple, list, set or dict (keys) of ``at_least`` remedy names."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [key for key in node.keys if key is not None]
        else:
            continue
        strings = {item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)}
        if len(strings & set(names)) >= at_least:
            found.append(node.lineno)
    return found


def test_name_lists_finds_a_hard_coded_list():
    source = 'A = ("ridge", "map", "penalty")\nB = {"map": 1, "ratio": 2, "reset": 3}\nC = ["ridge", "x"]\n'
    assert name_lists(source) == [1, 2]


def test_no_module_but_the_registry_lists_the_remedies():
    files = [f for folder in PACKAGE_FOLDERS for f in sorted((ROOT / folder).rglob("*.py")) if f != REGISTRY_FILE]
    assert len(files) > 50
    offenders = {str(f.relative_to(ROOT)): lines for f in files if (lines := name_lists(f.read_text()))}
    assert offenders == {}


@pytest.mark.parametrize("command", [["--help"], ["derive", "remedy", "--help"], ["em", "--help"],
                                     ["plot-limit", "--help"]])
def test_remedy_choices_come_without_heavy_imports(command):
    """The CLI's remedy choices and options come from the light registry: --help loads no numerics."""
    import subprocess
    import sys

    code = ("import sys\nfrom gmm_math.cli.main import app\n"
            f"try:\n    app({command!r})\nexcept SystemExit:\n    pass\n"
            "print('HEAVY=' + ','.join(m for m in ('sympy', 'numpy', 'mpmath', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "HEAVY="
