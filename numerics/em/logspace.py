"""The M-step of a starving component, and a collapse's weight and eigenvalue, computed in log space.

A component whose responsibilities are all tiny (it holds less than ``STARVING_COUNT`` points) is where
float64 EM goes wrong: its responsibilities underflow, and scikit-learn's ``10 eps`` added to every count
(which :func:`~gmm_math.numerics.em.kernels.sufficient_stats` keeps, for parity) then dominates the count
and shrinks the covariance towards 0 -- a collapse that the exact M-step denies. Here the component's
log responsibilities ``log r_n = log w + log N(x_n | mu, S) - log p(x_n)`` are formed without underflow,
its mean and covariance are the exactly normalised weighted moments (shares ``r_n / sum_m r_m``), and its
weight is ``exp(logsumexp(log r) - log N)``, held as a base-10 logarithm when it underflows float64.

The smallest eigenvalue of a collapsing component comes from the same log shares, its covariance held exactly
(dyadic integers) over the points whose shares matter and its eigenvalues found in mpmath (``EXACT_DPS``
digits and up, scoped by ``workdps``), so an eigenvalue of 1e-400 is reported as such, not as float64's 0.
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


SHARE_BITS = 113  # each share exp(log r_n - max log r) to 113 bits: the eigenvalues move by < 2^-110 relatively
TRUNCATION = 10 ** -30  # points are left out only when they move the smallest eigenvalue by less than this, relatively


Dyadic = tuple[int, int]  # man * 2**exp, exactly


def _dyadic_sum(terms: list[Dyadic]) -> Dyadic:
    """The exact sum of ``man * 2**exp`` over ``terms``."""
    low = min((exp for _, exp in terms), default=0)
    return sum(man << (exp - low) for man, exp in terms), low


@dataclass(frozen=True)
class ExactCovariance:
    """A weighted covariance held exactly: entry (i, j) is ``numerators[i][j] / denominator`` (dyadic
    numbers: no gcd is ever taken, so shares of 2^-100000 cost only their bits)."""

    numerators: list[list[Dyadic]]
    denominator: Dyadic

    def entries(self) -> mp.matrix:
        """The entries at the working precision."""
        den = mp.ldexp(mp.mpf(self.denominator[0]), self.denominator[1])
        return mp.matrix([[mp.ldexp(mp.mpf(man), exp) / den for man, exp in row] for row in self.numerators])


@dataclass(frozen=True)
class RoundedCovariance:
    """A weighted covariance formed at the working precision (shares by ``mp.exp``, centred on the rounded
    mean): for shares whose range is too wide for exact integers (a collapse onto one point, the next share
    e^-10^8)."""

    X: np.ndarray  # (M, D)
    relative: np.ndarray  # (M,) log shares, at most 0

    def entries(self) -> mp.matrix:
        """The entries at the working precision."""
        shares = [mp.exp(mp.mpf(float(v))) for v in self.relative]
        total = mp.fsum(shares)
        rows = [[mp.mpf(float(v)) for v in row] for row in self.X]
        dim = self.X.shape[1]
        mean = [mp.fsum(s * row[j] for s, row in zip(shares, rows)) / total for j in range(dim)]
        cov = mp.matrix(dim, dim)
        for i in range(dim):
            for j in range(i, dim):
                cov[i, j] = cov[j, i] = mp.fsum(s * (row[i] - mean[i]) * (row[j] - mean[j])
                                                for s, row in zip(shares, rows)) / total
        return cov


EXACT_SPREAD = 20_000 * float(np.log(2.0))  # shares within 2^-20000 of the largest are summed as exact integers


def _weighted_covariance(X: np.ndarray, relative: np.ndarray) -> ExactCovariance | RoundedCovariance:
    """The covariance of X (M, D) weighted by ``exp(relative)``, shape (M,), in exact dyadic arithmetic
    (:class:`RoundedCovariance` when the shares span more than ``EXACT_SPREAD``).

    The shares are rounded to ``SHARE_BITS`` bits (a relative change of every weight by at most eps moves
    every eigenvalue by at most 2 eps relatively: the weighted mean minimises the scatter); every sum and the
    centring are exact (``S Q_ij - M_i M_j`` over ``S^2``), so no cancellation is left for the eigenvalues.
    """
    if float(np.min(relative)) < -EXACT_SPREAD:
        return RoundedCovariance(X, relative)
    with mp.workprec(SHARE_BITS):
        shares = [mp.exp(mp.mpf(float(v))).man_exp for v in relative]  # positive: man_exp is exact
    rows = [[float(v).as_integer_ratio() for v in row] for row in X]  # denominators are powers of 2
    rows = [[(num, 1 - den.bit_length()) for num, den in row] for row in rows]
    dim = X.shape[1]
    total = _dyadic_sum(shares)
    firsts = [_dyadic_sum([(a * row[d][0], e + row[d][1]) for (a, e), row in zip(shares, rows)]) for d in range(dim)]
    numerators = [[(0, 0)] * dim for _ in range(dim)]
    for i in range(dim):
        for j in range(i, dim):
            second = _dyadic_sum([(a * row[i][0] * row[j][0], e + row[i][1] + row[j][1])
                                  for (a, e), row in zip(shares, rows)])
            scatter = _dyadic_sum([(second[0] * total[0], second[1] + total[1]),
                                   (-firsts[i][0] * firsts[j][0], firsts[i][1] + firsts[j][1])])
            numerators[i][j] = numerators[j][i] = scatter
    return ExactCovariance(numerators, (total[0] * total[0], 2 * total[1]))


def _eigenvalue_range(cov: ExactCovariance | RoundedCovariance, dps: int, covariance: str) -> tuple[mp.mpf, mp.mpf]:
    """(smallest, largest) eigenvalue of the covariance ``cov``, restricted to ``covariance``, at ``dps``
    digits (spherical: its trace / D; diag: its diagonal entries)."""
    with mp.workdps(dps):
        entries = cov.entries()
        dim = entries.rows
        diagonal = [entries[i, i] for i in range(dim)]
        structured = {"spherical": lambda: [mp.fsum(diagonal) / dim], "diag": lambda: diagonal}
        values = sorted(structured.get(covariance, lambda: mp.eigsy(entries, eigvals_only=True))())
        return +values[0], +values[-1]


def _resolved_range(cov: ExactCovariance | RoundedCovariance, covariance: str) -> tuple[mp.mpf, mp.mpf, int, bool]:
    """(smallest, largest, dps, resolved): the working precision grows until the smallest eigenvalue is
    resolved against the largest (at most ``MAX_DPS`` digits)."""
    for dps in DPS_STEPS:
        smallest, largest = _eigenvalue_range(cov, dps, covariance)
        with mp.workdps(dps):
            resolved = largest == 0 or smallest > largest * mp.mpf(10) ** (10 - dps)
        if resolved:
            break
    return smallest, largest, dps, resolved


MAX_ROUNDS = 6  # widenings of the points counted before every point is


def _counted_range(X: np.ndarray, log_resp: np.ndarray, covariance: str) -> tuple[mp.mpf, mp.mpf, int, bool]:
    """:func:`_resolved_range` of the weighted covariance, counting only the points whose share matters.

    Leaving out the points T (shares s_n <= 1 against the largest share's 1) moves every eigenvalue by at
    most ``3 S_T R^2`` (Weyl: the covariance moves by ``(S_T/S) R^2 (2 + S_T/S)``, R the data's diameter);
    T is left out only when that is below ``TRUNCATION`` times the smallest eigenvalue found without it (or
    ``10^-MAX_DPS`` times the largest), so the cost follows the collapse, not N.
    """
    relative = log_resp - float(np.max(log_resp))
    low, high = X.min(axis=0), X.max(axis=0)
    log_spread = float(np.log(6.0 * float(np.sum((high - low) ** 2)) + np.finfo(float).tiny))  # 3 R^2, x2 margin
    floor = float(np.log(TRUNCATION)) - 2 * DPS_STEPS[0] * float(np.log(10.0))  # the first guess
    for _ in range(MAX_ROUNDS):
        kept = relative >= floor
        if kept.all():
            break
        found = _resolved_range(_weighted_covariance(X[kept], relative[kept]), covariance)
        smallest, largest, dps, resolved = found
        dropped = relative[~kept]
        nearest = float(np.max(dropped))
        if largest == 0:  # the rest sits on one point: the next shares decide
            floor = nearest
            continue
        with mp.workdps(dps):
            scale = smallest if resolved and smallest > 0 else largest * mp.mpf(10) ** -MAX_DPS
            allowed = float(mp.log(scale)) + float(np.log(TRUNCATION)) - log_spread - float(np.log(dropped.size))
        if nearest <= allowed:
            return found
        floor = min(nearest, allowed)
    return _resolved_range(_weighted_covariance(X, relative), covariance)


def log10_min_eigenvalue(X: np.ndarray, log_resp: np.ndarray, covariance: str = "full") -> tuple[float, bool]:
    """log10 of the smallest eigenvalue of the exactly normalised weighted covariance of X (N, D), in mpmath
    (spherical: its trace / D; diag: its smallest diagonal entry, as those M-steps keep).

    The working precision grows until the smallest eigenvalue is resolved against the largest (at most
    ``MAX_DPS`` digits). Returns (log10 value, resolved); unresolved, the value is an upper bound
    (10^-dps times the largest); -inf when the covariance is exactly 0.
    """
    smallest, largest, dps, resolved = _counted_range(X, log_resp, covariance)
    if largest == 0:
        return float("-inf"), True
    with mp.workdps(dps):
        bound = smallest if resolved else largest * mp.mpf(10) ** (10 - dps)
        return float(mp.log10(bound)), resolved
