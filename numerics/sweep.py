"""The table behind ``gmm-math evaluate``: log L at many sigma in mpmath, float64 beside it, the rates.

For every sigma (any size: ``1e-1000000`` costs what ``0.1`` costs) one :class:`EvaluationRow` holds

- log L of the single Gaussian N(x | x_n, sigma^2 I) and of the mixture whose component 1
  collapses on x_n, in mpmath with ``dps`` significant digits
  (:class:`~gmm_math.numerics.loglik.CollapseTerms`);
- the same two in float64 by two routes (:mod:`gmm_math.numerics.float64_loglik`), with flags;
- the rates that tell the two behaviours apart: the mixture's slope d log L / d log sigma
  (-> -r D, r points at x_n) and sigma^2 log L of the single Gaussian (-> -S/2).

Sigma values are text (see :mod:`gmm_math.numerics.sigma_text`), parsed straight into mpmath.

A table for a picture (``curve=True``, as ``plot-limit`` draws it) prints only its last row's numbers: there
the mixture's log L of every other row comes from :class:`~gmm_math.numerics.float64_loglik.MixtureCurve`
(float64 in log space with an error bound) wherever that bound is far below what a pixel shows and
decides every float64 flag of the row for certain, and from mpmath otherwise. The flags are the same either
way; mpmath's cost per row grows with the points near x_n, float64's is one vectorised pass.

Float64 flags (``EvaluationRow.float64_flags``), one string ``"<route>:<what>"`` per problem, with
route ``single``, ``mixture`` (log space) or ``naive_single``, ``naive_mixture`` (product, then log),
matching the columns ``float64_<route>``:

- ``underflow``: float64 returned log L = -inf, i.e. the likelihood was lost to 0;
- ``overflow``: float64 returned log L = +inf;
- ``nan``: float64 returned nan (typically 0/0 or inf - inf once sigma itself is 0.0);
- ``inexact``: finite, but off from the mpmath value by more than 1e-9 relative.

Besides, ``sigma:underflow`` / ``sigma:subnormal`` / ``sigma:overflow`` say that sigma itself rounds
to 0.0, to a subnormal (few significant bits) or to inf in float64. The flags are exactly the
places where float64 goes wrong: a route value without a flag agrees with mpmath to 1e-9.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
from mpmath import mp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.display import NotebookDisplay
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.numerics.float64_loglik import ROUTES, Float64Model, MixtureCurve
from gmm_math.numerics.loglik import CollapseTerms
from gmm_math.numerics.sigma_text import MAX_SIGMAS, parse_sweep, sigma_from_text

__all__ = ["EvaluationRow", "EvaluationTable", "evaluate_table", "parse_sweep", "sigma_from_text", "float64_flags",
           "MAX_SIGMAS"]

FLOAT64_RELATIVE = 1e-9  # a finite float64 value further than this (relative) from mpmath is "inexact"
CURVE_RELATIVE = 1e-10  # a curve's float64 log L stands in for mpmath only with a bound this tight (relative):
# ten times inside the flags' 1e-9 and, on an axis spanning the values, far below a pixel
UNCERTAIN = "uncertain"  # a flag a bounded float64 reference cannot decide: the row goes to mpmath


@dataclass(frozen=True)
class EvaluationRow:
    """One sigma: mpmath values (mpf, ``dps`` digits), float64 values (None when non-finite) and flags.

    Attributes
    ----------
    sigma, log10_sigma : mpf
    log_likelihood_single, log_likelihood_mixture : mpf
    float64_single, float64_mixture : float or None
        log space in float64.
    float64_naive_single, float64_naive_mixture : float or None
        product of densities, then log, in float64.
    float64_flags : tuple of str
        ``"<route>:<what>"`` (see the module docstring); empty when float64 is right everywhere.
    slope_mixture : mpf
        d log L / d log sigma of the mixture (analytic).
    sigma2_loglik_single : mpf
        sigma^2 log L of the single Gaussian.
    mixture_route : {"mpmath", "float64"}
        "float64" in a curve's rows (``evaluate_table(curve=True)``) where ``log_likelihood_mixture`` and
        ``slope_mixture`` are floats from :class:`MixtureCurve`, log L within ``CURVE_RELATIVE`` of mpmath.
    """

    sigma: object
    log10_sigma: object
    log_likelihood_single: object
    log_likelihood_mixture: object
    float64_single: float | None
    float64_mixture: float | None
    float64_naive_single: float | None
    float64_naive_mixture: float | None
    float64_flags: tuple[str, ...]
    slope_mixture: object
    sigma2_loglik_single: object
    mixture_route: str = "mpmath"


@dataclass(frozen=True, repr=False)
class EvaluationTable(NotebookDisplay):
    """The rows plus what the header shows.

    Attributes
    ----------
    dps, n, dim : int
    S : Fraction
        sum_m ||x_m - x_n||^2, exact.
    sigma_star : mpf
        The single Gaussian's optimum, sigma*^2 = S / (N D) (0 when S = 0).
    loglik_at_sigma_star : mpf
        log L of the single Gaussian at sigma* (+inf when S = 0: then there is no optimum).
    limits : dict of str -> sympy.Basic
        ``{"single": ..., "mixture": ...}``: lim log L as sigma -> 0+ from ``gmm_math.derivations``
        (empty when ``symbolic=False``).
    rows : tuple of EvaluationRow
    leading : dict of str -> sympy.Basic
        The derivations' leading terms (empty when ``symbolic=False``).
    point, components, multiplicity : int
        x_n's index, K, and r = how many points sit at x_n.
    rate_limits : dict of str -> Fraction
        What the rate columns tend to: ``{"slope_mixture": -r D, "sigma2_loglik_single": -S/2}``.
    """

    dps: int
    n: int
    dim: int
    S: Fraction
    sigma_star: object
    loglik_at_sigma_star: object
    limits: dict
    rows: tuple[EvaluationRow, ...]
    leading: dict
    point: int
    components: int
    multiplicity: int
    rate_limits: dict

    def __repr__(self) -> str:
        """One line: rows, the log10 sigma range, the model's sizes and the symbolic limits."""
        from gmm_math.derivations.result import short_expression

        ends = " .. ".join(mpmath.nstr(row.log10_sigma, 6) for row in (self.rows[0], self.rows[-1]))
        limits = ", ".join(f"{short_expression(value, 20)} ({name})" for name, value in self.limits.items())
        return (f"<EvaluationTable: {len(self.rows)} rows, log10 sigma {ends}, N={self.n} D={self.dim} "
                f"K={self.components}, {self.dps} digits" + (f"; log L -> {limits}>" if limits else ">"))


