"""The vectorised E-step and sufficient statistics against independent routes (scipy, plain numpy)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from gmm_math.numerics.em import kernels as em_kernels
from gmm_math.numerics.em.kernels import columns, e_step, sample_log_likelihood, sufficient_stats


def _random_mixture(rng: np.random.Generator, n: int, dim: int, k: int):
    X = rng.normal(size=(n, dim)) * rng.uniform(0.5, 5.0, size=dim) + rng.normal(size=dim) * 3
    weights = rng.dirichlet(np.ones(k))
    means = X[rng.choice(n, size=k, replace=False)]
    A = rng.normal(size=(k, dim, dim))
    covariances = A @ np.swapaxes(A, 1, 2) + rng.uniform(0.1, 2.0) * np.eye(dim)
    return X, weights, means, covariances


def _scipy_weighted_log_densities(X, weights, means, covariances):
    return np.stack([np.log(w) + multivariate_normal(m, c).logpdf(X).reshape(-1)
                     for w, m, c in zip(weights, means, covariances)])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 60), dim=st.integers(1, 7), k=st.integers(1, 4))
def test_e_step_matches_scipy(seed, n, dim, k):
    rng = np.random.default_rng(seed)
    k = min(k, n)
    X, weights, means, covariances = _random_mixture(rng, n, dim, k)
    reference = _scipy_weighted_log_densities(X, weights, means, covariances)
    total = logsumexp(reference, axis=0)
    est = e_step(columns(X), weights, means, covariances)
    np.testing.assert_allclose(est.sample_log_likelihood, total, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(est.resp, np.exp(reference - total), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(est.resp.sum(axis=0), 1.0, rtol=1e-14)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 60), dim=st.integers(1, 7), k=st.integers(1, 4))
def test_sufficient_stats_match_plain_numpy(seed, n, dim, k):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, dim)) * 4 + 10
    resp = rng.dirichlet(np.ones(k), size=n).T
    stats = sufficient_stats(columns(X), resp)
    for c in range(k):
        r = resp[c]
        centroid = r @ X / r.sum()
        dev = X - centroid
        np.testing.assert_allclose(stats.counts[c], r.sum(), rtol=1e-13)
        np.testing.assert_allclose(stats.centroids[c], centroid, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(stats.scatter[c], (dev * r[:, None]).T @ dev, rtol=1e-10, atol=1e-10)


def test_row_and_matmul_kernels_agree(monkeypatch):
    rng = np.random.default_rng(7)
    X, weights, means, covariances = _random_mixture(rng, 200, 3, 3)
    resp = rng.dirichlet(np.ones(3), size=200).T
    rows = (e_step(columns(X), weights, means, covariances), sufficient_stats(columns(X), resp))
    monkeypatch.setattr(em_kernels, "_ROWWISE_MAX_DIM", 0)
    matmul = (e_step(columns(X), weights, means, covariances), sufficient_stats(columns(X), resp))
    np.testing.assert_allclose(rows[0].sample_log_likelihood, matmul[0].sample_log_likelihood, rtol=1e-13)
    np.testing.assert_allclose(rows[1].scatter, matmul[1].scatter, rtol=1e-12)


def test_far_points_do_not_underflow_the_log_likelihood():
    # a density of exp(-5e5) is 0 in float64; its logarithm is still exact in log space
    X = np.array([[0.0, 0.0], [1000.0, 0.0]])
    weights, means, covariances = np.array([1.0]), np.zeros((1, 2)), np.eye(2)[None]
    value = sample_log_likelihood(X, weights, means, covariances)
    expected = -np.log(2 * np.pi) - 0.5 * np.array([0.0, 1e6])
    np.testing.assert_allclose(value, expected, rtol=1e-15)
