"""The fast LaTeX product printer gives SymPy's own output (derivations/printing/latex_mul.py)."""

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.printing.latex import LatexPrinter

from gmm_math.derivations.printing.latex_mul import FastMulLatex, _not_constant, fraction_exact

s, d, a, q = sp.symbols("s delta a q", positive=True)
x, y = sp.symbols("x y", real=True)
n = sp.Symbol("n", negative=True)
EXPRS = [
    sp.exp(-d**2 / (2 * s)) / sp.sqrt(s),
    sp.exp(-(d**2 + a) / (2 * s)) * q / (2 * sp.pi * s) ** sp.Rational(1, 2),
    s ** -q * sp.exp(-1 / (2 * s)),
    3 * x * y ** n / (1 + s),
    sp.exp(-x**2) * sp.exp(n * s) / 7,
    sp.Mul(2, x + 1, evaluate=False),
    -x / (y + 2) * sp.exp(-s),
    sp.exp(n - n * 0) * x,
    sp.exp(-(sp.sin(s) ** 2 + sp.cos(s) ** 2)) * x,  # negative, constant only after simplification
    x * s ** (-sp.Rational(3, 2)) * sp.log(s),
]


def test_fraction_matches_sympy():
    for e in EXPRS:
        assert fraction_exact(e) == sp.fraction(e, exact=True), e


def test_latex_matches_sympy():
    for e in EXPRS + [sp.Eq(sp.Symbol("C"), e) for e in EXPRS]:
        assert FastMulLatex().doprint(e) == LatexPrinter().doprint(e), e


def test_not_constant_needs_a_free_symbol_power():
    assert _not_constant(-d**2 / (2 * s))
    assert not _not_constant(-(sp.sin(s) ** 2 + sp.cos(s) ** 2))  # left to SymPy
    assert not _not_constant(sp.Integer(-3))
    assert not _not_constant(-s * sp.exp(s))  # s also in the other factor: no short proof


powers = st.sampled_from([s, d, a, q, x, y])
exponents = st.sampled_from([-2, -1, sp.Rational(-1, 2), sp.Rational(1, 2), 1, 2, -q, -d**2 / (2 * s)])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(powers, exponents), min_size=1, max_size=4),
       st.integers(-5, 5).filter(bool), st.booleans())
def test_random_products_print_as_sympy(factors, coefficient, with_exp):
    e = sp.Mul(coefficient, *(b**p for b, p in factors))
    if with_exp:
        e *= sp.exp(-sp.Mul(*(b for b, _ in factors)) ** 2 / (2 * s))
    assert fraction_exact(e) == sp.fraction(e, exact=True)
    assert FastMulLatex().doprint(e) == LatexPrinter().doprint(e)
