"""The text targets: :class:`TextbookPretty` (unicode, PRML's notation: π₁ 𝒩(xₘ | μₖ, Σₖ)) and
:class:`StudentPrinter` (plain ASCII, as a student writes an expression for ``gmm-math check``)."""

from __future__ import annotations

import sympy as sp
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm, stringPict
from sympy.printing.str import StrPrinter

from gmm_math.derivations.printing.notation import SUB, PositiveFirst, name_text, normals_last, reads_bare, script


class TextbookPretty(PositiveFirst, PrettyPrinter):
    """Unicode text in PRML's notation: π₁ 𝒩(xₘ | μₖ, Σₖ), log π₁, λᵢ, L_ε."""

    def __init__(self, settings=None):
        super().__init__({"use_unicode": True, **(settings or {})})

    def _print_Symbol(self, e, bold_name=False):
        return prettyForm(name_text(e.name))

    _print_MatrixSymbol = _print_Symbol

    def _print_Identity(self, expr):
        return prettyForm("I")

    def _print_IndexedBase(self, expr):
        return prettyForm(name_text(expr.label.name))

    def _print_Indexed(self, expr):
        base = name_text(expr.base.label.name)
        indices = [str(i.label) if isinstance(i, sp.Idx) else str(i) for i in expr.indices]
        sub = script("".join(indices), SUB) if all(len(i) == 1 for i in indices) else None
        return prettyForm(base + (sub if sub is not None else "_" + ",".join(indices).replace(" ", "")))

    def _print_Normal(self, expr):
        x, mean, cov = (self._print(a) for a in expr.args)
        body = prettyForm(*stringPict.next(x, " | ", mean, ", ", cov))
        return prettyForm(*prettyForm(*body.parens()).left("𝒩"), binding=prettyForm.FUNC)

    def _print_log(self, expr):
        arg = expr.args[0]
        if reads_bare(arg):
            return prettyForm("log " + self._print(arg).picture[0], binding=prettyForm.FUNC)
        return self._print_Function(expr)

    def _print_Mul(self, product):
        rest, normals = normals_last(product)
        if not normals or not rest:
            return super()._print_Mul(product)
        out = self._print(sp.Mul(*rest))
        for a in normals:
            out = prettyForm(*out.right(" ", self._print(a)))
        return prettyForm(*out.left(""), binding=prettyForm.MUL)


def pretty(expr, num_columns: int | None = None) -> str:
    """``expr`` as unicode text (textbook notation), wrapped by SymPy at ``num_columns`` when given.

    >>> pretty(sp.IndexedBase("lambda")[sp.Idx("i")] + sp.log(sp.Symbol("L_epsilon")))
    'log L_ε + λᵢ'
    >>> pretty(sp.Symbol('x') - sp.Symbol('mu'))
    'x − μ'
    """
    return unicode_minus(TextbookPretty({"num_columns": num_columns}).doprint(expr))


def unicode_minus(text: str) -> str:
    """SymPy's ASCII hyphen as the minus sign − (the pretty printer draws nothing else with a hyphen)."""
    return text.replace("-", "−")


class StudentPrinter(StrPrinter):
    """SymPy's str printer, but x[n] prints as x_n and sums as sum(f, n=1..N), as the student writes them."""

    printmethod = "_gmm_math_str"  # not Indexed's own _sympystr

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        return f"{expr.base.label}_{'_'.join(self._print(index) for index in expr.indices)}"

    def _print_Sum(self, expr: sp.Sum) -> str:
        return self._big("sum", expr)

    def _print_Product(self, expr: sp.Product) -> str:
        return self._big("prod", expr)

    def _big(self, name: str, expr: sp.Expr) -> str:
        (index, low, high), *rest = expr.limits
        if rest:
            return StrPrinter._print_Sum(self, expr) if name == "sum" else StrPrinter._print_Product(self, expr)
        return f"{name}({self._print(expr.function)}, {index}={self._print(low)}..{self._print(high)})"


def student_text(expr: object) -> str:
    """An expression as the student would write it (anything that is not a SymPy object as ``str``).

    >>> n = sp.Symbol("n", integer=True)
    >>> student_text(sp.Sum(sp.IndexedBase("x")[n] ** 2, (n, 1, sp.Symbol("N"))))
    'sum(x_n**2, n=1..N)'
    """
    return StudentPrinter().doprint(expr) if isinstance(expr, sp.Basic) else str(expr)
