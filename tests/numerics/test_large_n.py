"""Cost independent of N: the per-point lemma against sympy.limit, bulk exact constants, grouping,
and the truth of what is printed: zero weights, the ratio path, the reset thresholds, C's sum."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gmm_math.derivations.core.arithmetic import decimal_digits, decimal_pi
from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel, OtherComponents
from gmm_math.derivations.mixture import (
    _point_exprs, collapse_constant, mixture_collapse, mixture_log_likelihood, point_lemma,
)
from gmm_math.derivations.remedies.degenerate import affine_rank, degenerate_collapse
from gmm_math.derivations.remedies.ratio import closest_pair
from gmm_math.derivations.remedies.common import component_one, point_table, remedy_model
from gmm_math.derivations.remedies.reset import float64_thresholds, reset_collapse
from gmm_math.derivations.remedies.ridge import _at_zero
from gmm_math.derivations.result import SIGMA
from gmm_math.derivations.symbols import SHOWN_POINTS, TWO_PI, SumWhere, other_density
from gmm_math.numerics.loglik import MPMATH, CollapseTerms

from conftest import assert_one_line_error

VALUES = st.sampled_from([Fraction(v, 2) for v in range(-6, 7)])  # few values: equal points are common


def _data(draw, dim: int, low: int, high: int) -> Dataset:
    rows = draw(st.lists(st.tuples(*[VALUES] * dim), min_size=low, max_size=high))
    return Dataset(tuple(rows))


@st.composite
def models(draw):
    dim = draw(st.sampled_from([1, 2]))
    data = _data(draw, dim, 2, 12)
    point = draw(st.integers(0, data.n - 1))
    components = draw(st.sampled_from([2, 3]))
    covariance = draw(st.sampled_from(["isotropic", "full"])) if dim > 1 else "isotropic"
    return CollapseModel.mixture(data, point, components, covariance=covariance)


# -- the new route against today's per-point sympy.limit ----------------------------------------------------

@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=(Phase.explicit, Phase.reuse, Phase.generate))  # sympy.limit makes shrinking take minutes
@given(models())
def test_lemma_route_agrees_with_per_point_sympy_limit(model):
    """Every distinct point's limit, C and the exact limit: the lemma's instances equal sympy.limit per point."""
    lemma = model.lemma_constants()
    _, vanish, grow = point_lemma()
    per_point = []
    for i in range(len(lemma.count)):
        first, rest = _point_exprs(model, lemma, i)
        expr = sp.log(first + rest).subs(TWO_PI, 2 * sp.pi)
        by_sympy = sp.limit(expr, SIGMA, 0, "+")
        by_lemma = (grow if lemma.along_int[i] == 0 else vanish.subs(sp.Symbol("c", positive=True), rest)).subs(
            TWO_PI, 2 * sp.pi)
        if by_sympy.is_infinite:
            assert by_lemma == by_sympy == sp.oo
        else:
            assert abs(sp.N(by_sympy - by_lemma, 30)) < 1e-25
        per_point.append((lemma.count[i], by_sympy))
    constant, value = collapse_constant(model, lemma)
    finite = sum(count * lim for count, lim in per_point if lim.is_finite)
    if not constant.has(SumWhere):  # a closed form or the exact sum (else C is shown by its definition)
        assert abs(sp.N(constant - finite, 30)) < 1e-20
    assert abs(value - sp.N(finite, 20)) < 1e-9 * (1 + abs(value))
    derivation = mixture_collapse(model.components, data=model.data, point=model.point, covariance=model.covariance)
    assert derivation.limit_log_likelihood == sp.Add(*[count * lim for count, lim in per_point]) == sp.oo
    assert derivation.leading_term == -lemma.total(lemma.growing) * lemma.p * sp.log(SIGMA)


def test_exact_log_likelihood_groups_equal_points():
    model = CollapseModel.mixture(Dataset.from_text("0,1,1,3,0"), 0)
    lemma = model.lemma_constants()
    assert lemma.count == (2, 2, 1) and lemma.growing == (0,)
    assert mixture_log_likelihood(model).has(SIGMA)


# -- bulk exact constants for many points -------------------------------------------------------------------

def _random_csv(tmp_path, n: int, dim: int, seed: int = 1):
    rng = random.Random(seed)
    path = tmp_path / f"d{dim}_{n}.csv"
    path.write_text("\n".join(",".join(f"{rng.gauss(0, 1):.6f}" for _ in range(dim)) for _ in range(n)) + "\n")
    return Dataset.from_csv(path)


@pytest.mark.parametrize("dim, components", [(1, 2), (2, 2), (1, 3)])
def test_large_data_constant_matches_the_mpmath_route(tmp_path, dim, components):
    """C from the derivation (closed form for K = 2, bulk stdlib decimal otherwise) equals the numeric layer's (mpmath)."""
    data = _random_csv(tmp_path, 3000, dim)
    derivation = mixture_collapse(components, data=data, point=5)
    lemma = derivation.model.lemma_constants()
    _, value = collapse_constant(derivation.model, lemma)
    terms = CollapseTerms.from_model(derivation.model, 40)
    with mpmath.workdps(40):
        numeric = mpmath.fsum(c * r for c, r, a in zip(terms.count, terms.rest, lemma.along_int) if a)
        assert abs(numeric - mpmath.mpf(str(value))) < mpmath.mpf(10) ** -8 * abs(numeric)
    assert derivation.limit_log_likelihood == sp.oo
    assert derivation.leading_term == -dim * sp.log(SIGMA)


