"""derivations/remedies/ridge.py: the ridge objective against scipy, its check at any precision, its bound."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_math.derivations.remedies.ridge import ridge_bound, ridge_collapse
from gmm_math.numerics.confirm import remedy_check
from gmm_math.numerics.objectives import log_objective

from remedy_helpers import SIGMA, DATA_2D, _mixture_float, coords


def test_ridge_evaluator_matches_scipy():
    derivation = ridge_collapse(data=DATA_2D, eps=Fraction(1, 100))
    model = derivation.model  # components 2..K already carry + eps
    x = np.array([[float(v) for v in row] for row in model.data.rows])
    for sigma in (0.5, 1e-3, 1e-200):
        covs = [(sigma**2 + 0.01) * np.eye(2)] + [float(v) * np.eye(2) for v in model.variances]
        means = [np.array([float(v) for v in model.centre])] + [np.array([float(v) for v in m]) for m in model.means]
        expected = _mixture_float(x, [float(w) for w in model.weights], means, covs)
        assert float(log_objective(derivation, sigma, 30)) == pytest.approx(expected, rel=1e-12)
    assert float(sp.N(derivation.limit_log_likelihood)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("dps", [50, 5000])
def test_ridge_check_at_any_precision_and_it_can_fail(dps):
    """Beyond ~4000 digits sigma = 1e-1000 no longer resolves the limit: the check then uses the leading term.

    A limit off by 10^-(dps/4), far more than rounding and than the sigma^2 term at 1e-1000, is refused.
    """
    from dataclasses import replace

    derivation = ridge_collapse()
    assert remedy_check(derivation, dps).agrees
    off = sp.Integer(10) ** -(dps // 4)
    wrong = replace(derivation, limit_log_likelihood=derivation.limit_log_likelihood + off)
    assert not remedy_check(wrong, dps).agrees


def test_ridge_limit_is_sympy_limit():
    """The limit taken by continuity equals sympy.limit of the exact expression."""
    derivation = ridge_collapse(eps=Fraction(1, 10))
    by_limit = sp.limit(derivation.log_likelihood, SIGMA, 0, "+")
    assert abs(sp.N(by_limit - derivation.limit_log_likelihood, 30)) < 1e-25


@st.composite
def mixtures(draw, max_k=4):
    """Random data and an arbitrary mixture (PSD, possibly singular covariances; means often on data points)."""
    dim = draw(st.integers(1, 3))
    n = draw(st.integers(1, 8))
    x = np.array([[draw(coords) for _ in range(dim)] for _ in range(n)])
    k = draw(st.integers(1, max_k))
    raw = np.array([draw(st.floats(0.05, 1.0)) for _ in range(k)])
    weights = raw / raw.sum()
    means = [x[draw(st.integers(0, n - 1))] + draw(st.sampled_from([0.0, 0.1, -0.7])) for _ in range(k)]
    factors = [np.array([[draw(st.floats(-2, 2)) for _ in range(dim)] for _ in range(draw(st.integers(0, dim)))])
               .reshape(-1, dim) for _ in range(k)]
    return x, weights, means, [f.T @ f for f in factors]


@settings(max_examples=150, deadline=None)
@given(mixtures(), st.floats(1e-8, 10.0))
def test_ridge_bound_holds(mixture, eps):
    """log L_eps <= -(N D / 2) log(2 pi eps) for any means, weights and (even singular) covariances."""
    x, weights, means, covs = mixture
    n, dim = x.shape
    value = _mixture_float(x, weights, means, [c + eps * np.eye(dim) for c in covs])
    bound = float(ridge_bound(n, dim, sp.Float(eps, 30)))
    assert value <= bound + 1e-9 * max(1.0, abs(bound))


def test_ridge_bound_is_attained_when_all_points_coincide():
    """The bound is sharp: N equal points, every component on them with zero covariance."""
    x = np.zeros((4, 2))
    value = _mixture_float(x, [0.5, 0.5], [np.zeros(2)] * 2, [0.01 * np.eye(2)] * 2)
    assert value == pytest.approx(float(ridge_bound(4, 2, sp.Rational(1, 100))), rel=1e-12)
