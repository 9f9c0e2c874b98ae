"""``gmm-math em --plot``: the data with 1- and 2-sigma ellipses, and the log-likelihood trace.

Imported inside the command only (it needs numpy and matplotlib). Uses a bare
:class:`matplotlib.figure.Figure`, so no GUI backend or pyplot state is touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gmm_math.cli.plots.base import FORMATS
from gmm_math.cli.io import atomic_write
from gmm_math.derivations.core.errors import GmmMathError

if TYPE_CHECKING:
    import numpy as np

    from gmm_math.numerics.em.fit import FitResult

_ELLIPSES = ((1.0, "-"), (2.0, "--"))  # (sigmas, line style) of the contours drawn per component
_COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan"]


def plot_format(path: str) -> str:
    """The image format named by the file suffix (.png, .svg, .pdf)."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise GmmMathError(f"--plot {path!r}: unknown image type {suffix or '(none)'!r} (expected .png, .svg or .pdf)")
    return FORMATS[suffix]


def _ellipse_outline(mean: np.ndarray, covariance: np.ndarray, sigmas: float, steps: int = 200) -> np.ndarray:
    """Points (steps, 2) on the ``sigmas``-sigma contour of a 2-D Gaussian."""
    import numpy as np

    values, vectors = np.linalg.eigh(covariance)
    angle = np.linspace(0.0, 2.0 * np.pi, steps)
    circle = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return mean + sigmas * (circle * np.sqrt(np.maximum(values, 0.0))) @ vectors.T


def _draw_mixture_2d(ax, X: np.ndarray, result: FitResult) -> None:
    import numpy as np

    ax.scatter(X[:, 0], X[:, 1], s=6, c="0.55", linewidths=0, label="data")
    collapsed = result.collapse.component if result.collapse is not None else None
    for k in range(result.weights.size):
        colour = "red" if k == collapsed else _COLOURS[k % len(_COLOURS)]
        cov = result.covariances[k][:2, :2]
        for sigmas, style in _ELLIPSES:
            outline = _ellipse_outline(result.means[k][:2], cov, sigmas)
            ax.plot(outline[:, 0], outline[:, 1], style, color=colour, linewidth=1.4 if k == collapsed else 1.0)
        ax.plot(*result.means[k][:2], "x", color=colour, markersize=7, label=f"component {k}")
    if result.collapse is not None:
        point = np.array(result.collapse.point)[:2]
        ax.scatter(*point, s=260, facecolors="none", edgecolors="red", linewidths=2.0)
        ax.annotate(f"component {collapsed} on point {result.collapse.point_index}\n"
                    f"(iteration {result.collapse.iteration})", xy=point, xytext=(12, 12),
                    textcoords="offset points", color="red", fontsize=8)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    levels = "- and ".join(f"{sigmas:g}" for sigmas, _ in _ELLIPSES)  # "1- and 2"
    ax.set_title(f"data, {levels}-sigma ellipses (first two coordinates)", fontsize=9)
    ax.legend(fontsize=7, loc="best")


def _draw_mixture_1d(ax, X: np.ndarray, result: FitResult) -> None:
    import numpy as np

    x = X[:, 0]
    grid = np.linspace(x.min() - 0.1 * np.ptp(x), x.max() + 0.1 * np.ptp(x), 600)
    ax.plot(x, np.zeros_like(x), "|", color="0.45", markersize=12)
    for k in range(result.weights.size):
        var = max(result.covariances[k][0, 0], np.finfo(float).tiny)
        log_density = -0.5 * (np.log(2 * np.pi * var) + (grid - result.means[k][0]) ** 2 / var)
        ax.plot(grid, result.weights[k] * np.exp(log_density), color=_COLOURS[k % len(_COLOURS)],
                label=f"component {k}")
    ax.set_xlabel("x")
    ax.set_title("data and weighted component densities", fontsize=9)
    ax.legend(fontsize=7)


def _draw_trace(ax, result: FitResult) -> None:
    import numpy as np

    values = np.array(result.log_likelihood)
    ax.plot(np.arange(values.size), values, "o-", markersize=3, color="black")
    if result.collapse is not None:
        ax.axvline(result.collapse.iteration, color="red", linestyle=":", label=f"collapse (component "
                   f"{result.collapse.component})")
        ax.legend(fontsize=7)
    ax.set_xlabel("iteration")
    ax.set_ylabel("log-likelihood")
    ax.set_title(f"log-likelihood, remedy {result.remedy}", fontsize=9)


def em_figure(X: np.ndarray, result: FitResult):
    """The fit (left) and its log-likelihood trace (right) as a matplotlib Figure."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 4.8), layout="constrained")
    left, right = figure.subplots(1, 2)
    (_draw_mixture_2d if X.shape[1] >= 2 else _draw_mixture_1d)(left, X, result)
    _draw_trace(right, result)
    return figure


def save_plot(X: np.ndarray, result: FitResult, path: str) -> None:
    """Draw the fit and write it atomically to ``path`` in the format its suffix names."""
    fmt = plot_format(path)
    figure = em_figure(X, result)
    atomic_write(path, lambda tmp: figure.savefig(tmp, format=fmt, dpi=120))
