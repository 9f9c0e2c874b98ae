"""The EM variance map s -> f(s) of component 1 on x_n, in mpmath and in log space; checked against the EM code.

``f(s) = sum_m gamma_m(s) d_m^2 / sum_m gamma_m(s)`` with ``d_m = x_m - x_n`` and the
responsibilities gamma_m of component 1 (mu_1 = x_n, pi_1 and components 2..K held), see
:mod:`gmm_math.derivations.em_step`. The state is ``L = log s``: one step can take log10 s
from -27 to -2e26 and the next to about -10^(2e26), which mpmath holds as long as ``L``
itself is an mpf (its exponent is a Python integer). The figure coordinate is doubly
logarithmic, ``z = sign(l) log10(1 + |l|)`` with ``l = log10 s``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import math

import mpmath
from mpmath import mp

from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.numerics.loglik import CollapseTerms

MAX_ITER = 10_000
SCAN_POINTS = 240
SCAN_DPS = 15
FRAME_DEPTH = 1000.0  # orbit points below z = -FRAME_DEPTH (log10 s < -1e999) are drawn as leaving the frame
ZOOM_DEPTH = -4.0  # the detail panel reaches down to log10 s = -1000
DRAWN_TOL = 1e-8  # a drawn orbit has converged when log s changes by less than this (relative)
Z_SCALE = 0.1  # log10 s at which the figure axis turns from logarithmic to doubly logarithmic
# beyond |log s| ~ 2^MAX_LOG_BITS the next step needs exp(|log s|), whose exponent is no longer a small integer
MAX_LOG_BITS = 4000


def _cut():
    """Terms this far (in log) below the largest cannot change a sum at the working precision."""
    return 3 * mp.dps + 10


def _logsumexp(values):
    top = max(values)
    if top == -mpmath.inf:
        return top
    cut = _cut()
    return top + mpmath.log(mpmath.fsum(mpmath.exp(v - top) for v in values if v - top > -cut))


def _log_share(own, rest):
    """log(e^own / (e^own + e^rest)), without forming either exponential."""
    if rest is None:
        return mp.zero
    z = rest - own
    if abs(z) > _cut():
        return -z if z > 0 else mp.zero
    return -(z + mpmath.log1p(mpmath.exp(-z))) if z > 0 else -mpmath.log1p(mpmath.exp(z))


@dataclass(frozen=True)
class EmMap:
    """The variance map of a 1-D :class:`CollapseModel` at ``dps`` digits.

    Attributes
    ----------
    terms : CollapseTerms
        head = log pi_1 - log(2 pi)/2, quad[m] = d_m^2/2, rest[m] = log g(x_m), count[m].
    dps : int
    """

    terms: CollapseTerms
    dps: int

    @classmethod
    def from_model(cls, model: CollapseModel, dps: int = 50) -> "EmMap":
        if model.data.dim != 1:
            raise GmmMathError("the EM variance map is 1-D", parameter="data")
        terms = CollapseTerms.from_model(model, dps)
        if all(q == 0 for q in terms.quad):
            raise GmmMathError("every data point equals x_n: the EM variance map is 0", parameter="data")
        return cls(terms, dps)

    @property
    def max_d2(self):
        return 2 * max(self.terms.quad)

    @property
    def delta2(self):
        """delta^2: the squared distance from x_n to its nearest other data point."""
        return 2 * min(q for q in self.terms.quad if q > 0)

    def log_gammas(self, log_s) -> list:
        """log gamma_m(s) for each distinct point, shape (M,)."""
        t = self.terms
        inv_s = mpmath.exp(-log_s)
        return [_log_share(t.head - log_s / 2 - q * inv_s, rest) for q, rest in zip(t.quad, t.rest)]

    def log_f(self, log_s):
        """log f(s) from log s (mpf), at ``dps`` + 10 digits."""
        bits = mpmath.mag(log_s) if log_s else 0
        if bits > MAX_LOG_BITS:
            raise GmmMathError(f"log s = {mpmath.nstr(log_s, 5)} is beyond the range the EM map is evaluated in",
                               parameter="s")
        log_count, log_d2 = self._logs
        with mp.workdps(max(mp.dps, self.dps + 10) + max(0, int(bits * 0.302))):
            log_g = self.log_gammas(log_s)
            top = _logsumexp([c + d + g for c, d, g in zip(log_count, log_d2, log_g) if d is not None])
            bottom = _logsumexp([c + g for c, g in zip(log_count, log_g)])
            return top - bottom

    @cached_property
    def _logs(self) -> tuple[tuple, tuple]:
        """log count[m] and log d_m^2 (None at x_n), at ``dps`` + 10 digits, computed once."""
        t = self.terms
        with mp.workdps(self.dps + 10):
            return (tuple(mpmath.log(c) for c in t.count),
                    tuple(mpmath.log(2 * q) if q > 0 else None for q in t.quad))

    def log_ratio(self, log_s):
        """log(f(s)/s)."""
        return self.log_f(log_s) - log_s


@dataclass(frozen=True)
class FixedPoint:
    """A positive fixed point s* = f(s*) and its slope f'(s*) (< 1: attracting, > 1: repelling)."""

    log_s: object
    slope: object

    @property
    def s(self):
        return mpmath.exp(self.log_s)

    @property
    def attracting(self) -> bool:
        return self.slope < 1


