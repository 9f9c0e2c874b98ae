"""``gmm-math em --plot``: the data with 1- and 2-sigma ellipses, the log-likelihood trace, and for a
collapse the smallest eigenvalue of the collapsing component per iteration on a log axis.

The panels are drawn from one :class:`~gmm_math.numerics.em.watch.Frame` (one iteration), so the
animation (:mod:`gmm_math.cli.plots.em_animate`) and the notebook draw the same pictures.

Imported inside the command only (it needs numpy and matplotlib). Drawing only: the curves come
from :mod:`gmm_math.numerics.em.picture` and :mod:`gmm_math.numerics.em.watch`, and the figure is
written by the one pipeline :func:`~gmm_math.cli.plots.base.save_figure` (byte-reproducible).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gmm_math.cli.em.report import component_name

if TYPE_CHECKING:
    import numpy as np

    from gmm_math.numerics.em.fit import FitResult
    from gmm_math.numerics.em.watch import Frame

_ELLIPSES = ((1.0, "-"), (2.0, "--"))  # (sigmas, line style) of the contours drawn per component
_COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan"]


def _colour(k: int, frame: Frame) -> str:
    return "red" if k in frame.collapsed else _COLOURS[k % len(_COLOURS)]


def _collapse_mark(ax, result: FitResult, frame: Frame) -> None:
    """Ring and label the point the run's collapsing component fell onto, once it has."""
    import numpy as np

    collapse = result.collapse
    if collapse is None or collapse.component not in frame.collapsed:
        return
    point = np.array(collapse.point)[:2] if len(collapse.point) > 1 else np.array([collapse.point[0], 0.0])
    ax.scatter(*point, s=260, facecolors="none", edgecolors="red", linewidths=2.0)
    ax.annotate(f"{component_name(collapse.component)} on point {collapse.point_index}\n"
                f"(iteration {collapse.iteration})", xy=point, xytext=(12, 12),
                textcoords="offset points", color="red", fontsize=8)