@dataclass(frozen=True)
class Bounded:
    """A float64 stand-in for an exact value: ``|value - exact| <= bound``."""

    value: float
    bound: float


def float64_flags(values: dict, exact: dict, sigma: float) -> tuple[str, ...]:
    """The flags of one row: ``values`` route -> float64, ``exact`` route -> mpmath value, ``sigma`` as float64.

    An ``exact`` entry may be a :class:`Bounded` float64 reference; a flag it cannot decide comes out as
    ``"<route>:uncertain"`` (see :data:`UNCERTAIN`).
    """
    flags = [f"sigma:{what}" for what, bad in _SIGMA_PROBLEMS.items() if bad(sigma)]
    for route in ROUTES:
        reference = exact[route]
        what = (_bounded_problem if isinstance(reference, Bounded) else _value_problem)(values[route], reference)
        if what:
            flags.append(f"{route}:{what}")
    return tuple(flags)


_SIGMA_PROBLEMS: dict[str, Callable[[float], bool]] = {
    "underflow": lambda s: s == 0.0,
    "subnormal": lambda s: 0.0 < s < sys.float_info.min,
    "overflow": lambda s: s == float("inf"),
}


def _value_problem(value: float, exact) -> str | None:
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "overflow" if value > 0 else "underflow"
    with mp.workdps(30):
        if abs(mp.mpf(value) - exact) > FLOAT64_RELATIVE * abs(exact):
            return "inexact"
    return None


