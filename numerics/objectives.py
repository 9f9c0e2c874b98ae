"""The remedied log objectives in mpmath, in log space, at any sigma > 0 (sigma = 1e-1000 included).

Each ``*_objective(derivation, dps)`` reads the exact parameters of a derivation (a
:class:`~gmm_math.derivations.remedies.common.RemedyDerivation` for the remedies) and returns an
evaluator ``fn(terms, sigma)`` (``terms`` is the :class:`~gmm_math.numerics.loglik.CollapseTerms`
of the derivation's model). :data:`OBJECTIVES` holds them by the derivation's case, and
:func:`log_objectives` is the one loop that evaluates an objective at each sigma: the numeric
confirmations, the remedy checks and the plot overlay all use it.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp
from mpmath import mp
from mpmath.libmp import (
    fone, mpf_add, mpf_exp, mpf_log, mpf_lt, mpf_mul, mpf_mul_int, mpf_neg, mpf_pow_int, mpf_sum,
    round_nearest as NEAREST, to_float,
)

from gmm_math.derivations.remedies.common import RemedyDerivation
from gmm_math.numerics.loglik import LOG2_E, CollapseTerms, to_mpf
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


def ratio_objective(derivation: RemedyDerivation, dps: int) -> Evaluator:
    """log L with every component at scale sigma: sum_m log sum_k pi_k N(x_m | mu_k, sigma^2 I)."""
    model = derivation.model
    dim, n = model.data.dim, model.data.n
    with mp.workdps(dps + 10):
        table = _NearestMeans.from_model(model)
        head = -mp.mpf(dim) / 2 * mpmath.log(2 * mp.pi)

    def evaluate(terms, sigma):
        with mp.workdps(dps + 10):
            return n * (head - dim * mpmath.log(sigma)) + table.log_sum(sigma, (dps + 20) * mpmath.log(10))

    return evaluate


@dataclass(frozen=True)
class _NearestMeans:
    """The ratio model's distinct points, sorted by how far their nearest mean is ahead of the next one.

    With ``h[k]`` half the squared distance of point m to mean k (exact integers over ``denominator``),
    ``h_min`` the nearest and ``ref`` its component, point m's term is
    ``count * (log pi_ref - h_min / sigma^2 + log s)``, ``s = sum_k exp(log pi_k - log pi_ref - (h[k] -
    h_min) / sigma^2)``. The first two parts are summed over all points once (exact integers). ``s`` is
    ``ties`` (the terms with ``h[k] = h_min``) plus terms that fall below the cut once ``gap / sigma^2``
    exceeds ``cut + margin`` (``gap`` the lead of the nearest mean over the next): such points are
    summed from suffix sums of ``log ties``, so a small sigma costs O(log M), and only the points with
    a smaller gap are evaluated one by one, on raw mpmath values.

    Attributes
    ----------
    gaps : tuple of int, shape (M,)
        ascending (numerators over ``denominator``; math.inf where every mean is as near).
    rows : tuple, shape (M,)
        per point (same order): ``(count, ties, ((log pi_k - log pi_ref, h[k] - h_min), ...))`` with
        ``ties`` and the log weight ratios raw mpf, only the k with ``h[k] > h_min``.
    suffix_ties : tuple of mpf, shape (M + 1,)
        sums from index i on of count * log(ties).
    fixed_weights : mpf
        sum of count * log pi_ref.
    nearest : int
        sum of count * h_min (numerator over ``denominator``).
    margin : mpf
        the largest log pi_j - log pi_k (0 for the ratio model's equal weights).
    """

    gaps: tuple
    rows: tuple
    suffix_ties: tuple
    fixed_weights: object
    nearest: int
    margin: object
    denominator: int

    @classmethod
    def from_model(cls, model) -> "_NearestMeans":
        """Build at the current precision."""
        prec, data = mp.prec, model.data
        columns, dens = zip(*(data.distinct_squared_distances(mu) for mu in (model.centre, *model.means)))
        den = 2 * math.lcm(*dens)
        scales = [den // (2 * q) for q in dens]
        log_w = [mpmath.log(to_mpf(w)) for w in model.weights]
        pairs = [(j, k) for j in range(len(log_w)) for k in range(len(log_w))]
        ratios = {(j, k): (log_w[j] - log_w[k])._mpf_ for j, k in pairs}
        shares = {(j, k): mpf_exp(ratios[j, k], prec, NEAREST) for j, k in pairs}  # pi_j / pi_k
        keyed, refs, nearest, same = [], [0] * len(log_w), 0, all(f == 1 for f in scales)
        for (_, count), *halves in zip(data.group_index.values(), *columns):
            h = halves if same else [v * f for v, f in zip(halves, scales)]
            low = min(h)
            ref = h.index(low)
            tied = [shares[k, ref] for k, v in enumerate(h) if v == low]
            ties = tied[0] if len(tied) == 1 else mpf_sum(tied, prec, NEAREST)
            far = tuple((ratios[k, ref], v - low) for k, v in enumerate(h) if v > low)
            keyed.append((min(d for _, d in far) if far else math.inf, count, ties, far))
            refs[ref] += count
            nearest += count * low
        fixed = mpmath.fsum(c * w for c, w in zip(refs, log_w))
        keyed.sort(key=lambda row: row[0])
        suffix = [mp.zero]
        for _, count, ties, _ in reversed(keyed):
            suffix.append(suffix[-1] if ties == fone else suffix[-1] + count * mpmath.log(mp.make_mpf(ties)))
        return cls(gaps=tuple(row[0] for row in keyed), rows=tuple(row[1:] for row in keyed),
                   suffix_ties=tuple(reversed(suffix)), fixed_weights=fixed, nearest=nearest,
                   margin=max(log_w) - min(log_w), denominator=den)

    def log_sum(self, sigma, cut):
        """sum_m count * log sum_k pi_k exp(-h[m][k] / sigma^2) at the current precision (``cut`` as in loglik)."""
        per_unit = 1 / (sigma * sigma * self.denominator)  # h / sigma^2 = integer numerator * per_unit
        first = bisect_left(self.gaps, int(mpmath.ceil((cut + self.margin) / per_unit)))  # the first settled point
        value = self.fixed_weights - self.nearest * per_unit + self.suffix_ties[first]
        if first:
            value += mp.make_mpf(_log_sum_exp_rows(self.rows[:first], per_unit._mpf_, cut._mpf_, mp.prec))
        return value


def _log_sum_exp_rows(rows, per_unit, cut, prec: int):
    """sum over ``rows`` (see :class:`_NearestMeans`) of count * log s, as a raw mpf (``prec`` bits).

    The s (each in [1, sum pi_k / pi_ref]) are multiplied and one logarithm is taken at the end, as in
    :func:`gmm_math.numerics.loglik._band_sum`.
    """
    product, neg_cut, neg_unit = fone, mpf_neg(cut), mpf_neg(per_unit)
    for count, ties, far in rows:
        total = ties
        for ratio, distance in far:
            low = mpf_add(ratio, mpf_mul_int(neg_unit, distance, prec, NEAREST), prec, NEAREST)
            if mpf_lt(neg_cut, low):
                bits = max(prec + 8 + int(to_float(low) * LOG2_E), 24)  # e^low is needed to prec bits of s only
                total = mpf_add(total, mpf_exp(low, bits, NEAREST), prec, NEAREST)
        product = mpf_mul(product, total if count == 1 else mpf_pow_int(total, count, prec, NEAREST), prec, NEAREST)
    return mpf_log(product, prec, NEAREST)


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


WITHOUT_TERMS = frozenset({"remedy-ratio", "degenerate"})  # their evaluators read only the derivation


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
    terms = None if derivation.case in WITHOUT_TERMS else CollapseTerms.from_model(derivation.model, dps)
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
