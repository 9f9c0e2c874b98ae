"""derivations/remedies/ratio.py: the constrained collapse, its exact expression and the bound on sup L."""

from __future__ import annotations


import mpmath
import numpy as np
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.remedies.ratio import ratio_collapse, sup_bound
from gmm_math.numerics.confirm import remedy_check
from gmm_math.numerics.objectives import log_objective

from remedy_helpers import SIGMA, DATA_2D, _mixture_float, coords


def test_ratio_exact_expression_matches_mpmath():
    derivation = ratio_collapse(data=DATA_2D, components=2)
    for sigma in (sp.Rational(1, 2), sp.Rational(1, 5)):
        exact = sp.N(derivation.log_likelihood.subs(SIGMA, sigma), 40)
        with mpmath.workdps(40):
            assert abs(log_objective(derivation, str(sigma.evalf(40)), 40) - mpmath.mpf(str(exact))) < 1e-30


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
