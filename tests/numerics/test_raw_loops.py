"""The fast loops on raw mpmath values (at 10,000 points) against plain per-point mpmath routes.

The mixture's band (fixed-point sums, one exponential per point at the bits it needs, one logarithm per
band), the ratio objective's nearest-mean bulk sums and the ridge's skipped exponentials must print the
same digits as the straightforward route they replace: every point evaluated one by one with mpmath
objects at more digits.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import mpmath
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mpmath import mp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.derivations.remedies.ratio import closest_pair, ratio_collapse
from gmm_math.derivations.remedies.ridge import _at_zero, ridge_collapse
from gmm_math.numerics.loglik import CollapseTerms, logaddexp_share
from gmm_math.numerics.objectives import OBJECTIVES, log_objectives

SIGMAS = ("1e-1", "1e-10", "1e-1000", "1", "10", "0.3", "0.03", "0.004")
VALUES = st.one_of(st.sampled_from([Fraction(v, 4) for v in range(-8, 9)]),  # repeats: equal points
                   st.fractions(min_value=-4, max_value=4, max_denominator=10**6))


@st.composite
def datasets(draw, low=2, high=40):
    dim = draw(st.sampled_from([1, 1, 2, 3]))
    rows = draw(st.lists(st.tuples(*[VALUES] * dim), min_size=low, max_size=high))
    return Dataset(tuple(rows))


@st.composite
def mixture_models(draw):
    data = draw(datasets())
    covariance = draw(st.sampled_from(["isotropic", "full"])) if data.dim > 1 else "isotropic"
    return CollapseModel.mixture(data, draw(st.integers(0, data.n - 1)), draw(st.sampled_from([2, 3, 4])),
                                 covariance=covariance)


def _digits(value, dps: int) -> str:
    with mp.workdps(dps):
        return mpmath.nstr(+value, dps)


def _reference_mixture(terms: CollapseTerms, sigma):
    """log L and its slope point by point with mpmath objects (no bands, no fixed point), 30 digits more."""
    with mp.workdps(terms.dps + 40):
        head = terms.head - terms.rate * mpmath.log(sigma)
        inv2 = 1 / sigma**2
        value = slope = mp.zero
        for quad, lin, rest, count in zip(terms.quad, terms.lin, terms.rest, terms.count):
            t1 = head - quad * inv2 - lin
            if rest is None:
                total, share = t1, mp.one
            else:
                total, share = logaddexp_share(t1, rest, (terms.dps + 60) * mpmath.log(10))
            value += count * total
            slope += count * share * (2 * quad * inv2 - terms.rate)
        return value, slope


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixture_models(), st.sampled_from([15, 30, 50]))
def test_mixture_band_prints_the_digits_of_the_per_point_route(model, dps):
    terms = CollapseTerms.from_model(model, dps)
    for text in SIGMAS:
        with mp.workdps(dps + 10):  # the working precision of log_objectives
            sigma = mp.mpf(text)
            value, slope = terms.mixture_and_slope(sigma)
            alone = terms.mixture(sigma)
        expected_value, expected_slope = _reference_mixture(terms, sigma)
        assert _digits(alone, dps) == _digits(value, dps) == _digits(expected_value, dps), text
        with mp.workdps(dps):  # the slope cancels (+ from the neighbours, - from x_n): compare absolutely
            assert abs(slope - expected_slope) <= mpmath.mpf(10) ** (8 - dps) * (1 + abs(expected_value)), text


def test_mixture_band_covers_thousands_of_points_at_sigma_one_tenth():
    """The fixed-point band is the path that matters at 10^4 points: there most points are in it."""
    import random

    rng = random.Random(3)
    data = Dataset(tuple((Fraction(round(rng.gauss(0, 1) * 10**6), 10**6),) for _ in range(3000)))
    terms = CollapseTerms.from_model(CollapseModel.mixture(data, 0), 50)
    for text in ("1e-1", "1", "0.01"):
        with mp.workdps(60):
            sigma = mp.mpf(text)
            value = terms.mixture(sigma)
        assert _digits(value, 50) == _digits(_reference_mixture(terms, sigma)[0], 50)


def _half_square(row, mu):
    exact = sum((a - b) ** 2 for a, b in zip(row, mu)) / 2
    return mp.mpf(exact.numerator) / exact.denominator


def _reference_ratio(derivation, sigma, dps: int):
    """sum_m log sum_k pi_k N(x_m | mu_k, sigma^2 I) over every data point, mpmath objects, 40 digits more."""
    model = derivation.model
    with mp.workdps(dps + 40):
        sigma = mp.mpf(sigma)
        means = (model.centre, *model.means)
        total = mp.zero
        for row in model.data.rows:
            logs = [mpmath.log(mp.mpf(w.numerator) / w.denominator) - model.data.dim * mpmath.log(sigma)
                    - mp.mpf(model.data.dim) / 2 * mpmath.log(2 * mp.pi) - _half_square(row, mu) / sigma**2
                    for w, mu in zip(model.weights, means)]
            top = max(logs)
            total += top + mpmath.log(mpmath.fsum(mpmath.exp(v - top) for v in logs))
        return total


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(3, 30), st.sampled_from([2, 3, 4]), st.sampled_from([15, 50]), st.data())
def test_ratio_objective_prints_the_digits_of_the_per_point_route(data, components, dps, draw):
    derivation = ratio_collapse(data=data, point=draw.draw(st.integers(0, data.n - 1)), components=components)
    values = log_objectives(derivation, SIGMAS, dps)
    for text, value in zip(SIGMAS, values):
        assert _digits(value, dps) == _digits(_reference_ratio(derivation, text, dps), dps), text


def test_ratio_objective_with_unequal_weights_settles_no_point_in_bulk():
    """Equal weights let the nearest mean win outright; unequal ones go the per-point way, still right."""
    derivation = ratio_collapse(data=Dataset.from_text("0,1,3,3,7"), components=3)
    unequal = replace(derivation.model, weights=(Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)))
    lopsided = replace(derivation, model=unequal)
    evaluate = OBJECTIVES["remedy-ratio"](lopsided, 30)
    for text in SIGMAS:
        with mp.workdps(40):
            value = evaluate(None, mp.mpf(text))
        assert _digits(value, 30) == _digits(_reference_ratio(lopsided, text, 30), 30), text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(9, 40), st.sampled_from([Fraction(1, 10**6), Fraction(1, 100), Fraction(1, 4)]))
def test_ridge_value_at_zero_matches_the_mixture_at_sigma_sqrt_eps(data, eps):
    """log L_eps at sigma = 0 is the mixture at scale sqrt(eps); its s-derivative is the log-sigma slope / (2 eps)."""
    derivation = ridge_collapse(data=data, eps=eps)
    value, slope = _at_zero(derivation.model, sp.Rational(eps.numerator, eps.denominator))
    terms = CollapseTerms.from_model(derivation.model, 70)
    with mp.workdps(80):
        expected, log_slope = terms.mixture_and_slope(mpmath.sqrt(mp.mpf(eps.numerator) / eps.denominator))
        assert abs(mp.mpf(value) - expected) <= mpmath.mpf(10) ** -55 * (1 + abs(expected))
        expected_slope = log_slope / (2 * mp.mpf(eps.numerator) / eps.denominator)
        assert abs(mp.mpf(slope) - expected_slope) <= mpmath.mpf(10) ** -12 * (1 + abs(expected_slope))


@given(st.lists(VALUES, min_size=2, max_size=40, unique=True))
def test_closest_pair_on_a_line_is_the_closest_of_all_pairs(values):
    data = Dataset(tuple((v,) for v in values))
    brute = min((a - b) ** 2 for i, a in enumerate(values) for b in values[i + 1:])
    assert closest_pair(data) == sp.Rational(brute.numerator, brute.denominator)


@given(datasets(1, 30), st.tuples(VALUES, VALUES, VALUES))
def test_distinct_squared_distances_are_exact(data, centre):
    centre = centre[: data.dim]
    distances, den = data.distinct_squared_distances(centre)
    rows = list(data.counts)
    assert [Fraction(d, den) for d in distances] == [sum((a - c) ** 2 for a, c in zip(row, centre)) for row in rows]
