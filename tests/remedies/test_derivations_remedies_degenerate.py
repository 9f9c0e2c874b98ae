"""`derive degenerate`: exact rank detection on random collinear / general-position data, limits, bounds, CLI."""

from __future__ import annotations

import json

import mpmath
import numpy as np
import pytest
import sympy as sp
from conftest import assert_one_line_error
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import multivariate_normal

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.remedies.degenerate import affine_rank, degenerate_collapse
from gmm_math.numerics.confirm import remedy_check
from gmm_math.numerics.objectives import log_objective

SIGMA = sp.Symbol("sigma", positive=True)
small = st.integers(-5, 5)


def _text(points) -> str:
    return ";".join(",".join(str(v) for v in p) for p in points)


@st.composite
def collinear(draw):
    """N points a + t_i b on a line in D = 2 or 3 dimensions (b != 0), as exact decimal text."""
    dim = draw(st.integers(2, 3))
    a = [draw(small) for _ in range(dim)]
    b = [draw(small) for _ in range(dim)]
    assume(any(b))
    ts = draw(st.lists(st.integers(-4, 4).map(lambda v: v / 2), min_size=2, max_size=7))
    assume(len(set(ts)) > 1)
    return [[ai + t * bi for ai, bi in zip(a, b)] for t in ts]


@st.composite
def scattered(draw):
    """Random integer points in 2-D or 3-D, more than D of them."""
    dim = draw(st.integers(2, 3))
    n = draw(st.integers(dim + 1, 8))
    return [[draw(small) for _ in range(dim)] for _ in range(n)]


@settings(max_examples=25, deadline=None)
@given(collinear())
def test_collinear_data_are_degenerate(points):
    data = Dataset.from_text(_text(points))
    n, dim = data.n, data.dim
    assert affine_rank(data) == 1 == np.linalg.matrix_rank(np.array(points) - np.mean(points, axis=0))
    derivation = degenerate_collapse(data=data)
    assert derivation.limit_log_likelihood == sp.oo
    assert derivation.leading_term == -n * (dim - 1) * sp.log(SIGMA)
    assert remedy_check(derivation, 20).agrees


@settings(max_examples=25, deadline=None)
@given(scattered())
def test_rank_matches_numpy_and_decides_the_limit(points):
    data = Dataset.from_text(_text(points))
    centred = np.array(points, dtype=float) - np.mean(points, axis=0)
    rank = affine_rank(data)
    assert rank == np.linalg.matrix_rank(centred)
    derivation = degenerate_collapse(data=data)
    if rank < data.dim:
        assert derivation.limit_log_likelihood == sp.oo
        assert derivation.leading_term == -data.n * (data.dim - rank) * sp.log(SIGMA)
    else:
        assert derivation.limit_log_likelihood == -sp.oo
        assert derivation.leading_term.has(SIGMA**-2)
    assert remedy_check(derivation, 20).agrees


@settings(max_examples=20, deadline=None)
@given(scattered(), st.integers(0, 2**31 - 1))
def test_general_position_sup_bound_is_the_mle(points, seed):
    """For rank D the printed bound is the log-likelihood at the MLE, and random Gaussians stay below it."""
    x = np.array(points, dtype=float)
    assume(np.linalg.matrix_rank(x - x.mean(axis=0)) == x.shape[1])
    derivation = degenerate_collapse(data=Dataset.from_text(_text(points)))
    general = next(s for s in derivation.steps if s.title == "General position")
    bound = float(general.exprs[-1].rhs)
    scatter = np.cov(x.T, bias=True)
    assert multivariate_normal(x.mean(axis=0), scatter).logpdf(x).sum() == pytest.approx(bound, rel=1e-9)
    rng = np.random.default_rng(seed)
    for _ in range(20):
        factor = rng.normal(size=(x.shape[1], x.shape[1]))
        cov = factor @ factor.T + 1e-6 * np.eye(x.shape[1])
        assert multivariate_normal(rng.normal(size=x.shape[1]), cov).logpdf(x).sum() <= bound + 1e-9


def test_few_points_are_always_degenerate():
    """N <= D points span at most N - 1 dimensions."""
    derivation = degenerate_collapse(data=Dataset.from_text("0,0,0;1,0,1;0,1,2"))
    assert derivation.parameter("rank") == 2
    assert derivation.leading_term == -3 * sp.log(SIGMA)


def test_default_is_the_collinear_example_in_2d():
    derivation = degenerate_collapse()
    assert derivation.model.data.dim == 2
    assert derivation.limit_likelihood == sp.oo and derivation.leading_term == -3 * sp.log(SIGMA)
    check = remedy_check(derivation, 50)
    assert check.agrees and check.sigmas[-1] == "1e-1000"
    # log L = const - N log sigma: successive decades add N log 10 per decade
    with mpmath.workdps(50):
        assert abs((check.values[3] - check.values[2]) - 3 * 900 * mpmath.log(10)) < mpmath.mpf(10) ** -40


@pytest.mark.parametrize("text", ["0,0;1,1;3,3", "0,0;1,0;0,1;2,3", "1,2,3;2,3,4;0,0,1;5,1,1"])
def test_evaluator_matches_scipy(text):
    """The exact-Fraction mpmath objective against scipy's logpdf with Sigma = sigma^2 P + I - P."""
    derivation = degenerate_collapse(data=Dataset.from_text(text))
    x = np.array([[float(v) for v in row] for row in derivation.model.data.rows])
    mean = np.array([float(v) for v in derivation.parameter("mean")])
    proj = np.array(derivation.parameter("projector").tolist(), dtype=float)
    for sigma in (0.7, 0.05):
        cov = sigma**2 * proj + np.eye(len(mean)) - proj
        expected = multivariate_normal(mean, cov).logpdf(x).sum()
        assert float(log_objective(derivation, sigma, 30)) == pytest.approx(expected, rel=1e-10)
        assert float(sp.N(derivation.log_likelihood.subs(SIGMA, sigma))) == pytest.approx(expected, rel=1e-10)


def test_one_dimensional_data():
    assert degenerate_collapse(dim=1).limit_log_likelihood == -sp.oo  # 0, 1, 3 span the line
    assert degenerate_collapse(data=Dataset.from_text("2,2,2")).leading_term == -3 * sp.log(SIGMA)


def test_cli_json_and_text(cli):
    result = cli("derive", "degenerate", "--data", "0,0;1,1;3,3", "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["case"] == "degenerate"
    assert out["limit"] == {"likelihood": "oo", "log_likelihood": "oo"}
    assert out["leading_term"] == "-3*log(sigma)"
    assert out["numeric_trend_agrees"] is True
    assert [c["sigma"] for c in out["numeric_check"]] == ["1e-1", "1e-10", "1e-100", "1e-1000"]
    text = cli("derive", "degenerate", "--dim", "3")
    assert text.exit_code == 0 and "boundary of the parameter space" in text.stdout.lower()
    general = cli("derive", "degenerate", "--data", "0,0;1,0;0,1", "-f", "json")
    assert json.loads(general.stdout)["limit"]["log_likelihood"] == "-oo"


@pytest.mark.parametrize("args, needle", [
    (["--dim", "0"], "--dim"),
    (["--dim", "3", "--data", "0,0;1,1"], "--dim 3"),
    (["--data", "0,0;1"], "ragged"),
    (["--dps", "3"], "--dps"),
])
def test_cli_bad_input(cli, args, needle):
    assert_one_line_error(cli("derive", "degenerate", *args), needle)
