"""fit(): options, bad input, determinism, records, coincident points, random data that must never crash."""

from __future__ import annotations


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.datasets import seed_blobs
from gmm_math.numerics.em.fit import COVARIANCE_TYPES, INITS, REMEDIES, fit
from gmm_math.numerics.em.data import DataSummary

X = seed_blobs()


@pytest.mark.parametrize("kwargs, needle", [
    ({"components": 0}, "from 1 to N=500"),
    ({"components": 501}, "from 1 to N=500"),
    ({"components": 2.5}, "integer"),
    ({"init": "forgy"}, "unknown init 'forgy'"),
    ({"remedy": "magic"}, "unknown remedy 'magic'"),
    ({"covariance": "banded"}, "unknown covariance 'banded'"),
    ({"reg_covar": 0.0}, "reg_covar"),
    ({"reg_covar": -1e-3}, "reg_covar"),
    ({"reg_covar": float("nan")}, "reg_covar"),
    ({"min_ratio": 0.0}, "min_ratio"),
    ({"min_ratio": 1.5}, "min_ratio"),
    ({"tol": -1.0}, "tol"),
    ({"max_iter": 0}, "max_iter"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"seed": 1.5}, "seed must be a non-negative integer"),
    ({"means_init": np.zeros((3, 3))}, "means_init has shape (3, 3)"),
    ({"means_init": np.zeros((2, 2))}, "means_init has shape (2, 2)"),
    ({"covariances_init": np.ones((3, 3, 3))}, "covariances_init has shape"),
    ({"covariances_init": np.repeat(-np.eye(2)[None], 3, axis=0)}, "positive definite"),
    ({"covariances_init": np.repeat(np.array([[1.0, 2.0], [0.0, 1.0]])[None], 3, axis=0)}, "symmetric"),
    ({"weights_init": [0.5, 0.5, 0.5]}, "sum to 1"),
    ({"weights_init": [1.0, 0.0]}, "weights_init has shape"),
    ({"means_init": [[np.nan, 0.0]] * 3}, "NaN"),
])
def test_bad_options_raise_one_error(kwargs, needle):
    options = {"components": 3, **kwargs}
    components = options.pop("components")
    with pytest.raises(GmmMathError) as info:
        fit(X, components, **options)
    assert needle in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("data, needle", [
    (np.array([[1.0, 2.0]]), "1 point(s)"),
    (np.array([[1.0, np.nan], [2.0, 3.0]]), "row 0"),
    (np.array([[1.0, 2.0], [np.inf, 3.0], [1.0, 1.0]]), "row 1"),
    ([[1.0, 2.0], [3.0]], "rows of equal length"),
    (np.zeros((2, 2, 2)), "shape (N, D)"),
    (np.ones((5, 2)), "all data points are equal"),
    (np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [5.0, 5.0]]), "span 1 of 2 dimensions exactly"),
    ("abc", "numbers"),
])
def test_bad_data_raise_one_error(data, needle):
    with pytest.raises(GmmMathError) as info:
        fit(data, 1, remedy="none")
    assert needle in str(info.value)


def test_collinear_data_fit_with_spherical_covariances():
    line = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [5.0, 5.0], [6.0, 6.0]])
    result = fit(line, 2, covariance="spherical", seed=0)
    assert result.converged and np.isfinite(result.log_likelihood).all()


def test_same_seed_same_fit_and_seeds_matter():
    for init in INITS:
        a = fit(X, 3, init=init, remedy="reset", seed=11, max_iter=30)
        b = fit(X, 3, init=init, remedy="reset", seed=11, max_iter=30)
        assert a.log_likelihood == b.log_likelihood and np.array_equal(a.covariances, b.covariances)
    starts = {tuple(fit(X, 3, init="random-points", seed=s, max_iter=1).history[0].means.ravel()) for s in range(4)}
    assert len(starts) == 4


def test_seed_style_start_is_the_classic_one():
    start = fit(X, 3, init="seed-style", seed=5, max_iter=1).history[0]
    low, high = np.floor(X[:, 0].min()), np.ceil(X[:, 0].max())
    assert np.all(start.means == np.round(start.means)) and low <= start.means.min() <= start.means.max() < high
    assert np.array_equal(start.covariances, np.repeat(5 * np.eye(2)[None], 3, axis=0))
    assert np.array_equal(start.weights, np.full(3, 1 / 3))


