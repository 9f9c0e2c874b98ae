"""The LaTeX target: :class:`TextbookLatex` (PRML's notation, for ``article`` + ``amsmath``) and text-mode escaping."""

from __future__ import annotations

import sympy as sp

from gmm_math.derivations.printing.latex_mul import FastMulLatex
from gmm_math.derivations.printing.notation import PositiveFirst, name_latex, normals_last, reads_bare


class TextbookLatex(PositiveFirst, FastMulLatex):
    """LaTeX in PRML's notation, for ``article`` + ``amsmath`` (the identity is I, not \\mathbb{I})."""

    def _print_Symbol(self, expr, style="plain"):
        return name_latex(expr.name)

    _print_MatrixSymbol = _print_Symbol

    def _print_Identity(self, expr):
        return "I"

    def _print_IndexedBase(self, expr):
        return name_latex(expr.label.name)

    def _print_Indexed(self, expr):
        base = name_latex(expr.base.label.name)
        base = base if "_" not in base else "{" + base + "}"
        return base + "_{" + ",".join(self._print(i) for i in expr.indices) + "}"

    def _print_log(self, expr, exp=None):
        arg = expr.args[0]
        if reads_bare(arg) and exp is None:
            return r"\log " + self._print(arg)
        return super()._print_log(expr, exp)

    def _print_Mul(self, expr):
        rest, normals = normals_last(expr)
        if not normals or not rest:
            return super()._print_Mul(expr)
        return " ".join([self._print(sp.Mul(*rest)), *(self._print(a) for a in normals)])


def latex(expr) -> str:
    """``expr`` in LaTeX (textbook notation).

    >>> x, mu = sp.IndexedBase("x"), sp.Symbol("mu")
    >>> print(latex((x[1] - mu)**2))
    \\left(x_{1} - \\mu\\right)^{2}
    >>> print(latex(sp.log(sp.IndexedBase("pi")[1]) + sp.Symbol("L_epsilon")))
    L_{\\epsilon} + \\log \\pi_{1}
    """
    return TextbookLatex().doprint(expr)


LATEX_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$",
                      "{": r"\{", "}": r"\}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
                      "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}


def latex_text(text: str) -> str:
    """Escape plain text for LaTeX text mode (\\text, \\intertext, \\textbf) with the default OT1 encoding."""
    return "".join(LATEX_TEXT_ESCAPES.get(c, c) for c in text)
