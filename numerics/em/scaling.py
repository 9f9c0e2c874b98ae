"""EM in standardised coordinates: data centred and scaled internally, results in the user's units.

EM for Gaussian mixtures is equivariant under ``x -> a x + b``: fitting ``z = (x - b) / a`` and
mapping back (means ``a mu + b``, covariances ``a^2 S``, log-likelihood ``- N D log a``, the
log-Jacobian) gives the fit of x. So :func:`~gmm_math.numerics.em.fit.fit` works on z, whose mean
variance is about 1, and nothing overflows or underflows in between however x is scaled.

The scale ``a`` is one power of two for all coordinates: the same for every column, so spherical
covariances stay spherical and eigenvalue ratios (the ``ratio`` remedy) keep their meaning; a power
of two, so scaling itself is exact. ``b`` is the data's mean.

In the user's units the covariances are ``a^2`` times the internal ones; beyond about 1e+-154 in
the data's spread they are not representable in float64, and :meth:`Standardiser.covariances_out`
refuses with the reason rather than reporting infinities or zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_math.derivations.core.errors import GmmMathError

_TINY = np.finfo(np.float64).tiny  # smallest normal float64
_HUGE = np.finfo(np.float64).max


@dataclass(frozen=True)
class Standardiser:
    """``x = scale * z + shift`` per point, with ``scale = 2**exponent``.

    Attributes
    ----------
    shift : ndarray, shape (D,)
        The data's mean (user units).
    exponent : int
        ``scale = 2**exponent``, chosen so that the internal mean variance is in [1/4, 1).
    """

    shift: np.ndarray
    exponent: int

    @classmethod
    def of(cls, X: np.ndarray) -> "Standardiser":
        """The standardiser of finite data X, shape (N, D), that are not all equal."""
        top = int(np.frexp(np.max(np.abs(X)))[1])  # |X| < 2**top: X * 2**-top cannot overflow
        Y = np.ldexp(X, -top)
        centre = Y.mean(axis=0)
        spread = float(np.sqrt(np.mean((Y - centre) ** 2)))  # sqrt of the mean variance, in Y units
        if not spread > 0:
            raise GmmMathError("all data points are equal: there is no spread to fit a mixture to")
        inner = int(np.frexp(spread)[1])
        return cls(shift=np.ldexp(centre, top), exponent=top + inner)

    @property
    def scale(self) -> float:
        return float(np.ldexp(1.0, self.exponent))

    def data_in(self, X: np.ndarray) -> np.ndarray:
        """Internal coordinates of points X (N, D)."""
        return np.ldexp(X - self.shift, -self.exponent)

    def means_in(self, means: np.ndarray) -> np.ndarray:
        return np.ldexp(np.asarray(means, dtype=np.float64) - self.shift, -self.exponent)

    def covariances_in(self, covariances: np.ndarray) -> np.ndarray:
        return np.ldexp(np.asarray(covariances, dtype=np.float64), -2 * self.exponent)

    def means_out(self, means: np.ndarray) -> np.ndarray:
        return np.ldexp(means, self.exponent) + self.shift

    def variance_out(self, value: float) -> float:
        """A variance (or eigenvalue, threshold) in the user's units (may be inf or 0: see
        :meth:`covariances_out` for the checked route)."""
        with np.errstate(over="ignore", under="ignore"):
            return float(np.ldexp(value, 2 * self.exponent))

    def covariances_out(self, covariances: np.ndarray, floor: float = 0.0) -> np.ndarray:
        """Covariances (K, D, D) in the user's units, or GmmMathError when float64 cannot hold them.

        Diagonal entries at most ``floor`` (internal units: a collapsed component) may underflow.
        """
        with np.errstate(over="ignore", under="ignore"):
            out = np.ldexp(covariances, 2 * self.exponent)
        diagonal = np.diagonal(out, axis1=-2, axis2=-1)
        inner = np.diagonal(covariances, axis1=-2, axis2=-1)
        lost = (inner > floor) & ~((diagonal >= _TINY) & (diagonal <= _HUGE))
        if not np.isfinite(out).all() or lost.any():
            raise GmmMathError(
                f"the covariances are not representable in float64 in the data's units (the data's "
                f"spread is about 2^{self.exponent}, so covariances reach about {self.variance_text(1.0)}, "
                f"outside 1e-308..1e308); rescale the data, e.g. divide it by "
                f"1e{int(np.round(self.exponent * np.log10(2.0)))}, and fit again")
        return out

    def variance_text(self, value: float) -> str:
        """An internal variance in the user's units as text, also beyond float64: '1.4e+596'."""
        exponent = np.log10(value) + 2 * self.exponent * np.log10(2.0)
        whole = int(np.floor(exponent))
        return f"{10 ** (exponent - whole):.2g}e{whole:+d}"

    def log_likelihood_out(self, value: float, n: int, dim: int) -> float:
        """Log-likelihood in the user's units: the internal one minus N D log(scale), the log-Jacobian."""
        return float(value - n * dim * self.exponent * np.log(2.0))
