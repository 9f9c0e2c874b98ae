"""The data behind the limit picture: log L against log10 sigma, single Gaussian and collapsing mixture.

:func:`limit_plot_data` turns an :class:`~gmm_math.numerics.sweep.EvaluationTable` (the numbers
``gmm-math evaluate`` prints, with the derivations' limits and leading terms) into a :class:`LimitPlot`:
a list of :class:`Series`, the sigma where each float64 route first goes wrong, and the notes.
:func:`gmm_math.cli.plots.limit_draw.draw_limit` only draws a LimitPlot, so an extra curve
(e.g. a remedy) is one more Series.

Two panels, because the two behaviours differ by hundreds of orders of magnitude:
the mixture's log L on a linear axis (it rises like -D log sigma), and the single Gaussian's
-log L on a logarithmic axis (it falls like -S/(2 sigma^2)), the log taken in mpmath.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gmm_math.cli.plots.base import PALETTE, math_label, unicode_power_of_ten

PANELS = ("mixture", "single")
PANEL_TITLES = {  # {limit}: the derivation's limit of log L (plain Unicode: cheaper to draw than mathtext)
    "mixture": "Mixture, component 1 collapsing on x\u2099:  log L \u2192 {limit}  (linear axis)",
    "single": "Single Gaussian centred on x\u2099:  log L \u2192 {limit}  (logarithmic axis of \u2212log L)",
}
ROUTES = {  # float64 route (also its style role) -> (EvaluationRow attribute per panel, label)
    "float64": ({"single": "float64_single", "mixture": "float64_mixture"}, "float64, log space"),
    "naive": ({"single": "float64_naive_single", "mixture": "float64_naive_mixture"}, "float64, naive product"),
}
ROLE_STYLES = {
    "exact": {"lw": 2.2, "zorder": 3},
    "float64": {"ls": "none", "marker": "o", "ms": 3.2, "mfc": "none", "mew": 0.9,
                "color": PALETTE["logspace"], "zorder": 4},
    "naive": {"ls": "none", "marker": "x", "ms": 3.6, "mew": 0.9, "color": PALETTE["naive"], "zorder": 4},
    "remedy": {"lw": 1.8, "ls": "--", "zorder": 3},
}


@dataclass(frozen=True)
class Series:
    """One curve in one panel.

    Attributes
    ----------
    panel : {"mixture", "single"}
    role : str
        Style key in ``ROLE_STYLES`` ("exact", "float64", "naive", "remedy", ...).
    label : str
    x : tuple of float, shape (M,)
        log10 sigma.
    y : tuple of float, shape (M,)
        The panel's coordinate: log L (mixture) or log10(-log L) (single); nan where undefined.
    """

    panel: str
    role: str
    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    color: str | None = None


@dataclass(frozen=True)
class Breakdown:
    """Where a float64 route first disagrees with mpmath along the sweep (None: never, in this range)."""

    panel: str  # "mixture" or "single"
    route: str  # a key of ROUTES: "float64" (log space) or "naive" (product of densities)
    label: str  # the route's legend label
    log10_sigma: float | None  # where it first disagrees
    flags: tuple[str, ...] = ()  # that row's flags for this route, e.g. ("single:underflow",)


@dataclass(frozen=True)
class LimitPlot:
    """Everything :func:`draw_limit` draws; every number computed (numerics or SymPy)."""

    series: tuple[Series, ...]
    breakdowns: tuple[Breakdown, ...]
    notes: dict[str, tuple[str, ...]]
    title: str
    panel_titles: dict[str, str]
    marks: tuple[tuple[str, float, float, str], ...] = field(default=())  # (panel, x, y, label)


def route_flags(row, attribute: str) -> tuple[str, ...]:
    """The flags of ``row.float64_flags`` that concern the float64 column ``attribute``."""
    prefix = attribute.removeprefix("float64_")
    return tuple(f for f in row.float64_flags if f.split(":", 1)[0] == prefix)


def first_breakdown(rows, panel: str, route: str) -> Breakdown:
    """The first row of the sweep where ``route`` is flagged for ``panel``."""
    attributes, label = ROUTES[route]
    for row in rows:
        flags = route_flags(row, attributes[panel])
        if flags:
            return Breakdown(panel, route, label, float(row.log10_sigma), flags)
    return Breakdown(panel, route, label, None)


def limit_series(table) -> tuple[Series, ...]:
    """The mpmath curves and the float64 values of both panels, straight from the evaluation table."""
    from gmm_math.numerics.limit_panels import float64_value, panel_value

    x = tuple(float(row.log10_sigma) for row in table.rows)
    series = [
        Series("mixture", "exact", "mpmath", x,
               tuple(panel_value("mixture", row.log_likelihood_mixture) for row in table.rows), PALETTE["mixture"]),
        Series("single", "exact", "mpmath", x,
               tuple(panel_value("single", row.log_likelihood_single) for row in table.rows), PALETTE["single"]),
    ]
    for route, (attributes, label) in ROUTES.items():
        for panel in PANELS:
            y = tuple(float64_value(panel, getattr(row, attributes[panel])) for row in table.rows)
            series.append(Series(panel, route, label, x, y))
    return tuple(series)


def symbolic_notes(limit, leading) -> tuple[str, ...]:
    """Mathtext lines with the limits (SymPy) of log L and of L = exp(log L), and the leading term."""
    import sympy as sp

    from gmm_math.derivations.result import SIGMA

    lim = rf"\lim_{{{sp.latex(SIGMA)} \to 0^+}}"
    likelihood = sp.exp(limit)  # exp is continuous on the extended reals: exp(-oo) = 0, exp(oo) = oo
    return (
        math_label(rf"{lim} \log L = {sp.latex(limit)},\quad {lim} L = {sp.latex(likelihood)}",
                   f"lim log L = {limit}, lim L = {likelihood}"),
        "leading term " + math_label(sp.latex(leading), str(leading)),
    )


def numeric_notes(table) -> dict[str, str]:
    """The rate columns of the last row (smallest sigma) next to what they tend to: they confirm the leading terms."""
    import mpmath

    last = table.rows[-1]
    at = f"\u03c3 = {unicode_power_of_ten(float(last.log10_sigma))}"
    goal = {name: mpmath.nstr(mpmath.mpf(v.numerator) / v.denominator, 8) for name, v in table.rate_limits.items()}
    return {
        "mixture": f"mpmath at {at}:  d log L / d log \u03c3 = {mpmath.nstr(last.slope_mixture, 8)}"
                   f"   (limit \u2212rD = {goal['slope_mixture']})",
        "single": f"mpmath at {at}:  \u03c3\u00b2 log L = {mpmath.nstr(last.sigma2_loglik_single, 8)}"
                  f"   (limit \u2212S/2 = {goal['sigma2_loglik_single']})",
    }


def limit_plot_data(table) -> LimitPlot:
    """Assemble the figure's data from an ``evaluate_table`` result (with its symbolic limits and leading terms)."""
    import sympy as sp

    from gmm_math.numerics.limit_panels import log10, panel_value

    numeric = numeric_notes(table)
    notes = {panel: (*symbolic_notes(table.limits[panel], table.leading[panel]), numeric[panel]) for panel in PANELS}
    hidden = sum(1 for row in table.rows if row.log_likelihood_single >= 0)
    if hidden:
        notes["single"] += (f"{hidden} of {len(table.rows)} values have log L \u2265 0: not on this axis",)
    titles = {panel: PANEL_TITLES[panel].format(limit=sp.pretty(table.limits[panel], use_unicode=True))
              for panel in PANELS}
    breakdowns = tuple(first_breakdown(table.rows, panel, route) for panel in PANELS for route in ROUTES)
    star = panel_value("single", table.loglik_at_sigma_star) if table.sigma_star > 0 else float("nan")
    marks = ()
    if star == star:  # not nan: log L(sigma*) < 0 can be drawn on the log axis
        marks = (("single", log10(table.sigma_star), star, "\u03c3* (single-Gaussian ML optimum)"),)
    title = (f"log-likelihood as \u03c3 \u2192 0\u207a:  N = {table.n}, D = {table.dim}, x\u2099 = point {table.point} "
             f"(r = {table.multiplicity}), S = {table.S}, mixture K = {table.components}, mpmath {table.dps} digits")
    return LimitPlot(limit_series(table), breakdowns, notes, title, titles, marks)
