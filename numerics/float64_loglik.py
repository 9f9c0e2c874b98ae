"""The same log-likelihoods in float64, the two ways people write them, for many sigma at once.

- log space ("done well", as ``scipy.stats.norm.logpdf`` + ``scipy.special.logsumexp``): per point the
  log density from z = (x - mu) / sigma, the mixture through a max-shifted log-sum-exp, summed over points;
- naive (as students often write it): the product of the densities over all points, then its log.

Nothing here guards against float64's range on purpose: these routes show where float64 breaks,
and :mod:`gmm_math.numerics.sweep` flags every value that is non-finite or wrong. Floating-point
warnings are silenced (``np.errstate``) because the non-finite results are the point.

Besides, :class:`MixtureCurve` is float64 used with care, for pictures: the collapsing mixture's log L
from log sigma and 1/sigma^2 (so any sigma, also 1e-1000000) and the exact constants of
:class:`~gmm_math.numerics.loglik.CollapseTerms`, every value with a bound on its distance from the
exact log L, so a caller knows where float64 can stand in for mpmath (vectorised over sigma and points).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_math.derivations.core.errors import GmmMathError

from gmm_math.derivations.core.model import CollapseModel

ROUTES = ("single", "mixture", "naive_single", "naive_mixture")
MAX_BLOCK = 1 << 20  # elements per intermediate array: sigma values are processed in blocks
LOG_2PI = float(np.log(2 * np.pi))
EPS = float(np.finfo(np.float64).eps)  # 2^-52: twice the unit roundoff
ROUNDING = 8 * EPS  # relative error of each float64 input and elementary step, generously (numpy's exp/log: a few ulp)


def logsumexp(a: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(sum(exp(a))) along ``axis`` with the maximum shifted out, as ``scipy.special.logsumexp`` does.

    >>> float(logsumexp(np.array([-1000.0, -1000.0])))  # doctest: +ELLIPSIS
    -999.306...
    """
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    return np.log(np.sum(np.exp(a - top), axis=axis)) + np.squeeze(top, axis=axis)


def as_float64(values, what: str) -> np.ndarray:
    """Exact numbers as float64, shape (len(values),); refused with the reason beyond float64's range.

    >>> as_float64([1, 2.5], "the data").tolist()
    [1.0, 2.5]
    """
    try:
        return np.array([float(v) for v in values], dtype=np.float64)
    except OverflowError:
        raise GmmMathError(f"{what} lie beyond float64's range (about 1.8e308), where the float64 computation "
                           "cannot follow: rescale the data") from None


