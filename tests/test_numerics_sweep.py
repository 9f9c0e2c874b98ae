"""`evaluate`'s numbers (numerics/sweep.py with loglik and float64_loglik): mpmath vs exact SymPy, float64, flags, rates."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp
from scipy.special import logsumexp
from scipy.stats import norm

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.mixture import mixture_collapse
from gmm_math.derivations.core.model import CollapseModel, example_data
from gmm_math.derivations.single import single_gaussian_collapse
from gmm_math.numerics.float64_loglik import ROUTES, Float64Model
from gmm_math.numerics.loglik import CollapseTerms
from gmm_math.numerics.sweep import MAX_SIGMAS, evaluate_table, parse_sweep

FAST = settings(max_examples=25, deadline=None)


def close(a, b, digits: int) -> bool:
    """a and b agree to ``digits`` significant digits (relative to |b|, absolute near 0)."""
    return abs(mp.mpf(a) - mp.mpf(b)) <= mp.mpf(10) ** (-digits) * max(1, abs(mp.mpf(b)))


# --- exact SymPy log-likelihoods, built independently of the numerics -------------------------------------

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


# --- the banded mixture is the plain per-point sum ------------------------------------------------------

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


coordinate = st.fractions(min_value=-20, max_value=20, max_denominator=8)


@st.composite
def models(draw, max_points: int = 8):
    dim = draw(st.integers(1, 2))
    rows = draw(st.lists(st.tuples(*[coordinate] * dim), min_size=2, max_size=max_points, unique=True))
    point = draw(st.integers(0, len(rows) - 1))
    rows += [rows[point]] * draw(st.integers(0, 2))  # r = 1..3 points at x_n
    components = draw(st.integers(2, 4))
    raw = draw(st.lists(st.integers(1, 5), min_size=components, max_size=components))
    weights = tuple(Fraction(w, sum(raw)) for w in raw)
    return Dataset(tuple(rows)), point, components, weights


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


# --- the rates -----------------------------------------------------------------------------------------

@FAST
@given(models(max_points=6), st.integers(30, 3000))
def test_rates_tend_to_minus_r_d_and_minus_half_s(case, exponent):
    data, point, components, weights = case
    table = evaluate_table(data, point, sigmas=[f"1e-{exponent}"], dps=30, components=components, weights=weights,
                           symbolic=False)
    (row,) = table.rows
    r, d = data.multiplicity(point), data.dim
    half_s = sum(data.squared_distances(point)) / 2
    assert table.rate_limits == {"slope_mixture": -r * d, "sigma2_loglik_single": -half_s}
    assert abs(row.slope_mixture + r * d) <= mp.mpf(10) ** -25
    assert close(row.sigma2_loglik_single, mp.mpf(-half_s.numerator) / half_s.denominator, 25)


def test_rates_move_towards_their_limits_along_a_sweep():
    table = evaluate_table(Dataset.from_text("0,0,1,3"), 0, sigmas=parse_sweep("0:-12:7"), dps=30, symbolic=False)
    slopes = [row.slope_mixture for row in table.rows]
    gaps = [abs(row.sigma2_loglik_single + 5) for row in table.rows]
    assert abs(slopes[-1] + 2) < 1e-9 and all(b <= a for a, b in zip(gaps, gaps[1:]))


# --- float64 -------------------------------------------------------------------------------------------

def scipy_routes(model: CollapseModel, sigma: float) -> dict[str, float]:
    """The four float64 routes written with scipy.stats / scipy.special (1-D data)."""
    x = np.array([float(r[0]) for r in model.data.rows])
    c = float(model.centre[0])
    w = np.array([float(v) for v in model.weights])
    mus = np.array([float(m[0]) for m in model.means])
    sds = np.sqrt([float(v) for v in model.variances])
    with np.errstate(all="ignore"):
        first = norm.logpdf(x, c, sigma)
        stacked = np.vstack([np.log(w[0]) + first] + [np.log(wk) + norm.logpdf(x, m, s)
                                                        for wk, m, s in zip(w[1:], mus, sds)])
        dens = norm.pdf(x, c, sigma)
        others = sum(wk * norm.pdf(x, m, s) for wk, m, s in zip(w[1:], mus, sds))
        return {
            "single": float(first.sum()), "mixture": float(logsumexp(stacked, axis=0).sum()),
            "naive_single": float(np.log(np.prod(dens))), "naive_mixture": float(np.log(np.prod(w[0] * dens + others))),
        }


@pytest.mark.parametrize("sigma", [3.0, 1.0, 0.3, 0.01, 1e-5, 1e-100])
def test_float64_routes_are_what_scipy_computes(sigma):
    model = CollapseModel.mixture(Dataset.from_text("0,1,3,3.5,-2"), 1, 3)
    ours = Float64Model.from_model(model).evaluate(np.array([sigma]))
    theirs = scipy_routes(model, sigma)
    for route in ROUTES:
        a, b = float(ours[route][0]), theirs[route]
        assert a == pytest.approx(b, rel=1e-12) or (np.isnan(a) and np.isnan(b)) or a == b


@FAST
@given(models(), st.lists(st.integers(-8, 8), min_size=1, max_size=5))
def test_float64_log_space_agrees_with_mpmath_at_ordinary_sigma(case, exponents):
    data, point, components, weights = case
    sigmas = [f"10^({e}/4)" for e in exponents]
    table = evaluate_table(data, point, sigmas=sigmas, dps=30, components=components, weights=weights,
                           symbolic=False)
    for row in table.rows:
        assert not [f for f in row.float64_flags if f.split(":")[0] in ("mixture", "sigma")]
        assert row.float64_mixture == pytest.approx(float(row.log_likelihood_mixture), rel=1e-11)
        if abs(row.log_likelihood_single) < 1e300:
            assert row.float64_single == pytest.approx(float(row.log_likelihood_single), rel=1e-11)


def wrong(value: float | None, exact) -> bool:
    """Independent of the flags: missing/non-finite, or off by more than 1e-9 relative."""
    return value is None or abs(mp.mpf(value) - exact) > 1e-9 * abs(exact)


@FAST
@given(st.lists(st.integers(-40, 40), min_size=2, max_size=7, unique=True), st.data())
def test_flags_appear_exactly_where_float64_goes_wrong(points, draw):
    data = Dataset.from_text(",".join(str(p / 4) for p in points))
    point = draw.draw(st.integers(0, len(points) - 1))
    exponents = draw.draw(st.lists(st.integers(-1300, 40), min_size=1, max_size=8))
    sigmas = [f"10^({e}/4)" for e in exponents]
    table = evaluate_table(data, point, sigmas=sigmas, dps=30, components=3, symbolic=False)
    model = CollapseModel.mixture(data, point, 3)
    kinds = {"nan": np.isnan, "underflow": lambda v: v == -np.inf, "overflow": lambda v: v == np.inf}
    for row in table.rows:
        flags = dict(f.split(":") for f in row.float64_flags if not f.startswith("sigma:"))
        reference = scipy_routes(model, float(row.sigma))
        for route in ROUTES:
            exact = row.log_likelihood_single if route.endswith("single") else row.log_likelihood_mixture
            value = getattr(row, f"float64_{route}")
            assert (route in flags) == wrong(value, exact), (route, row)
            if value is None:  # the flag names what an independent float64 computation (scipy) gives
                assert kinds[flags[route]](reference[route]), (route, flags[route], reference[route])
            else:
                assert value == pytest.approx(reference[route], rel=1e-12)


def test_where_float64_breaks_for_the_example():
    sigmas = ["1", "1e-2", "1e-150", "1e-160", "1e-305", "1e-320", "1e-400", "1e400"]
    rows = evaluate_table(example_data(), 0, sigmas=sigmas, dps=30, symbolic=False).rows
    flags = [set(row.float64_flags) for row in rows]
    assert flags[0] == set()
    assert flags[1] == {"naive_single:underflow"}  # exp(-9/(2e-4)) is 0 in float64
    assert flags[2] == {"naive_single:underflow"}  # (3/sigma)^2 still fits: log space is fine
    assert flags[3] == {"single:underflow", "naive_single:underflow"}  # (3/sigma)^2 overflows
    assert "naive_mixture:overflow" in flags[5] and "mixture:inexact" in flags[5] and "sigma:subnormal" in flags[5]
    assert "mixture:inexact" not in flags[4] and "naive_mixture:overflow" not in flags[4]
    assert {"sigma:underflow", "single:nan", "mixture:nan"} <= flags[6]
    assert "sigma:overflow" in flags[7] and rows[7].float64_mixture is not None
    assert rows[5].float64_naive_mixture is None and rows[5].float64_mixture is not None


# --- header --------------------------------------------------------------------------------------------

def test_header_quantities_are_computed():
    data = Dataset.from_text("0,0,1,3,7.5")
    table = evaluate_table(data, 1, sigmas=["1"], dps=40, components=3)
    assert table.S == Fraction(1 + 9 + 56.25) and (table.n, table.dim, table.multiplicity) == (5, 1, 2)
    assert close(table.sigma_star**2, mp.mpf(265) / 4 / 5, 38)
    terms = CollapseTerms.from_model(CollapseModel.mixture(data, 1, 3), 40)
    with mp.workdps(50):
        assert close(table.loglik_at_sigma_star, terms.single(table.sigma_star), 38)
        for factor in ("0.999", "1.001"):  # sigma* is the maximum of the single Gaussian's log L
            assert terms.single(table.sigma_star * mp.mpf(factor)) < table.loglik_at_sigma_star
    single = single_gaussian_collapse(data=data, point=1)
    mixture = mixture_collapse(3, data=data, point=1)
    assert table.limits == {"single": single.limit_log_likelihood, "mixture": mixture.limit_log_likelihood}
    assert table.leading == {"single": single.leading_term, "mixture": mixture.leading_term}
    assert table.limits == {"single": -sp.oo, "mixture": sp.oo}


def test_all_points_at_x_n():
    table = evaluate_table(Dataset.from_text("2,2,2"), 0, sigmas=["1e-30"], dps=20)
    assert table.S == 0 and table.sigma_star == 0 and table.loglik_at_sigma_star == mp.inf
    assert table.limits["single"] == sp.oo and abs(table.rows[0].slope_mixture + 3) < 1e-19


def test_progress_is_called_once_per_row():
    calls = []
    evaluate_table(example_data(), 0, sigmas=parse_sweep("0:-10:6"), dps=20, symbolic=False,
                   progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 6) for i in range(1, 7)]


def test_table_arguments_are_checked():
    with pytest.raises(GmmMathError, match="components"):
        evaluate_table(example_data(), 0, sigmas=["1"], components=1)
    with pytest.raises(GmmMathError, match="no sigma"):
        evaluate_table(example_data(), 0, sigmas=[])
    with pytest.raises(GmmMathError, match="too many"):
        evaluate_table(example_data(), 0, sigmas=["1"] * (MAX_SIGMAS + 1))
    with pytest.raises(GmmMathError, match="point"):
        evaluate_table(example_data(), 5, sigmas=["1"])