@dataclass(frozen=True)
class FixedPoints:
    """The positive fixed points of f in the scanned range [s_lo, s_hi], and why there are none outside.

    ``s_lo`` is where the bound f(s)/s <= B(s_lo) < 1 for all s <= s_lo takes over (``bound``),
    ``s_hi`` = max d^2, above which f(s) < max d^2 <= s; ``peak`` is the largest f(s)/s on the grid.
    """

    points: tuple[FixedPoint, ...]
    log_s_lo: object
    log_s_hi: object
    bound: object
    peak_ratio: object
    grid: int

    @property
    def boundary(self) -> FixedPoint | None:
        """The basin boundary: the smallest repelling fixed point (below it EM started on x_n collapses)."""
        return next((p for p in self.points if not p.attracting), None)

    @property
    def regular(self) -> FixedPoint | None:
        return next((p for p in reversed(self.points) if p.attracting), None)


def _small_s_bound(em: EmMap, log_s):
    """An upper bound on f(s)/s valid for every s <= e^log_s <= delta^2/3.

    Numerator: gamma_m <= pi_1 N(d_m; s)/g_m and N(d; s)/s increases in s below d^2/3;
    denominator: >= r gamma_n(s) >= r gamma_n(s_lo), since gamma_n grows as s falls.
    """
    t = em.terms
    inv_s = mpmath.exp(-log_s)
    top = _logsumexp([mpmath.log(c) + mpmath.log(2 * q) + t.head - log_s / 2 - q * inv_s - rest
                      for c, q, rest in zip(t.count, t.quad, t.rest) if q > 0 and rest is not None]
                     or [-mpmath.inf])
    at_xn = [mpmath.log(c) + _log_share(t.head - log_s / 2, rest) for c, q, rest in zip(t.count, t.quad, t.rest)
             if q == 0]
    return mpmath.exp(top - _logsumexp(at_xn) - log_s)


FLOAT_SURE = 1e-6  # a float64 value of log(f/s) this far from 0 (or from the largest) has the mpmath one's order


