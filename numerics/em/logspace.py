"""The M-step of a starving component, and a collapse's weight and eigenvalue, computed in log space.

A component whose responsibilities are all tiny (it holds less than ``STARVING_COUNT`` points) is where
float64 EM goes wrong: its responsibilities underflow, and scikit-learn's ``10 eps`` added to every count
(which :func:`~gmm_math.numerics.em.kernels.sufficient_stats` keeps, for parity) then dominates the count
and shrinks the covariance towards 0 -- a collapse that the exact M-step denies. Here the component's
log responsibilities ``log r_n = log w + log N(x_n | mu, S) - log p(x_n)`` are formed without underflow,
its mean and covariance are the exactly normalised weighted moments (shares ``r_n / sum_m r_m``), and its
weight is ``exp(logsumexp(log r) - log N)``, held as a base-10 logarithm when it underflows float64.

The smallest eigenvalue of a collapsing component is evaluated in mpmath (``EXACT_DPS`` digits, scoped by
``workdps``) from the same log shares, so an eigenvalue of 1e-400 is reported as such, not as float64's 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath as mp
import numpy as np

from gmm_math.numerics.em.kernels import weighted_log_densities

STARVING_COUNT = 1e-3  # below this many points a component's float64 M-step is dominated by the 10 eps
EXACT_DPS = 30
MAX_DPS = 2000
DPS_STEPS = (EXACT_DPS, 300, MAX_DPS)  # working precisions tried in turn
LOG10_E = float(np.log10(np.e))
LOG10_TINY = float(np.log10(np.finfo(np.float64).tiny))


@dataclass(frozen=True)
class LogMoments:
    """One component's M-step from its log responsibilities.

    Attributes
    ----------
    log_resp : ndarray, shape (N,)
        ``log r_n``.
    log_count : float
        ``log sum_n r_n``.
    mean : ndarray, shape (D,)
    covariance : ndarray, shape (D, D)
        The shares' weighted covariance, normalised exactly (no 10 eps).
    """

    log_resp: np.ndarray
    log_count: float
    mean: np.ndarray
    covariance: np.ndarray

    def log10_weight(self, n: int) -> float:
        """log10 of the component's mixing weight ``sum_n r_n / N``."""
        return (self.log_count - float(np.log(n))) * LOG10_E

    def shares(self) -> np.ndarray:
        """``r_n / sum_m r_m``, shape (N,) (those below float64's range are 0)."""
        return np.exp(self.log_resp - self.log_count)


def log_responsibilities(XT: np.ndarray, weights: np.ndarray, means: np.ndarray, covariances: np.ndarray,
                         sample_log_likelihood: np.ndarray, component: int) -> np.ndarray:
    """``log r_nk`` for one component k, shape (N,), from the parameters that produced the E-step."""
    k = slice(component, component + 1)
    return weighted_log_densities(XT, weights[k], means[k], covariances[k])[0] - sample_log_likelihood


def log_moments(XT: np.ndarray, log_resp: np.ndarray) -> LogMoments:
    """Mean (D,) and covariance (D, D) of the points XT (D, N) weighted by ``exp(log_resp)``, normalised exactly."""
    peak = float(np.max(log_resp))
    scaled = np.exp(log_resp - peak)
    total = float(scaled.sum())
    shares = scaled / total
    mean = XT @ shares
    dev = XT - mean[:, None]
    covariance = (dev * shares) @ dev.T
    return LogMoments(log_resp, peak + float(np.log(total)), mean, (covariance + covariance.T) / 2)


def relative_support(log_resp: np.ndarray, share: float) -> np.ndarray:
    """Points whose responsibility is at least ``share`` times the component's largest, as a mask (N,)."""
    return log_resp >= np.max(log_resp) + np.log(share)


def _smallest_eigenvalue(X: np.ndarray, log_resp: np.ndarray, dps: int, covariance: str) -> tuple[mp.mpf, mp.mpf]:
    """(smallest, largest) eigenvalue of the weighted covariance, restricted to ``covariance``, at ``dps`` digits."""
    peak = float(np.max(log_resp))
    with mp.workdps(dps):
        shares = [mp.exp(mp.mpf(float(v)) - peak) for v in log_resp]
        total = mp.fsum(shares)
        rows = [[mp.mpf(float(v)) for v in row] for row in X]
        dim = X.shape[1]
        mean = [mp.fsum(s * row[j] for s, row in zip(shares, rows)) / total for j in range(dim)]
        cov = mp.matrix(dim, dim)
        for i in range(dim):
            for j in range(i, dim):
                cov[i, j] = cov[j, i] = mp.fsum(s * (row[i] - mean[i]) * (row[j] - mean[j])
                                                for s, row in zip(shares, rows)) / total
        diagonal = [cov[i, i] for i in range(dim)]
        structured = {"spherical": lambda: [mp.fsum(diagonal) / dim], "diag": lambda: diagonal}
        values = sorted(structured.get(covariance, lambda: mp.eigsy(cov, eigvals_only=True))())
        return +values[0], +values[-1]


def log10_min_eigenvalue(X: np.ndarray, log_resp: np.ndarray, covariance: str = "full") -> tuple[float, bool]:
    """log10 of the smallest eigenvalue of the exactly normalised weighted covariance of X (N, D), in mpmath
    (spherical: its trace / D; diag: its smallest diagonal entry, as those M-steps keep).

    The working precision grows until the smallest eigenvalue is resolved against the largest (at most
    ``MAX_DPS`` digits). Returns (log10 value, resolved); unresolved, the value is an upper bound
    (10^-dps times the largest); -inf when the covariance is exactly 0.
    """
    for dps in DPS_STEPS:
        smallest, largest = _smallest_eigenvalue(X, log_resp, dps, covariance)
        if largest == 0:
            return float("-inf"), True
        with mp.workdps(dps):
            resolved = smallest > largest * mp.mpf(10) ** (10 - dps)
            bound = smallest if resolved else largest * mp.mpf(10) ** (10 - dps)
            value = float(mp.log10(bound))
        if resolved:
            break
    return value, resolved
