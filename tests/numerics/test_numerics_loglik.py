"""numerics/loglik.py: mpmath log L against exact SymPy, the banded mixture against the plain per-point sum, the slope."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from mpmath import mp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.numerics.loglik import CollapseTerms
from gmm_math.numerics.sweep import evaluate_table

from numerics_helpers import FAST, close, models


def exact_log_likelihoods(model: CollapseModel, sigma: Fraction) -> tuple[sp.Expr, sp.Expr]:
    """(single, mixture) log L as exact SymPy expressions at a rational sigma."""
    s, dim = sp.Rational(sigma), model.data.dim

    def density(row, mean, var):
        d2 = sum((sp.Rational(a) - sp.Rational(m)) ** 2 for a, m in zip(row, mean))
        return (2 * sp.pi * var) ** sp.Rational(-dim, 2) * sp.exp(-d2 / (2 * var))

    single = mixture = sp.Integer(0)
    for row in model.data.rows:
        first = density(row, model.centre, s**2)
        others = sum(sp.Rational(w) * density(row, mean, sp.Rational(v))
                     for w, mean, v in zip(model.weights[1:], model.means, model.variances))
        single += sp.log(first)
        mixture += sp.log(sp.Rational(model.weights[0]) * first + others)
    return single, mixture


CASES = [  # data, point, components, weights
    ("0,1,3", 0, 2, None),
    ("0,0,1,3,7.5", 1, 3, None),
    ("0,0;1,2;3,-1;0,0.5", 0, 2, (Fraction(1, 3), Fraction(2, 3))),
    ("-2,0.25,4,4", 2, 4, (Fraction(1, 10), Fraction(2, 10), Fraction(3, 10), Fraction(4, 10))),
]


@pytest.mark.parametrize("text, point, components, weights", CASES)
@pytest.mark.parametrize("dps", [30, 60])
def test_mpmath_agrees_with_exact_sympy_at_rational_sigma(text, point, components, weights, dps):
    data = Dataset.from_text(text)
    sigmas = ["0.5", "2", "0.125", "3e-2", "7"]
    table = evaluate_table(data, point, sigmas=sigmas, dps=dps, components=components, weights=weights,
                           symbolic=False)
    model = CollapseModel.mixture(data, point, components, weights)
    for text_sigma, row in zip(sigmas, table.rows):
        single, mixture = exact_log_likelihoods(model, Fraction(text_sigma))
        assert close(row.log_likelihood_single, sp.N(single, dps + 15), dps - 5)
        assert close(row.log_likelihood_mixture, sp.N(mixture, dps + 15), dps - 5)
        assert close(row.sigma2_loglik_single, sp.N(sp.Rational(text_sigma) ** 2 * single, dps + 15), dps - 5)


def test_mixture_matches_the_derivations_exact_expression():
    from gmm_math.derivations.mixture import mixture_log_likelihood
    from gmm_math.derivations.result import SIGMA

    data = Dataset.from_text("0,0,2,5")
    model = CollapseModel.mixture(data, 1, 3, means=(Fraction(3), Fraction(-1)))
    expr = mixture_log_likelihood(model)
    table = evaluate_table(data, 1, sigmas=["0.25", "1.5"], dps=40, components=3, means=(Fraction(3), Fraction(-1)),
                           symbolic=False)
    for row, s in zip(table.rows, ("1/4", "3/2")):
        assert close(row.log_likelihood_mixture, sp.N(expr.subs(SIGMA, sp.Rational(s)), 55), 35)


def plain_mixture(model: CollapseModel, sigma, dps: int):
    """log L and its slope by brute force: every term recomputed, a full log-sum-exp per point."""
    with mp.workdps(dps + 20):
        total, slope = mp.zero, mp.zero
        for row in model.data.rows:
            logs = []
            for w, mean, var in zip(model.weights, (model.centre, *model.means), (None, *model.variances)):
                v = sigma**2 if var is None else mp.mpf(var.numerator) / var.denominator
                d2 = mpmath.fsum((mp.mpf(a.numerator) / a.denominator - mp.mpf(m.numerator) / m.denominator) ** 2
                                 for a, m in zip(row, mean))
                logs.append(mpmath.log(mp.mpf(w.numerator) / w.denominator) - len(row) / mp.mpf(2)
                            * mpmath.log(2 * mp.pi * v) - d2 / (2 * v) if w else mp.ninf)
            top = max(logs)
            shares = [mpmath.exp(t - top) for t in logs]
            total += top + mpmath.log(mpmath.fsum(shares))
            d2 = sum((a - c) ** 2 for a, c in zip(row, model.centre))
            slope += shares[0] / mpmath.fsum(shares) * (mp.mpf(d2.numerator) / d2.denominator / sigma**2 - len(row))
        return total, slope


@st.composite
def narrow_models(draw):
    """1-D models whose other components are narrow: their log densities differ by far more than the cut."""
    data, point, components, weights = draw(models())
    if data.dim != 1:
        data = Dataset(tuple(row[:1] for row in data.rows))
    means = tuple(draw(st.sampled_from([row[0] for row in data.rows])) for _ in range(components - 1))
    scales = tuple(draw(st.fractions(Fraction(1, 40), Fraction(2), max_denominator=40)) for _ in range(components - 1))
    return CollapseModel.mixture(data, point, components, weights, means, scales)


@FAST
@given(models(), st.lists(st.integers(-60, 8), min_size=1, max_size=6), st.integers(1, 9))
def test_banded_mixture_and_slope_equal_the_plain_sum(case, exponents, mantissa):
    data, point, components, weights = case
    model = CollapseModel.mixture(data, point, components, weights)
    terms = CollapseTerms.from_model(model, 30)
    for e in exponents:
        with mp.workdps(40):
            sigma = mantissa * mp.mpf(10) ** (mp.mpf(e) / 4)
            value, slope = terms.mixture_and_slope(sigma)
            plain_value, plain_slope = plain_mixture(model, sigma, 30)
            assert close(value, plain_value, 27)
            assert abs(slope - plain_slope) <= mp.mpf(10) ** -25 * max(1, abs(plain_slope))


@FAST
@given(narrow_models(), st.lists(st.integers(-40, 8), min_size=3, max_size=8))
def test_banded_mixture_with_narrow_components(model, exponents):
    terms = CollapseTerms.from_model(model, 30)
    for e in exponents:
        with mp.workdps(40):
            sigma = mp.mpf(10) ** (mp.mpf(e) / 8)
            value, slope = terms.mixture_and_slope(sigma)
            plain_value, plain_slope = plain_mixture(model, sigma, 30)
            assert close(value, plain_value, 27)
            assert abs(slope - plain_slope) <= mp.mpf(10) ** -25 * max(1, abs(plain_slope))


def test_banded_mixture_where_the_others_vary_by_far_more_than_the_cut():
    model = CollapseModel.mixture(Dataset.from_text("0,1,3,3.2,-4"), 0, 3, means=(Fraction(3), Fraction(-4)),
                                  scales=(Fraction(1, 10), Fraction(1, 20)))
    terms = CollapseTerms.from_model(model, 30)
    for k in range(0, 41):
        with mp.workdps(40):
            sigma = mp.mpf(10) ** (mp.mpf(-k) / 8)
            value, slope = terms.mixture_and_slope(sigma)
            plain_value, plain_slope = plain_mixture(model, sigma, 30)
            assert close(value, plain_value, 27) and close(slope, plain_slope, 25)


def test_slope_is_the_derivative_in_log_sigma():
    model = CollapseModel.mixture(Dataset.from_text("0,0.5,1,3,3,9"), 1, 3)
    terms = CollapseTerms.from_model(model, 40)
    with mp.workdps(50):
        for s in ("0.05", "0.3", "1", "4", "1e3"):
            u, h = mpmath.log(mp.mpf(s)), mp.mpf(10) ** -15
            central = (terms.mixture(mpmath.exp(u + h)) - terms.mixture(mpmath.exp(u - h))) / (2 * h)
            assert close(terms.mixture_and_slope(mp.mpf(s))[1], central, 25)