def _bounded_problem(value: float, reference: Bounded) -> str | None:
    """:func:`_value_problem` against a bounded reference: "inexact" or None only where the bound decides it."""
    if not np.isfinite(value):
        return _value_problem(value, None)
    e, b = reference.value, reference.bound
    gap = abs(value - e)  # rounded: within EPS relative of the true |value - e|
    slack = 4 * np.finfo(np.float64).eps * gap + b
    if gap - slack > FLOAT64_RELATIVE * (abs(e) + b):
        return "inexact"
    if gap + slack < FLOAT64_RELATIVE * (abs(e) - b):
        return None
    return UNCERTAIN


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def evaluate_table(
    data: Dataset,
    point: int = 0,
    *,
    sigmas: list[str],
    dps: int = 50,
    components: int = 2,
    weights=None,
    means=None,
    scales=None,
    progress: Callable[[int, int], None] | None = None,
    symbolic: bool = True,
    curve: bool = False,
) -> EvaluationTable:
    """Evaluate the single Gaussian and the collapsing mixture at every sigma in ``sigmas``.

    Parameters
    ----------
    data : Dataset, shape (N, D)
    point : int
        0-based index of x_n.
    sigmas : list of str, length 1..MAX_SIGMAS
        Sigma values as text (decimal or ``10^(p/q)``; see :func:`parse_sweep`), in row order.
    dps : int
        Significant digits of the mpmath values.
    components, weights, means, scales
        The mixture, as in :meth:`CollapseModel.mixture` (K >= 2; exact Fractions or None for the
        documented defaults).
    progress : callable(done, total), optional
        Called after each row.
    symbolic : bool
        Also take the limits and leading terms from ``gmm_math.derivations`` (SymPy), derived for this
        model: the data, x_n and the mixture's components.
    curve : bool
        The rows are a curve to draw, only the last one printed: the mixture of every other row may come
        from float64 with an error bound (``EvaluationRow.mixture_route``; see the module docstring).

    Returns
    -------
    EvaluationTable
        One :class:`EvaluationRow` per sigma, and the header's numbers.

    Examples
    --------
    >>> from gmm_math.derivations.core.data import Dataset
    >>> table = evaluate_table(Dataset.from_text("0,1,3"), sigmas=["0.5", "1e-1000"], dps=20)
    >>> table
    <EvaluationTable: 2 rows, log10 sigma -0.30103 .. -1000.0, N=3 D=1 K=2, 20 digits; log L -> -oo (single), oo (mixture)>
    >>> row = table.rows[-1]
    >>> mpmath.nstr(row.log_likelihood_single, 6), mpmath.nstr(row.log_likelihood_mixture, 6), row.float64_mixture
    ('-5.0e+2000', '2296.38', None)
    """
    if not isinstance(dps, int) or dps < 1:
        raise GmmMathError(f"dps must be a positive integer, got {dps!r}", parameter="dps")
    if components < 2:
        raise GmmMathError(f"components must be at least 2 for the mixture column, got {components} "
                           "(the single Gaussian is always shown beside it)", parameter="components")
    if not sigmas:
        raise GmmMathError("no sigma given: give sigma values or a sweep FROM:TO:COUNT", parameter=("sigma", "sweep"))
    if len(sigmas) > MAX_SIGMAS:
        raise GmmMathError(f"too many sigma values: {len(sigmas)} (at most {MAX_SIGMAS} per table)")
    model = CollapseModel.mixture(data, point, components, weights, means, scales)
    parsed = [sigma_from_text(text, dps) for text in sigmas]
    terms = CollapseTerms.from_model(model, dps)
    with mp.workdps(dps + 10):
        sigma_floats = np.array([float(sigma) for sigma, _ in parsed])
    routes = Float64Model.from_model(model).evaluate(sigma_floats)
    stand_ins = _curve(terms, parsed[:-1], dps) if curve else [None] * (len(parsed) - 1)
    rows = []
    for i, ((sigma, log10), stand_in) in enumerate(zip(parsed, [*stand_ins, None])):
        values = {route: routes[route][i] for route in ROUTES}
        row = _row(terms, sigma, log10, values, sigma_floats[i], dps, stand_in) if stand_in else None
        rows.append(row or _row(terms, sigma, log10, values, sigma_floats[i], dps))
        if progress is not None:
            progress(i + 1, len(parsed))
    options = {"weights": weights, "means": means, "scales": scales}
    return _table(model, terms, tuple(rows), dps, options if symbolic else None)


