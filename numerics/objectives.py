"""The remedied log objectives in mpmath, in log space, at any sigma > 0 (sigma = 1e-1000 included).

Each ``*_objective(derivation, dps)`` reads the exact parameters of a derivation (a
:class:`~gmm_math.derivations.remedies.common.RemedyDerivation` for the remedies) and returns an
evaluator ``fn(terms, sigma)`` (``terms`` is the :class:`~gmm_math.numerics.loglik.CollapseTerms`
of the derivation's model). :data:`OBJECTIVES` holds them by the derivation's case, and
:func:`log_objectives` is the one loop that evaluates an objective at each sigma: the numeric
confirmations, the remedy checks and the plot overlay all use it.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import mpmath
import sympy as sp
from mpmath import mp

from gmm_math.derivations.core.data import distinct_rows
from gmm_math.derivations.remedies.common import RemedyDerivation
from gmm_math.numerics.loglik import CollapseTerms, to_mpf
from gmm_math.numerics.sigma_text import sigma_from_text

Evaluator = Callable[[CollapseTerms, object], object]


def exact_mpf(value: sp.Basic, dps: int):
    """An exact SymPy number as an mpf with ``dps`` + 10 digits."""
    with mp.workdps(dps + 10):
        if value.is_Rational:
            return mp.mpf(int(value.p)) / int(value.q)
        return mp.mpf(sp.N(value, dps + 15))  # through the Float's _mpf_: no decimal text, no digit limit


def ridge_objective(derivation: RemedyDerivation, dps: int) -> Evaluator:
    """log L_eps: the model's components 2..K already carry + eps; component 1 has variance sigma^2 + eps."""
    eps = exact_mpf(derivation.parameter("eps"), dps)
    return lambda terms, sigma: terms.mixture(mpmath.sqrt(sigma**2 + eps))


def _with_penalty(penalty: Callable) -> Callable:
    return lambda terms, sigma: terms.mixture(sigma) + penalty(sigma**2)


def map_objective(derivation: RemedyDerivation, dps: int) -> Evaluator:
    """log L + log IW(sigma^2 I | 2 alpha, 2 beta I) up to its constant."""
    alpha, beta = (exact_mpf(derivation.parameter(k), dps) for k in ("alpha", "beta"))
    dim = derivation.model.data.dim
    return _with_penalty(lambda s: -(2 * alpha + dim + 1) * dim / 2 * mpmath.log(s) - dim * beta / s)


def penalty_objective(derivation: RemedyDerivation, dps: int) -> Evaluator:
    """log L - a_n (tr(S_x)/sigma^2 + D log sigma^2) for the collapsing component."""
    a, trace = (exact_mpf(derivation.parameter(k), dps) for k in ("a", "trace"))
    dim = derivation.model.data.dim
    return _with_penalty(lambda s: -a * (trace / s + dim * mpmath.log(s)))


def reparam_objective(derivation: RemedyDerivation, dps: int) -> Evaluator:
    """log L - lambda (1/gamma + log gamma) with gamma = sigma^2 / tau^2."""
    lam, tau2 = (exact_mpf(derivation.parameter(k), dps) for k in ("lam", "tau2"))
    return _with_penalty(lambda s: -lam * (tau2 / s + mpmath.log(s / tau2)))


def reset_objective(derivation: RemedyDerivation, dps: int) -> Evaluator:
    """The unchanged mixture log-likelihood."""
    return lambda terms, sigma: terms.mixture(sigma)


def _logsumexp(values, cut):
    top = max(values)
    return top + mpmath.log(mpmath.fsum(mpmath.exp(v - top) for v in values if v - top > -cut))


