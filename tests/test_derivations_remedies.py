"""The remedy derivations: symbolic limits against mpmath down to sigma = 1e-1000, bounds on random data,
closed-form variance updates against numeric maximisation."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.derivations.remedies.prior import (
    A_N, ALPHA, BETA, LAM, N1, TAU2, TR_S, W_SYM, ctz_penalty, map_collapse, map_log_prior, penalty_collapse,
    reparam_collapse, reparam_penalty, variance_update,
)
from gmm_math.derivations.remedies.common import S_VAR, collapse_split
from gmm_math.derivations.remedies.ratio import ratio_collapse, sup_bound
from gmm_math.derivations.remedies.reset import float64_thresholds, reset_collapse
from gmm_math.derivations.remedies.ridge import ridge_bound, ridge_collapse
from gmm_math.numerics.loglik import log_likelihood
from gmm_math.numerics.confirm import remedy_check
from gmm_math.numerics.objectives import log_objective

SIGMA = sp.Symbol("sigma", positive=True)
BUILDERS = {
    "ridge": ridge_collapse, "map": map_collapse, "penalty": penalty_collapse, "reparam": reparam_collapse,
    "reset": reset_collapse, "ratio": ratio_collapse,
}
EXPECTED_LIMIT = {"map": -sp.oo, "penalty": -sp.oo, "reparam": -sp.oo, "reset": sp.oo, "ratio": -sp.oo}
DATA_2D = Dataset.from_text("0,0;1,2;3,1;0,0;4,4")


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("kwargs", [{}, {"data": DATA_2D, "point": 0}, {"dim": 3, "components": 3}],
                         ids=["example", "data-2d", "dim3-k3"])
def test_symbolic_limit_matches_mpmath(name, kwargs):
    derivation = BUILDERS[name](**kwargs)
    check = remedy_check(derivation, 50)
    assert check.sigmas[-1] == "1e-1000"
    assert check.agrees
    if name == "ridge":
        assert derivation.limit_log_likelihood.is_finite
        with mpmath.workdps(50):
            target = mpmath.mpf(str(sp.N(derivation.limit_log_likelihood, 60)))
            assert abs(check.values[-1] - target) < mpmath.mpf(10) ** -40
    else:
        # 3 distinct example points and K = 3: every point gets its own component, the ratio cure fails
        expected = sp.oo if name == "ratio" and kwargs.get("components") == 3 else EXPECTED_LIMIT[name]
        assert derivation.limit_log_likelihood == expected
        assert derivation.limit_likelihood == sp.exp(expected)
        # the trend itself, checked here rather than trusted from confirm()
        increasing = expected == sp.oo
        assert all((b > a) == increasing for a, b in zip(check.values, check.values[1:]))


@pytest.mark.parametrize("name", ["map", "penalty", "reparam", "reset"])
def test_asymptotic_objective_matches_mpmath(name):
    """The simple objective whose limit is taken equals the full mpmath objective up to remainders -> 0."""
    derivation = BUILDERS[name](data=DATA_2D)
    for exponent in (8, 300):
        numeric = log_objective(derivation, f"1e-{exponent}", dps=40)
        value = sp.N(derivation.log_likelihood.subs(SIGMA, sp.Integer(10) ** -exponent), 60)
        with mpmath.workdps(40):
            assert abs(numeric - mpmath.mpf(str(value))) < mpmath.mpf(10) ** -6 * max(1, abs(numeric))


def test_ratio_exact_expression_matches_mpmath():
    derivation = ratio_collapse(data=DATA_2D, components=2)
    for sigma in (sp.Rational(1, 2), sp.Rational(1, 5)):
        exact = sp.N(derivation.log_likelihood.subs(SIGMA, sigma), 40)
        with mpmath.workdps(40):
            assert abs(log_objective(derivation, str(sigma.evalf(40)), 40) - mpmath.mpf(str(exact))) < 1e-30


def _mixture_float(x, weights, means, covs):
    """log L of a Gaussian mixture with scipy in float64, x shape (N, D)."""
    parts = [np.log(w) + np.atleast_1d(multivariate_normal(m, c).logpdf(x)) for w, m, c in zip(weights, means, covs)]
    return float(logsumexp(np.vstack(parts), axis=0).sum())


@pytest.mark.parametrize("name", ["map", "penalty", "reparam", "reset"])
def test_evaluators_match_scipy(name):
    """The mpmath remedied objective against an independent float64 route at a moderate sigma."""
    derivation = BUILDERS[name](data=DATA_2D)
    model, sigma = derivation.model, 0.3
    x = np.array([[float(v) for v in row] for row in model.data.rows])
    dim = model.data.dim
    means = [np.array([float(v) for v in model.centre])] + [np.array([float(v) for v in m]) for m in model.means]
    covs = [sigma**2 * np.eye(dim)] + [float(v) * np.eye(dim) for v in model.variances]
    base = _mixture_float(x, [float(w) for w in model.weights], means, covs)
    s = sigma**2
    p = {k: float(v) for k, v in derivation.parameters}
    extra = {
        "map": -(2 * p.get("alpha", 0) + dim + 1) * dim / 2 * np.log(s) - dim * p.get("beta", 0) / s,
        "penalty": -p.get("a", 0) * (p.get("trace", 0) / s + dim * np.log(s)),
        "reparam": -p.get("lam", 0) * (p.get("tau2", 1) / s + np.log(s / p.get("tau2", 1))),
        "reset": 0.0,
    }[name]
    assert float(log_objective(derivation, sigma, 30)) == pytest.approx(base + extra, rel=1e-12, abs=1e-12)


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


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(-9, 9).map(lambda v: v / 2), min_size=2, max_size=6), st.integers(0, 5),
       st.sampled_from(["map", "penalty", "reparam", "reset", "ridge"]))
def test_limits_on_random_data(values, point, name):
    assume(len(set(values)) > 1)  # penalty / reparam defaults need a spread
    data = Dataset.from_text(",".join(map(str, values)))
    derivation = BUILDERS[name](data=data, point=point % data.n)
    assert remedy_check(derivation, 20).agrees
    if name == "ridge":
        assert derivation.limit_log_likelihood.is_finite
    else:
        assert derivation.limit_log_likelihood == EXPECTED_LIMIT[name]


# -- explicit bounds on random data -------------------------------------------------------------------

coords = st.integers(-20, 20).map(lambda v: v / 4)


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


@st.composite
def constrained(draw):
    """Data with more distinct points than K, and parameters meeting sigma_j / sigma_k >= c."""
    dim = draw(st.integers(1, 2))
    k = draw(st.integers(1, 3))
    n = draw(st.integers(k + 1, 8))
    x = np.array([[draw(coords) for _ in range(dim)] for _ in range(n)])
    assume(len({tuple(r) for r in x}) > k)
    c = draw(st.floats(0.05, 1.0))
    smin = 10 ** draw(st.floats(-3, 1))
    scales = [smin * draw(st.floats(1.0, 1.0 / c)) for _ in range(k)]
    raw = np.array([draw(st.floats(0.05, 1.0)) for _ in range(k)])
    means = [x[draw(st.integers(0, n - 1))] + draw(st.sampled_from([0.0, 0.05])) for _ in range(k)]
    return x, c, raw / raw.sum(), means, scales


def _dmin2(x) -> float:
    rows = sorted({tuple(r) for r in x})
    return min(sum((a - b) ** 2 for a, b in zip(p, q)) for i, p in enumerate(rows) for q in rows[i + 1:])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(constrained())
def test_ratio_sup_bound_holds(params):
    x, c, weights, means, scales = params
    n, dim = x.shape
    assert min(scales) / max(scales) >= c * (1 - 1e-12)
    value = _mixture_float(x, weights, means, [s**2 * np.eye(dim) for s in scales])
    _, _, top = sup_bound(n, dim, sp.Float(c, 30), sp.Float(_dmin2(x) / 2, 30))
    assert value <= float(top) + 1e-9 * max(1.0, abs(float(top)))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=1, max_size=7), st.integers(2, 4))
def test_ratio_limit_depends_on_distinct_points_versus_k(values, k):
    """L -> 0 along the constrained collapse iff there are more distinct points than components."""
    data = Dataset.from_text(",".join(map(str, values)))
    derivation = ratio_collapse(data=data, components=k)
    expected = -sp.oo if len(set(values)) > k else sp.oo
    assert derivation.limit_log_likelihood == expected
    assert remedy_check(derivation, 20).agrees


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-8, 8), min_size=2, max_size=7), st.integers(0, 6), st.sampled_from([1e-2, 1e-5, 1e-40]))
def test_collapse_split_is_a_lower_bound(values, point, sigma):
    """Every remainder log(1 + ...) is >= 0, so log L >= core + C at every sigma."""
    data = Dataset.from_text(",".join(map(str, values)))
    point = point % data.n
    model = CollapseModel.mixture(data, point, 2)
    split = collapse_split(model)
    lower = sp.N(split.growing.subs(SIGMA, sp.Float(sigma, 40)), 40)
    with mpmath.workdps(40):
        assert log_likelihood(model, sigma, 40) >= mpmath.mpf(str(lower)) - mpmath.mpf(10) ** -30


# -- closed-form updates versus numeric maximisation -------------------------------------------------

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


# -- reset, parameters -------------------------------------------------------------------------------

@pytest.mark.parametrize("dim", [1, 3])
def test_reset_thresholds_are_where_float64_breaks(dim):
    model = reset_collapse(dim=dim).model
    thresholds = {k: float(v) for k, v in float64_thresholds(model).items()}

    def peak(s):  # pi_1 N(x_n | x_n, s^2 I) in float64, one factor at a time
        value = np.float64(float(model.weights[0])) * np.float64(2 * np.pi) ** (-dim / 2)
        for _ in range(dim):
            value = value / np.float64(s)
        return value

    with np.errstate(over="ignore", under="ignore"):
        assert np.isfinite(peak(thresholds["overflow"] * 1.01)) and np.isinf(peak(thresholds["overflow"] * 0.99))
        q = float(dim)  # the nearest other example point (1, ..., 1) is at squared distance D from x_n = 0
        assert np.exp(-q / (2 * (thresholds["underflow"] * 1.01) ** 2)) > 0
        assert np.exp(-q / (2 * (thresholds["underflow"] * 0.99) ** 2)) == 0


def test_float_parameters_are_read_as_their_decimals():
    assert map_collapse(alpha=2, beta=0.5).parameter("beta") == sp.Rational(1, 2)
    assert ridge_collapse(eps=0.1).parameter("eps") == sp.Rational(1, 10)


def test_reset_leaves_the_mixture_objective_unchanged():
    derivation = reset_collapse(data=DATA_2D)
    for sigma in ("0.5", "1e-50"):
        assert log_objective(derivation, sigma, 30) == log_likelihood(derivation.model, sigma, 30)


@pytest.mark.parametrize("call, message, parameters", [
    (lambda: ridge_collapse(eps=Fraction(0)), "^eps", ("eps",)),
    (lambda: map_collapse(alpha=Fraction(-1)), "^alpha", ("alpha",)),
    (lambda: ratio_collapse(c=Fraction(3, 2)), "^c must be in", ("c",)),
    (lambda: penalty_collapse(data=Dataset.from_text("2,2,2")), "S_x = 0", ()),
    (lambda: reparam_collapse(data=Dataset.from_text("1,1")), "give tau2", ("tau2",)),
    (lambda: ratio_collapse(components=1), "^components", ("components",)),
    (lambda: map_collapse(data=DATA_2D, point=9), "^point 9", ("point",)),
    (lambda: map_collapse(point=1), "needs data or data_file", ("point", "data", "data_file")),
    (lambda: map_collapse(beta="1"), "^beta", ("beta",)),  # text is never sympified
    (lambda: ridge_collapse(eps=float("nan")), "^eps", ("eps",)),
])
def test_bad_parameters_raise_the_library_error(call, message, parameters):
    with pytest.raises(GmmMathError, match=message) as err:
        call()
    assert "--" not in str(err.value) and err.value.parameters == parameters