def _row(terms: CollapseTerms, sigma, log10, values: dict, sigma_float: float, dps: int,
         stand_in: tuple | None = None) -> EvaluationRow | None:
    """One row; the mixture from mpmath, or from float64 ``(log L, slope, bound)`` when ``stand_in`` is given.

    Returns None when a float64 stand-in cannot decide a flag (then the row needs mpmath).
    """
    with mp.workdps(dps + 10):
        single = terms.single(sigma)
        scaled = sigma**2 * single
        mixture, slope = terms.mixture_and_slope(sigma) if stand_in is None else stand_in[:2]
    with mp.workdps(dps):
        single = +single
        if stand_in is None:
            mixture, slope = +mixture, +slope
        reference = mixture if stand_in is None else Bounded(mixture, stand_in[2])
        flags = float64_flags(values, {"single": single, "mixture": reference, "naive_single": single,
                                       "naive_mixture": reference}, sigma_float)
        if any(flag.endswith(":" + UNCERTAIN) for flag in flags):
            return None
        return EvaluationRow(
            sigma=+sigma, log10_sigma=+log10, log_likelihood_single=single, log_likelihood_mixture=mixture,
            float64_single=_finite(values["single"]), float64_mixture=_finite(values["mixture"]),
            float64_naive_single=_finite(values["naive_single"]),
            float64_naive_mixture=_finite(values["naive_mixture"]),
            float64_flags=flags, slope_mixture=slope, sigma2_loglik_single=+scaled,
            mixture_route="mpmath" if stand_in is None else "float64",
        )


def _curve(terms: CollapseTerms, parsed: list, dps: int) -> list:
    """The mixture at every parsed sigma from :class:`MixtureCurve`: (log L, slope, bound) or None per sigma."""
    with mp.workdps(dps + 10):
        log_sigma = np.array([float(mpmath.log(sigma)) for sigma, _ in parsed])
        inv_sigma2 = np.array([float(1 / sigma**2) for sigma, _ in parsed])
    found = MixtureCurve.from_terms(terms).evaluate(log_sigma, inv_sigma2)
    out = []
    for value, slope, bound in zip(found["value"], found["slope"], found["bound"]):
        good = np.isfinite(value) and np.isfinite(bound) and bound <= CURVE_RELATIVE * abs(value)
        out.append((float(value), float(slope), float(bound)) if good else None)
    return out


def _table(model: CollapseModel, terms: CollapseTerms, rows: tuple, dps: int, options: dict | None) -> EvaluationTable:
    data = model.data
    total = data.total_squared_distance(data.rows[model.point])
    r = data.multiplicity(model.point)
    with mp.workdps(dps + 10):
        if total:
            sigma_star = mpmath.sqrt(mp.mpf(total.numerator) / (total.denominator * data.n * data.dim))
            at_star = terms.single(sigma_star)
        else:
            sigma_star, at_star = mp.zero, mp.inf
    limits, leading = _symbolic(model, r, options) if options is not None else ({}, {})
    with mp.workdps(dps):
        return EvaluationTable(
            dps=dps, n=data.n, dim=data.dim, S=total, sigma_star=+sigma_star, loglik_at_sigma_star=+at_star,
            limits=limits, rows=rows, leading=leading, point=model.point, components=model.components,
            multiplicity=r,
            rate_limits={"slope_mixture": Fraction(-r * terms.rate), "sigma2_loglik_single": -total / 2},
        )


def _symbolic(model: CollapseModel, r: int, options: dict) -> tuple[dict, dict]:
    """Limits and leading terms of log L from the derivations of this very model (the data, x_n, components).

    ``derive single`` and ``derive mixture`` on the data: the mixture's exact limit comes from one SymPy
    lemma instantiated for every distinct point, so the cost does not grow with N through SymPy.
    """
    from gmm_math.derivations.mixture import mixture_collapse
    from gmm_math.derivations.single import single_gaussian_collapse

    data, k = model.data, model.components
    single = single_gaussian_collapse(dim=data.dim, data=data, point=model.point)
    mixture = mixture_collapse(k, dim=data.dim, data=data, point=model.point, **options)
    return ({"single": single.limit_log_likelihood, "mixture": mixture.limit_log_likelihood},
            {"single": single.leading_term, "mixture": mixture.leading_term})
