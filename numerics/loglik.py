"""Log-likelihoods of a :class:`CollapseModel` in mpmath, at any precision and any sigma > 0.

Everything is done in log space: the collapsing component's log density is a
closed form in log sigma and 1/sigma^2, the other components' log densities do
not depend on sigma and are computed once, and log-sum-exp drops a term that
cannot change the sum at the working precision *before* exponentiating it, so
sigma = 1e-1000000 costs no more than sigma = 0.1.

For many points the mixture is evaluated in three bands of the distinct points
sorted by their squared distance to x_n (see :class:`_Bands`): points where
component 1 certainly dominates and points where it is certainly negligible
are summed in O(1) from prefix sums, and only the points in between are
evaluated one by one. At small sigma that middle band holds just the points at
x_n, so a sweep of many sigma over a large data set costs a few mpf operations
per sigma.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import mpmath
from mpmath import mp
from mpmath.libmp import (
    fone, from_int, from_man_exp, from_rational, mpf_add, mpf_div, mpf_exp, mpf_log, mpf_lt, mpf_mul,
    mpf_mul_int, mpf_neg, mpf_pow_int, round_nearest as NEAREST, to_fixed,
)

from gmm_math.derivations.core.arithmetic import Arithmetic
from gmm_math.derivations.core.model import CollapseModel, OtherComponents
from gmm_math.numerics.sigma_text import parse_sigma


def _ratios(numerators, denominator: int) -> list:
    """Each p / denominator as an mpf, correctly rounded to the current precision (raw libmp: no per-item overhead)."""
    prec, make = mp.prec, mp.make_mpf
    return [make(from_rational(p, denominator, prec, NEAREST)) if p else mp.zero for p in numerators]


def _affine(const, coefficient, values) -> list:
    """``const - coefficient * v`` for each int v, as mpf, rounded as the mpf operators round."""
    prec, make = mp.prec, mp.make_mpf
    c, k = const._mpf_, mpf_neg(coefficient._mpf_)
    return [make(mpf_add(c, mpf_mul_int(k, v, prec, NEAREST), prec, NEAREST)) for v in values]


MPMATH = Arithmetic(ratio=lambda p, q: mp.mpf(p) / q, log=mpmath.log, exp=mpmath.exp, log1p=mpmath.log1p,
                    fsum=mpmath.fsum, pi=lambda: mp.pi, affine=_affine)  # the derivations' bulk code, in mpmath


def to_mpf(value: Fraction | int | str):
    """An exact Fraction (or int, or decimal text) as an mpf at the current precision."""
    if isinstance(value, Fraction):
        return mp.mpf(value.numerator) / value.denominator
    return mp.mpf(value)


def logaddexp(a, b, cut):
    """log(exp(a) + exp(b)) without exponentiating a term that is ``cut`` below the other."""
    if a < b:
        a, b = b, a
    if b - a < -cut:
        return a
    return a + mpmath.log1p(mpmath.exp(b - a))


def logaddexp_share(t1, rest, cut):
    """``(log(exp(t1) + exp(rest)), exp(t1) / (exp(t1) + exp(rest)))``: the sum and t1's share of it.

    The share (component 1's responsibility) is exactly 1 or 0 when the other
    term is ``cut`` below; only one exponential is ever taken.
    """
    if t1 >= rest:
        if rest - t1 < -cut:
            return t1, mp.one
        e = mpmath.exp(rest - t1)
        return t1 + mpmath.log1p(e), 1 / (1 + e)
    if t1 - rest < -cut:
        return rest, mp.zero
    e = mpmath.exp(t1 - rest)
    return rest + mpmath.log1p(e), e / (1 + e)


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
    exact: object = None  # the LemmaConstants behind quad and lin (their exact integer numerators)

    @classmethod
    def from_model(cls, model: CollapseModel, dps: int = 50) -> "CollapseTerms":
        with mp.workdps(dps + 10):
            data = model.data
            lemma = model.lemma_constants()  # equal points grouped once, exact half squared distances
            others = OtherComponents.from_model(model, MPMATH)
            den = lemma.denominator
            return cls(
                n=data.n, dim=data.dim, rate=lemma.p, head=mpmath.log(to_mpf(model.weights[0]))
                - mp.mpf(data.dim) / 2 * mpmath.log(2 * mp.pi), quad=tuple(_ratios(lemma.along_int, den)),
                lin=tuple(_ratios(lemma.across_int, den)),
                rest=others.log_densities(model), count=lemma.count,
                half_s=to_mpf(data.total_squared_distance(model.centre) / 2), dps=dps, exact=lemma,
            )

    @cached_property
    def cut(self):
        """How far below the larger term a log-sum-exp term may be and still be dropped: (dps + 20) ln 10."""
        with mp.workdps(self.dps + 10):
            return (self.dps + 20) * mpmath.log(10)

    def single(self, sigma):
        """log L of the single Gaussian N(x | x_n, sigma^2 I); ``sigma`` an mpf > 0."""
        with mp.workdps(self.dps + 10):
            nd = self.n * self.dim
            value = -nd * mpmath.log(sigma) - mp.mpf(nd) / 2 * mpmath.log(2 * mp.pi) - self.half_s / sigma**2
        return +value

    def mixture(self, sigma):
        """log L of the mixture whose component 1 collapses on x_n; ``sigma`` an mpf > 0."""
        with mp.workdps(self.dps + 10):
            value = self._bands.evaluate(self, sigma, slope=False)[0]
        return +value

    def mixture_and_slope(self, sigma):
        """log L of the mixture and its slope d log L / d log sigma, both at ``sigma`` (an mpf > 0).

        The slope is the analytic derivative: sum over points of count * gamma_m *
        (2 quad[m] / sigma^2 - rate), with gamma_m component 1's responsibility for point m.
        As sigma -> 0+ it tends to -rate * r for the r points at x_n.
        """
        with mp.workdps(self.dps + 10):
            value, slope = self._bands.evaluate(self, sigma)
        return +value, +slope

    @cached_property
    def _bands(self) -> "_Bands":
        with mp.workdps(self.dps + 10):
            return _Bands.from_terms(self)


@dataclass(frozen=True)
class _Bands:
    """The distinct points sorted by ``quad``, with prefix and suffix sums for the bands of a sigma.

    With ``a[m] = lin[m] + rest[m]``, component 1's log density minus the others'
    is ``head(sigma) - quad[m] / sigma^2 - a[m]``. Sorted by ``quad``:

    - indices ``< lo`` have ``quad < sigma^2 (head - max a - cut)``: the others are negligible, the
      point contributes ``count * (head - quad / sigma^2 - lin)`` (summed with prefix sums);
    - indices ``>= hi`` have ``quad > sigma^2 (head - min a + cut)``: component 1 is negligible, the
      point contributes ``count * rest`` (a suffix sum);
    - only the indices in ``[lo, hi)`` are evaluated one by one.

    Attributes
    ----------
    quad, lin, rest, count : tuple, shape (M,), sorted by quad
    prefix_count, prefix_quad, prefix_lin : tuple of int, shape (M + 1,)
        sum over the first i points of count, count * quad, count * lin (the last two as exact
        numerators over ``denominator``).
    suffix_rest : tuple of int, shape (M + 1,)
        sum over the points from i on of count * rest, in fixed point (times 2^bits).
    a_min, a_max : mpf
        the extremes of lin + rest (-inf when the other components carry no weight).
    denominator : int
    raw : tuple, shape (M,)
        per point ``(count, quad, lin, rest, lin + rest)``, the last four as raw mpmath values (libmp tuples).
    fixed : tuple, shape (M,)
        per point ``(count, quad, lin numerators over denominator, rest, lin + rest)``, the last two in fixed point.
    bits : int
        the fixed point's fraction bits: the working precision plus FIXED_GUARD.
    """

    quad: tuple
    lin: tuple
    rest: tuple
    count: tuple
    prefix_count: tuple
    prefix_quad: tuple
    prefix_lin: tuple
    suffix_rest: tuple
    a_min: object
    a_max: object
    denominator: int
    raw: tuple
    fixed: tuple
    bits: int

    @classmethod
    def from_terms(cls, terms: CollapseTerms) -> "_Bands":
        exact = terms.exact
        order = sorted(range(len(terms.quad)), key=exact.along_int.__getitem__)
        quad, lin, rest, count = ([seq[i] for i in order] for seq in (terms.quad, terms.lin, terms.rest, terms.count))
        prec = mp.prec
        bits = prec + FIXED_GUARD
        along = [exact.along_int[i] for i in order]
        across = [exact.across_int[i] for i in order]
        if any(r is None for r in rest):  # no weight on components 2..K: component 1 alone, everywhere
            a_values = [mp.ninf]
            rest = [mp.ninf] * len(rest)
            raw = fixed = ()  # never read: the band is empty
            suffix = [0] * (len(rest) + 1)
        else:
            raw = tuple((c, q._mpf_, l._mpf_, r._mpf_, mpf_add(l._mpf_, r._mpf_, prec, NEAREST) if l else r._mpf_)
                        for c, q, l, r in zip(count, quad, lin, rest))
            a_values = _extremes([row[4] for row in raw])
            fixed = tuple((c, q, x, to_fixed(row[3], bits), to_fixed(row[4], bits))
                          for c, q, x, row in zip(count, along, across, raw))
            suffix = [0]
            for c, _, _, r, _ in reversed(fixed):
                suffix.append(suffix[-1] + (r if c == 1 else c * r))
        # prefix sums of count * a and count * lin are exact integers over one denominator: no mpf additions
        return cls(
            quad=tuple(quad), lin=tuple(lin), rest=tuple(rest), count=tuple(count),
            prefix_count=tuple(_prefix(count, 0)), prefix_quad=tuple(_prefix((c * q for c, q in zip(count, along)), 0)),
            prefix_lin=tuple(_prefix((c * q for c, q in zip(count, across)), 0)),
            suffix_rest=tuple(reversed(suffix)), a_min=min(a_values), a_max=max(a_values),
            denominator=exact.denominator, raw=raw, fixed=fixed, bits=bits,
        )

    def evaluate(self, terms: CollapseTerms, sigma, slope: bool = True):
        """``(log L, d log L / d log sigma)`` of the mixture at ``sigma``; call at the working precision.

        With ``slope=False`` the slope is not computed (returned as None): the shares are what cost.
        """
        cut = terms.cut
        head = terms.head - terms.rate * mpmath.log(sigma)
        sigma2 = sigma * sigma
        inv2 = 1 / sigma2
        lo = bisect_left(self.quad, sigma2 * (head - self.a_max - cut))
        hi = max(lo, bisect_right(self.quad, sigma2 * (head - self.a_min + cut)))
        count, along, across, rest, product, band_slope = (self.prefix_count[lo], self.prefix_quad[lo],
                                                           self.prefix_lin[lo], 0, fone, 0)
        if lo < hi:
            count, along, across, rest, product, band_slope = _band_sum(
                self, lo, hi, head, inv2, cut, count, along, across, terms.rate if slope else None)
        value = (count * head - mp.mpf(along) / self.denominator * inv2 - mp.mpf(across) / self.denominator
                 + mp.make_mpf(from_man_exp(self.suffix_rest[hi] + rest, -self.bits, mp.prec, NEAREST))
                 + mp.make_mpf(mpf_log(product, mp.prec, NEAREST)))
        if not slope:
            return value, None
        if hi == 0:  # large sigma: component 1 is negligible at every point, the slope is all tiny shares
            return value, self._faint_slope(terms.rate, head, inv2)
        gradient = 2 * mp.mpf(self.prefix_quad[lo]) / self.denominator * inv2 - terms.rate * self.prefix_count[lo]
        if lo < hi:
            gradient += mp.make_mpf(from_man_exp(band_slope, -self.bits, mp.prec, NEAREST))
        return value, gradient

    def _faint_slope(self, rate, head, inv2):
        """The slope from every point's (tiny) share; the exponents stay moderate when sigma is large."""
        slope = mp.zero
        for quad, lin, rest, count in zip(self.quad, self.lin, self.rest, self.count):
            e = mpmath.exp(head - quad * inv2 - lin - rest)
            slope += count * e / (1 + e) * (2 * quad * inv2 - rate)
        return slope


def _extremes(values) -> list:
    """The smallest and the largest of raw mpf ``values``, as mpf."""
    low = high = values[0]
    for v in values:
        if mpf_lt(v, low):
            low = v
        elif mpf_lt(high, v):
            high = v
    return [mp.make_mpf(low), mp.make_mpf(high)]


def _prefix(values, start=None) -> list:
    sums = [mp.zero if start is None else start]
    for v in values:
        sums.append(sums[-1] + v)
    return sums


LOG2_E = 1.4426950408889634  # 1 / ln 2
FIXED_GUARD = 64  # fraction bits of the band's fixed-point sums beyond the working precision


def _band_sum(bands: _Bands, lo: int, hi: int, head, inv2, cut, count: int, along: int, across: int,
              rate: int | None = None) -> tuple:
    """The band's points added to the exact prefix sums, and the product of their ``1 + e`` factors.

    Point m's term is count * log(e^t1 + e^rest), t1 = head - quad * inv2 - lin, split as
    ``top + log(1 + e)`` with e = e^(low - top) <= 1. A top t1 is added to the exact integer sums
    (``count``, ``along``, ``across``: count, count * quad and count * lin numerators), a top rest to a
    fixed-point integer sum (``bands.bits`` fraction bits), and the factors 1 + e are multiplied (one
    logarithm at the end). The exponents come from fixed-point integers too, so a point costs one
    exponential (at the few bits its size needs; none below the cut) and a few integer operations.
    The product of M factors in [1, 2] carries at most M rounding errors of one part in 2^prec:
    far below the digits kept (prec has 10 digits more).

    With ``rate`` given, the same loop also sums the slope's band part, count * share *
    (2 quad * inv2 - rate) with share = component 1's, in fixed point: the share is 1/(1 + e) when t1
    is on top and e/(1 + e) otherwise, from the same exponential.

    Returns
    -------
    (count, along, across, rest, product, slope) : int, int, int, int (fixed point), raw mpf,
    int (fixed point, ``bands.bits`` fraction bits; 0 without ``rate``)
    """
    prec, bits = mp.prec, bands.bits
    guard = FIXED_GUARD + bands.denominator.bit_length()  # quad * inv2 = numerator * per_quad, to guard bits more
    head_fixed, cut_fixed = to_fixed(head._mpf_, bits), to_fixed(cut._mpf_, bits)
    per_quad = to_fixed(mpf_div(inv2._mpf_, from_int(bands.denominator), prec + 2 * FIXED_GUARD, NEAREST),
                        bits + guard)
    rest_sum, product, slope, one = 0, fone, 0, 1 << bits
    rate_fixed = 0 if rate is None else rate << bits
    for c, q, x, rest, a in bands.fixed[lo:hi]:
        scaled = (q * per_quad) >> guard  # quad * inv2
        gap = head_fixed - a - scaled  # t1 - rest
        on_top = gap >= 0
        if on_top:
            count, along, across, lowest = count + c, along + c * q, across + c * x, -gap
        else:
            rest_sum, lowest = rest_sum + c * rest, gap
        share = one if on_top else 0
        if lowest > -cut_fixed:
            need = max(prec + 8 + int(((lowest >> bits) + 1) * LOG2_E), 24)  # 1 + e is right to prec bits
            e = mpf_exp(from_man_exp(lowest, -bits, need + 8, NEAREST), need, NEAREST)
            factor = mpf_add(fone, e, prec, NEAREST)
            product = mpf_mul(product, factor if c == 1 else mpf_pow_int(factor, c, prec, NEAREST), prec, NEAREST)
            if rate is not None:
                e_fixed = to_fixed(e, bits)
                share = ((one if on_top else e_fixed) << bits) // (one + e_fixed)
        if rate is not None and share:
            slope += c * ((share * (2 * scaled - rate_fixed)) >> bits)
    return count, along, across, rest_sum, product, slope


def log_likelihood(model: CollapseModel, sigma, dps: int = 50):
    """log L of ``model`` at ``sigma`` (mpf, number or decimal text > 0), with ``dps`` significant digits.

    >>> from gmm_math.derivations.core.data import Dataset
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
