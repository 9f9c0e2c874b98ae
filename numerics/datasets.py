"""Built-in data sets, generated at run time with numpy alone.

``seed-blobs`` is the data set of the classic "GMM from scratch" worked example:
scikit-learn's ``make_blobs(n_samples=500, centers=3, cluster_std=2.5,
random_state=20)`` multiplied on the right by ``RandomState(0).randn(2, 2)``.
It is rebuilt here with the very same ``RandomState`` calls, in the same order,
as scikit-learn makes them, so the points agree bit for bit (tested).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gmm_math.derivations.core.errors import GmmMathError


def blobs(n_samples: int, centers: int, cluster_std: float, random_state: int,
          n_features: int = 2, center_box: tuple[float, float] = (-10.0, 10.0)) -> np.ndarray:
    """Isotropic Gaussian blobs, drawn exactly as ``sklearn.datasets.make_blobs`` draws them.

    Parameters
    ----------
    n_samples, centers, cluster_std, random_state, n_features, center_box
        As in ``make_blobs`` (integer ``centers``, scalar ``cluster_std``, ``shuffle=True``).

    Returns
    -------
    ndarray, shape (n_samples, n_features)
    """
    generator = np.random.RandomState(random_state)
    centres = generator.uniform(center_box[0], center_box[1], size=(centers, n_features))
    per_centre = [n_samples // centers] * centers
    for i in range(n_samples % centers):
        per_centre[i] += 1
    points = np.empty((n_samples, n_features), dtype=np.float64)
    start = 0
    for centre, count in zip(centres, per_centre):
        points[start:start + count] = generator.normal(loc=centre, scale=cluster_std, size=(count, n_features))
        start += count
    order = np.arange(n_samples)
    generator.shuffle(order)
    return points[order]


def seed_blobs() -> np.ndarray:
    """The 500 stretched blobs of the classic worked example, shape (500, 2)."""
    stretch = np.random.RandomState(0).randn(2, 2)
    return blobs(500, 3, 2.5, 20) @ stretch


DATASETS: dict[str, Callable[[], np.ndarray]] = {"seed-blobs": seed_blobs}


def load_named(name: str) -> np.ndarray:
    """The built-in data set called ``name``, shape (N, D)."""
    try:
        return DATASETS[name]()
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise GmmMathError(f"unknown data set {name!r} (expected one of: {known})") from None
