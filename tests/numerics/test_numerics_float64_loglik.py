"""numerics/float64_loglik.py: the float64 routes against scipy and mpmath, and the flags where they go wrong."""

from __future__ import annotations


import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mpmath import mp
from scipy.special import logsumexp
from scipy.stats import norm

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel, example_data
from gmm_math.numerics.float64_loglik import ROUTES, Float64Model
from gmm_math.numerics.sweep import evaluate_table

from numerics_helpers import FAST, models


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
