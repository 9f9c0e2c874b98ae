"""One printing home: every SymPy printer of the package is in gmm_math.derivations.printing, which writes nothing."""

from __future__ import annotations

import ast
import importlib
import pathlib

import sympy as sp

from gmm_math.derivations.printing import latex, mathml, pretty, student_text

LAYERS = ("gmm_math", "gmm_math.derivations", "gmm_math.numerics", "gmm_math.cli")
HOME = pathlib.Path(importlib.import_module("gmm_math.derivations.printing").__file__).parent


def _files() -> list[pathlib.Path]:
    return sorted({path for layer in LAYERS
                   for path in pathlib.Path(importlib.import_module(layer).__file__).parent.rglob("*.py")})


def _printer_classes(path: pathlib.Path) -> list[str]:
    """Classes in ``path`` that derive from a class whose name ends in ``Printer``, ``Latex`` or ``Pretty`` (printers)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ClassDef):
            bases = [getattr(b, "id", getattr(b, "attr", "")) for b in node.bases]
            if any(name.endswith(("Printer", "Latex", "Pretty")) for name in bases):
                out.append(node.name)
    return out


def test_printers_live_only_in_the_printing_home():
    outside = {str(path): names for path in _files() if HOME not in path.parents
               for names in [_printer_classes(path)] if names}
    assert outside == {}
    assert {name for path in HOME.glob("*.py") for name in _printer_classes(path)} >= {
        "TextbookLatex", "TextbookPretty", "StudentPrinter", "TextbookMathML", "FastMulLatex", "FastMulPretty"}


def test_the_printing_home_writes_nothing():
    writes = ("print", "open", "write", "write_text", "write_bytes")
    calls = [f"{path.name}:{node.lineno}" for path in HOME.glob("*.py")
             for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in writes]
    assert calls == []


def test_one_expression_in_every_target():
    x, mu = sp.IndexedBase("x"), sp.Symbol("mu")
    expr = (x[1] - mu) ** 2
    assert pretty(expr) == "        2\n(x₁ − μ) "
    assert latex(expr) == r"\left(x_{1} - \mu\right)^{2}"
    assert student_text(expr) == "(-mu + x_1)^2"  # as the student writes it: ^, not **
    assert mathml(expr, "inline") == (
        '<math display="inline"><msup><mrow><mo>(</mo><mrow><msub><mi>x</mi><mn>1</mn></msub><mo>\u2212</mo>'
        '<mi>&#956;</mi></mrow><mo>)</mo></mrow><mn>2</mn></msup></math>')  # the textbook's order, a real minus
