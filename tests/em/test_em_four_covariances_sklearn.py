"""One EM step from the same start matches scikit-learn's GaussianMixture to 1e-12, for its four covariance types."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from gmm_math.numerics.datasets import seed_blobs
from gmm_math.numerics.em.fit import fit

X = seed_blobs()
K = 3


def _relative(ours, theirs) -> float:
    return float(np.max(np.abs(np.asarray(ours) - theirs)) / np.max(np.abs(theirs)))


def _start(seed: int, covariance: str):
    """A random start in scikit-learn's shapes (covariances) and as full matrices (ours)."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(K) * 3)
    means = X[rng.choice(len(X), size=K, replace=False)]
    A = rng.normal(size=(K, 2, 2)) * 3
    full = A @ np.swapaxes(A, 1, 2) + np.eye(2)
    theirs = {"full": full, "diag": np.diagonal(full, axis1=1, axis2=2).copy(),
              "spherical": np.trace(full, axis1=1, axis2=2) / 2, "tied": full[0]}[covariance]
    return weights, means, theirs


def _precisions(covariance: str, covs: np.ndarray) -> np.ndarray:
    return 1.0 / covs if covariance in ("diag", "spherical") else np.linalg.inv(covs)


def _as_full(covariance: str, covs: np.ndarray) -> np.ndarray:
    shaped = {"full": lambda: covs, "tied": lambda: np.repeat(covs[None], K, axis=0),
              "diag": lambda: covs[:, :, None] * np.eye(2), "spherical": lambda: covs[:, None, None] * np.eye(2)}
    return shaped[covariance]()


@settings(max_examples=16, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), covariance=st.sampled_from(["full", "diag", "spherical", "tied"]),
       reg=st.sampled_from([1e-6, 1e-3, 0.5]))
def test_one_step_matches_scikit_learn_for_all_four_types(seed, covariance, reg):
    weights, means, covs = _start(seed, covariance)
    model = GaussianMixture(K, covariance_type=covariance, max_iter=1, tol=0.0, reg_covar=reg,
                            weights_init=weights, means_init=means, precisions_init=_precisions(covariance, covs))
    with pytest.warns(ConvergenceWarning):
        model.fit(X)
    ours = fit(X, K, remedy="ridge", reg_covar=reg, covariance=covariance, max_iter=1, tol=0.0,
               weights_init=weights, means_init=means, covariances_init=covs)
    assert ours.n_iter == 1
    assert _relative(ours.weights, model.weights_) < 1e-12
    assert _relative(ours.means, model.means_) < 1e-12
    assert _relative(ours.covariances, _as_full(covariance, model.covariances_)) < 1e-12
    assert abs(ours.log_likelihood[-1] / len(X) - model.score(X)) < 1e-12 * abs(model.score(X))


@pytest.mark.parametrize("covariance", ["diag", "tied"])
def test_diag_and_tied_fits_keep_their_structure(covariance):
    result = fit(X, 3, covariance=covariance, seed=1)
    covs = result.covariances
    if covariance == "diag":
        assert np.all(covs[:, 0, 1] == 0) and np.all(covs[:, 1, 0] == 0)
    else:
        assert np.array_equal(covs, np.repeat(covs[:1], 3, axis=0))