def _float_log_ratios(terms: CollapseTerms, grid_l) -> list[float] | None:
    """log(f(s)/s) in float64 at each log s of ``grid_l`` (the same formula as :meth:`EmMap.log_f`); None when a
    value is not finite (the data's scale is beyond float64: the caller scans in mpmath).
    """
    head, quad = float(terms.head), [float(q) for q in terms.quad]
    rest = [None if r is None else float(r) for r in terms.rest]
    log_count = [math.log(c) for c in terms.count]
    log_d2 = [math.log(2 * q) if q > 0 else None for q in quad]

    def log_share(own, other):
        if other is None:
            return 0.0
        z = other - own
        return -(z + math.log1p(math.exp(-z))) if z > 0 else -math.log1p(math.exp(z))

    def logsumexp(values):
        top = max(values)
        return top + math.log(math.fsum(math.exp(v - top) for v in values))

    out = []
    try:
        for log_s in map(float, grid_l):
            inv_s = math.exp(-log_s)
            log_g = [log_share(head - log_s / 2 - q * inv_s, r) for q, r in zip(quad, rest)]
            top = logsumexp([c + d + g for c, d, g in zip(log_count, log_d2, log_g) if d is not None])
            bottom = logsumexp([c + g for c, g in zip(log_count, log_g)])
            out.append(top - bottom - log_s)
    except (OverflowError, ValueError):
        return None
    return out if all(math.isfinite(v) for v in out) else None


def _scan(coarse: EmMap, grid_l) -> tuple[list, object]:
    """The signs of log(f(s)/s) on the grid and its largest value, as the mpmath scan at ``coarse.dps`` gives them.

    float64 first; every value it leaves in doubt (within FLOAT_SURE of 0, or of the largest) is computed in
    mpmath. Returns the values (float or mpf: only their signs are used) and the largest, an mpf.
    """
    fast = _float_log_ratios(coarse.terms, grid_l)
    if fast is None:
        values = [coarse.log_ratio(v) for v in grid_l]
        return values, max(values)
    values = [coarse.log_ratio(v) if abs(f) < FLOAT_SURE else f for v, f in zip(grid_l, fast)]
    top = max(fast)
    return values, max(coarse.log_ratio(v) for v, f in zip(grid_l, fast) if f >= top - FLOAT_SURE)


def fixed_points(em: EmMap, grid: int = SCAN_POINTS) -> FixedPoints:
    """The positive fixed points of f: sign changes of log(f(s)/s) on a grid in log s, refined by findroot.

    The grid is scanned for signs at SCAN_DPS digits (float64 where that settles them, see :func:`_scan`);
    the roots are found at ``dps``.
    """
    coarse = EmMap(em.terms, min(em.dps, SCAN_DPS))
    with mp.workdps(coarse.dps):
        log_lo = mpmath.log(em.delta2 / 3)
        while (bound := _small_s_bound(coarse, log_lo)) >= mp.mpf(1) / 2:
            log_lo -= 1
        log_hi = mpmath.log(em.max_d2)
        grid_l = [log_lo + (log_hi - log_lo) * i / (grid - 1) for i in range(grid)]
        values, top = _scan(coarse, grid_l)
        brackets = [(a, b) for a, b, fa, fb in zip(grid_l, grid_l[1:], values, values[1:]) if fa * fb <= 0]
        peak = mpmath.exp(top)
    with mp.workdps(em.dps + 10):
        found = [_bracketed_root(em.log_ratio, a, b) for a, b in brackets]
        points = tuple(FixedPoint(root, 1 + mpmath.diff(em.log_ratio, root)) for root in found)
    with mp.workdps(em.dps):
        return FixedPoints(tuple(FixedPoint(+p.log_s, +p.slope) for p in points), +log_lo, +log_hi, +bound,
                           +peak, grid)


def _bracketed_root(f, a, b):
    """The root of ``f`` in the sign-changing bracket [a, b]: Anderson-Bjorck, else Illinois; refused if neither converges."""
    for solver in ("anderson", "illinois"):
        try:
            return mpmath.findroot(f, (mp.mpf(a), mp.mpf(b)), solver=solver)
        except (ValueError, ZeroDivisionError):
            continue
    raise GmmMathError("a fixed point of the EM map could not be located to the working precision for these data "
                       "(the data's scale is extreme: rescale them, or raise dps)", parameter="dps")


