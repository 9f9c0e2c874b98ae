"""The MathML target: presentation MathML for the HTML page (``explain --format html``)."""

from __future__ import annotations

from functools import lru_cache

from sympy.printing.mathml import MathMLPresentationPrinter


class TextbookMathML(MathMLPresentationPrinter):
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
    """``<math display=...>`` markup for a SymPy expression or relation."""
    return f'<math display="{display}">{_printer().doprint(expr)}</math>'