def test_decimal_pi_matches_mpmath():
    for digits in (15, 30, 75, 200):
        with decimal_digits(digits):
            text = str(decimal_pi())
        with mpmath.workdps(digits + 10):
            assert text == mpmath.nstr(+mpmath.pi, digits, strip_zeros=False)  # correctly rounded


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES), min_size=2, max_size=12), st.integers(2, 4), st.integers(0, 1))
def test_decimal_log_densities_match_mpmath_and_sympy(rows, components, point):
    """Components 2..K in the derivations' arithmetic (decimal) against the numeric layer's (mpmath) and SymPy."""
    model = CollapseModel.mixture(Dataset(tuple(rows)), point, components=components)
    with decimal_digits(40):
        decimal_logs = OtherComponents.from_model(model).log_densities(model)
        one = OtherComponents.from_model(model).log_density(model.lemma_constants().rows[-1])
    with mpmath.workdps(40):
        mp_logs = OtherComponents.from_model(model, MPMATH).log_densities(model)
        for dec, mpf, row in zip(decimal_logs, mp_logs, model.lemma_constants().rows):
            exact = sp.log(other_density(model, row)).evalf(45)
            assert abs(mpmath.mpf(str(dec)) - mpf) <= mpmath.mpf(10) ** -35 * max(1, abs(mpf))
            assert abs(mpf - mpmath.mpf(str(exact))) <= mpmath.mpf(10) ** -35 * max(1, abs(mpf))
        assert abs(mpmath.mpf(str(one)) - mp_logs[-1]) <= mpmath.mpf(10) ** -35 * max(1, abs(mp_logs[-1]))


@pytest.mark.parametrize("components, eps", [(2, Fraction(1, 10**6)), (3, Fraction(1, 100)), (2, Fraction(5))])
def test_ridge_bulk_limit_and_slope_match_sympy(components, eps):
    """Past SHOWN_POINTS the ridge limit (60 digits, decimal) and slope equal SymPy's exact sum and derivative."""
    rng = random.Random(7)
    data = Dataset(tuple((Fraction(round(rng.gauss(0, 1) * 1000), 1000),) for _ in range(20)))
    model = remedy_model(data, 1, 3, components, variance_shift=eps)
    limit, slope = _at_zero(model, sp.Rational(eps.numerator, eps.denominator))
    s = sp.Symbol("s", positive=True)
    exact = sp.Add(*[count * sp.log(component_one(model, s + sp.Rational(eps), q) + rest)
                     for _, count, q, rest in point_table(model)])
    assert abs(limit - exact.subs(s, 0).evalf(70)) < sp.Float(10, 70) ** -55 * abs(limit)
    exact_slope = sp.diff(exact, s).subs(s, 0).evalf(40)
    assert abs(slope - exact_slope) < sp.Float(10) ** -13 * abs(exact_slope)
    assert len(model.data.counts) > SHOWN_POINTS


