"""The collapse picture (PRML Fig. 9.7): a broad component, a spike on one data point, shrinking sigma.

Drawing only: every number and curve comes from :mod:`gmm_math.numerics.collapse_panels`
(log-likelihoods and spike heights in mpmath, densities in log space, clipped).
"""

from __future__ import annotations

from gmm_math.cli.plots.base import PALETTE, math_label, new_figure, power_of_ten
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel


def check_one_dimensional(model: CollapseModel) -> CollapseModel:
    if model.data.dim != 1:
        raise GmmMathError(f"plot-collapse draws 1-D data (PRML Fig. 9.7), but the data have D = {model.data.dim}")
    return model


def grid_shape(count: int) -> tuple[int, int]:
    """(rows, columns) of ``count`` small multiples: one row up to 3, else a near-square grid.

    >>> grid_shape(3), grid_shape(4), grid_shape(5), grid_shape(10)
    ((1, 3), (2, 2), (2, 3), (3, 4))
    """
    from math import isqrt

    ncols = count if count <= 3 else isqrt(count - 1) + 1
    return -(-count // ncols), ncols


def draw_collapse(model: CollapseModel, figure_data, dps: int):
    """The small multiples of a :class:`~gmm_math.numerics.collapse_panels.CollapseFigure` (Agg canvas)."""
    panels = figure_data.panels
    count = len(panels)
    nrows, ncols = grid_shape(count)
    figure = new_figure(3.6 * ncols + 0.4, 2.9 * nrows + 0.9)
    axes = figure.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
    for ax, panel in zip(axes, panels):
        _draw_panel(ax, model, figure_data, panel)
    for ax in axes[count:]:
        ax.set_visible(False)
    for ax in axes[(nrows - 1) * ncols:]:
        ax.set_xlabel("$x$")
    for ax in axes[::ncols]:
        ax.set_ylabel("density $p(x)$")
    centre = f"{float(model.centre[0]):g}"
    figure.suptitle(
        f"Component 1 of a K = {model.components} mixture shrinks onto $x_n = {centre}$ "
        f"(point {model.point}); the other components stay put\n"
        f"panel titles: log-likelihood of all N = {model.data.n} points (mpmath, {dps} digits)",
        fontsize=10,
    )
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=8, frameon=False)
    return figure


def _draw_panel(ax, model, figure_data, panel) -> None:
    import mpmath

    xs, data, grid, top = panel.xs, figure_data.data, figure_data.grid, figure_data.top
    ax.fill_between(xs, panel.spike, color=PALETTE["single"], alpha=0.18, lw=0)
    ax.plot(xs, panel.spike, color=PALETTE["single"], lw=1.1, zorder=3,
            label=r"spike $\pi_1\,\mathcal{N}(x\,|\,x_n,\sigma^2)$")
    for k, row in enumerate(panel.others, start=2):
        label = r"broad $\pi_k\,\mathcal{N}(x\,|\,\mu_k,s_k^2)$, $k \geq 2$" if k == 2 else None
        ax.plot(xs, row, color=PALETTE["other"], lw=1.1, ls="--", zorder=3, label=label)
    ax.plot(xs, panel.total, color=PALETTE["mixture"], lw=2.4, alpha=0.85, zorder=2, label="mixture $p(x)$")
    ax.plot(data, [0.0] * len(data), "o", color=PALETTE["point"], ms=5, clip_on=False, zorder=5, label="data")
    ax.plot([data[model.point]], [0.0], "o", color=PALETTE["single"], ms=8, mfc="none", mew=1.6,
            clip_on=False, zorder=6, label=f"$x_n$ (point {model.point})")
    ax.set_ylim(0.0, top)
    ax.set_xlim(grid[0], grid[-1])
    if panel.spike_peak > top:
        right_half = data[model.point] > (grid[0] + grid[-1]) / 2  # label on the side with room
        ax.annotate(
            f"peak ${power_of_ten(panel.log10_spike_peak)}$ (off scale)",
            xy=(data[model.point], top), xytext=(-8 if right_half else 8, -14), textcoords="offset points",
            fontsize=8, color=PALETTE["single"], arrowprops={"arrowstyle": "-|>", "color": PALETTE["single"]},
            ha="right" if right_half else "left", va="top", annotation_clip=False,
        )
    log_l = mpmath.nstr(panel.log_likelihood, 6).replace("-", "\u2212")
    title = math_label(rf"\sigma = {power_of_ten(panel.log10_sigma)}", f"sigma = 1e{panel.log10_sigma:g}")
    ax.set_title(f"{title}:   $\\log L$ = {log_l}", fontsize=10)
    ax.grid(alpha=0.25, lw=0.5)
