"""``gmm-math plot-em-map``: the EM variance map as a cobweb diagram on a doubly logarithmic axis.

Every coordinate comes from :func:`gmm_math.numerics.em_map.cobweb` (mpmath); this module only draws.
Two panels share the picture: the detail near the fixed points (down to log10 s = -1000) and the
whole range, which holds every computed step of the collapse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from gmm_math.cli.options import (
    Dpi, Dps, ImageOut, MixtureInputs, NoLimit, check_dps, check_work, with_mixture_inputs,
)
from gmm_math.cli.plots.base import PALETTE

Starts = Annotated[Optional[str], typer.Option(
    "--s0", help="Start variances of the drawn EM orbits, comma-separated (default: either side of the basin "
                 "boundary, or s_0 = max d^2 when there is none).")]
Below = Annotated[str, typer.Option("--below", help="Threshold for the collapse counts in the legend.")]
MAX_STARTS = 6
TITLE_POINTS = 12
STAIR_COLORS = ("#c0392b", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#2c3e50")


def _power_text(sign: int, k: int) -> str:
    """The exponent l = sign * 10^k of s = 10^l as mathtext: -0.1, -1, -10, -100, -10^{3}, ..."""
    minus = "-" if sign < 0 else ""
    if k < 0:
        return f"{minus}0.{'0' * (-k - 1)}1"
    return f"{minus}{10 ** k}" if k <= 2 else f"{minus}10^{{{k}}}"


def _ticks(lo: float, hi: float) -> list[tuple[float, str]]:
    """Tick positions (z) and labels (s = 10^l) for s = 1 and l = +-10^k, thinned to about 8 in [lo, hi]."""
    from gmm_math.cli.plots.base import math_label
    from gmm_math.numerics.em_map import axis_ticks

    def label(sign: int, k: int) -> str:
        power = _power_text(sign, k)
        return "1" if sign == 0 else math_label(f"10^{{{power}}}", f"1e{power}")

    return [(z, label(sign, k)) for z, sign, k in axis_ticks(lo, hi)]


def _draw_panel(ax, web, lo: float, hi: float, labels: bool) -> None:
    import numpy as np

    ax.plot(web.curve_z, web.curve_fz, color=PALETTE["mixture"], lw=1.8, label="f(s), one EM step" if labels else None,
            zorder=3)
    ax.plot([lo, hi], [lo, hi], color=PALETTE["other"], lw=1.0, ls="--", label="s' = s" if labels else None)
    for number, stair in enumerate(web.staircases):
        z = np.array(stair.z)
        xs, ys = [z[0]], [z[0]]
        for a, b in zip(z, z[1:]):
            xs += [a, b]
            ys += [b, b]
        xs, ys = np.array(xs), np.array(ys)
        ys_clipped = np.maximum(ys, lo)
        ax.plot(xs[xs >= lo], ys_clipped[xs >= lo], color=STAIR_COLORS[number % len(STAIR_COLORS)], lw=1.1,
                zorder=4, label=_stair_label(stair, web) if labels else None)
        if (ys < lo).any():
            x_exit = xs[np.argmax(ys < lo)]
            note = (f"next: log10 s = -10^({stair.beyond[0]:.3g})" if stair.beyond and not labels else "")
            ax.annotate(note, xy=(x_exit, lo), xytext=(x_exit, lo + 0.06 * (hi - lo)), fontsize=7,
                        arrowprops={"arrowstyle": "->", "color": STAIR_COLORS[number % len(STAIR_COLORS)]})
    for point, z in zip(web.fixed.points, web.fixed_z):
        if lo <= z <= hi:
            ax.plot([z], [z], "o", ms=7, mfc="white" if not point.attracting else "black", mec="black", zorder=5)
    ticks = _ticks(lo, hi)
    ax.set_xticks([t for t, _ in ticks], [label for _, label in ticks], fontsize=7)
    ax.set_yticks([t for t, _ in ticks], [label for _, label in ticks], fontsize=7)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.grid(alpha=0.25)


def _stair_label(stair, web) -> str:
    import mpmath

    start = mpmath.nstr(stair.s0, 4)
    if stair.below_steps is not None:
        threshold = mpmath.nstr(web.below, 3)
        return f"EM from s0 = {start}: s < {threshold} after {stair.below_steps} steps"
    if stair.limit_s is not None:
        return f"EM from s0 = {start}: converges to s = {mpmath.nstr(stair.limit_s, 6)}"
    return f"EM from s0 = {start}"


def draw_em_map(web, title: str):
    """The two-panel cobweb figure of a :class:`~gmm_math.numerics.em_map.Cobweb`."""
    from gmm_math.cli.plots.base import new_figure

    figure = new_figure(11.0, 5.6)
    detail, whole = figure.subplots(1, 2)
    _draw_panel(detail, web, *web.zoom, labels=True)
    _draw_panel(whole, web, *web.full, labels=False)
    detail.set_title("near the fixed points (down to 10^-1000)", fontsize=9)
    whole.set_title("every computed step", fontsize=9)
    for ax in (detail, whole):
        ax.set_xlabel("s_t (doubly logarithmic axis)", fontsize=8)
    detail.set_ylabel("s_{t+1} = f(s_t)", fontsize=8)
    handles, labels = detail.get_legend_handles_labels()
    marks = _fixed_text(web)
    figure.suptitle(title + ("\n" + marks if marks else ""), fontsize=10)
    figure.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, frameon=False)
    figure.get_layout_engine().set(rect=(0, 0.1, 1, 0.9))
    return figure


def _fixed_text(web) -> str:
    import mpmath

    if not web.fixed.points:
        peak = mpmath.nstr(web.fixed.peak_ratio, 4)
        return f"no positive fixed point: f(s) < s for all s > 0 (largest f(s)/s on the grid = {peak})"
    parts = [f"{'attracting' if p.attracting else 'basin boundary'} s* = {mpmath.nstr(p.s, 6)} "
             f"(f' = {mpmath.nstr(p.slope, 3)})" for p in web.fixed.points]
    return "fixed points: " + "; ".join(parts) + "  (open circle: repelling, filled: attracting)"


@with_mixture_inputs()
def plot_em_map(
    mix: MixtureInputs = None,
    s0: Starts = None,
    below: Below = "1e-300",
    dps: Dps = 50,
    dpi: Dpi = 150,
    out: ImageOut = Path("figures/plot-em-map.png"),
    no_limit: NoLimit = False,
) -> None:
    """Draw the EM variance map s -> f(s) of component 1 on x_n as a cobweb diagram (1-D).

    Both axes are doubly logarithmic for small s (z = sign(l) log10(1 + 10|l|), l = log10 s), so a step from 10^-27 to 10^(-2e26) stays in the frame; every coordinate is computed with mpmath. The diagonal, the positive fixed points (open: the basin boundary, filled: attracting) and the staircase of each start are drawn; with a basin boundary the default starts lie either side of it, one collapsing and one escaping to the regular maximum.

    The mpmath work (620 evaluations of f with the two default starts: 500 curve points and 60 EM steps a start) at --dps digits has the work budget of evaluate (about a minute of estimated CPU time) unless --no-limit is given.

    Writes figures/plot-em-map.png (relative to the current folder) unless --out is given; .png, .svg or .pdf.
    """
    from gmm_math.cli.io import check_output_folder
    from gmm_math.cli.plots.base import check_dpi, output_format

    output_format(out)
    check_output_folder(out)
    check_dpi(dpi)
    check_dps(dps)
    dataset, params = mix.load()
    from gmm_math.derivations.core.errors import GmmMathError
    from gmm_math.derivations.core.model import CollapseModel, check_example_point, example_data, first_coordinates
    from gmm_math.numerics.em_map import EmMap, cobweb, cobweb_rows, parse_positive

    starts = None
    if s0 is not None:
        texts = [t.strip() for t in s0.split(",")]
        if not 1 <= len(texts) <= MAX_STARTS:
            raise GmmMathError(f"--s0 takes 1 to {MAX_STARTS} start variances, got {len(texts)}")
        starts = [parse_positive(t, "s0", "--s0", dps) for t in texts]
    log_below = parse_positive(below, "below", "--below", dps)
    check_work(cobweb_rows(2 if starts is None else len(starts)), dps, no_limit, "curve points and EM steps")
    check_example_point(dataset, mix.point)
    model = CollapseModel.mixture(dataset or example_data(), mix.point, mix.components, **params)
    if model.data.dim != 1:
        raise GmmMathError(f"plot-em-map is for 1-D data, got {model.data.dim} coordinates per point")
    from gmm_math.cli.derive.output import delayed_status

    with delayed_status("computing the EM map in mpmath"):
        web = cobweb(EmMap.from_model(model, dps), starts, log_below)
    shown = first_coordinates(model.data.rows[:TITLE_POINTS]) + (", ..." if model.data.n > TITLE_POINTS else "")
    title = (f"EM variance map of component 1 on x_n = {first_coordinates([model.centre])} (mu_1, pi_1 and "
             f"the other {model.components - 1} component(s) held), data {shown}")
    from gmm_math.cli.plots.base import save_figure

    written = save_figure(draw_em_map(web, title), out, dpi)
    typer.echo(f"wrote {written}")