@dataclass(frozen=True)
class Float64Model:
    """A :class:`CollapseModel` in float64, with components 2..K evaluated once.

    Attributes
    ----------
    x : ndarray, shape (N, D)
    centre : ndarray, shape (D,)
        x_n, the collapsing component's mean.
    log_weight, weight : float
        log pi_1 and pi_1.
    other_log : ndarray, shape (N, K - 1)
        log pi_k + log N(x_m | mu_k, v_k I) for k = 2..K (-inf where pi_k = 0).
    other_density : ndarray, shape (N,)
        sum over k = 2..K of pi_k N(x_m | mu_k, v_k I), as a naive product would use it.
    """

    x: np.ndarray
    centre: np.ndarray
    log_weight: float
    weight: float
    other_log: np.ndarray
    other_density: np.ndarray

    @classmethod
    def from_model(cls, model: CollapseModel) -> "Float64Model":
        dim = model.data.dim
        x = as_float64([v for row in model.data.rows for v in row], "the data").reshape(-1, dim)
        weights = as_float64(model.weights[1:], "the weights")
        means = as_float64([v for mean in model.means for v in mean], "the means of components 2..K").reshape(-1, dim)
        scales = np.sqrt(as_float64(model.variances, "the variances of components 2..K"))
        with np.errstate(all="ignore"):
            z = (x[:, None, :] - means[None, :, :]) / scales[None, :, None]  # (N, K-1, D)
            other_log = (np.log(weights) - dim * np.log(scales) - dim / 2 * LOG_2PI
                         - 0.5 * np.sum(z * z, axis=-1))
            other_density = np.sum(
                weights * np.exp(-0.5 * np.sum(z * z, axis=-1)) / (np.sqrt(2 * np.pi) * scales) ** dim, axis=-1)
        centre = np.array([float(v) for v in model.centre])
        weight = float(model.weights[0])
        return cls(x, centre, float(np.log(weight)), weight, other_log, other_density)

    def evaluate(self, sigmas: np.ndarray) -> dict[str, np.ndarray]:
        """log L by every route at every sigma.

        Parameters
        ----------
        sigmas : ndarray, shape (B,)
            float64 sigma values (0.0 or inf where sigma is outside float64's range).

        Returns
        -------
        dict
            route name (``ROUTES``) -> ndarray of shape (B,), possibly non-finite.
        """
        sigmas = np.asarray(sigmas, dtype=np.float64)
        n, dim = self.x.shape
        block = max(1, MAX_BLOCK // max(1, n * max(dim, self.other_log.shape[1] + 1)))
        parts = [self._block(sigmas[i:i + block]) for i in range(0, len(sigmas), block)]
        return {route: np.concatenate([p[route] for p in parts]) if parts else np.empty(0) for route in ROUTES}

    def _block(self, s: np.ndarray) -> dict[str, np.ndarray]:
        dim = self.x.shape[1]
        with np.errstate(all="ignore"):
            half_z2 = 0.5 * _squared_norm((self.x[None, :, :] - self.centre) / s[:, None, None])  # (B, N)
            log_norm = (-dim * np.log(s) - dim / 2 * LOG_2PI)[:, None]  # (B, 1)
            log_single = log_norm - half_z2  # (B, N): log N(x_m | x_n, sigma^2 I)
            mixture = _log_mixture_terms(self.log_weight + log_single, self.other_log)  # (B, N)
            density = np.exp(-half_z2) / ((np.sqrt(2 * np.pi) * s) ** dim)[:, None]  # (B, N)
            return {
                "single": np.sum(log_single, axis=1),
                "mixture": np.sum(mixture, axis=1),
                "naive_single": np.log(np.prod(density, axis=1)),
                "naive_mixture": np.log(np.prod(self.weight * density + self.other_density, axis=1)),
            }


def _squared_norm(z: np.ndarray) -> np.ndarray:
    """sum(z * z, axis=-1), shape (..., D) -> (...); for D = 1 without numpy's (slow) reduction over a length-1 axis."""
    if z.shape[-1] == 1:
        return np.square(z[..., 0])
    return np.sum(z * z, axis=-1)


def _log_mixture_terms(first: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Per point log(exp(first) + sum_k exp(others[:, k])): the max-shifted log-sum-exp of :func:`logsumexp`.

    Parameters
    ----------
    first : ndarray, shape (B, N)
        log pi_1 + log N(x_m | x_n, sigma^2 I).
    others : ndarray, shape (N, K - 1)

    Returns
    -------
    ndarray, shape (B, N)
        For K = 2 the same float64 operations as :func:`logsumexp` on the stacked (B, N, 2) array (a sum of
        two terms does not depend on their order), without numpy's slow reductions over a length-2 axis.
    """
    if others.shape[1] != 1:
        stacked = np.concatenate([first[:, :, None], np.broadcast_to(others, (len(first), *others.shape))], axis=-1)
        return logsumexp(stacked, axis=-1)
    other = others[:, 0]
    top = np.maximum(first, other)
    top = np.where(np.isfinite(top), top, 0.0)
    return np.log(np.exp(first - top) + np.exp(other - top)) + top


NEGLIGIBLE = 1000.0  # component 1's log term this far below the others': its share exp(-1000) is 0.0 in float64


@dataclass(frozen=True)
class MixtureCurve:
    """log L of the mixture whose component 1 collapses on x_n, in float64 log space, with an error bound.

    Point m (``count[m]`` copies) contributes ``logaddexp(head - rate log sigma - quad[m] / sigma^2 - lin[m],
    rest[m])``; the constants are those of :class:`~gmm_math.numerics.loglik.CollapseTerms`, rounded once,
    sorted by ``quad``. At each sigma only the points where component 1 is not negligible (its log term
    less than ``NEGLIGIBLE`` below the others') are evaluated; the rest contribute ``rest`` exactly
    (``suffix_rest``), so a small sigma costs the points at x_n, not N.

    Attributes
    ----------
    head : float
        log pi_1 - D/2 log(2 pi).
    rate : int
    quad, lin, rest, count : ndarray, shape (M,)
        per distinct point, sorted by quad; ``rest`` is -inf where components 2..K carry no weight.
    suffix_rest, suffix_size : ndarray, shape (M + 1,)
        sum over the points from i on of count * rest and of count * |rest| (0 at i = M).
    a_min : float
        min(lin + rest): with it, one threshold on quad per sigma finds the negligible points.
    """

    head: float
    rate: int
    quad: np.ndarray
    lin: np.ndarray
    rest: np.ndarray
    count: np.ndarray
    suffix_rest: np.ndarray
    suffix_size: np.ndarray
    a_min: float

    @classmethod
    def from_terms(cls, terms) -> "MixtureCurve":
        """From a :class:`~gmm_math.numerics.loglik.CollapseTerms` (its public constants, mpmath -> float64)."""
        column = lambda values: np.array([float(v) for v in values], dtype=np.float64)  # noqa: E731
        quad = column(terms.quad)
        order = np.argsort(quad, kind="stable")
        lin = column(terms.lin)[order]
        rest = column(-np.inf if r is None else r for r in terms.rest)[order]
        count = np.array(terms.count, dtype=np.float64)[order]
        weighted = np.where(np.isfinite(rest), count * rest, 0.0)
        suffix = lambda values: np.concatenate([np.cumsum(values[::-1])[::-1], [0.0]])  # noqa: E731
        a_min = float(np.min(lin + rest)) if len(rest) else 0.0
        return cls(float(terms.head), int(terms.rate), quad[order], lin, rest, count, suffix(weighted),
                   suffix(np.abs(weighted)), a_min)

    def evaluate(self, log_sigma: np.ndarray, inv_sigma2: np.ndarray) -> dict[str, np.ndarray]:
        """log L, its slope d log L / d log sigma and the error bound of log L, at B sigma values.

        Parameters
        ----------
        log_sigma, inv_sigma2 : ndarray, shape (B,)
            log sigma and 1 / sigma^2, each rounded once from an exact value (``inv_sigma2`` may be inf).

        Returns
        -------
        dict
            ``"value"``, ``"slope"``, ``"bound"`` -> ndarray of shape (B,): |value - log L| <= bound
            (nan or inf where float64 cannot say; the slope is not bounded).
        """
        rows = [self._one(float(ls), float(inv2)) for ls, inv2 in zip(log_sigma, inv_sigma2)]
        return {key: np.array([row[i] for row in rows], dtype=np.float64)
                for i, key in enumerate(("value", "slope", "bound"))}

    def _band_end(self, base: float, inv_sigma2: float) -> int:
        """How many sorted points are not negligible: quad / sigma^2 < base - a_min + NEGLIGIBLE."""
        if not np.isfinite(self.a_min):  # no weight on components 2..K: component 1 matters everywhere
            return len(self.quad)
        with np.errstate(all="ignore"):
            threshold = (base - self.a_min + NEGLIGIBLE) * (1 + 1e-9) / inv_sigma2
        return int(np.searchsorted(self.quad, threshold, side="right"))

    def _one(self, log_sigma: float, inv_sigma2: float) -> tuple[float, float, float]:
        base = self.head - self.rate * log_sigma
        hi = self._band_end(base, inv_sigma2)
        quad, lin, rest, count = self.quad[:hi], self.lin[:hi], self.rest[:hi], self.count[:hi]
        with np.errstate(all="ignore"):
            q = np.where(quad > 0, quad * inv_sigma2, 0.0)  # quad / sigma^2, maybe inf
            t = base - q - lin  # component 1's log term
            f = np.logaddexp(t, rest)  # each distinct point's log density
            d = t - rest
            # errors: t from rounded inputs and 3 steps, rest rounded once; through f by the shares (<= 1)
            t_error = np.where(np.isfinite(t), ROUNDING * (abs(base) + q + np.abs(lin)), 0.0)
            rest_error = np.where(np.isfinite(rest), ROUNDING * np.abs(rest), 0.0)
            slack = t_error + rest_error
            error = (np.minimum(1.0, np.exp(d + slack)) * t_error + np.minimum(1.0, np.exp(slack - d)) * rest_error
                     + 2 * ROUNDING * (np.abs(f) + 1))
            share = 1 / (1 + np.exp(-d))  # component 1's responsibility
            slope = np.where(share > 0, share * (2 * q - self.rate), 0.0)
            tail, tail_size = self.suffix_rest[hi], self.suffix_size[hi]
            size = float(np.abs(f) @ count) + tail_size
            # the negligible points: rest exactly (their share is 0.0); sums of M products in any order:
            # at most M + 1 roundings of the running total, each within EPS of the sum of sizes
            bound = 2 * (float(error @ count) + ROUNDING * tail_size + (len(self.quad) + 2) * EPS * size)
            return float(f @ count) + tail, float(slope @ count), bound
