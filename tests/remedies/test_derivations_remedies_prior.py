"""derivations/remedies/prior.py: closed-form variance updates of map, penalty and reparam against numeric maximisation."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_math.derivations.remedies.prior import (
    A_N, ALPHA, BETA, LAM, N1, TAU2, TR_S, W_SYM, ctz_penalty, map_collapse, map_log_prior, penalty_collapse,
    reparam_collapse, reparam_penalty, variance_update,
)
from gmm_math.derivations.remedies.common import S_VAR


def _argmax(q):
    """Maximise q(s) on s > 0 numerically: a log-grid, then findroot on d/dt q(e^t) (numeric derivative)."""
    grid = [mpmath.mpf(e) / 10 * mpmath.log(10) for e in range(-50, 51)]  # t = log s, s in 1e-5..1e5
    def g(t):
        return q(mpmath.exp(t))
    best = max(grid, key=g)
    assert grid[0] < best < grid[-1]
    return mpmath.exp(mpmath.findroot(lambda t: mpmath.diff(g, t), best))


positive_values = st.integers(1, 400).map(lambda v: Fraction(v, 20))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), positive_values, st.integers(0, 60).map(lambda v: Fraction(v, 7)), positive_values,
       positive_values)
def test_map_update_is_the_maximiser(dim, n1, w, alpha, beta):
    _, _, solution = variance_update(map_log_prior(dim), dim)
    closed = solution.subs({N1: n1, W_SYM: w, ALPHA: alpha, BETA: beta})
    with mpmath.workdps(40):
        n1m, wm, am, bm = (mpmath.mpf(v.numerator) / v.denominator for v in (n1, w, alpha, beta))

        def q(s):  # expected complete-data log-likelihood of component 1 + log IW(sI | 2 alpha, 2 beta I)
            return (-n1m * dim / 2 * mpmath.log(2 * mpmath.pi * s) - wm / (2 * s)
                    - (2 * am + dim + 1) * dim / 2 * mpmath.log(s) - dim * bm / s)

        found = _argmax(q)
        assert abs(found - mpmath.mpf(str(sp.N(closed, 45)))) < mpmath.mpf(10) ** -20 * (1 + abs(found))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), positive_values, st.integers(0, 60).map(lambda v: Fraction(v, 7)), positive_values,
       positive_values)
def test_penalty_update_is_the_maximiser(dim, n1, w, a, trace):
    _, _, solution = variance_update(ctz_penalty(dim), dim)
    closed = solution.subs({N1: n1, W_SYM: w, A_N: a, TR_S: trace})
    with mpmath.workdps(40):
        n1m, wm, am, tm = (mpmath.mpf(v.numerator) / v.denominator for v in (n1, w, a, trace))

        def q(s):
            return -n1m * dim / 2 * mpmath.log(2 * mpmath.pi * s) - wm / (2 * s) - am * (tm / s + dim * mpmath.log(s))

        found = _argmax(q)
        assert abs(found - mpmath.mpf(str(sp.N(closed, 45)))) < mpmath.mpf(10) ** -20 * (1 + abs(found))


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 3), positive_values, st.integers(0, 60).map(lambda v: Fraction(v, 7)), positive_values,
       positive_values)
def test_reparam_update_is_the_maximiser(dim, n1, w, lam, tau2):
    _, _, solution = variance_update(reparam_penalty(), dim)
    closed = solution.subs({N1: n1, W_SYM: w, LAM: lam, TAU2: tau2})
    with mpmath.workdps(40):
        n1m, wm, lm, tm = (mpmath.mpf(v.numerator) / v.denominator for v in (n1, w, lam, tau2))

        def q(s):
            gamma = s / tm
            return -n1m * dim / 2 * mpmath.log(2 * mpmath.pi * s) - wm / (2 * s) - lm * (1 / gamma + mpmath.log(gamma))

        found = _argmax(q)
        assert abs(found - mpmath.mpf(str(sp.N(closed, 45)))) < mpmath.mpf(10) ** -20 * (1 + abs(found))


def test_collapsed_updates_are_positive_and_printed():
    """W = 0, N_1 = r: the derivations print a positive variance equal to the closed form."""
    derivation = map_collapse(alpha=Fraction(2), beta=Fraction(3, 10))
    collapsed = [e for s in derivation.steps if s.title == "Bounded at the collapse" for e in s.exprs]
    assert collapsed[1].rhs == sp.Rational(2 * 3, 10) / (1 + 2 * 2 + 1 + 1)  # 2 beta / (r + 2 alpha + D + 1)
    assert all(e.rhs > 0 for e in collapsed)


def test_reparam_is_a_member_of_the_penalty_family():
    """q(s / tau^2) - p_n(s) with a_n = lambda / D, S_x = tau^2 I is constant in s, checked in mpmath."""
    for dim in (1, 2, 5):
        diff = reparam_penalty() - ctz_penalty(dim, LAM / dim, dim * TAU2)
        f = sp.lambdify((S_VAR, LAM, TAU2), diff, "mpmath")
        with mpmath.workdps(80):  # tau^2/s ~ 1e30 cancels between the two penalties
            values = [f(mpmath.mpf(s), mpmath.mpf("0.7"), mpmath.mpf("1.3")) for s in ("1e-30", "0.01", "5", "1e20")]
            assert max(values) - min(values) < mpmath.mpf(10) ** -40
            assert abs(values[0] - mpmath.mpf("0.7") * mpmath.log(mpmath.mpf("1.3"))) < mpmath.mpf(10) ** -40


def test_reparam_defaults_equal_the_penalty_in_1d():
    """With lambda = a_n and tau^2 = tr(S_x) in 1-D, reparam and penalty have the same leading term."""
    assert reparam_collapse().leading_term == penalty_collapse().leading_term
