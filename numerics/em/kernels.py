"""The two halves of one EM iteration for a Gaussian mixture, vectorised and in log space.

Data are kept column-wise, ``XT`` of shape (D, N), so that every per-component
pass is a handful of contiguous length-N vector operations; no Python loop runs
over data points. Log densities come from the Cholesky factor of each
covariance, ``log N(x | mu, S) = -(D log 2 pi + log|S| + |L^-1 (x - mu)|^2) / 2``,
and responsibilities from a max-shifted log-sum-exp, so nothing that can
underflow is formed before its logarithm is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LOG_2PI = float(np.log(2.0 * np.pi))
_ROWWISE_MAX_DIM = 4  # up to here D^2 vector ops beat one (D, D) @ (D, N) product plus einsum


@dataclass(frozen=True)
class EStep:
    """Responsibilities and per-point log-likelihoods.

    Attributes
    ----------
    resp : ndarray, shape (K, N)
        ``resp[k, n]`` = posterior probability that point n came from component k.
    sample_log_likelihood : ndarray, shape (N,)
        ``log sum_k w_k N(x_n | mu_k, S_k)``.
    """

    resp: np.ndarray
    sample_log_likelihood: np.ndarray

    @property
    def log_likelihood(self) -> float:
        return float(self.sample_log_likelihood.sum())


@dataclass(frozen=True)
class Stats:
    """Responsibility-weighted sufficient statistics, the input of every M-step.

    Attributes
    ----------
    counts : ndarray, shape (K,)
        Effective number of points per component, ``sum_n resp[k, n]`` (+10 eps, as scikit-learn).
    centroids : ndarray, shape (K, D)
        Responsibility-weighted means.
    scatter : ndarray, shape (K, D, D)
        ``sum_n resp[k, n] (x_n - centroid_k)(x_n - centroid_k)^T``, centred per component.
    """

    counts: np.ndarray
    centroids: np.ndarray
    scatter: np.ndarray


def columns(X: np.ndarray) -> np.ndarray:
    """Contiguous float64 copy of the data laid out by coordinate, shape (D, N)."""
    return np.ascontiguousarray(np.asarray(X, dtype=np.float64).T)


def cholesky_terms(covariances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse Cholesky factors and log-determinants of K covariances.

    Parameters
    ----------
    covariances : ndarray, shape (K, D, D), symmetric positive definite

    Returns
    -------
    inv_chol : ndarray, shape (K, D, D)
        Lower-triangular ``L_k^-1`` with ``S_k = L_k L_k^T``.
    log_det : ndarray, shape (K,)
        ``log |S_k|``.
    """
    chol = np.linalg.cholesky(covariances)
    log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    return np.linalg.inv(chol), log_det


def _squared_mahalanobis_rows(XT: np.ndarray, a: np.ndarray, shift: np.ndarray,
                              out: np.ndarray, tmp: np.ndarray) -> None:
    """``out = |a x + shift|^2`` for every column x of XT, with D^2 vector ops (small D)."""
    dim = XT.shape[0]
    for j in range(dim):
        target = out if j == 0 else tmp
        np.multiply(XT[j], a[j, j], out=target)
        target += shift[j]
        for i in range(j):  # a is lower triangular
            target += a[j, i] * XT[i]
        if j == 0:
            np.square(out, out=out)
        else:
            np.square(tmp, out=tmp)
            out += tmp


def _squared_mahalanobis_matmul(XT: np.ndarray, a: np.ndarray, shift: np.ndarray,
                                out: np.ndarray, tmp: np.ndarray) -> None:
    """``out = |a x + shift|^2`` for every column x of XT, with one matrix product (larger D)."""
    Y = a @ XT
    Y += shift[:, None]
    np.einsum("dn,dn->n", Y, Y, out=out)