def test_dataset_integer_route_matches_fractions():
    data = Dataset.from_text("0.5,1;-0.25,3;0.5,1;2,0.125")
    mean = tuple(sum(col) / data.n for col in zip(*data.rows))
    assert data.mean() == mean
    assert data.mean_variance() == sum(sum((a - m) ** 2 for a, m in zip(row, mean)) for row in data.rows) / 8
    assert data.squared_distances(1) == tuple(sum((a - c) ** 2 for a, c in zip(row, data.rows[1]))
                                              for row in data.rows)
    assert data.multiplicity(0) == 2 and data.groups[0] == (data.rows[0], 2)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES), min_size=2, max_size=25))
def test_closest_pair_matches_brute_force(rows):
    data = Dataset(tuple(rows))
    distinct = list(data.counts)
    if len(distinct) < 2:
        return
    brute = min(sum((a - b) ** 2 for a, b in zip(p, q)) for i, p in enumerate(distinct) for q in distinct[i + 1:])
    assert closest_pair(data) == brute


def test_affine_rank_of_many_points_without_an_n_by_d_sympy_matrix():
    """3,000 points in D = 4 on a 2-D affine plane: rank 2 exactly, as numpy says; the projector kills them."""
    rng = random.Random(3)
    base = [Fraction(rng.randint(-9, 9), 4) for _ in range(4)]
    u = [Fraction(rng.randint(-9, 9)) for _ in range(4)]
    v = [Fraction(rng.randint(-9, 9)) for _ in range(4)]
    rows = tuple(tuple(b + s * ui + t * vi for b, ui, vi in zip(base, u, v))
                 for s, t in ((Fraction(rng.randint(-99, 99), 8), Fraction(rng.randint(-99, 99), 8))
                              for _ in range(3000)))
    data = Dataset(rows)
    assert affine_rank(data) == 2 == np.linalg.matrix_rank(np.array(rows, dtype=float) - np.mean(
        np.array(rows, dtype=float), axis=0))
    derivation = degenerate_collapse(data=data)
    projector, mean = derivation.parameter("projector"), derivation.parameter("mean")
    for row in rows[:50]:
        centred = sp.Matrix([sp.Rational(a) for a in row]) - mean
        assert projector * centred == sp.zeros(4, 1)
    assert derivation.leading_term == -3000 * 2 * sp.log(SIGMA)


# -- truth in what is printed -------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("derive", "mixture", "--data", "0,1,3", "--weights", "1,0"),
    ("derive", "mixture", "--data", "0,1,3", "-k", "3", "--weights", "0.5,0.5,0"),
    ("derive", "remedy", "map", "--data", "0,1,3", "--weights", "1,0"),
    ("derive", "remedy", "ridge", "--data", "0,1,3", "--weights", "1,0"),
    ("evaluate", "--data", "0,1,3", "--weights", "1,0", "--sigma", "1e-300"),
    ("plot-limit", "--data", "0,1,3", "--weights", "1,0"),
    ("plot-collapse", "--data", "0,1,3", "--weights", "1,0"),
])
def test_a_zero_weight_is_refused_the_same_way_everywhere(cli, args):
    assert_one_line_error(cli(*args), "= 0 removes component")


def test_ratio_collapse_path_prints_every_mean(cli_json):
    out = cli_json("derive", "remedy", "ratio", "--data", "0,0;1,0.5;3,2;3,3;-1,2", "--c", "0.2",
                   "--components", "3", "--format", "json")
    path = next(s for s in out["steps"] if s["title"] == "The collapse path")
    assert len(path["sympy"]) == 3 and not any(e == "False" for e in path["sympy"])
    assert all("Matrix" in e for e in path["sympy"])


