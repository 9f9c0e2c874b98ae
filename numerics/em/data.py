"""What every EM piece knows about the data and the fit: the data summary, the settings, covariance structures.

SymPy-free and small: the init, the remedies and the fit loop all stand on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DataSummary:
    """What the remedies need to know about the whole data set.

    Attributes
    ----------
    n, dim : int
    mean : ndarray, shape (D,)
    covariance : ndarray, shape (D, D)
        Maximum-likelihood (1/N) sample covariance.
    scale : float
        ``trace(covariance) / D``, the data's mean variance; collapse thresholds are relative to it.
    """

    n: int
    dim: int
    mean: np.ndarray
    covariance: np.ndarray
    scale: float

    @classmethod
    def of(cls, X: np.ndarray) -> "DataSummary":
        n, dim = X.shape
        mean = X.mean(axis=0)
        dev = X - mean
        covariance = dev.T @ dev / n
        return cls(n=n, dim=dim, mean=mean, covariance=covariance, scale=float(np.trace(covariance) / dim))


@dataclass(frozen=True)
class Settings:
    """Options of one fit that the M-steps read."""

    components: int
    covariance: str
    reg_covar: float
    min_ratio: float


def identity_times(values: np.ndarray, dim: int) -> np.ndarray:
    """(K,) variances -> (K, D, D) spherical covariances."""
    return values[:, None, None] * np.eye(dim)


def _as_spherical(covariances: np.ndarray, counts: np.ndarray | None) -> np.ndarray:
    """(K, D, D) -> (trace / D) I: the best spherical covariance for the same scatter."""
    dim = covariances.shape[-1]
    return identity_times(np.trace(covariances, axis1=-2, axis2=-1) / dim, dim)


def _as_diagonal(covariances: np.ndarray, counts: np.ndarray | None) -> np.ndarray:
    """(K, D, D) -> their diagonals as diagonal matrices: the best diagonal covariance for the same scatter."""
    return np.diagonal(covariances, axis1=-2, axis2=-1)[..., None] * np.eye(covariances.shape[-1])


def _as_tied(covariances: np.ndarray, counts: np.ndarray | None) -> np.ndarray:
    """(K, D, D) -> one shared covariance, their average weighted by ``counts`` (K,) (equal weights without):
    the pooled scatter sum_k W_k / sum_k n_k when the covariances are W_k / n_k."""
    weights = np.ones(covariances.shape[0]) if counts is None else np.asarray(counts, dtype=np.float64)
    pooled = np.einsum("k,kij->ij", weights, covariances) / weights.sum()
    return np.broadcast_to(pooled, covariances.shape).copy()


# Covariance structures (scikit-learn's four). For the ML, ridge and penalty M-steps the restricted
# optimum is the full one projected (trace / D for spherical, the diagonal for diag, the count-weighted
# pool for tied), because the objective is linear in the scatter; MAP has its own formulas.
STRUCTURES: dict[str, Callable[[np.ndarray, np.ndarray | None], np.ndarray]] = {
    "full": lambda covariances, counts: covariances,
    "spherical": _as_spherical,
    "diag": _as_diagonal,
    "tied": _as_tied,
}


def structured(covariances: np.ndarray, covariance: str, counts: np.ndarray | None = None) -> np.ndarray:
    """Covariances (K, D, D) or (D, D) restricted to the structure ``covariance`` names (tied: pooled with
    weights ``counts``, shape (K,))."""
    return STRUCTURES[covariance](covariances[None] if covariances.ndim == 2 else covariances, counts).reshape(
        covariances.shape)
