"""Log-likelihoods of a :class:`CollapseModel` in mpmath, at any precision and any sigma > 0.

Everything is done in log space: the collapsing component's log density is a
closed form in log sigma and 1/sigma^2, the other components' log densities do
not depend on sigma and are computed once, and log-sum-exp drops a term that
cannot change the sum at the working precision *before* exponentiating it, so
sigma = 1e-1000000 costs no more than sigma = 0.1.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp

from gmm_math.derivations.errors import GmmMathError
from gmm_math.derivations.model import CollapseModel


def to_mpf(value: Fraction | int | str):
    """An exact Fraction (or int, or decimal text) as an mpf at the current precision."""
    if isinstance(value, Fraction):
        return mp.mpf(value.numerator) / value.denominator
    return mp.mpf(value)


def parse_sigma(text) -> "mpmath.mpf":
    """sigma from text or number at the current precision; must be a finite positive number."""
    try:
        sigma = mp.mpf(text)
    except (ValueError, TypeError):
        raise GmmMathError(f"sigma {text!r} is not a number (expected e.g. 1e-100)") from None
    if not mpmath.isfinite(sigma) or sigma <= 0:
        raise GmmMathError(
            f"sigma must be a finite number > 0, got {text}: the density is not defined at sigma = 0; "
            "the limit sigma -> 0+ is what `gmm-math derive` computes"
        )
    return sigma


def logaddexp(a, b, cut):
    """log(exp(a) + exp(b)) without exponentiating a term that is ``cut`` below the other."""
    if a < b:
        a, b = b, a
    if b - a < -cut:
        return a
    return a + mpmath.log1p(mpmath.exp(b - a))


@dataclass(frozen=True)
class CollapseTerms:
    """The sigma-independent parts of a model's log-likelihood, precomputed at ``dps`` digits.

    For point m the collapsing component contributes
    ``head - rate * log(sigma) - quad[m] / sigma**2 - lin[m]`` and the other
    components contribute the constant ``rest[m]`` (None when they carry no weight).
    Duplicated points are merged: ``count[m]`` says how many points share a row.

    Attributes
    ----------
    n, dim : int
    rate : int
        D for an isotropic collapse, 1 for a collapse along one axis.
    head : mpf
        log pi_1 - D/2 log(2 pi).
    quad, lin, rest, count : tuple, shape (M,) for the M distinct points
    half_s : mpf
        S/2 with S = sum_m ||x_m - x_n||^2 (single Gaussian).
    dps : int
    """

    n: int
    dim: int
    rate: int
    head: object
    quad: tuple
    lin: tuple
    rest: tuple
    count: tuple
    half_s: object
    dps: int

    @classmethod
    def from_model(cls, model: CollapseModel, dps: int = 50) -> "CollapseTerms":
        with mp.workdps(dps + 10):
            data, dim = model.data, model.data.dim
            centre = model.centre
            distinct: dict[tuple, int] = {}
            for row in data.rows:
                distinct[row] = distinct.get(row, 0) + 1
            quad, lin, rest = [], [], []
            full = model.covariance == "full" and model.components > 1
            for row in distinct:
                delta = [a - c for a, c in zip(row, centre)]
                along = delta[:1] if full else delta
                across = delta[1:] if full else []
                quad.append(to_mpf(sum(d * d for d in along) / 2))
                lin.append(to_mpf(sum(d * d for d in across) / 2))
                rest.append(_other_components(model, row))
            head = mpmath.log(to_mpf(model.weights[0])) - mp.mpf(dim) / 2 * mpmath.log(2 * mp.pi)
            return cls(
                n=data.n, dim=dim, rate=1 if full else dim, head=head, quad=tuple(quad), lin=tuple(lin),
                rest=tuple(rest), count=tuple(distinct.values()),
                half_s=to_mpf(sum(data.squared_distances(model.point)) / 2), dps=dps,
            )

    def single(self, sigma):
        """log L of the single Gaussian N(x | x_n, sigma^2 I); ``sigma`` an mpf > 0."""
        with mp.workdps(self.dps + 10):
            nd = self.n * self.dim
            value = -nd * mpmath.log(sigma) - mp.mpf(nd) / 2 * mpmath.log(2 * mp.pi) - self.half_s / sigma**2
        return +value

    def mixture(self, sigma):
        """log L of the mixture whose component 1 collapses on x_n; ``sigma`` an mpf > 0."""
        with mp.workdps(self.dps + 10):
            cut = (self.dps + 20) * mpmath.log(10)
            head = self.head - self.rate * mpmath.log(sigma)
            inv2 = 1 / sigma**2
            total = mp.zero
            for quad, lin, rest, count in zip(self.quad, self.lin, self.rest, self.count):
                t1 = head - quad * inv2 - lin
                total += count * (t1 if rest is None else logaddexp(t1, rest, cut))
        return +total


def _other_components(model: CollapseModel, row) -> object:
    """log sum_{k>=2} pi_k N(x | mu_k, v_k I) at one point, or None if those weights are all 0."""
    dim = model.data.dim
    logs = [
        mpmath.log(to_mpf(w)) - mp.mpf(dim) / 2 * mpmath.log(2 * mp.pi * to_mpf(v))
        - to_mpf(sum((a - m) ** 2 for a, m in zip(row, mean)) / (2 * v))
        for w, mean, v in zip(model.weights[1:], model.means, model.variances) if w > 0
    ]
    if not logs:
        return None
    top = max(logs)
    return top + mpmath.log(mpmath.fsum(mpmath.exp(t - top) for t in logs))


def log_likelihood(model: CollapseModel, sigma, dps: int = 50):
    """log L of ``model`` at ``sigma`` (mpf, number or decimal text > 0), with ``dps`` significant digits.

    >>> from gmm_math.derivations.data import Dataset
    >>> model = CollapseModel.single(Dataset.from_text("0,1,3"), 0)
    >>> mpmath.nstr(log_likelihood(model, "1e-1000"), 8)
    '-5.0e+2000'
    """
    terms = CollapseTerms.from_model(model, dps)
    with mp.workdps(dps + 10):
        s = parse_sigma(sigma)
        value = terms.single(s) if model.components == 1 else terms.mixture(s)
    with mp.workdps(dps):
        return +value
