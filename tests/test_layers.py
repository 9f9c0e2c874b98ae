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


def test_no_mpmath_evaluation_in_the_derivations():
    assert [p.name for p in _files("derivations") if '"mpmath"' in p.read_text()] == []


def test_cli_holds_no_maths():
    hits = [f"{path.name}:{number}: {line.strip()}" for path in _files("cli")
            for number, line in enumerate(path.read_text().splitlines(), 1) if MATHS.search(line)]
    assert hits == []
