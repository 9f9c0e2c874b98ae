"""Drawing a :class:`~gmm_math.cli.plots.limit.LimitPlot`: two panels, one x-axis (log10 sigma).

Simple labels are plain Unicode rather than mathtext: each mathtext string costs a parse, and
``plot-limit`` has a 2 s budget. The symbolic notes stay mathtext (typeset from SymPy).
"""

from __future__ import annotations

from gmm_math.cli.plots.base import PALETTE, new_figure, unicode_power_of_ten
from gmm_math.cli.plots.limit import PANELS, ROLE_STYLES, Breakdown, LimitPlot

PANEL_YLABELS = {"mixture": "log L", "single": "log L  (\u2212log L on a log scale)"}
MARGINS = {"left": 0.1, "right": 0.965, "bottom": 0.065, "top": 0.925, "hspace": 0.17}
WIDE_TICKS = 10_000  # |tick value| from which the fixed margins are replaced by constrained layout
TAG_EDGE = 0.08  # a tag this close (axes fraction) to the side it would face flips to the other side


CORNERS = {  # corner -> (x, y, ha, va) in axes fraction; y leaves the top strip to the breakdown tags
    "upper left": (0.012, 0.9, "left", "top"), "lower left": (0.012, 0.035, "left", "bottom"),
    "upper right": (0.988, 0.9, "right", "top"), "lower right": (0.988, 0.035, "right", "bottom"),
}
FREE_CORNERS = {  # (panel, sigma shrinks to the right?) -> (note corner, legend corner), away from the curve
    ("mixture", True): ("upper left", "lower right"), ("mixture", False): ("upper right", "lower left"),
    ("single", True): ("lower left", "upper right"), ("single", False): ("lower right", "upper left"),
}


def draw_limit(plot: LimitPlot, start: float, stop: float):
    """The two-panel figure of a :class:`LimitPlot` (Agg canvas), x from ``start`` to ``stop`` (log10 sigma).

    The single-Gaussian panel plots y = log10(-log L) on an inverted axis labelled -10^y, so
    log L reads downwards as it falls towards -oo while the mixture's rises towards +oo.
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = new_figure(9.0, 8.4, layout="constrained" if _wide_ticks(plot, start, stop) else None)
    if figure.get_layout_engine() is None:  # fixed margins: constrained layout costs ~0.1 s of the 2 s budget
        figure.subplots_adjust(**MARGINS)
    axes = dict(zip(PANELS, figure.subplots(2, 1, sharex=True)))
    for item in plot.series:
        style = {**ROLE_STYLES[item.role], **({"color": item.color} if item.color else {})}
        if item.role in ("float64", "naive"):
            style["markevery"] = max(1, len(item.x) // 60)
        axes[item.panel].plot(item.x, item.y, label=item.label, **style)
    for panel, x, y, label in plot.marks:
        axes[panel].plot([x], [y], marker="*", ms=11, color="#f1c40f", mec="#7d6608", ls="none", zorder=5,
                         label=label)
    for breakdown in plot.breakdowns:
        _draw_breakdown(axes[breakdown.panel], breakdown, start, stop)
    single = axes["single"]
    single.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    single.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "\u2212" + unicode_power_of_ten(v)))
    single.invert_yaxis()
    single.ticklabel_format(axis="x", style="plain", useOffset=False)
    axes["mixture"].ticklabel_format(axis="y", style="plain", useOffset=False)
    single.set_xlim(start, stop)
    single.set_xlabel("log\u2081\u2080 \u03c3    (\u03c3 shrinks to the " + ("right)" if start > stop else "left)"))
    for panel, ax in axes.items():
        _draw_float64_floor(ax, start, stop)
        ax.set_title(plot.panel_titles[panel], fontsize=10.5, loc="left")
        ax.set_ylabel(PANEL_YLABELS[panel])
        ax.grid(alpha=0.25, lw=0.5)
        note, legend = FREE_CORNERS[panel, start > stop]
        x, y, ha, va = CORNERS[note]
        ax.text(x, y, "\n".join(plot.notes[panel]), transform=ax.transAxes, ha=ha, va=va, fontsize=9,
                linespacing=1.6, bbox={"boxstyle": "round,pad=0.45", "fc": "white", "ec": "#bbbbbb", "alpha": 0.92},
                zorder=6)
        x, y, _, _ = CORNERS[legend]
        ax.legend(loc=legend, bbox_to_anchor=(x, y), fontsize=8, framealpha=0.92)
    figure.suptitle(plot.title, fontsize=10, **({} if figure.get_layout_engine() else {"y": 0.985}))
    return figure


def _wide_ticks(plot: LimitPlot, start: float, stop: float) -> bool:
    """True when tick labels may need more than 4 digits (then the fixed margins could clip them)."""
    import math

    values = [abs(v) for item in plot.series for v in item.y if math.isfinite(v)] + [abs(start), abs(stop)]
    return max(values) >= WIDE_TICKS


BREAKDOWN_TAGS = {"naive": ("naive", "right", 0), "float64": ("log space", "left", 1)}  # tag, side, text row


def _draw_breakdown(ax, breakdown: Breakdown, start: float, stop: float) -> None:
    """A dotted vertical line with a legend entry and a short tag at its top (naive left, log space right)."""
    if breakdown.log10_sigma is None:
        return
    colour = PALETTE["naive" if breakdown.route == "naive" else "logspace"]
    kinds = ", ".join(sorted({f.split(":", 1)[-1] for f in breakdown.flags}))
    where = unicode_power_of_ten(breakdown.log10_sigma)
    ax.axvline(breakdown.log10_sigma, color=colour, ls=":", lw=1.4, zorder=2,
               label=f"{breakdown.label} wrong from \u03c3 = {where} ({kinds})")
    tag, side, row = BREAKDOWN_TAGS[breakdown.route]
    fraction = (breakdown.log10_sigma - start) / (stop - start)
    if (side == "right" and fraction < TAG_EDGE) or (side == "left" and fraction > 1 - TAG_EDGE):
        side = "left" if side == "right" else "right"
    ax.annotate(tag, xy=(breakdown.log10_sigma, 1.0), xycoords=("data", "axes fraction"),
                xytext=(3 if side == "left" else -3, -3 - 10 * row), textcoords="offset points", ha=side,
                va="top", fontsize=7.5, color=colour)


def _draw_float64_floor(ax, start: float, stop: float) -> None:
    """Shade the sigma that float64 cannot even represent (below its smallest positive subnormal)."""
    from gmm_math.numerics.limit_panels import FLOAT64_SMALLEST, LOG10_FLOAT64_SMALLEST as floor

    if min(start, stop) < floor:
        ax.axvspan(floor, min(start, stop), color="#000000", alpha=0.06, lw=0, zorder=0,
                   label=f"\u03c3 < {FLOAT64_SMALLEST:.3g}: not a float64 number")
