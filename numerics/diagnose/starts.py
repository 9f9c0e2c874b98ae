"""The starts scikit-learn's GaussianMixture would use, reproduced with scikit-learn itself when it is installed.

``init_params`` kmeans / k-means++ / random / random_from_data give initial responsibilities; the start
is the M-step of those (with ``reg_covar``), as in ``GaussianMixture._initialize``. One ``RandomState``
from ``random_state`` serves the ``n_init`` starts in turn, as scikit-learn's does. Without scikit-learn,
kmeans and k-means++ fall back to this package's k-means++ (``numerics.em.init``) and say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_math.derivations.core.errors import GmmMathError

SKLEARN_INITS = ("kmeans", "k-means++", "random", "random_from_data")


@dataclass(frozen=True)
class Start:
    """Initial weights (K,), means (K, D), covariances (K, D, D) in the data's units, and the initial
    responsibilities (N, K) they are the M-step of."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    resp: np.ndarray | None = None

    def ill_defined(self) -> tuple[int, ...]:
        """Components whose start covariance float64 cannot factor (scikit-learn's fit raises on them)."""
        bad = []
        for c, cov in enumerate(self.covariances):
            try:
                np.linalg.cholesky(cov)
            except np.linalg.LinAlgError:
                bad.append(c)
        return tuple(bad)

    def rows_of(self, component: int) -> np.ndarray:
        """The rows the start gives to ``component`` (responsibility >= 1e-3)."""
        return np.flatnonzero(self.resp[:, component] >= 1e-3) if self.resp is not None else np.zeros(0, int)


@dataclass(frozen=True)
class Starts:
    starts: tuple[Start, ...]
    how: str  # which initialisation produced them, in words


def have_sklearn() -> bool:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


def _responsibilities(X: np.ndarray, k: int, init: str, random_state) -> np.ndarray:
    from sklearn.cluster import KMeans, kmeans_plusplus

    n = X.shape[0]
    resp = np.zeros((n, k))
    if init == "kmeans":
        labels = KMeans(n_clusters=k, n_init=1, random_state=random_state).fit(X).labels_
        resp[np.arange(n), labels] = 1
    elif init == "random":
        resp = random_state.uniform(size=(n, k))
        resp /= resp.sum(axis=1)[:, np.newaxis]
    elif init == "random_from_data":
        resp[random_state.choice(n, size=k, replace=False), np.arange(k)] = 1
    else:
        _, indices = kmeans_plusplus(X, k, random_state=random_state)
        resp[indices, np.arange(k)] = 1
    return resp


def m_step(X: np.ndarray, resp: np.ndarray, reg_covar: float, covariance: str) -> Start:
    """scikit-learn's ``_estimate_gaussian_parameters`` as full matrices, weights normalised."""
    counts = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
    means = resp.T @ X / counts[:, None]
    k, dim = means.shape
    full = np.empty((k, dim, dim))
    for c in range(k):
        diff = X - means[c]
        full[c] = (resp[:, c] * diff.T) @ diff / counts[c]
    if covariance == "tied":
        full[:] = np.einsum("k,kij->ij", counts, full) / counts.sum()
    elif covariance == "diag":
        full = np.diagonal(full, axis1=1, axis2=2)[:, :, None] * np.eye(dim)
    elif covariance == "spherical":
        full = (np.trace(full, axis1=1, axis2=2) / dim)[:, None, None] * np.eye(dim)
    return Start(counts / counts.sum(), means, full + reg_covar * np.eye(dim), resp)


def sklearn_starts(X: np.ndarray, k: int, covariance: str, reg_covar: float, init: str, n_init: int,
                   seed: int | None) -> Starts:
    """The ``n_init`` starts of ``GaussianMixture(init_params=init, random_state=seed)``, or this package's."""
    if init not in SKLEARN_INITS:
        raise GmmMathError(f"unknown init {init!r} (expected one of: {', '.join(SKLEARN_INITS)})", parameter="init")
    if have_sklearn():
        from sklearn.utils import check_random_state

        state = check_random_state(seed)
        starts = tuple(m_step(X, _responsibilities(X, k, init, state), reg_covar, covariance) for _ in range(n_init))
        return Starts(starts, f"scikit-learn's {init} initialisation (random_state={seed})")
    from gmm_math.numerics.em.data import DataSummary
    from gmm_math.numerics.em.init import init_kmeans_plus_plus

    rng = np.random.default_rng(seed)
    data = DataSummary.of(X)
    starts = []
    for _ in range(n_init):
        params = init_kmeans_plus_plus(X, k, rng, data, covariance)
        starts.append(Start(params.weights, params.means, params.covariances + reg_covar * np.eye(X.shape[1]), None))
    return Starts(tuple(starts), f"this package's k-means++ (scikit-learn is not installed, so its {init} "
                                 f"initialisation could not be reproduced; seed {seed})")