def ratio_objective(derivation: RemedyDerivation, dps: int) -> Evaluator:
    """log L with every component at scale sigma: sum_m log sum_k pi_k N(x_m | mu_k, sigma^2 I)."""
    model = derivation.model
    dim = model.data.dim
    means = (model.centre, *model.means)
    with mp.workdps(dps + 10):
        log_w = [mpmath.log(to_mpf(w)) for w in model.weights]
        table = [(count, [to_mpf(sum((a - b) ** 2 for a, b in zip(row, mu)) / 2) for mu in means])
                 for row, count in distinct_rows(model.data).items()]
        head = -mp.mpf(dim) / 2 * mpmath.log(2 * mp.pi)

    def evaluate(terms, sigma):
        with mp.workdps(dps + 10):
            cut = (dps + 20) * mpmath.log(10)
            inv2, log_s = 1 / sigma**2, mpmath.log(sigma)
            return mpmath.fsum(
                count * (head - dim * log_s + _logsumexp([w - h * inv2 for w, h in zip(log_w, half)], cut))
                for count, half in table)

    return evaluate


def degenerate_objective(derivation: RemedyDerivation, dps: int) -> Evaluator:
    """log N(x_m | mean, sigma^2 P + I - P) summed, from the exact sums the derivation holds (normal, total)."""
    data = derivation.model.data
    normal, total = (Fraction(int(v.p), int(v.q)) for v in (derivation.parameter(k) for k in ("normal", "total")))
    shrinking = Fraction(int(derivation.parameter("projector").trace()))
    n, dim = data.n, data.dim

    def evaluate(terms, sigma):
        with mp.workdps(dps + 10):
            return (-mp.mpf(n * dim) / 2 * mpmath.log(2 * mp.pi) - n * to_mpf(shrinking) * mpmath.log(sigma)
                    - to_mpf(normal / 2) / sigma**2 - to_mpf((total - normal) / 2))

    return evaluate


def single_objective(derivation, dps: int) -> Evaluator:
    """log L of the single Gaussian N(x | x_n, sigma^2 I)."""
    return lambda terms, sigma: terms.single(sigma)


def mixture_objective(derivation, dps: int) -> Evaluator:
    """log L of the mixture whose component 1 sits on x_n with scale sigma."""
    return lambda terms, sigma: terms.mixture(sigma)


OBJECTIVES: dict[str, Callable[[RemedyDerivation, int], Evaluator]] = {
    "single": single_objective,
    "mixture": mixture_objective,
    "em-step": mixture_objective,  # the objective EM climbs: log L of the mixture, sigma = sqrt(s)
    "remedy-ridge": ridge_objective,
    "remedy-map": map_objective,
    "remedy-penalty": penalty_objective,
    "remedy-reparam": reparam_objective,
    "remedy-reset": reset_objective,
    "remedy-ratio": ratio_objective,
    "degenerate": degenerate_objective,
}


def _sigma(value, dps: int):
    """An mpf as it is; anything else (decimal text, ``10^(p/q)``, a number) through the one sigma parser."""
    return value if isinstance(value, mpmath.mpf) else sigma_from_text(str(value), dps)[0]


def log_objectives(derivation, sigmas, dps: int = 50) -> tuple:
    """The derivation's log objective (its case in :data:`OBJECTIVES`) at each sigma, mpmath, ``dps`` digits.

    Parameters
    ----------
    derivation : Derivation or RemedyDerivation
    sigmas : sequence of str or mpf, shape (M,)
        Sigma texts as :func:`~gmm_math.numerics.sigma_text.sigma_from_text` reads them (or mpf).
    dps : int

    Returns
    -------
    tuple of mpf, shape (M,)

    >>> from gmm_math.derivations.single import single_gaussian_collapse
    >>> [mpmath.nstr(v, 6) for v in log_objectives(single_gaussian_collapse(), ["1", "10^(-1/2)"], 20)]
    ['-7.75682', '-49.3029']
    """
    evaluate = OBJECTIVES[derivation.case](derivation, dps)
    terms = CollapseTerms.from_model(derivation.model, dps)
    with mp.workdps(dps + 10):
        raw = [evaluate(terms, _sigma(s, dps)) for s in sigmas]
    with mp.workdps(dps):
        return tuple(+v for v in raw)


def log_objective(derivation, sigma, dps: int = 50):
    """The log objective of ``derivation`` at one ``sigma`` (mpf, number or sigma text > 0).

    >>> from gmm_math.derivations.remedies.reset import reset_collapse
    >>> mpmath.nstr(log_objective(reset_collapse(), "1e-1000"), 8)
    '2296.3784'
    """
    return log_objectives(derivation, [sigma], dps)[0]
