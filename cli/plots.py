"""``gmm-math plot-limit`` and ``gmm-math plot-collapse``: the pictures.

Only typer and the option aliases are imported here; matplotlib, numpy, mpmath and SymPy
are imported inside the commands so ``gmm-math --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gmm_math.cli.options import (
    Components, DataFile, DataText, Dps, Means, Point, Scales, Weights, check_dps, mixture_parameters, read_data,
)
from gmm_math.derivations.errors import GmmMathError

PANELS_MAX = 12
POINTS_MIN, POINTS_MAX = 2, 2000

Dpi = Annotated[int, typer.Option("--dpi", help="Resolution in dots per inch (PNG; also raster parts of PDF/SVG).")]
LimitOut = Annotated[Path, typer.Option(
    "--out", "-o", help="Output image; the format comes from the suffix: .png, .svg or .pdf.")]
CollapseOut = LimitOut
LimitFrom = Annotated[float, typer.Option("--from", help="Largest log10 sigma (left end of the x-axis).")]
LimitTo = Annotated[float, typer.Option(
    "--to", help="Smallest log10 sigma (right end); may lie far below float64's range, e.g. -1000.")]
LimitPoints = Annotated[int, typer.Option(
    "--points", help=f"Number of sigma values, evenly spaced in log10 sigma ({POINTS_MIN}..{POINTS_MAX}).")]
CollapseFrom = Annotated[float, typer.Option("--from", help="log10 sigma of the first panel.")]
CollapseTo = Annotated[float, typer.Option("--to", help="log10 sigma of the last panel.")]
Panels = Annotated[int, typer.Option("--panels", help=f"Number of small multiples (1..{PANELS_MAX}).")]


def _check_count(value: int, low: int, high: int, name: str) -> int:
    if not low <= value <= high:
        raise GmmMathError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _log10_grid(start: float, stop: float, count: int) -> list[float]:
    """``count`` values from ``start`` to ``stop``, evenly spaced (both ends included)."""
    if count == 1:
        return [start]
    step = (stop - start) / (count - 1)
    return [start + i * step for i in range(count)]


def _checked_output(out: Path, dpi: int, start: float, stop: float, dps: int) -> None:
    """Validate everything cheap before any computation, so bad options fail at once and write nothing."""
    from gmm_math.cli.figure_base import check_dpi, check_log10_range, output_format

    output_format(out)
    check_dpi(dpi)
    check_log10_range(start, stop)
    check_dps(dps)


def plot_collapse(
    data: DataText = None,
    data_file: DataFile = None,
    point: Point = 0,
    components: Components = 2,
    weights: Weights = None,
    means: Means = None,
    scales: Scales = None,
    start: CollapseFrom = 0.0,
    stop: CollapseTo = -3.0,
    panels: Panels = 4,
    dps: Dps = 50,
    dpi: Dpi = 150,
    out: CollapseOut = Path("figures/plot-collapse.png"),
) -> None:
    """Draw PRML Fig. 9.7: a broad component and a spike on data point x_n, for shrinking sigma.

    Small multiples, one per sigma from 10^FROM to 10^TO; each title carries the mixture's
    log-likelihood computed with mpmath (the same numbers as `gmm-math evaluate`). 1-D data only.
    Writes figures/plot-collapse.png (relative to the current folder) unless --out is given.
    """
    _checked_output(out, dpi, start, stop, dps)
    _check_count(panels, 1, PANELS_MAX, "--panels")

    from gmm_math.cli.figure_base import save_figure
    from gmm_math.cli.figures_collapse import check_one_dimensional, collapse_panels, draw_collapse
    from gmm_math.derivations.model import CollapseModel, example_data

    dataset = read_data(data, data_file) or example_data()
    model = check_one_dimensional(CollapseModel.mixture(
        dataset, point, components, **mixture_parameters(weights, means, scales)))
    numbers = collapse_panels(model, _log10_grid(start, stop, panels), dps)
    written = save_figure(draw_collapse(model, numbers, dps), out, dpi)
    typer.echo(f"wrote {written}")
