"""The figures of ``gmm-math explain``, drawn with the existing plot functions from the story's data.

Each is saved through :func:`gmm_math.cli.plots.base.save_figure` (fixed metadata), so the same
seed gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

PNG_DPI = 110


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


def write_figures(story, folder: Path, suffix: str) -> dict[str, Path]:
    """Draw every figure the story shows into ``folder`` as ``KEY.suffix``; key -> path written."""
    from gmm_math.cli.plots.base import save_figure

    return {key: save_figure(DRAW[key](story), folder / f"{key}{suffix}", PNG_DPI) for key in story.figure_keys()}
