"""The MathML target: presentation MathML for the HTML page (``explain --format html``).

As a reader expects: real minus signs (U+2212), one-sided limits that keep their ``+``, and a
Gaussian density as 1/√(2πσ²) · exp(…) rather than a fraction with e^(…) in its denominator.
"""

from __future__ import annotations

from functools import lru_cache

from sympy.printing.mathml import MathMLPresentationPrinter

from gmm_math.derivations.printing.notation import PositiveFirst


class TextbookMathML(PositiveFirst, MathMLPresentationPrinter):  # terms in the textbook's order: x_m − μ
    """SymPy's presentation MathML with index labels for ``Idx``, ∏ for products and 𝒩(x | μ, Σ) as in PRML."""

    def _print_Idx(self, expr):
        return self._print(expr.label)

    def mathml_tag(self, e):
        return "\u220f" if type(e).__name__ == "Product" else super().mathml_tag(e)

    def _print_Product(self, expr):
        return self._print_Sum(expr)

    def _print_Subs(self, expr):
        at = self.dom.createElement("mrow")
        for index, (var, value) in enumerate(zip(expr.variables, expr.point)):
            if index:
                at.appendChild(self._mo(","))
            at.appendChild(self._print(var))
            at.appendChild(self._mo("="))
            at.appendChild(self._print(value))
        body = self.dom.createElement("mrow")
        body.appendChild(self._print(expr.expr))
        body.appendChild(self._mo("|"))
        sub = self.dom.createElement("msub")
        sub.appendChild(body)
        sub.appendChild(at)
        return sub

    def _print_Limit(self, expr):
        row = super()._print_Limit(expr)
        side = str(expr.args[3])
        if expr.args[2].is_finite and side in ("+", "-"):  # sigma -> 0+: the point gets its side
            under = row.firstChild.childNodes[1]
            point = under.lastChild
            sup = self.dom.createElement("msup")
            under.replaceChild(sup, point)
            sup.appendChild(point)
            sup.appendChild(self._mo(side))
        return row

    def _print_Mul(self, expr):
        import sympy as sp

        decays = [f for f in expr.args if isinstance(f, sp.exp) and f.args[0].could_extract_minus_sign()]
        if not decays:
            return super()._print_Mul(expr)
        rest = sp.Mul(*[f for f in expr.args if f not in decays])
        row = self.dom.createElement("mrow")
        if rest != 1:
            row.appendChild(self._normaliser(rest))
            row.appendChild(self._mo("\u22c5"))
        for index, factor in enumerate(decays):
            if index:
                row.appendChild(self._mo("\u22c5"))
            row.appendChild(self._exp_call(factor.args[0]))
        return row

    def _normaliser(self, coefficient):
        """1/√(2πσ²) for a positive coefficient whose inverse square is free of roots, else as SymPy prints it."""
        import sympy as sp

        square = sp.powsimp(sp.powdenest(1 / coefficient**2, force=True), force=True)
        rooted = any(not p.exp.is_integer for p in coefficient.atoms(sp.Pow))
        if coefficient.is_positive and coefficient.free_symbols and rooted and all(
                p.exp.is_integer for p in square.atoms(sp.Pow)):
            frac = self.dom.createElement("mfrac")
            frac.appendChild(self._print(sp.Integer(1)))
            root = self.dom.createElement("msqrt")
            root.appendChild(self._print(square))
            frac.appendChild(root)
            return frac
        return self._print(coefficient)

    def _exp_call(self, argument):
        """exp(argument) as a function call, its argument at full size (not a superscript)."""
        row = self.dom.createElement("mrow")
        name = self.dom.createElement("mi")
        name.appendChild(self.dom.createTextNode("exp"))
        row.appendChild(name)
        inner = self.dom.createElement("mrow")
        inner.appendChild(self._print(argument))
        row.appendChild(self._paren_group(inner))
        return row

    def _mo(self, text):
        element = self.dom.createElement("mo")
        element.appendChild(self.dom.createTextNode(text))
        return element

    def _print_Normal(self, expr):
        row = self.dom.createElement("mrow")
        name = self.dom.createElement("mi")
        name.appendChild(self.dom.createTextNode("\U0001d4a9"))
        row.appendChild(name)
        x, *rest = expr.args
        inner = self.dom.createElement("mrow")
        inner.appendChild(self._print(x))
        inner.appendChild(self._mo("|"))
        for index, arg in enumerate(rest):
            if index:
                inner.appendChild(self._mo(","))
            inner.appendChild(self._print(arg))
        row.appendChild(self._paren_group(inner))
        return row

    def _paren_group(self, inner):
        row = self.dom.createElement("mrow")
        row.appendChild(self._mo("("))
        row.appendChild(inner)
        row.appendChild(self._mo(")"))
        return row


@lru_cache(maxsize=1)
def _printer() -> TextbookMathML:
    return TextbookMathML({"mat_delim": "["})


def mathml(expr, display: str = "block") -> str:
    """``<math display=...>`` markup for a SymPy expression or relation, with real minus signs."""
    body = _printer().doprint(expr).replace("<mo>-</mo>", "<mo>\u2212</mo>").replace("<mn>-", "<mn>\u2212")
    return f'<math display="{display}">{body}</math>'
