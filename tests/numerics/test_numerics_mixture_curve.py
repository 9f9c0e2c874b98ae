"""numerics/float64_loglik.MixtureCurve and evaluate_table(curve=True): float64 in log space, bounded, for pictures.

The curve's float64 log L must lie within its bound of the mpmath value (hypothesis, random data, sigma from
10^1 down to 10^-1000), the bound must be tight enough to be used, and a curve table must carry exactly the
flags of the mpmath table. A bound that is too small, or a flag decided where the bound cannot decide it,
makes these tests fail (see test_a_wrong_value_is_caught_by_the_bound and test_an_undecidable_flag_goes_to_mpmath).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from mpmath import mp

import mpmath

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel, example_data
from gmm_math.numerics import sweep
from gmm_math.numerics.float64_loglik import MixtureCurve
from gmm_math.numerics.loglik import CollapseTerms
from gmm_math.numerics.sweep import Bounded, evaluate_table

from numerics_helpers import FAST, models

DPS = 30


def curve_at(model: CollapseModel, sigmas: list[str]):
    """MixtureCurve's (value, bound) and mpmath's log L at each sigma text."""
    terms = CollapseTerms.from_model(model, DPS)
    with mp.workdps(DPS + 10):
        parsed = [sweep.sigma_from_text(text, DPS)[0] for text in sigmas]
        exact = [terms.mixture(s) for s in parsed]
        log_sigma = np.array([float(mpmath.log(s)) for s in parsed])
        inv2 = np.array([float(1 / s**2) for s in parsed])
    found = MixtureCurve.from_terms(terms).evaluate(log_sigma, inv2)
    return found, exact


def _sizes(terms: CollapseTerms, sigma_text: str):
    """sum_m c_m (|base| + q_m + |lin_m| + |rest_m| + 2 |f_m| + 2) and sum_m c_m |f_m| at sigma, in mpmath.

    Point m has count c_m, component 1's log term t_m = base - q_m - lin_m (base = head - rate log sigma,
    q_m = quad_m / sigma^2) and log density f_m = log(e^t_m + e^rest_m).
    """
    with mp.workdps(DPS + 10):
        sigma = sweep.sigma_from_text(sigma_text, DPS)[0]
        base = terms.head - terms.rate * mpmath.log(sigma)
        inputs = magnitudes = mp.zero
        for q, lin, rest, c in zip(terms.quad, terms.lin, terms.rest, terms.count):
            t = base - q / sigma**2 - lin
            f = t if rest is None else mpmath.log(mpmath.exp(t) + mpmath.exp(rest))
            inputs += c * (abs(base) + q / sigma**2 + abs(lin) + (0 if rest is None else abs(rest)) + 2 * abs(f) + 2)
            magnitudes += c * abs(f)
        return inputs, magnitudes


def a_priori_bound(terms: CollapseTerms, sigma_text: str):
    """What MixtureCurve's bound can be at most, from its own error analysis (see :func:`_sizes`).

    The bound adds, per point, ROUNDING (|base| + q_m + |lin_m|) for t_m, ROUNDING |rest_m| for rest_m,
    2 ROUNDING (|f_m| + 1) for the logaddexp (each share <= 1), then (M + 2) EPS sum c_m |f_m| for the
    summation, all doubled: bound <= 2 (ROUNDING inputs + (M + 2) EPS magnitudes). As magnitudes <= inputs / 2
    and ROUNDING = 8 EPS, that is <= (16 + M + 2) EPS inputs, below 1e-12 inputs for M < 4000 distinct points.
    It is relative to the terms' sizes, not to |log L|: when the terms cancel (log L near 0) it exceeds
    1e-12 |log L| (issue 23's example) while the error stays tiny.
    """
    from gmm_math.numerics.float64_loglik import EPS, ROUNDING

    inputs, magnitudes = _sizes(terms, sigma_text)
    with mp.workdps(DPS):
        return 2 * (ROUNDING * inputs + (len(terms.quad) + 2) * EPS * magnitudes) * (1 + mp.mpf("1e-9"))


# issue 23: failed `bound <= 1e-12 max(1, |log L|)` (bound 1.16e-12, log L = -0.085, error 6.1e-15): the four
# components' terms cancel, so the bound, proportional to the terms' magnitudes, exceeds 1e-12 |log L|
CANCELLING = (Dataset(((Fraction(-23, 2), Fraction(-79, 5)), (Fraction(1), Fraction(20)), (Fraction(7, 2), Fraction(-28, 3)),
                       (Fraction(-11, 5), Fraction(-10, 3)), (Fraction(-29, 2), Fraction(-15, 2)), (Fraction(-14), Fraction(-19)),
                       (Fraction(67, 8), Fraction(46, 3)))),
              0, 4, (Fraction(5, 9), Fraction(1, 9), Fraction(1, 9), Fraction(2, 9)))


@FAST
@example(CANCELLING, [-47])
@given(models(), st.lists(st.integers(-4000, 4), min_size=1, max_size=6))
def test_curve_is_within_its_bound_of_mpmath(case, exponents):
    data, point, components, weights = case
    model = CollapseModel.mixture(data, point, components, weights)
    texts = [f"10^({e}/4)" for e in exponents]
    found, exact = curve_at(model, texts)
    terms = CollapseTerms.from_model(model, DPS)
    for value, bound, e, text in zip(found["value"], found["bound"], exact, texts):
        assert np.isfinite(value) and 0 < bound <= a_priori_bound(terms, text)
        assert a_priori_bound(terms, text) <= 1e-12 * _sizes(terms, text)[0]
        with mp.workdps(DPS):
            assert abs(mp.mpf(value) - e) <= bound


def test_curve_on_many_normal_points_at_the_plot_grid():
    rng = np.random.default_rng(0)
    data = Dataset.from_text(",".join(f"{v:.6f}" for v in rng.normal(size=3000)))
    model = CollapseModel.mixture(data, 0, 2)
    found, exact = curve_at(model, ["10", "1", "0.1", "0.01", "1e-3", "1e-50", "1e-200", "1e-400"])
    for value, bound, e in zip(found["value"], found["bound"], exact):
        with mp.workdps(DPS):
            assert abs(mp.mpf(value) - e) <= bound <= 1e-10 * abs(e)


def test_slope_agrees_with_mpmath():
    model = CollapseModel.mixture(Dataset.from_text("0,1,3,3.5,-2,0"), 0, 3)
    terms = CollapseTerms.from_model(model, DPS)
    for text in ("3", "1", "0.3", "0.05", "1e-20"):
        with mp.workdps(DPS + 10):
            sigma = mp.mpf(text)
            _, slope = terms.mixture_and_slope(sigma)
            found = MixtureCurve.from_terms(terms).evaluate(np.array([float(mpmath.log(sigma))]),
                                                           np.array([float(1 / sigma**2)]))
        assert found["slope"][0] == pytest.approx(float(slope), rel=1e-10, abs=1e-12)


def test_without_other_components_the_curve_is_component_one_alone():
    """rest = -inf (no weight on components 2..K): every point is in the band, log L is the closed form."""
    quad, lin, count = np.array([0.0, 0.5, 2.0]), np.array([0.0, 0.25, 0.0]), np.array([2.0, 1.0, 1.0])
    curve = MixtureCurve(-1.5, 1, quad, lin, np.full(3, -np.inf), count, np.zeros(4), np.zeros(4), -np.inf)
    log_sigma = np.log(np.array([2.0, 0.5, 1e-3]))
    found = curve.evaluate(log_sigma, np.exp(-2 * log_sigma))
    for value, bound, ls in zip(found["value"], found["bound"], log_sigma):
        expected = float(np.sum(count * (-1.5 - ls - quad * np.exp(-2 * ls) - lin)))
        assert value == pytest.approx(expected, rel=1e-14) and abs(value - expected) <= bound


@FAST
@given(models(max_points=6), st.lists(st.integers(-1300, 40), min_size=2, max_size=8))
def test_a_curve_table_has_the_flags_and_single_values_of_the_mpmath_table(case, exponents):
    data, point, components, weights = case
    sigmas = [f"10^({e}/4)" for e in exponents]
    options = dict(dps=DPS, components=components, weights=weights, symbolic=False)
    exact = evaluate_table(data, point, sigmas=sigmas, **options)
    curve = evaluate_table(data, point, sigmas=sigmas, curve=True, **options)
    assert curve.rows[-1] == exact.rows[-1]  # the printed row is mpmath's, in full
    for mine, theirs in zip(curve.rows, exact.rows):
        assert mine.float64_flags == theirs.float64_flags
        assert mine.log_likelihood_single == theirs.log_likelihood_single
        assert mine.float64_mixture == theirs.float64_mixture
        assert float(mine.log_likelihood_mixture) == pytest.approx(float(theirs.log_likelihood_mixture), rel=1e-13,
                                                                   abs=1e-13)


def test_the_plot_grid_of_the_example_is_float64_except_the_last_row():
    sigmas = sweep.parse_sweep("1:-400:402")
    table = evaluate_table(example_data(), 0, sigmas=sigmas, dps=50, curve=True, symbolic=False)
    routes = [row.mixture_route for row in table.rows]
    assert routes[-1] == "mpmath" and set(routes[:-1]) == {"float64"}
    assert isinstance(table.rows[0].log_likelihood_mixture, float)


def test_a_wrong_value_is_caught_by_the_bound():
    """The check the curve must pass is not vacuous: a value one bound off (or 1e-12 off) fails it."""
    model = CollapseModel.mixture(Dataset.from_text("0,1,3,3.5,-2"), 1, 3)
    found, exact = curve_at(model, ["0.7"])
    value, bound = found["value"][0], found["bound"][0]
    with mp.workdps(DPS):
        assert abs(mp.mpf(value) - exact[0]) <= bound
        assert abs(mp.mpf(value + 3 * bound) - exact[0]) > bound
        assert abs(mp.mpf(value * (1 + 1e-12)) - exact[0]) > bound


def test_bounded_flags_decide_only_what_the_bound_decides():
    reference = Bounded(-1000.0, 1e-9)
    assert sweep._bounded_problem(-1000.0, reference) is None
    assert sweep._bounded_problem(-1000.0 * (1 + 1e-8), reference) == "inexact"
    assert sweep._bounded_problem(-1000.0 * (1 + 1e-9), reference) == sweep.UNCERTAIN  # at the threshold
    assert sweep._bounded_problem(float("-inf"), reference) == "underflow"
    assert sweep._bounded_problem(float("nan"), reference) == "nan"


def test_an_undecidable_flag_goes_to_mpmath(monkeypatch):
    """A row whose flag the bound cannot decide is computed in mpmath (and gets mpmath's flags)."""
    monkeypatch.setattr(sweep, "_bounded_problem", lambda value, reference: sweep.UNCERTAIN)
    sigmas = ["1", "1e-2", "1e-320"]
    curve = evaluate_table(example_data(), 0, sigmas=sigmas, dps=DPS, curve=True, symbolic=False)
    exact = evaluate_table(example_data(), 0, sigmas=sigmas, dps=DPS, symbolic=False)
    assert [row.mixture_route for row in curve.rows] == ["mpmath"] * 3
    assert curve.rows == exact.rows
