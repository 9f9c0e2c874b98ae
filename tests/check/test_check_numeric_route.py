"""The checker's numeric route (numerics/check/evidence.py): no false alarm from free indices, no missed
error from an absolute tolerance or from sampling only moderate scales, no impossible counterexample.

Every value a test asserts on is recomputed here by a second route (float64 math or exact Fractions).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import mpmath as mp
import pytest
import sympy as sp

from gmm_math.derivations.check.parser import Context
from gmm_math.numerics.check.evidence import (
    EXTREME_INSTANCES,
    Sample,
    close,
    data_key,
    instances,
    relation_check,
    sample_value,
)
from gmm_math.numerics.check.runner import check_equal, check_limit, check_steps

SEEDS = range(6)


def equal(lhs, rhs, assume=(), seed=0):
    return check_equal(lhs, rhs, assume, timeout=None, seed=seed)["report"]


def steps(text, seed=0):
    return check_steps(text, timeout=None, seed=seed)["report"]


def verdicts(text, seed=0):
    return [line["verdict"] for line in steps(text, seed)["lines"]]


# ----------------------------------------------------------------------------------------------
# 1. free indices are drawn within their range and tied to the data

FREE_INDEX_BOUNDS = [
    "sum(x_m^2, m=1..N) >= x_n^2",
    "sum((x_m - mu)^2, m=1..N, m != n) >= 0",
    "sum(log(pi_1*N(x_m | x_n, sigma^2) + pi_2*N(x_m | mu_2, 1)), m=1..N) >= log(pi_1*N(x_n | x_n, sigma^2))"
    " + sum(log(pi_2*N(x_m | mu_2, 1)), m=1..N, m != n)",
    "log(sum(pi_k*N(x_n | mu_k, sigma_k^2), k=1..K)) >= log(pi_j*N(x_n | mu_j, sigma_j^2))",
    "log(pi_1*N(x_1 | mu_1, sigma_1^2) + pi_2*N(x_1 | mu_2, sigma_2^2)) >= log(pi_j*N(x_1 | mu_j, sigma_j^2))",
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("line", FREE_INDEX_BOUNDS)
def test_a_true_bound_with_a_free_index_is_no_false_alarm(line, seed):
    assert verdicts(f"assume: sigma > 0\n{line}\n", seed) == ["assumption", "implied"]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_planted_error_with_a_free_index_is_still_found(seed):
    found = steps("sum(x_m^2, m=1..N) >= 2*x_n^2\n", seed)
    assert found["lines"][0]["verdict"] == "fails"
    point = found["counterexample"]["point"]
    n = int(point["n"])
    xs = {int(name[2:]): float(value) for name, value in point.items() if name.startswith("x_")}
    assert 1 <= n <= int(point["N"]) and n in xs  # x_n is one of the data, x[n]
    assert sum(x * x for x in xs.values()) < 2 * xs[n] ** 2  # and the bound really fails there (float64)


def test_a_counterexample_takes_x_n_from_the_data():
    """At N = 1 the only n is 1 and both sides agree: the counterexample has N >= 2 and x_n = x[n]."""
    found = equal("sum(log N(x_n|mu,sigma^2), n=1..N)", "N*log N(x_n|mu,sigma^2)")
    assert found["verdict"] == "fails"
    at = found["counterexample"]["point"]
    assert int(at["N"]) >= 2 and f"x_{at['n']}" in at and "x_n" not in at
    for entry in found["numeric"]:
        if entry["at"].get("N") == "1":
            assert entry["agrees"] is True


def test_a_free_index_runs_over_its_count():
    x_n, n = sp.Symbol("x_n", real=True), sp.Symbol("n", integer=True, positive=True)
    big_n, big_k = sp.Symbol("N", integer=True, positive=True), sp.Symbol("K", integer=True, positive=True)
    mu_j = sp.Symbol("mu_j", real=True)
    samples, tried = instances([x_n + big_n, mu_j + big_k], random.Random(0))
    assert "N = 1, 2, 3, 5, 8" in tried
    for sample in samples:
        assert 1 <= sample[n] <= sample[big_n]
        assert 1 <= sample[sp.Symbol("j", integer=True, positive=True)] <= sample[big_k]


def test_without_a_count_an_index_stays_among_the_numbered_names():
    """mu_1, mu_2 and mu_j: j is 1 or 2 (a sum k=1..2 counts as well); no name at all: 1..3."""
    context = Context()
    j = sp.Symbol("j", integer=True, positive=True)
    for text in ("mu_1 + mu_2 + mu_j", "sum(mu_k, k=1..2) + mu_j"):
        samples, _ = instances([context.parse(text)], random.Random(1))
        assert {int(sample[j]) for sample in samples} == {1, 2}
    samples, _ = instances([context.parse("mu_j")], random.Random(1))
    assert {int(sample[j]) for sample in samples} == {1, 2, 3}


def test_data_keys_name_one_value_per_index():
    n, k = sp.Symbol("n", integer=True, positive=True), sp.Symbol("k", integer=True, positive=True)
    values = {n: mp.mpf(2), k: mp.mpf(1)}
    r = sp.IndexedBase("r")
    assert data_key(sp.Symbol("x_n"), values) == "x_2" == data_key(sp.IndexedBase("x")[n], values)
    assert data_key(sp.Symbol("r_nk"), values) == data_key(sp.Symbol("r_2k"), values) == "r_2,1"
    assert data_key(r[n, k], values) == data_key(r[2, 1], values) == "r_2,1"
    assert data_key(sp.Symbol("x_j"), values) is None  # j has no value here
    assert data_key(sp.Symbol("x_12"), {}) == "x_12"


def test_responsibilities_are_indexed_by_both_indices():
    found = equal("sum(r_nk, n=1..N)", "r_1k + sum(r_nk, n=2..N)")
    assert found["verdict"] == "holds" and found["counterexample"] is None
    assert equal("sum(r_nk, n=1..N)", "r_1k + sum(r_nk, n=1..N)")["verdict"] == "fails"


def test_responsibilities_lie_in_0_1_and_sum_to_one_over_k():
    assert equal("sum(r_nk, k=1..K)", "1")["verdict"] == "holds"
    found = equal("sum(r_nk, k=1..K)", "2")
    assert found["verdict"] == "fails"
    for entry in found["numeric"]:
        row = [Fraction(value) for name, value in entry["at"].items() if name.startswith("r_")]
        assert all(0 < value < 1 for value in row) or row == [1]
        assert math.isclose(float(entry["lhs"]), 1.0, rel_tol=1e-12)


# ----------------------------------------------------------------------------------------------
# 2. the tolerance is relative; a rounding residue is told from a true small value


def test_close_is_relative():
    with mp.workdps(30):
        assert not close(mp.mpf("1e-35"), mp.mpf("1e-36"), 30)
        assert not close(mp.mpf("1e-40"), mp.mpf(0), 30)
        assert close(mp.mpf(1) + mp.mpf("1e-20"), mp.mpf(1), 30)
        assert close(mp.mpf(0), mp.mpf(0), 30)
        assert close(mp.inf, mp.inf, 30) and not close(mp.inf, mp.mpf(10) ** 100, 30)


def test_a_residue_shrinks_with_the_digits_and_a_true_value_does_not():
    residue, twice = mp.mpf("1.3e-30"), mp.mpf("2.1e-60")
    assert close(residue, mp.mpf(0), 30, (twice, mp.mpf(0)))
    assert not close(mp.mpf("1e-40"), mp.mpf(0), 30, (mp.mpf("1e-40"), mp.mpf(0)))


def test_a_residue_is_equal_in_relation_checks():
    x = sp.Symbol("x", real=True)
    big = sp.Integer(10) ** 5
    lhs = (x + big) ** 2 - x**2 - 2 * big * x - big**2  # 0, computed by cancelling terms of size 1e10
    sample = Sample(random.Random(0), {x: Fraction(1677, 1000)}, 30)
    assert relation_check(lhs, sp.S.Zero, "=", sample).holds is True
    assert relation_check(lhs, sp.S.Zero, ">=", sample).holds is True
    tiny = relation_check(lhs + sp.Rational(1, 10**30), sp.S.Zero, "=", sample)  # below the noise at 30 digits
    assert tiny.holds is False and math.isclose(float(tiny.lhs), 1e-30, rel_tol=1e-9)


@pytest.mark.parametrize(("lhs", "rhs", "verdict"), [
    ("10^(-40)", "0", "fails"),
    ("sigma*10^(-35)", "sigma*10^(-36)", "fails"),
    ("(x+1)^2 - x^2 - 2*x", "1", "holds"),
    ("exp(-200)", "0", "fails"),
])
def test_tiny_values_are_compared_relatively(lhs, rhs, verdict):
    assert equal(lhs, rhs)["verdict"] == verdict


@pytest.mark.parametrize("wrong", ["0", "10*exp(-200)/(sqrt(2*pi)*sigma)"])
def test_a_far_point_density_is_not_zero(wrong):
    text = f"assume: sigma > 0\nassume: x = mu + 20*sigma\nN(x | mu, sigma^2) = {wrong}\n"
    found = steps(text)
    assert found["lines"][-1]["verdict"] == "fails"
    sigma = float(found["counterexample"]["point"]["sigma"])
    density = math.exp(-200) / (math.sqrt(2 * math.pi) * sigma)
    assert math.isclose(float(found["counterexample"]["lhs"]), density, rel_tol=1e-12)
    assert verdicts(f"assume: sigma > 0\nassume: x = mu + 20*sigma\n"
                    f"N(x | mu, sigma^2) = exp(-200)/(sqrt(2*pi)*sigma)\n")[-1] == "equal"


# ----------------------------------------------------------------------------------------------
# 3. bounds that fail only at small scales are refuted at every seed


@pytest.mark.parametrize("seed", SEEDS)
def test_a_density_is_not_bounded_by_one(seed):
    found = steps("assume: sigma > 0\nN(x_n | mu, sigma^2) <= 1\n", seed)
    assert found["lines"][-1]["verdict"] == "fails"
    point = found["counterexample"]["point"]
    x, mu, sigma = float(point[f"x_{point['n']}"]), float(point["mu"]), float(point["sigma"])
    density = math.exp(-(x - mu) ** 2 / (2 * sigma**2)) / math.sqrt(2 * math.pi * sigma**2)
    assert density > 1 and math.isclose(float(found["counterexample"]["lhs"]), density, rel_tol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_ridge_bound_without_eps_fails_and_with_eps_holds(seed):
    head = "assume: eps > 0\nassume: v >= 0\n"
    wrong = steps(head + "N(x | mu, (v + eps)*I_D) <= (2*pi)^(-D/2)\n", seed)
    assert wrong["lines"][-1]["verdict"] == "fails"
    point = wrong["counterexample"]["point"]
    d, v, eps = int(point["D"]), float(point["v"]), float(point["eps"])
    x, mu = float(point["x"]), float(point["mu"])
    log_density = -d * math.log(2 * math.pi * (v + eps)) / 2 - (x - mu) ** 2 / (2 * (v + eps))
    assert log_density > -d * math.log(2 * math.pi) / 2
    assert verdicts(head + "N(x | mu, (v + eps)*I_D) <= (2*pi*eps)^(-D/2)\n", seed)[-1] == "implied"


def test_extreme_instances_reach_small_and_large_scales():
    sigma, x, mu = sp.Symbol("sigma", positive=True), sp.Symbol("x", real=True), sp.Symbol("mu", real=True)
    samples, tried = instances([sigma + x + mu], random.Random(0))
    assert len(samples) == 8 + len(EXTREME_INSTANCES) and "1e-6 .. 1e3" in tried
    sigmas, equal_data = [], 0
    for sample in samples:
        for node in (sigma, x, mu):
            sample.generate(node, node)
        sigmas.append(sample.exact[sigma])
        equal_data += sample.exact[x] == sample.exact[mu]
    assert min(sigmas) < Fraction(1, 10**5) and max(sigmas) > 100 and equal_data >= 2


# ----------------------------------------------------------------------------------------------
# 4. sample points respect what names mean


def test_weights_and_covariances_are_sampled_in_their_domain():
    rng = random.Random(0)
    weight, covariance = sp.Symbol("pi_1", positive=True), sp.Symbol("Sigma_k", real=True)
    assert all(0 < sample_value(weight, rng) < 1 for _ in range(200))
    assert all(sample_value(covariance, rng) > 0 for _ in range(200))


def test_check_limit_draws_weights_in_0_1():
    found = check_limit("log(pi_1*N(x_1|mu_1,sigma^2)+pi_2*N(x_1|mu_2,1))", "sigma", "0+", "oo",
                        timeout=None)["report"]
    assert found["verdict"] == "fails"
    points = [entry["at"] for entry in found["numeric"]] + [found["counterexample"]["point"]]
    for point in points:
        assert all(0 < float(point[name]) < 1 for name in ("pi_1", "pi_2"))


def test_a_covariance_is_not_refuted_at_a_negative_value():
    found = equal("log|Sigma_k|", "log(det(Sigma_k))")
    assert found["verdict"] == "holds" and found["counterexample"] is None
