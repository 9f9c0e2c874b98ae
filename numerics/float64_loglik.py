"""The same log-likelihoods in float64, the two ways people write them, for many sigma at once.

- log space ("done well", as ``scipy.stats.norm.logpdf`` + ``scipy.special.logsumexp``): per point the
  log density from z = (x - mu) / sigma, the mixture through a max-shifted log-sum-exp, summed over points;
- naive (as students often write it): the product of the densities over all points, then its log.

Nothing here guards against float64's range on purpose: these routes show where float64 breaks,
and :mod:`gmm_math.numerics.sweep` flags every value that is non-finite or wrong. Floating-point
warnings are silenced (``np.errstate``) because the non-finite results are the point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_math.derivations.core.errors import GmmMathError

from gmm_math.derivations.core.model import CollapseModel

ROUTES = ("single", "mixture", "naive_single", "naive_mixture")
MAX_BLOCK = 1 << 20  # elements per intermediate array: sigma values are processed in blocks
LOG_2PI = float(np.log(2 * np.pi))


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