def _draw_mixture_2d(ax, X: np.ndarray, result: FitResult, frame: Frame) -> None:
    from gmm_math.numerics.em.picture import ellipse_outline

    record = frame.record
    ax.scatter(X[:, 0], X[:, 1], s=6, c="0.55", linewidths=0, label="data")
    for k in range(record.weights.size):
        colour, heavy = _colour(k, frame), k in frame.collapsed
        cov = record.covariances[k][:2, :2]
        for sigmas, style in _ELLIPSES:
            outline = ellipse_outline(record.means[k][:2], cov, sigmas)
            ax.plot(outline[:, 0], outline[:, 1], style, color=colour, linewidth=1.4 if heavy else 1.0)
        ax.plot(*record.means[k][:2], "x", color=colour, markersize=7, label=component_name(k))
    _collapse_mark(ax, result, frame)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    levels = "- and ".join(f"{sigmas:g}" for sigmas, _ in _ELLIPSES)  # "1- and 2"
    ax.set_title(f"iteration {frame.iteration}: data, {levels}-sigma ellipses (first two coordinates)", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")


def _draw_mixture_1d(ax, X: np.ndarray, result: FitResult, frame: Frame) -> None:
    import numpy as np

    from gmm_math.numerics.em.picture import density_grid, weighted_densities

    record = frame.record
    x = X[:, 0]
    grid = density_grid(x)
    ax.plot(x, np.zeros_like(x), "|", color="0.45", markersize=12)
    densities = weighted_densities(np.asarray(record.weights), np.asarray(record.means),
                                   np.asarray(record.covariances), grid)
    for k, density in enumerate(densities):
        ax.plot(grid, density, color=_colour(k, frame), label=component_name(k))
    _collapse_mark(ax, result, frame)
    ax.set_xlabel("x")
    ax.set_title(f"iteration {frame.iteration}: data and weighted component densities", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")


def draw_mixture(ax, X: np.ndarray, result: FitResult, frame: Frame) -> None:
    """The data and the mixture at one iteration (ellipses for D >= 2, densities for D = 1)."""
    (_draw_mixture_2d if X.shape[1] >= 2 else _draw_mixture_1d)(ax, X, result, frame)


def _integer_iterations(ax, result: FitResult) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.3, max(result.n_iter, 1) + 0.3)
    ax.set_xlabel("iteration")


def draw_trace(ax, result: FitResult, upto: int | None = None) -> None:
    """The log-likelihood per evaluated iteration (up to ``upto``), integer iteration ticks."""
    from gmm_math.numerics.em.watch import log_likelihood_range, log_likelihood_trace

    iterations, values = log_likelihood_trace(result, upto)
    ax.plot(iterations, values, "o-", markersize=3, color="black")
    low, high = log_likelihood_range(result)
    pad = 0.05 * (high - low) if high > low else 1.0
    ax.set_ylim(low - pad, high + pad)
    collapse = result.collapse
    if collapse is not None and (upto is None or upto >= collapse.iteration):
        ax.axvline(collapse.iteration, color="red", linestyle=":",
                   label=f"collapse ({component_name(collapse.component)}): log L unbounded, not evaluated")
        ax.legend(fontsize=7, loc="lower right")
    _integer_iterations(ax, result)
    ax.set_ylabel("log-likelihood")
    ax.set_title(f"log-likelihood, remedy {result.remedy}", fontsize=9)


def draw_eigenvalues(ax, result: FitResult, upto: int | None = None) -> None:
    """The smallest covariance eigenvalue of the collapsing component per iteration, log axis."""
    import numpy as np

    from gmm_math.numerics.em.watch import eigenvalue_trace

    component = result.collapse.component
    every, values_all = eigenvalue_trace(result, component)
    iterations, values = eigenvalue_trace(result, component, upto)
    shown = np.isfinite(values) & (values > 0)
    ax.semilogy(iterations[shown], values[shown], "o-", markersize=3, color="red",
                label=component_name(component))
    ax.axhline(result.threshold, color="0.4", linestyle="--", linewidth=0.8, label="small-component threshold (1e-6 x mean variance)")
    positive = values_all[np.isfinite(values_all) & (values_all > 0)]
    if positive.size:
        ax.set_ylim(min(positive.min(), result.threshold) / 10, max(positive.max(), result.threshold) * 10)
    for i, value in zip(iterations[~shown], values[~shown]):  # off a log axis: marked on its floor
        ax.plot(i, 0.0, "v", color="red", markersize=7, transform=ax.get_xaxis_transform(), clip_on=False)
        ax.annotate("0 in float64" if value <= 0 else "not finite", xy=(i, 0), xycoords=("data", "axes fraction"),
                    xytext=(0, 8), textcoords="offset points", ha="center", color="red", fontsize=7)
    _integer_iterations(ax, result)
    ax.set_ylabel("smallest covariance eigenvalue")
    ax.set_title(f"{component_name(component)}: smallest eigenvalue (log axis)", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")


def panels(result: FitResult) -> int:
    """2 panels (mixture, trace), 3 when a component collapsed (its eigenvalues too)."""
    return 2 if result.collapse is None else 3


def draw_frame(figure, X: np.ndarray, result: FitResult, frame: Frame) -> None:
    """All panels at one iteration into an empty ``figure``."""
    axes = figure.subplots(1, panels(result), width_ratios=[1.3] + [1] * (panels(result) - 1))
    draw_mixture(axes[0], X, result, frame)
    draw_trace(axes[1], result, frame.iteration)
    if panels(result) == 3:
        draw_eigenvalues(axes[2], result, frame.iteration)


def figure_size(result: FitResult) -> tuple[float, float]:
    """Inches; whole even pixel counts at 72 and 120 dpi (H.264 needs even frame sizes)."""
    return (11.0, 5.0) if panels(result) == 2 else (15.0, 5.0)


PLOT_DPI = 120


def em_figure(X: np.ndarray, result: FitResult):
    """The fit at its last iteration (all panels) as a matplotlib Figure."""
    from gmm_math.cli.plots.base import new_figure
    from gmm_math.numerics.em.watch import frames

    figure = new_figure(*figure_size(result))
    draw_frame(figure, X, result, frames(result)[-1])
    return figure


def save_plot(X: np.ndarray, result: FitResult, path: Path) -> Path:
    """Draw the fit's last iteration and write it atomically to ``path`` (its suffix names the format)."""
    from gmm_math.cli.plots.base import save_figure

    return save_figure(em_figure(X, result), Path(path), PLOT_DPI, "--plot")
