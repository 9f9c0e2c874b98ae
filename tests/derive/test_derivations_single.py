"""Single-Gaussian collapse: SymPy exact vs mpmath vs scipy float64, and the limits on random data."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.derivations.result import SIGMA
from gmm_math.derivations.single import single_gaussian_collapse
from gmm_math.numerics.confirm import confirm
from gmm_math.numerics.loglik import log_likelihood


def test_symbolic_case():
    d = single_gaussian_collapse()
    S, N = sp.Symbol("S", positive=True), sp.Symbol("N", positive=True, integer=True)
    assert d.limit_log_likelihood == -sp.oo and d.limit_likelihood == 0
    assert d.leading_term == -S / (2 * SIGMA**2)
    assert sp.simplify(d.log_likelihood - (-N * sp.log(SIGMA) - N * sp.log(2 * sp.pi) / 2 - S / (2 * SIGMA**2))) == 0
    # the S = 0 case is derived as its own step and diverges the other way
    last = d.steps[-1]
    assert "S = 0" in last.title and last.exprs[-1].rhs == sp.oo


@pytest.mark.parametrize("dim", [1, 2, 5])
def test_dimension_sets_the_log_rate(dim):
    d = single_gaussian_collapse(dim=dim)
    N = sp.Symbol("N", positive=True, integer=True)
    assert sp.expand(d.log_likelihood).coeff(sp.log(SIGMA)) == -N * dim


def test_all_points_equal_diverges():
    d = single_gaussian_collapse(data=Dataset.from_text("2.5,2.5,2.5"))
    assert (d.limit_log_likelihood, d.limit_likelihood) == (sp.oo, sp.oo)
    assert d.leading_term == -3 * sp.log(SIGMA)


@pytest.mark.parametrize("text, point", [("0,1,3", 0), ("0,0;1,1;3,2", 1), ("-1.5,0.25,4,4", 3)])
def test_three_routes_agree(text, point):
    data = Dataset.from_text(text)
    d = single_gaussian_collapse(data=data, point=point)
    x = np.array([[float(v) for v in row] for row in data.rows])
    for sigma in (sp.Rational(1, 2), sp.Rational(3, 10), sp.Rational(2)):
        exact = sp.N(d.log_likelihood.subs(SIGMA, sigma), 40)
        with mpmath.workdps(40):
            mp_value = log_likelihood(d.model, mpmath.mpf(sigma.p) / sigma.q, dps=40)
            assert abs(mpmath.mpf(exact) - mp_value) <= mpmath.mpf(10) ** -35 * max(1, abs(mp_value))
        cov = float(sigma) ** 2 * np.eye(data.dim)
        f64 = stats.multivariate_normal(mean=x[point], cov=cov).logpdf(x).sum()
        assert f64 == pytest.approx(float(mp_value), rel=1e-12)


def test_numeric_check_trend():
    d = single_gaussian_collapse()
    check = confirm(d, dps=30)
    assert check.agrees and check.sigmas == ("1e-1", "1e-10", "1e-100", "1e-1000")
    assert check.values[-1] < check.values[-2] < check.values[0]
    # sigma^2 log L -> -S/2 with S = 10 for the example data 0, 1, 3
    with mpmath.workdps(30):
        assert mpmath.almosteq(check.values[-1] * mpmath.mpf("1e-2000"), -5, rel_eps=mpmath.mpf(10) ** -25)


def test_bad_arguments():
    with pytest.raises(GmmMathError, match="dim"):
        single_gaussian_collapse(dim=0)
    with pytest.raises(GmmMathError, match="out of range"):
        single_gaussian_collapse(data=Dataset.from_text("0,1"), point=2)
    with pytest.raises(GmmMathError, match="does not match"):
        single_gaussian_collapse(dim=3, data=Dataset.from_text("0,1;2,3"))


points_1d = st.lists(st.integers(-50, 50), min_size=2, max_size=6)
points_2d = st.lists(st.tuples(st.integers(-9, 9), st.integers(-9, 9)), min_size=2, max_size=5)


@settings(max_examples=15, deadline=None)
@given(st.one_of(points_1d.map(lambda v: ",".join(map(str, v))),
                 points_2d.map(lambda v: ";".join(f"{a},{b}" for a, b in v) + ";")),
       st.integers(0, 4))
def test_limit_on_random_data(text, point):
    data = Dataset.from_text(text)
    point %= data.n
    d = single_gaussian_collapse(data=data, point=point)
    if sum(data.squared_distances(point)) > 0:
        assert (d.limit_log_likelihood, d.limit_likelihood) == (-sp.oo, 0)
        assert d.leading_term.has(SIGMA**-2)
    else:
        assert (d.limit_log_likelihood, d.limit_likelihood) == (sp.oo, sp.oo)
    assert confirm(d, dps=20).agrees
    assert d.model == CollapseModel.single(data, point)