NEAR_BOUNDARY = 1e-6  # |log s_0 - log s*| below this: which side s_0 lies on is decided at raised precision
BOUNDARY_ROUNDS = 3  # precisions tried: dps + 10, twice that, four times that


@dataclass(frozen=True)
class BoundarySide:
    """Where a start s_0 near the basin boundary s* lies, decided in mpmath.

    Attributes
    ----------
    side : int
        -1: below s* (EM collapses), +1: above it, 0: not decided (s_0 equals s* to ``digits`` digits).
    gap : mpf
        log s_0 - log s* at ``digits`` digits (relative distance); 0 when not decided.
    digits : int
        The precision at which it was decided (or the highest tried).
    """

    side: int
    gap: object
    digits: int


def boundary_side(model: CollapseModel, s0_text: str, boundary: FixedPoint, dps: int) -> BoundarySide | None:
    """Which side of the basin boundary ``s0_text`` lies on, when it is within NEAR_BOUNDARY of it (else None).

    s* is found again at dps + 10, 2 (dps + 10), 4 (dps + 10) digits, bracketed within 10^(-dps/2) of the
    given ``boundary``, and s_0 is read at that precision; the side is decided once |log s_0 - log s*|
    exceeds 10^(5 - digits) max(1, |log s*|), far above findroot's error.
    """
    with mp.workdps(dps + 10):
        if abs(mpmath.log(mp.mpf(s0_text)) - boundary.log_s) >= NEAR_BOUNDARY:
            return None
    digits = dps + 10
    for _ in range(BOUNDARY_ROUNDS):
        em = EmMap.from_model(model, digits)
        with mp.workdps(digits + 10):
            width = mp.mpf(10) ** (-(dps // 2)) * max(1, abs(boundary.log_s))
            root = _bracketed_root(em.log_ratio, boundary.log_s - width, boundary.log_s + width)
            gap = mpmath.log(mp.mpf(s0_text)) - root
            if abs(gap) > mp.mpf(10) ** (5 - digits) * max(1, abs(root)):
                with mp.workdps(digits):
                    return BoundarySide(1 if gap > 0 else -1, +gap, digits)
        digits *= 2
    return BoundarySide(0, mp.zero, digits // 2)


@dataclass(frozen=True)
class Orbit:
    """EM iterates log s_0, log s_1, ... of the variance map and how the run ended.

    fate: "below" (fell below the threshold), "converged" (to a positive fixed point),
    "max_iter", "out of range" (the next step needs exp(|log s|) with |log s| > 2^MAX_LOG_BITS), or
    "on boundary" (s_0 equals the basin boundary to the precision tried: no step is taken, see
    :func:`boundary_side`)."""

    log_s: tuple
    fate: str

    @property
    def steps(self) -> int:
        return len(self.log_s) - 1


def orbit(em: EmMap, log_s0, log_below=None, max_iter: int = MAX_ITER, tol=None) -> Orbit:
    """Iterate f from s_0 until s < e^log_below (if given), convergence, ``max_iter`` or the end of the range.

    Converged: log s changes by less than ``tol`` (relative; default 10^(-dps/2)).
    """
    with mp.workdps(em.dps + 10):
        path = [mp.mpf(log_s0)]
        tol = mp.mpf(10) ** (-(em.dps // 2)) if tol is None else mp.mpf(tol)
        while len(path) <= max_iter:
            current = path[-1]
            if log_below is not None and current < log_below:
                return Orbit(tuple(path), "below")
            if current and mpmath.mag(current) > MAX_LOG_BITS:
                return Orbit(tuple(path), "out of range")
            path.append(em.log_f(current))
            if abs(path[-1] - current) < tol * max(1, abs(current)):
                return Orbit(tuple(path), "converged")
        return Orbit(tuple(path), "max_iter")


def iterations_below(em: EmMap, log_s0, log_below, max_iter: int = MAX_ITER) -> int | None:
    """How many EM steps take s from s_0 below the threshold; None if it never falls below it."""
    path = orbit(em, log_s0, log_below, max_iter)
    return path.steps if path.fate == "below" else None


def parse_positive(text: str, name: str, label: str | None = None, dps: int = 50):
    """A positive number from text such as ``1e-300`` or ``1e-100000``, returned as its natural log (mpf).

    Read and logged at ``dps`` + 10 digits (the working precision of :func:`orbit`), so a start given
    with many digits keeps them. ``name`` is the library parameter the error names; ``label`` how the
    message calls it (default: name).
    """
    label = label or name
    with mp.workdps(dps + 10):
        try:
            value = mp.mpf(text)
        except (ValueError, TypeError):
            raise GmmMathError(f"{label} {text!r} is not a number (expected e.g. 1e-300)", parameter=name) from None
        if not mpmath.isfinite(value) or value <= 0:
            raise GmmMathError(f"{label} must be a finite number > 0, got {text}", parameter=name)
        return mpmath.log(value)


def doubly_log(log_s) -> float:
    """The figure coordinate z = sign(l) log10(1 + |l|/Z_SCALE) of s, l = log10 s (from log s; a float).

    Near s = 1 it is log-like, for small s it is log10(-log10 s) + 1: the step from
    log10 s = -27 to -2e26 is a step from z = -2.43 to -27.3.

    >>> round(doubly_log(mpmath.log(mpmath.mpf('1e-27'))), 6)
    -2.432969
    """
    with mp.workdps(30):
        l10 = log_s / mpmath.log(10)
        return float(mpmath.sign(l10) * mpmath.log10(1 + abs(l10) / Z_SCALE))


def log_s_of(z) -> "mpmath.mpf":
    """The inverse of :func:`doubly_log`: log s (mpf) at figure coordinate z."""
    with mp.workdps(30):
        z = mp.mpf(z)
        return mpmath.sign(z) * (mpmath.power(10, abs(z)) - 1) * Z_SCALE * mpmath.log(10)


@dataclass(frozen=True)
class Staircase:
    """One EM orbit for the cobweb: its start, its iterates in z and how it ended (see :class:`Orbit`)."""

    log_s0: object
    z: tuple[float, ...]
    fate: str
    beyond: tuple[float, ...]  # log10(-log10 s) of the iterates below the deepest frame (z < -FRAME_DEPTH)
    below_steps: int | None
    limit_s: object  # the fixed point it converged to, else None

    @property
    def s0(self):
        """The start s_0 (mpf)."""
        return mpmath.exp(self.log_s0)


@dataclass(frozen=True)
class Cobweb:
    """Everything the cobweb figure draws, in the doubly logarithmic coordinate z.

    Attributes
    ----------
    curve_z, curve_fz : tuple of float, shape (M,)
        z(s) on an even grid and z(f(s)).
    fixed : FixedPoints
    fixed_z : tuple of float
    staircases : tuple of Staircase
    zoom : tuple of float
        (z_lo, z_hi) of the detail panel: down to ZOOM_DEPTH at most.
    full : tuple of float
        (z_lo, z_hi) that holds every computed step.
    log_below : mpf
        The threshold the collapse counts are taken at.
    """

    curve_z: tuple[float, ...]
    curve_fz: tuple[float, ...]
    fixed: FixedPoints
    fixed_z: tuple[float, ...]
    staircases: tuple[Staircase, ...]
    zoom: tuple[float, float]
    full: tuple[float, float]
    log_below: object

    @property
    def below(self):
        """The threshold s itself (mpf)."""
        return mpmath.exp(self.log_below)


def default_starts(em: EmMap, fixed: FixedPoints) -> list:
    """log s_0 of the drawn orbits: either side of the basin boundary, else s_0 = max d^2 (it collapses)."""
    boundary = fixed.boundary
    if boundary is None:
        return [mpmath.log(em.max_d2)]
    return [boundary.log_s - mp.mpf("0.7"), boundary.log_s + mp.mpf("0.7")]


def _staircase(em: EmMap, log_s0, log_below, max_steps: int) -> Staircase:
    path = orbit(em, log_s0, None, max_steps, tol=DRAWN_TOL)
    below = next((t for t, v in enumerate(path.log_s) if v < log_below), None)
    limit = mpmath.exp(path.log_s[-1]) if path.fate == "converged" else None
    z = tuple(doubly_log(v) for v in path.log_s)
    with mp.workdps(30):
        beyond = tuple(float(mpmath.log10(-v / mpmath.log(10))) for v, zv in zip(path.log_s, z) if zv <= -FRAME_DEPTH)
    return Staircase(log_s0, z, path.fate, beyond, below, limit)


def axis_ticks(lo: float, hi: float, per_axis: int = 8) -> list[tuple[float, int, int]]:
    """Tick positions z in [lo, hi] for s = 1 and log10 s = sign * 10^k: (z, sign, k), thinned to about ``per_axis``.

    (0.0, 0, 0) stands for s = 1.

    >>> [(round(z, 3), sign, k) for z, sign, k in axis_ticks(-1.1, 1.1)]
    [(-1.041, -1, 0), (-0.301, -1, -1), (0.0, 0, 0), (0.301, 1, -1), (1.041, 1, 0)]
    """
    ticks = [(0.0, 0, 0)]
    for k in range(-1, 400):
        for sign in (1, -1):
            z = doubly_log(sign * mpmath.mpf(10) ** k * mpmath.log(10))
            if lo <= z <= hi:
                ticks.append((float(z), sign, k))
    ticks.sort()
    step = max(1, -(-len(ticks) // per_axis))
    return ticks[::step]


CURVE_POINTS = 400  # the cobweb curve's grid over the detail panel (a quarter as many below it)
DRAWN_STEPS = 60  # EM steps drawn per start


def cobweb_rows(starts: int, points: int = CURVE_POINTS, max_steps: int = DRAWN_STEPS) -> int:
    """How many evaluations of f at ``dps`` a :func:`cobweb` makes, as rows of the precision budget.

    The curve (``points`` + ``points // 4``) and every start's staircase (at most ``max_steps``); the fixed
    points are scanned at SCAN_DPS digits and add a few dozen findroot steps, left out.

    >>> cobweb_rows(2)
    620
    """
    return points + points // 4 + starts * max_steps


def cobweb(em: EmMap, log_starts=None, log_below=None, points: int = CURVE_POINTS,
           max_steps: int = DRAWN_STEPS) -> Cobweb:
    """The cobweb of f: the curve, the fixed points and the orbits from ``log_starts`` (default: see above)."""
    fixed = fixed_points(em)
    with mp.workdps(em.dps + 10):
        log_below = mpmath.log(mp.mpf("1e-300")) if log_below is None else log_below
        starts = default_starts(em, fixed) if log_starts is None else list(log_starts)
        stairs = tuple(_staircase(em, v, log_below, max_steps) for v in starts)
        top = max([doubly_log(mpmath.log(em.max_d2))] + [z for st in stairs for z in st.z[:1]]) + 0.3
        deepest = min(z for st in stairs for z in st.z if z > -FRAME_DEPTH)
        fixed_z = tuple(doubly_log(p.log_s) for p in fixed.points)
        zoom = (max(deepest - 0.3, ZOOM_DEPTH), top)
        full = (deepest - 0.05 * (top - deepest), top)
        # a fine grid over the detail panel, a coarse one below it (where f falls off every frame)
        fine = [zoom[0] + (top - zoom[0]) * i / (points - 1) for i in range(points)]
        coarse = [full[0] + (zoom[0] - full[0]) * i / (points // 4) for i in range(points // 4)]
        grid = coarse + fine
        curve = tuple(doubly_log(em.log_f(log_s_of(z))) for z in grid)
    return Cobweb(tuple(grid), curve, fixed, fixed_z, stairs, zoom, full, log_below)
