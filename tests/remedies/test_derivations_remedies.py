"""The remedy derivations together: symbolic limits against mpmath down to sigma = 1e-1000 and against scipy, random data, bad parameters (each remedy's own tests are in test_derivations_remedies_<module>.py)."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.remedies.prior import map_collapse, penalty_collapse, reparam_collapse
from gmm_math.derivations.remedies.ratio import ratio_collapse
from gmm_math.derivations.remedies.ridge import ridge_collapse
from gmm_math.numerics.confirm import remedy_check
from gmm_math.numerics.objectives import log_objective

from remedy_helpers import SIGMA, BUILDERS, EXPECTED_LIMIT, DATA_2D, _mixture_float


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


def test_float_parameters_are_read_as_their_decimals():
    assert map_collapse(alpha=2, beta=0.5).parameter("beta") == sp.Rational(1, 2)
    assert ridge_collapse(eps=0.1).parameter("eps") == sp.Rational(1, 10)


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
