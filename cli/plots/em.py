"""``gmm-math em --plot``: the data with 1- and 2-sigma ellipses, and the log-likelihood trace.

Imported inside the command only (it needs numpy and matplotlib). Drawing only: the curves come
from :mod:`gmm_math.numerics.em.picture`, and the figure is written by the one pipeline
:func:`~gmm_math.cli.plots.base.save_figure` (byte-reproducible like every other picture).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gmm_math.cli.em.report import component_name

if TYPE_CHECKING:
    import numpy as np

    from gmm_math.numerics.em.fit import FitResult

_ELLIPSES = ((1.0, "-"), (2.0, "--"))  # (sigmas, line style) of the contours drawn per component
_COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan"]


def _draw_mixture_2d(ax, X: np.ndarray, result: FitResult) -> None:
    import numpy as np

    from gmm_math.numerics.em.picture import ellipse_outline

    ax.scatter(X[:, 0], X[:, 1], s=6, c="0.55", linewidths=0, label="data")
    collapsed = result.collapse.component if result.collapse is not None else None
    for k in range(result.weights.size):
        colour = "red" if k == collapsed else _COLOURS[k % len(_COLOURS)]
        cov = result.covariances[k][:2, :2]
        for sigmas, style in _ELLIPSES:
            outline = ellipse_outline(result.means[k][:2], cov, sigmas)
            ax.plot(outline[:, 0], outline[:, 1], style, color=colour, linewidth=1.4 if k == collapsed else 1.0)
        ax.plot(*result.means[k][:2], "x", color=colour, markersize=7, label=component_name(k))
    if result.collapse is not None:
        point = np.array(result.collapse.point)[:2]
        ax.scatter(*point, s=260, facecolors="none", edgecolors="red", linewidths=2.0)
        ax.annotate(f"{component_name(collapsed)} on point {result.collapse.point_index}\n"
                    f"(iteration {result.collapse.iteration})", xy=point, xytext=(12, 12),
                    textcoords="offset points", color="red", fontsize=8)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    levels = "- and ".join(f"{sigmas:g}" for sigmas, _ in _ELLIPSES)  # "1- and 2"
    ax.set_title(f"data, {levels}-sigma ellipses (first two coordinates)", fontsize=9)
    ax.legend(fontsize=7, loc="best")


def _draw_mixture_1d(ax, X: np.ndarray, result: FitResult) -> None:
    import numpy as np

    from gmm_math.numerics.em.picture import density_grid, weighted_densities

    x = X[:, 0]
    grid = density_grid(x)
    ax.plot(x, np.zeros_like(x), "|", color="0.45", markersize=12)
    densities = weighted_densities(np.asarray(result.weights), np.asarray(result.means),
                                   np.asarray(result.covariances), grid)
    for k, density in enumerate(densities):
        ax.plot(grid, density, color=_COLOURS[k % len(_COLOURS)], label=component_name(k))
    ax.set_xlabel("x")
    ax.set_title("data and weighted component densities", fontsize=9)
    ax.legend(fontsize=7)


def _draw_trace(ax, result: FitResult) -> None:
    import numpy as np

    values = np.array(result.log_likelihood)
    ax.plot(np.arange(values.size), values, "o-", markersize=3, color="black")
    if result.collapse is not None:
        ax.axvline(result.collapse.iteration, color="red", linestyle=":", label=f"collapse ({component_name(result.collapse.component)})")
        ax.legend(fontsize=7)
    ax.set_xlabel("iteration")
    ax.set_ylabel("log-likelihood")
    ax.set_title(f"log-likelihood, remedy {result.remedy}", fontsize=9)


PLOT_DPI = 120


def em_figure(X: np.ndarray, result: FitResult):
    """The fit (left) and its log-likelihood trace (right) as a matplotlib Figure."""
    from gmm_math.cli.plots.base import new_figure

    figure = new_figure(11, 4.8)
    left, right = figure.subplots(1, 2)
    (_draw_mixture_2d if X.shape[1] >= 2 else _draw_mixture_1d)(left, X, result)
    _draw_trace(right, result)
    return figure


def save_plot(X: np.ndarray, result: FitResult, path: Path) -> Path:
    """Draw the fit and write it atomically to ``path`` (its suffix names the format) by :func:`save_figure`."""
    from gmm_math.cli.plots.base import save_figure

    return save_figure(em_figure(X, result), path, PLOT_DPI, "--plot")
