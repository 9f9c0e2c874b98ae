"""Numeric confirmation of a derivation's limit: the same log-likelihood in mpmath at shrinking sigma."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy as sp
from mpmath import mp

from gmm_math.derivations.result import Derivation
from gmm_math.numerics.loglik import CollapseTerms, parse_sigma

CHECK_SIGMAS = ("1e-1", "1e-10", "1e-100", "1e-1000")

# case -> (terms, sigma) -> log objective; later cases (remedies) add their evaluators here.
EVALUATORS: dict[str, Callable] = {
    "single": lambda terms, sigma: terms.single(sigma),
    "mixture": lambda terms, sigma: terms.mixture(sigma),
}


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


def confirm(derivation: Derivation, dps: int = 50, sigmas: tuple[str, ...] = CHECK_SIGMAS,
            evaluator: Callable | None = None) -> NumericCheck:
    """Evaluate the derivation's model at ``sigmas`` with ``dps`` digits and compare the trend with its limit."""
    evaluate = evaluator or EVALUATORS[derivation.case]
    terms = CollapseTerms.from_model(derivation.model, dps)
    with mp.workdps(dps + 10):
        raw = [evaluate(terms, parse_sigma(s)) for s in sigmas]
    with mp.workdps(dps):
        values = tuple(+v for v in raw)
        agrees = trend_agrees(values, derivation.limit_log_likelihood, dps)
    return NumericCheck(tuple(sigmas), values, dps, derivation.limit_log_likelihood, agrees)


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
