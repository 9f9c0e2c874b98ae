"""Cross-checks with scikit-learn's GaussianMixture (a test-only oracle)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from gmm_math.numerics.datasets import seed_blobs
from gmm_math.numerics.em.fit import fit
from gmm_math.numerics.em.init import init_seed_style
from gmm_math.numerics.em.kernels import sample_log_likelihood
from gmm_math.numerics.em.data import DataSummary

X = seed_blobs()


def _relative(ours, theirs):
    return float(np.max(np.abs(np.asarray(ours) - theirs)) / np.max(np.abs(theirs)))


def _start(seed: int, covariance: str):
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(3) * 3)
    means = X[rng.choice(len(X), size=3, replace=False)]
    if covariance == "spherical":
        return weights, means, rng.uniform(1.0, 30.0, size=3)
    A = rng.normal(size=(3, 2, 2)) * 3
    return weights, means, A @ np.swapaxes(A, 1, 2) + np.eye(2)


def _sklearn_one_step(covariance, weights, means, covs, reg):
    precisions = 1.0 / covs if covariance == "spherical" else np.linalg.inv(covs)
    model = GaussianMixture(3, covariance_type=covariance, max_iter=1, tol=0.0, reg_covar=reg,
                            weights_init=weights, means_init=means, precisions_init=precisions)
    with pytest.warns(ConvergenceWarning):
        model.fit(X)
    return model


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), covariance=st.sampled_from(["full", "spherical"]),
       reg=st.sampled_from([1e-6, 1e-3, 0.5]))
def test_one_iteration_matches_gaussian_mixture(seed, covariance, reg):
    weights, means, covs = _start(seed, covariance)
    model = _sklearn_one_step(covariance, weights, means, covs, reg)
    ours = fit(X, 3, remedy="ridge", reg_covar=reg, covariance=covariance, max_iter=1, tol=0.0,
               weights_init=weights, means_init=means, covariances_init=covs)
    theirs_cov = model.covariances_[:, None, None] * np.eye(2) if covariance == "spherical" else model.covariances_
    assert ours.n_iter == 1
    assert _relative(ours.weights, model.weights_) < 1e-10
    assert _relative(ours.means, model.means_) < 1e-10
    assert _relative(ours.covariances, theirs_cov) < 1e-10
    # per-sample log-likelihood at the fitted parameters = score_samples, and the mean = score
    samples = sample_log_likelihood(X, ours.weights, ours.means, ours.covariances)
    assert _relative(samples, model.score_samples(X)) < 1e-10
    assert abs(ours.score - model.score(X)) <= 1e-10 * abs(model.score(X))


def test_many_iterations_track_gaussian_mixture():
    weights, means, covs = _start(3, "full")
    model = GaussianMixture(3, max_iter=500, tol=1e-6, reg_covar=1e-6, weights_init=weights, means_init=means,
                            precisions_init=np.linalg.inv(covs)).fit(X)
    start = dict(weights_init=weights, means_init=means, covariances_init=covs)
    ours = fit(X, 3, remedy="ridge", max_iter=500, tol=1e-6, **start)
    # scikit-learn tests the likelihood of the parameters before its last M-step, we test the one
    # after it: same rule, one M-step sooner
    assert ours.converged and model.converged_ and ours.n_iter == model.n_iter_ - 1
    same_steps = fit(X, 3, remedy="ridge", max_iter=model.n_iter_, tol=0.0, **start)
    assert _relative(same_steps.means, model.means_) < 1e-9
    assert _relative(same_steps.covariances, model.covariances_) < 1e-9
    assert abs(same_steps.score - model.score(X)) < 1e-10 * abs(model.score(X))


COLLAPSE_SEEDS = [0, 1, 2, 3, 4, 5, 6, 16, 18, 22, 25, 29, 30, 74]


def _sklearn_without_ridge(seed: int):
    start = init_seed_style(X, 3, np.random.default_rng(seed), DataSummary.of(X), "full")
    model = GaussianMixture(3, max_iter=300, tol=1e-6, reg_covar=0.0, weights_init=start.weights,
                            means_init=start.means, precisions_init=np.linalg.inv(start.covariances))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X)
    except ValueError as err:
        assert "ill-defined empirical covariance" in str(err)
        return None
    return model


@pytest.mark.parametrize("seed", COLLAPSE_SEEDS)
def test_collapses_are_where_gaussian_mixture_fails(seed):
    ours = fit(X, 3, init="seed-style", remedy="none", seed=seed, max_iter=300, tol=1e-6)
    model = _sklearn_without_ridge(seed)
    threshold = 1e-6 * DataSummary.of(X).scale
    if model is None:  # scikit-learn raised: we must have stopped at a collapse
        assert ours.collapse is not None and not ours.converged
    elif ours.collapse is None:  # we did not: neither did it, and both reach the same fit
        assert abs(ours.score - model.score(X)) < 1e-6 * abs(model.score(X))
    else:  # we stopped, it ran on: it kept a component below our threshold, a spike on a point
        smallest = np.linalg.eigvalsh(model.covariances_)[:, 0]
        assert smallest[ours.collapse.component] < threshold


def test_collapse_cases_cover_both_outcomes():
    outcomes = {fit(X, 3, init="seed-style", remedy="none", seed=s, max_iter=300).collapse is None
                for s in COLLAPSE_SEEDS}
    assert outcomes == {True, False}
