"""The text targets: :class:`TextbookPretty` (unicode, PRML's notation: π₁ 𝒩(xₘ | μₖ, Σₖ)) and
:class:`StudentPrinter` (plain ASCII, as a student writes an expression for ``gmm-math check``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

import sympy as sp
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pretty.stringpict import prettyForm, stringPict
from sympy.printing.str import StrPrinter

from gmm_math.derivations.printing.latex_mul import FastMulPretty
from gmm_math.derivations.printing.notation import SUB, PositiveFirst, name_text, normals_last, reads_bare, script


class TextbookPretty(PositiveFirst, FastMulPretty):
    """Unicode text in PRML's notation: π₁ 𝒩(xₘ | μₖ, Σₖ), log π₁, λᵢ, L_ε."""

    def __init__(self, settings=None):
        from sympy.printing.pretty.pretty_symbology import pretty_use_unicode

        pretty_use_unicode(True)  # SymPy's xobj reads this global, not the setting (an ASCII stdout turns it off)
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


# the checker reads several spellings of one letter as one name (lambda and lam, epsilon and eps), and x^2 as
# x**2: while a student's file is checked, each is printed as that student spelled it (:func:`spelled_as`)
_SPELLINGS: ContextVar[Mapping[str, str]] = ContextVar("spellings", default={})
POWER = "^"  # the key of the power operator's spelling ("**" for a file that writes x**2)
DECIMALS = "."  # the key of the numbers' spelling ("decimal" for a file that writes 0.25)


def _power() -> str:
    return _SPELLINGS.get().get(POWER, "^")


@contextmanager
def spelled_as(spellings: Mapping[str, str]) -> Iterator[None]:
    """Print each name part ``spellings`` holds (``{"lam": "lambda"}``) as its value, within the block."""
    token = _SPELLINGS.set(dict(spellings))
    try:
        yield
    finally:
        _SPELLINGS.reset(token)


def spelled(name: str) -> str:
    """A name as the student spelled it: each ``_``-separated part respelled (:func:`spelled_as`).

    >>> with spelled_as({"lam": "lambda", "eps": "epsilon"}):
    ...     spelled("lam"), spelled("L_eps"), spelled("lambda_2"), spelled("x_n")
    ('lambda', 'L_epsilon', 'lambda_2', 'x_n')
    """
    spellings = _SPELLINGS.get()
    if not spellings:
        return name
    return "_".join(spellings.get(part, part) for part in name.split("_"))


class StudentPrinter(StrPrinter):
    """SymPy's str printer, but as the student writes an expression: x[n, k] prints as x_nk, powers with ^,
    sums as sum(f, n=1..N), every name as the student spelled it (:func:`spelled`)."""

    printmethod = "_gmm_math_str"  # not Indexed's own _sympystr

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return spelled(expr.name)

    _print_Dummy = _print_Symbol  # a sum's index renamed apart prints under its letter, not as _k

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        indices = [self._print(index) for index in expr.indices]
        joined = "".join(indices) if all(len(index) == 1 for index in indices) else "{" + ",".join(indices) + "}"
        return f"{spelled(str(expr.base.label))}_{joined}"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        if expr.exp.is_Rational and expr.exp.is_negative and expr.exp not in (-1, -sp.S.Half):  # 1/sigma^2
            return f"1/{self.parenthesize(sp.Pow(expr.base, -expr.exp, evaluate=False), PRECEDENCE['Mul'])}"
        # the base and the exponent are printed by this printer, so the one ** is this power's
        return super()._print_Pow(expr, rational).replace("**", _power())

    def _print_Integer(self, expr: sp.Integer) -> str:
        """A large power of ten as the student writes it: 10^35, not 100000000000000000000000000000000000."""
        digits = str(abs(int(expr)))
        if len(digits) > 7 and digits.strip("0") == "1":
            return f"{'-' if expr < 0 else ''}10{_power()}{len(digits) - 1}"
        return super()._print_Integer(expr)

    def _print_Rational(self, expr: sp.Rational) -> str:
        """5/4 as 1.25 in a file that writes decimals (when it has a finite decimal expansion)."""
        factors = sp.factorint(expr.q) if _SPELLINGS.get().get(DECIMALS) and expr.q != 1 else {}
        if not factors or factors.keys() - {2, 5} or max(factors.values()) > 12:
            return super()._print_Rational(expr) if expr.q == 1 else \
                f"{self._print(sp.Integer(expr.p))}/{self._print(sp.Integer(expr.q))}"
        return str(Decimal(int(expr.p)) / Decimal(int(expr.q)))

    def _print_Sum(self, expr: sp.Sum) -> str:
        return self._big("sum", expr)

    def _print_Product(self, expr: sp.Product) -> str:
        return self._big("prod", expr)

    def _big(self, name: str, expr: sp.Expr) -> str:
        """``sum(f, n=1..N)``; several limits nest, the first innermost: ``sum(sum(f, j=1..K), n=1..N)``."""
        text = self._print(expr.function)
        for index, low, high in expr.limits:
            text = f"{name}({text}, {self._print(index)}={self._print(low)}..{self._print(high)})"
        return text


def student_text(expr: object) -> str:
    """An expression as the student would write it (anything that is not a SymPy object as ``str``).

    >>> n = sp.Symbol("n", integer=True)
    >>> student_text(sp.Sum(sp.IndexedBase("x")[n] ** 2, (n, 1, sp.Symbol("N"))))
    'sum(x_n^2, n=1..N)'
    """
    return StudentPrinter().doprint(expr) if isinstance(expr, sp.Basic) else str(expr)