@pytest.mark.parametrize("dim", [1, 2])
def test_reset_names_the_subnormal_and_the_exact_zero_points(dim):
    """exp(-q/(2 sigma^2)) is 2^-1074 at sigma_subnormal and 2^-1075 at sigma_underflow; 0.0 only below the latter."""
    model = reset_collapse(dim=dim).model
    thresholds = float64_thresholds(model)
    q = dim  # the nearest other example point (1, ..., 1) is at squared distance D from x_n = 0
    with mpmath.workdps(40):
        for name, power in (("subnormal", 1074), ("underflow", 1075)):
            level = mpmath.exp(-q / (2 * mpmath.mpf(sp.N(thresholds[name], 50)) ** 2))
            assert mpmath.almosteq(level, mpmath.mpf(2) ** -power, rel_eps=mpmath.mpf(10) ** -30)
    low, high = float(thresholds["underflow"]), float(thresholds["subnormal"])
    assert 0.99 * high < low < high
    with np.errstate(under="ignore"):
        assert np.exp(-q / (2 * (low * (1 + 1e-9)) ** 2)) == 2.0 ** -1074  # between the two: still the subnormal
        assert np.exp(-q / (2 * (low * (1 - 1e-9)) ** 2)) == 0.0
        assert np.exp(-q / (2 * (high * (1 + 1e-6)) ** 2)) > 0


def test_reset_text_says_which_threshold_is_which(cli_json):
    out = cli_json("derive", "remedy", "reset", "--data", "0,1,3", "--format", "json")
    guard = next(s for s in out["steps"] if s["title"] == "What the reset guards against")
    assert "smallest subnormal" in guard["text"] and "exactly 0.0" in guard["text"]
    assert [e.split(",")[0] for e in guard["sympy"]] == ["Eq(sigma_overflow", "Eq(sigma_subnormal",
                                                          "Eq(sigma_underflow"]


def test_symbolic_constant_sums_over_the_points_other_than_x_n(cli_json):
    out = cli_json("derive", "mixture", "--format", "json")
    bound = next(s for s in out["steps"] if s["title"] == "Lower bound")
    assert r"\neq" in bound["latex"] and "Ne(x[m], x[n])" in bound["sympy"][0]
    assert "N - 1" not in bound["sympy"][0] and "N - r" not in bound["sympy"][0]


def test_limits_step_says_what_it_shows(cli_json):
    out = cli_json("derive", "mixture", "--data", "0,1,3", "--format", "json")
    limits = out["steps"][-1]
    assert limits["title"] == "Limits" and "tends to oo" in limits["text"]
    assert out["leading_term"] == "-log(sigma)" and out["limit"]["log_likelihood"] == "oo"
    assert not any("False" in e for s in out["steps"] for e in s["sympy"])


def test_evaluate_header_comes_from_the_model_itself():
    """r = 2 points at x_n: the mixture's leading term -2 log(sigma), its slope limit -2, the rows agree."""
    from gmm_math.numerics.sweep import evaluate_table

    table = evaluate_table(Dataset.from_text("0,0,1,3"), 0, sigmas=["1e-300"], components=3)
    assert table.leading["mixture"] == -2 * sp.log(SIGMA) and table.rate_limits["slope_mixture"] == -2
    assert table.limits == {"single": -sp.oo, "mixture": sp.oo}
    assert table.rows[0].log_likelihood_mixture > 0 and abs(table.rows[0].slope_mixture + 2) < 1e-6


def test_trend_check_on_a_large_sample_and_it_can_fail(tmp_path):
    """1,000 normal points: log L dips from sigma = 0.1 to 1e-10, then grows; the check agrees, a wrong limit not."""
    from dataclasses import replace

    from gmm_math.numerics.confirm import confirm, trend_agrees

    derivation = mixture_collapse(data=_random_csv(tmp_path, 1000, 1))
    check = confirm(derivation, 20)
    assert check.values[1] < check.values[0] and check.agrees
    assert not confirm(replace(derivation, limit_log_likelihood=-sp.oo), 20).agrees
    assert not trend_agrees(list(check.values[:3]) + [check.values[1]], sp.oo, 20)
