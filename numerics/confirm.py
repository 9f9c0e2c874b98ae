"""Numeric confirmation of a derivation's limit: the same log-likelihood in mpmath at shrinking sigma."""

from __future__ import annotations

from dataclasses import dataclass, replace

import mpmath
import sympy as sp
from mpmath import mp

from gmm_math.derivations.result import Derivation
from gmm_math.numerics.objectives import exact_mpf, log_objectives
from gmm_math.numerics.sigma_text import sigma_from_text

CHECK_SIGMAS = ("1e-1", "1e-10", "1e-100", "1e-1000")


@dataclass(frozen=True)
class NumericCheck:
    """log L of the derivation's concrete model at each sigma, and whether the trend agrees with the limit.

    Attributes
    ----------
    sigmas : tuple of str, shape (M,)
    values : tuple of mpf, shape (M,)
    dps : int
    limit : sympy.Basic
    agrees : bool
        For a limit of +oo (-oo) the values strictly increase (decrease) from the second sigma on
        (see :func:`trend_agrees`); for a finite limit they approach it and the last one matches it
        to half the working digits.
    """

    sigmas: tuple[str, ...]
    values: tuple
    dps: int
    limit: sp.Basic
    agrees: bool


def confirm(derivation: Derivation, dps: int = 50, sigmas: tuple[str, ...] = CHECK_SIGMAS) -> NumericCheck:
    """Evaluate the derivation's objective at ``sigmas`` with ``dps`` digits and compare the trend with its limit."""
    values = log_objectives(derivation, sigmas, dps)
    with mp.workdps(dps):
        agrees = trend_agrees(values, derivation.limit_log_likelihood, dps)
    return NumericCheck(tuple(sigmas), values, dps, derivation.limit_log_likelihood, agrees)


def remedy_check(derivation, dps: int = 50, **kwargs) -> NumericCheck:
    """:func:`confirm` for a remedy's (or the boundary view's) objective, with the finite-limit case made exact.

    A finite limit is approached like the leading term (the ridge: c sigma^2), so with more digits
    than the smallest sigma can resolve (dps > ~4000 at sigma = 1e-1000) the last gap is that term,
    not rounding; the trend then agrees if the gaps shrink and the last one is the predicted size.
    """
    check = confirm(derivation, dps, **kwargs)
    if check.agrees or not derivation.limit_log_likelihood.is_finite:
        return check
    with mp.workdps(dps + 10):
        target = exact_mpf(derivation.limit_log_likelihood, dps)
        gaps = [abs(v - target) for v in check.values]
        lead = sp.lambdify(derivation.sigma, derivation.leading_term, "mpmath")
        predicted = abs(lead(sigma_from_text(check.sigmas[-1], dps)[0]))
        shrinking = all(b <= a for a, b in zip(gaps, gaps[1:]))
        agrees = shrinking and gaps[-1] <= 2 * predicted + mpmath.mpf(10) ** -(dps // 2)
    return replace(check, agrees=agrees)


def trend_agrees(values, limit: sp.Basic, dps: int) -> bool:
    """Do ``values`` (at decreasing sigma) move as ``limit`` says?

    For an infinite limit every step after the first must move toward it (at least one step). The
    first sigma may lie before the asymptotic regime: with many points, component 1 at sigma = 0.1
    still explains x_n's neighbours, and losing them lowers log L before the -r D log sigma growth
    wins (every 1,000-point normal sample does this). A last step the wrong way is always refused.

    >>> trend_agrees([-1989.9, -2096.0, -1888.8, 183.5], sp.oo, 20), trend_agrees([1, 2, 3, 2], sp.oo, 20)
    (True, False)
    """
    steps = [b - a for a, b in zip(values, values[1:])]
    tail = steps[1:] if len(steps) > 1 else steps
    if limit == sp.oo:
        return bool(tail) and all(s > 0 for s in tail)
    if limit == -sp.oo:
        return bool(tail) and all(s < 0 for s in tail)
    target = mp.mpf(sp.N(limit, dps + 5))
    gaps = [abs(v - target) for v in values]
    close = gaps[-1] <= mpmath.mpf(10) ** (-(dps // 2)) * max(1, abs(target))
    return close and all(b <= a for a, b in zip(gaps, gaps[1:]))