def weighted_log_densities(XT: np.ndarray, weights: np.ndarray, means: np.ndarray,
                           covariances: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``log w_k + log N(x_n | mu_k, S_k)`` for every component and point.

    Parameters
    ----------
    XT : ndarray, shape (D, N)
    weights : ndarray, shape (K,), positive
    means : ndarray, shape (K, D)
    covariances : ndarray, shape (K, D, D), positive definite

    Returns
    -------
    ndarray, shape (K, N)
    """
    dim, n = XT.shape
    k = weights.shape[0]
    out = np.empty((k, n)) if out is None else out
    tmp = np.empty(n)
    inv_chol, log_det = cholesky_terms(covariances)
    quad = _squared_mahalanobis_rows if dim <= _ROWWISE_MAX_DIM else _squared_mahalanobis_matmul
    for c in range(k):  # K is small; every pass inside is vectorised over the N points
        a = inv_chol[c]
        quad(XT, a, -(a @ means[c]), out[c], tmp)
        out[c] *= -0.5
        out[c] += np.log(weights[c]) - 0.5 * (dim * LOG_2PI + log_det[c])
    return out


def normalise_in_place(log_prob: np.ndarray) -> EStep:
    """Turn weighted log densities (K, N) into responsibilities, overwriting the array.

    One exponential per entry: the shifted exponentials serve both the
    log-sum-exp and the responsibilities.
    """
    peak = log_prob.max(axis=0)
    log_prob -= peak
    np.exp(log_prob, out=log_prob)
    total = log_prob.sum(axis=0)
    log_prob /= total
    np.log(total, out=total)
    total += peak
    return EStep(resp=log_prob, sample_log_likelihood=total)


def e_step(XT: np.ndarray, weights: np.ndarray, means: np.ndarray, covariances: np.ndarray) -> EStep:
    """Responsibilities and per-point log-likelihoods under the given parameters (see :class:`EStep`)."""
    return normalise_in_place(weighted_log_densities(XT, weights, means, covariances))


def sample_log_likelihood(X: np.ndarray, weights: np.ndarray, means: np.ndarray,
                          covariances: np.ndarray) -> np.ndarray:
    """Per-point mixture log-likelihood, shape (N,), for data X of shape (N, D)."""
    return e_step(columns(X), np.asarray(weights, float), np.asarray(means, float),
                  np.asarray(covariances, float)).sample_log_likelihood


def _scatter_rows(XT: np.ndarray, resp: np.ndarray, centroid: np.ndarray, out: np.ndarray,
                  dev: np.ndarray, weighted: np.ndarray) -> None:
    """Centred weighted scatter of one component (D, D) from length-N vector ops."""
    dim = XT.shape[0]
    for i in range(dim):
        np.subtract(XT[i], centroid[i], out=dev[i])
    for i in range(dim):
        np.multiply(resp, dev[i], out=weighted)
        for j in range(i, dim):  # einsum, not BLAS dot: steady speed when the cores are shared
            out[i, j] = out[j, i] = np.einsum("n,n->", weighted, dev[j])


def _scatter_matmul(XT: np.ndarray, resp: np.ndarray, centroid: np.ndarray, out: np.ndarray,
                    dev: np.ndarray, weighted: np.ndarray) -> None:
    np.subtract(XT, centroid[:, None], out=dev)
    out[...] = (dev * resp) @ dev.T


def sufficient_stats(XT: np.ndarray, resp: np.ndarray) -> Stats:
    """Counts, centroids and centred scatter matrices of the responsibilities (see :class:`Stats`).

    Parameters
    ----------
    XT : ndarray, shape (D, N)
    resp : ndarray, shape (K, N)
    """
    dim, n = XT.shape
    k = resp.shape[0]
    counts = resp.sum(axis=1) + 10.0 * np.finfo(np.float64).eps
    centroids = np.einsum("kn,dn->kd", resp, XT) / counts[:, None]
    scatter = np.empty((k, dim, dim))
    dev = np.empty((dim, n))
    weighted = np.empty(n)
    one = _scatter_rows if dim <= _ROWWISE_MAX_DIM else _scatter_matmul
    for c in range(k):
        one(XT, resp[c], centroids[c], scatter[c], dev, weighted)
    return Stats(counts=counts, centroids=centroids, scatter=scatter)
