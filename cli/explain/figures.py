"""The figures of ``gmm-math explain``, drawn with the existing plot functions from the story's data.

Each is saved through :func:`gmm_math.cli.plots.base.save_figure` (fixed metadata), so the same
seed gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

PNG_DPI = 110
PANEL_INCHES = (4.8, 3.8)  # one panel of a figure the HTML page lets wrap: legible at phone width (390 px)


def _limit(story):
    from gmm_math.cli.plots.limit import limit_plot_data
    from gmm_math.cli.plots.limit_draw import draw_limit
    from gmm_math.numerics.explain.build import LIMIT_SWEEP

    start, stop, _ = LIMIT_SWEEP
    return draw_limit(limit_plot_data(story.figures.limit_table), start, stop)


def _collapse(story):
    from gmm_math.cli.plots.collapse import draw_collapse

    return draw_collapse(story.figures.collapse_model, story.figures.collapse_numbers, story.dps)


def _em(name: str) -> Callable:
    def draw(story):
        from gmm_math.cli.plots.em import em_figure

        return em_figure(story.figures.em_points, story.figures.em_fits[name])

    return draw


DRAW: dict[str, Callable] = {"limit": _limit, "collapse": _collapse, "em": _em("none"), "em-ridge": _em("ridge")}


def _em_panels(name: str) -> Callable:
    """The EM figure as separate panels (data and ellipses, log-likelihood, eigenvalues), one Figure each."""
    def draw(story) -> list:
        from gmm_math.cli.plots.base import new_figure
        from gmm_math.cli.plots.em import draw_eigenvalues, draw_mixture, draw_trace, panels
        from gmm_math.numerics.em.watch import frames

        points, result = story.figures.em_points, story.figures.em_fits[name]
        frame = frames(result)[-1]
        drawers = [lambda ax: draw_mixture(ax, points, result, frame),
                   lambda ax: draw_trace(ax, result, frame.iteration),
                   lambda ax: draw_eigenvalues(ax, result, frame.iteration)][:panels(result)]
        figures = []
        for drawer in drawers:
            figure = new_figure(*PANEL_INCHES)
            drawer(figure.subplots())
            figures.append(figure)
        return figures

    return draw


PANELS: dict[str, Callable] = {"em": _em_panels("none"), "em-ridge": _em_panels("ridge")}


def write_panels(story, folder: Path, suffix: str) -> dict[str, list[Path]]:
    """Like :func:`write_figures`, but a figure in ``PANELS`` as one file per panel (``KEY-1.suffix``, ...)."""
    from gmm_math.cli.plots.base import save_figure

    written = {}
    for key in story.figure_keys():
        if key in PANELS:
            written[key] = [save_figure(figure, folder / f"{key}-{i}{suffix}", PNG_DPI)
                            for i, figure in enumerate(PANELS[key](story), 1)]
        else:
            written[key] = [save_figure(DRAW[key](story), folder / f"{key}{suffix}", PNG_DPI)]
    return written


def write_figures(story, folder: Path, suffix: str) -> dict[str, Path]:
    """Draw every figure the story shows into ``folder`` as ``KEY.suffix``; key -> path written."""
    from gmm_math.cli.plots.base import save_figure

    return {key: save_figure(DRAW[key](story), folder / f"{key}{suffix}", PNG_DPI) for key in story.figure_keys()}