def test_history_records_every_iteration():
    result = fit(X, 3, seed=1, max_iter=15, tol=0.0)
    assert result.n_iter == 15 and len(result.history) == 16 and len(result.log_likelihood) == 16
    for record in result.history:
        assert record.weights.shape == (3,) and record.means.shape == (3, 2)
        assert record.covariances.shape == (3, 2, 2) and record.min_eigenvalues.shape == (3,)
        assert abs(record.effective_counts.sum() - len(X)) < 1e-9 * len(X)
        np.testing.assert_allclose(record.min_eigenvalues, np.linalg.eigvalsh(record.covariances)[:, 0])
    assert result.log_likelihood == [r.log_likelihood for r in result.history]


def test_spherical_covariances_stay_spherical():
    result = fit(X, 3, covariance="spherical", seed=0, max_iter=1000)
    off = result.covariances - (np.trace(result.covariances, axis1=1, axis2=2) / 2)[:, None, None] * np.eye(2)
    assert result.converged and np.all(off == 0)


def test_collapse_onto_coincident_points_reports_them():
    rng = np.random.default_rng(0)
    data = np.vstack([rng.normal(size=(60, 2)), np.repeat([[30.0, 30.0]], 3, axis=0)])
    means = np.array([[0.0, 0.0], [30.0, 30.0]])
    covs = np.array([np.eye(2), 0.01 * np.eye(2)])
    result = fit(data, 2, remedy="none", weights_init=[0.9, 0.1], means_init=means, covariances_init=covs)
    c = result.collapse
    assert c.component == 1 and c.coincident == 3 and c.point == (30.0, 30.0) and c.point_index >= 60
    assert round(c.weight * len(data), 6) == 3 and c.iteration == 1


def test_one_dimensional_data():
    data = np.concatenate([np.linspace(0, 1, 20), np.linspace(10, 12, 30)])
    result = fit(data, 2, seed=0)
    assert result.converged and result.means.shape == (2, 1)
    assert sorted(np.round(result.weights, 6)) == [0.4, 0.6]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 40), dim=st.integers(1, 3), k=st.integers(1, 5),
       remedy=st.sampled_from(sorted(REMEDIES)), init=st.sampled_from(sorted(INITS)),
       covariance=st.sampled_from(COVARIANCE_TYPES), duplicates=st.integers(0, 5))
def test_random_data_never_crash(seed, n, dim, k, remedy, init, covariance, duplicates):
    """Whatever the data and options: a result or one GmmMathError; no LinAlgError, NaN or warning."""
    rng = np.random.default_rng(seed)
    data = np.round(rng.normal(size=(n, dim)) * rng.uniform(0.01, 100), 2)
    data = np.vstack([data, data[:1].repeat(duplicates, axis=0)])
    try:
        result = fit(data, min(k, len(data)), remedy=remedy, init=init, covariance=covariance, seed=seed,
                     max_iter=40)
    except GmmMathError as err:
        assert "\n" not in str(err)
        return
    assert np.isfinite(result.log_likelihood).all() and np.isfinite(result.weights).all()
    assert np.isfinite(result.means).all() and np.isfinite(result.covariances).all()
    threshold = 1e-6 * DataSummary.of(data).scale
    stopped = result.collapse is not None and result.history[-1].log_likelihood is None
    evaluated = result.history if not stopped else result.history[:-1]
    if remedy not in ("ridge", "restart", "reset") and result.collapse is None:
        # every component that went below the threshold is reported as small (not collapsed)
        small = {item.component for item in result.small}
        assert all(set(np.flatnonzero(~(r.min_eigenvalues >= threshold))) <= small for r in evaluated[1:])


def test_kmeans_plus_plus_assignment_in_blocks(monkeypatch):
    from gmm_math.numerics.em import init as em_init

    centres = X[[0, 100, 200]]
    whole = np.argmin(((X[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    monkeypatch.setattr(em_init, "_CHUNK", 7)
    assert np.array_equal(em_init.nearest_centre(X, centres), whole)
    start = fit(X, 3, seed=3, max_iter=1).history[0]
    assert abs(start.weights.sum() - 1) < 1e-12 and np.all(start.weights > 0)
