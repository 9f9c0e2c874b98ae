"""The layers point one way and keep to their job: derivations (SymPy, no mpmath) -> numerics -> cli (no maths)."""

from __future__ import annotations

import ast
import importlib
import pathlib
import re

import pytest

FORBIDDEN = {  # layer -> modules its code may not import
    "derivations": ("gmm_math.numerics", "gmm_math.cli", "mpmath", "numpy", "matplotlib"),
    "numerics": ("gmm_math.cli", "matplotlib", "typer"),
}
# The one reference from a lower layer to the cli: the notebook-display hook imports its renderer by name.
DISPLAY_HOOK = ("display.py", "NOTEBOOK_RENDERER", "gmm_math.cli.notebook_render")
MATHS = re.compile(r"\b(mpmath|mp|np|numpy|math)\.(log|exp|log10|log1p|expm1|sqrt|findroot|quad|erf)\b"
                   r"|lambdify|logsumexp")


def _files(layer: str) -> list[pathlib.Path]:
    root = pathlib.Path(importlib.import_module(f"gmm_math.{layer}").__file__).parent
    return sorted(root.rglob("*.py"))


def _imports(path: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_point_one_way(layer):
    bad = [f"{path.name}: {name}" for path in _files(layer) for name in _imports(path)
           if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer])]
    assert bad == []


def _cli_names(path: pathlib.Path) -> set[tuple[str, str | None, str]]:
    """Every string constant naming a cli module (an ``import_module("gmm_math.cli...")`` target), as
    (file name, the name it is assigned to or None, the string)."""
    tree = ast.parse(path.read_text())
    assigned = {id(node.value): node.targets[0].id for node in ast.walk(tree)
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)}
    return {(path.name, assigned.get(id(node)), node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and re.match(r"gmm_math\.cli(\.|$)", node.value)}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_only_the_display_hook_names_the_cli(layer):
    """Not even by a string for importlib: the lower layers reach the cli only through ``NotebookDisplay``."""
    found = {hit for path in _files(layer) for hit in _cli_names(path)}
    assert found == ({DISPLAY_HOOK} if layer == "derivations" else set())


def test_the_display_hook_reaches_its_renderer():
    """The one allowed name is a real module, and a result renders through it."""
    from gmm_math.derivations.core import display
    from gmm_math.derivations.single import single_gaussian_collapse

    assert display.NOTEBOOK_RENDERER == DISPLAY_HOOK[2]
    assert importlib.import_module(DISPLAY_HOOK[2]).html is not None
    derivation = single_gaussian_collapse()
    assert isinstance(derivation, display.NotebookDisplay)
    assert derivation._repr_html_().startswith("<div>") and derivation._repr_latex_().startswith("$")


def test_no_mpmath_evaluation_in_the_derivations():
    assert [p.name for p in _files("derivations") if '"mpmath"' in p.read_text()] == []


def test_cli_holds_no_maths():
    hits = [f"{path.name}:{number}: {line.strip()}" for path in _files("cli")
            for number, line in enumerate(path.read_text().splitlines(), 1) if MATHS.search(line)]
    assert hits == []
