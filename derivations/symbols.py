"""Shared SymPy symbols and building blocks of the collapse derivations."""

from __future__ import annotations

import sympy as sp
from sympy.printing.pretty.stringpict import prettyForm

from gmm_math.derivations.core.data import MAX_DIM, Dataset
from gmm_math.derivations.core.errors import GmmMathError

SHOWN_POINTS = 8  # exact per-point forms are shown for at most this many distinct points
L = sp.Symbol("L", positive=True)
N_SYM = sp.Symbol("N", positive=True, integer=True)
S_SYM = sp.Symbol("S", positive=True)
MU = sp.IndexedBase("mu")
X = sp.IndexedBase("x")
m = sp.Idx("m")
k = sp.Idx("k")
d = sp.Idx("d")
n = sp.Symbol("n", integer=True)  # index of the data point the mean sits on
TWO_PI = sp.Symbol("two_pi", positive=True)  # stands for 2*pi so that expand_log keeps log(2*pi) whole


def check_dim(dim: int | None, data: Dataset | None = None) -> int:
    """Validate D (1..MAX_DIM); with data, D is the data's and a conflicting ``dim`` is an error.

    ``None`` means "not given": the data's dimension, or 1 without data.
    """
    if data is not None:
        if dim is not None and dim != data.dim:
            raise GmmMathError(f"dim {dim} does not match the data, whose points have {data.dim} "
                               f"coordinate{'s' if data.dim > 1 else ''}",
                               parameter="dim")
        return data.dim
    if dim is None:
        return 1
    if not 1 <= dim <= MAX_DIM:
        raise GmmMathError(f"dim must be between 1 and {MAX_DIM}, got {dim}", parameter="dim")
    return dim


def point(row, dim: int, coord=None):
    """Coordinate ``coord`` of data point x_row (x_row itself in 1-D)."""
    return X[row] if dim == 1 else X[row, coord]


def mean(dim: int, coord=None):
    """Coordinate ``coord`` of the mean mu (mu itself in 1-D)."""
    return sp.Symbol("mu") if dim == 1 else MU[coord]


def squared_norm(row, centre, dim: int) -> sp.Expr:
    """||x_row - c||^2 where ``centre(dim, coord)`` gives the coordinates of c (``mean`` or a data point)."""
    if dim == 1:
        return (point(row, 1) - centre(1)) ** 2
    return sp.Sum((point(row, dim, d) - centre(dim, d)) ** 2, (d, 1, dim))


def at_point(index):
    """A ``centre`` for :func:`squared_norm`: the data point x_index."""
    return lambda dim, coord=None: point(index, dim, coord)


def isotropic_density(row, centre, sigma: sp.Symbol, dim: int) -> sp.Expr:
    """N(x_row | c, sigma^2 I) as an explicit SymPy expression."""
    norm = sp.Pow(2 * sp.pi * sigma**2, sp.Rational(-dim, 2), evaluate=False)
    return sp.Mul(norm, sp.exp(-squared_norm(row, centre, dim) / (2 * sigma**2)), evaluate=False)


def expand_log_2pi(expr: sp.Expr) -> sp.Expr:
    """``expand_log(expr, force=True)`` that keeps log(2*pi) in one piece."""
    held = expr.subs(2 * sp.pi, TWO_PI)
    return sp.expand(sp.expand_log(held, force=True), log=False).subs(TWO_PI, 2 * sp.pi)


def log_density_parts(sigma: sp.Symbol, dim: int) -> tuple[sp.Expr, sp.Expr]:
    """log N(x | mu, sigma^2 I) = const + coeff * ||x - mu||^2, with both parts computed by SymPy."""
    r2 = sp.Symbol("r2", nonnegative=True)
    log_density = expand_log_2pi(sp.log((TWO_PI * sigma**2) ** sp.Rational(-dim, 2) * sp.exp(-r2 / (2 * sigma**2))))
    coeff = log_density.coeff(r2)
    return sp.expand(log_density - coeff * r2, log=False), coeff


def other_density(model, row, two_pi: sp.Expr = 2 * sp.pi) -> sp.Expr:
    """Exact sum_{k>=2} pi_k N(x | mu_k, v_k I) of a CollapseModel at one point (0 when those weights vanish).

    ``two_pi`` may be :data:`TWO_PI`, which keeps log(2 pi) whole under expand_log.
    """
    dim = model.data.dim
    return sp.Add(*[
        sp.Rational(w) * (two_pi * sp.Rational(v)) ** sp.Rational(-dim, 2)
        * sp.exp(-sp.Rational(sum((a - m) ** 2 for a, m in zip(row, mean)), 2 * v))
        for w, mean, v in zip(model.weights[1:], model.means, model.variances)])


class SumWhere(sp.Function):
    """A sum over the indices that satisfy a condition, e.g. sum over m with x_m != x_n; left unevaluated.

    >>> m_, n_ = sp.symbols("m n", integer=True)
    >>> print(sp.latex(SumWhere(X[m_], sp.Ne(m_, n_))))
    \\sum_{m \\neq n} {x}_{m}
    """

    nargs = 2

    def _latex(self, printer):
        term, condition = self.args
        return rf"\sum_{{{printer._print(condition)}}} {printer._print(term)}"

    def _sympystr(self, printer):
        term, condition = self.args
        return f"Sum({printer._print(term)}, {printer._print(condition)})"

    def _pretty(self, printer):
        term, condition = self.args
        column = prettyForm(*prettyForm("\N{N-ARY SUMMATION}" if printer._use_unicode else "Sum").below(
            printer._print(condition)))
        column.baseline = 0
        return prettyForm(*column.right(" ", printer._print(term)))
