"""Mixture collapse: bound and exact limits, rates -rD, three routes on the same log-likelihood."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import logsumexp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.mixture import mixture_collapse, mixture_log_likelihood
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.derivations.result import SIGMA
from gmm_math.numerics.confirm import confirm
from gmm_math.numerics.loglik import log_likelihood


@pytest.mark.parametrize("dim, r, covariance, rate", [
    (1, 1, "isotropic", 1), (2, 1, "isotropic", 2), (3, 2, "isotropic", 6), (3, 1, "full", 1), (2, 3, "full", 3),
])
def test_rate(dim, r, covariance, rate):
    d = mixture_collapse(dim=dim, multiplicity=r, covariance=covariance)
    assert (d.limit_log_likelihood, d.limit_likelihood) == (sp.oo, sp.oo)
    assert d.leading_term == -rate * sp.log(SIGMA)
    check = confirm(d, dps=30)
    assert check.agrees
    # the local slope d log L / d log sigma between 1e-100 and 1e-1000 is -rate to many digits
    with mpmath.workdps(30):
        slope = (check.values[3] - check.values[2]) / (-900 * mpmath.log(10))
        assert mpmath.almosteq(slope, -rate, rel_eps=mpmath.mpf(10) ** -20)


def test_k1_points_to_single():
    with pytest.raises(GmmMathError, match="single_gaussian_collapse") as err:
        mixture_collapse(components=1)
    assert err.value.parameters == ("components",)


def _float64_loglik(model: CollapseModel, sigma: float) -> float:
    x = np.array([[float(v) for v in row] for row in model.data.rows])
    dim = x.shape[1]
    cov1 = sigma**2 * np.eye(dim)
    if model.covariance == "full" and dim > 1:
        cov1 = np.diag([sigma**2] + [1.0] * (dim - 1))
    logs = [np.log(float(model.weights[0])) + stats.multivariate_normal(x[model.point], cov1).logpdf(x)]
    for w, mean, v in zip(model.weights[1:], model.means, model.variances):
        logs.append(np.log(float(w)) + stats.multivariate_normal([float(m) for m in mean], float(v) * np.eye(dim)).logpdf(x))
    return float(logsumexp(np.vstack(logs).reshape(len(logs), -1), axis=0).sum())


@pytest.mark.parametrize("text, kwargs", [
    ("0,1,3", {}),
    ("0,1,3,0", {"components": 3}),
    ("-1,0.5,2,7", {"weights": (Fraction(1, 5), Fraction(4, 5)), "means": (Fraction(2),), "scales": (Fraction(3),)}),
    ("0,0;0,1;3,2", {"covariance": "full", "components": 3}),
])
def test_three_routes_agree(text, kwargs):
    data = Dataset.from_text(text)
    d = mixture_collapse(data=data, **kwargs)
    exact = mixture_log_likelihood(d.model)
    for sigma in (sp.Rational(1, 3), sp.Rational(1, 10), sp.Rational(3, 2)):
        with mpmath.workdps(40):
            exact_value = mpmath.mpf(sp.N(exact.subs(SIGMA, sigma), 40))
            mp_value = log_likelihood(d.model, mpmath.mpf(sigma.p) / sigma.q, dps=40)
            assert abs(exact_value - mp_value) <= mpmath.mpf(10) ** -34 * max(1, abs(mp_value))
        assert _float64_loglik(d.model, float(sigma)) == pytest.approx(float(mp_value), rel=1e-11)
    # the bound really is below the exact log-likelihood
    for sigma in (sp.Rational(1, 2), sp.Rational(1, 100)):
        c = [e.rhs for e in d.steps[-3].exprs if isinstance(e, sp.Eq)][0]
        bound = d.log_likelihood.subs(sp.Symbol("C"), c)
        assert sp.N(exact.subs(SIGMA, sigma) - bound.subs(SIGMA, sigma), 30) >= 0


def test_multiplicity_from_data():
    d = mixture_collapse(data=Dataset.from_text("1,1,1,4"), point=1)
    assert d.leading_term == -3 * sp.log(SIGMA)
    with pytest.raises(GmmMathError, match="multiplicity"):
        mixture_collapse(data=Dataset.from_text("1,1,4"), multiplicity=3)


@pytest.mark.parametrize("kwargs, needle", [
    ({"weights": (Fraction(1, 2), Fraction(1, 3))}, "sum to 1"),
    ({"weights": (Fraction(3, 2), Fraction(-1, 2))}, "non-negative"),
    ({"weights": (Fraction(0), Fraction(1))}, "pi_1 > 0"),
    ({"scales": (Fraction(0),)}, "positive"),
    ({"means": (Fraction(1), Fraction(2))}, "^means needs"),
    ({"components": 0}, "between 2"),
])
def test_bad_parameters(kwargs, needle):
    with pytest.raises(GmmMathError, match=needle):
        mixture_collapse(data=Dataset.from_text("0,1,3"), **kwargs)


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(-20, 20), min_size=2, max_size=5), st.integers(0, 4), st.integers(2, 3),
       st.booleans())
def test_limit_on_random_data(values, point, components, two_d):
    text = ";".join(f"{v},{(v * 7) % 5}" for v in values) + ";" if two_d else ",".join(map(str, values))
    data = Dataset.from_text(text)
    point %= data.n
    d = mixture_collapse(components=components, data=data, point=point)
    assert (d.limit_log_likelihood, d.limit_likelihood) == (sp.oo, sp.oo)
    assert d.leading_term == -data.multiplicity(point) * data.dim * sp.log(SIGMA)
    assert confirm(d, dps=20).agrees
