"""Starting points for EM: three initialisations and the checks on user-given parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.em.data import DataSummary, structured

SEED_STYLE_VARIANCE = 5.0  # the classic listing's starting covariance, 5 I
SEED_STYLE_RANGE = 2**62  # integer means beyond this are out of numpy's int64 range
_CHUNK = 1 << 18  # points per block when assigning points to the nearest k-means++ seed


@dataclass(frozen=True)
class Params:
    """Mixture parameters: weights (K,), means (K, D), covariances (K, D, D)."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray


def _data_covariance(data: DataSummary, covariance: str) -> np.ndarray:
    return structured(data.covariance, covariance)


def init_seed_style(X: np.ndarray, k: int, rng: np.random.Generator, data: DataSummary, covariance: str) -> Params:
    """The classic listing's start: every mean coordinate a random integer in the range of the
    first coordinate, covariances 5 I, equal weights."""
    low, high = int(np.floor(X[:, 0].min())), int(np.ceil(X[:, 0].max()))
    if max(abs(low), abs(high)) >= SEED_STYLE_RANGE:
        raise GmmMathError(f"the seed-style start draws integer means in the range of the first coordinate, but "
                           f"it reaches {max(abs(low), abs(high)):.3g}, beyond 64-bit integers; use the kmeans++ "
                           "or random-points start", parameter="init")
    means = rng.integers(low, max(high, low + 1), size=(k, data.dim)).astype(np.float64)
    covariances = np.repeat(SEED_STYLE_VARIANCE * np.eye(data.dim)[None], k, axis=0)
    return Params(np.full(k, 1.0 / k), means, covariances)


def init_random_points(X: np.ndarray, k: int, rng: np.random.Generator, data: DataSummary,
                       covariance: str) -> Params:
    """Means at K distinct random data points, covariances the data covariance, equal weights."""
    means = X[rng.choice(data.n, size=k, replace=False)].copy()
    covariances = np.repeat(_data_covariance(data, covariance)[None], k, axis=0)
    return Params(np.full(k, 1.0 / k), means, covariances)


def kmeans_plus_plus_centres(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding (Arthur & Vassilvitskii 2007): each next centre drawn with probability
    proportional to the squared distance to the nearest centre so far. Returns indices, shape (K,)."""
    n = X.shape[0]
    chosen = [int(rng.integers(n))]
    nearest = ((X - X[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = nearest.sum()
        pick = int(rng.choice(n, p=nearest / total)) if total > 0 else int(rng.integers(n))
        chosen.append(pick)
        np.minimum(nearest, ((X - X[pick]) ** 2).sum(axis=1), out=nearest)
    return np.array(chosen)


def init_kmeans_plus_plus(X: np.ndarray, k: int, rng: np.random.Generator, data: DataSummary,
                          covariance: str) -> Params:
    """k-means++ seeds as means; weights and covariances from the hard assignment to the nearest
    seed (a cluster too small or flat for a covariance gets the data covariance)."""
    means = X[kmeans_plus_plus_centres(X, k, rng)].copy()
    labels = nearest_centre(X, means)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    fallback = _data_covariance(data, covariance)
    covariances = np.empty((k, data.dim, data.dim))
    for c in range(k):
        members = X[labels == c]
        covariances[c] = fallback
        if members.shape[0] > data.dim:
            dev = members - members.mean(axis=0)
            candidate = dev.T @ dev / members.shape[0]
            candidate = structured(candidate, "full" if covariance == "tied" else covariance)
            if np.linalg.eigvalsh(candidate)[0] > 1e-6 * data.scale:
                covariances[c] = candidate
    if covariance == "tied":  # one covariance shared: the clusters' pooled
        covariances = structured(covariances, covariance, counts)
    return Params(np.maximum(counts, 1.0) / np.maximum(counts, 1.0).sum(), means, covariances)


def nearest_centre(X: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre for every point, shape (N,), in blocks to bound memory."""
    return np.concatenate([((X[i:i + _CHUNK, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
                           for i in range(0, X.shape[0], _CHUNK)])


Init = Callable[[np.ndarray, int, np.random.Generator, DataSummary, str], Params]

INITS: dict[str, Init] = {
    "seed-style": init_seed_style,
    "random-points": init_random_points,
    "kmeans++": init_kmeans_plus_plus,
}


def _array(value: object, name: str, shape: tuple[int, ...]) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise GmmMathError(f"{name} must be numbers of shape {shape}") from None
    if array.shape != shape:
        raise GmmMathError(f"{name} has shape {array.shape} but the data and K={shape[0]} need {shape}")
    if not np.all(np.isfinite(array)):
        raise GmmMathError(f"{name} contains NaN or infinity (expected finite numbers)")
    return array


def user_params(start: Params, k: int, dim: int, covariance: str, weights: object = None,
                means: object = None, covariances: object = None) -> Params:
    """Replace parts of ``start`` by validated user-given initial parameters.

    ``covariances`` is (K, D, D) for ``"full"`` and (K,) variances or (K, D, D) multiples of I
    for ``"spherical"``.
    """
    new_weights, new_means, new_covs = start.weights, start.means, start.covariances
    if weights is not None:
        new_weights = _array(weights, "weights_init", (k,))
        if np.any(new_weights <= 0) or abs(new_weights.sum() - 1.0) > 1e-6:
            raise GmmMathError("weights_init must be positive and sum to 1")
        new_weights = new_weights / new_weights.sum()
    if means is not None:
        new_means = _array(means, "means_init", (k, dim))
    if covariances is not None:
        new_covs = _user_covariances(covariances, k, dim, covariance)
    return Params(new_weights, new_means, new_covs)


def _user_covariances(value: object, k: int, dim: int, covariance: str) -> np.ndarray:
    raw = np.asarray(value, dtype=np.float64) if not isinstance(value, np.ndarray) else value
    if covariance == "diag" and np.ndim(raw) == 2 and np.shape(raw) == (k, dim):  # scikit-learn's (K, D)
        variances = _array(raw, "covariances_init", (k, dim))
        if np.any(variances <= 0):
            raise GmmMathError("covariances_init variances must be positive")
        return variances[:, :, None] * np.eye(dim)
    if covariance == "tied" and np.ndim(raw) == 2:  # scikit-learn's one (D, D)
        raw = np.repeat(_array(raw, "covariances_init", (dim, dim))[None], k, axis=0)
    if covariance == "spherical" and np.ndim(raw) == 1:
        variances = _array(raw, "covariances_init", (k,))
        if np.any(variances <= 0):
            raise GmmMathError("covariances_init variances must be positive")
        return variances[:, None, None] * np.eye(dim)
    covs = _array(raw, "covariances_init", (k, dim, dim))
    if not np.allclose(covs, np.swapaxes(covs, 1, 2), rtol=1e-12, atol=0):
        raise GmmMathError("covariances_init must be symmetric matrices")
    if np.any(np.linalg.eigvalsh(covs)[:, 0] <= 0):
        raise GmmMathError("covariances_init must be positive definite")
    if not np.allclose(covs, structured(covs, covariance), rtol=1e-12, atol=0):
        raise GmmMathError(f"covariances_init do not have the {covariance} structure (spherical: multiples of "
                           "the identity; diag: diagonal; tied: all equal)")
    return covs
