"""``gmm-math plot-limit`` and ``gmm-math plot-collapse``: the pictures.

Only typer and the option aliases are imported here; matplotlib, numpy, mpmath and SymPy
are imported inside the commands so ``gmm-math --help`` stays fast.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from gmm_math.cli.plots.remedy import PlotRemedy
from gmm_math.cli.options import (
    Dpi, Dps, ImageOut, MixtureInputs, NoLimit, check_dps, check_work, option, option_group, with_mixture_inputs,
)
from gmm_math.derivations.core.errors import GmmMathError

PANELS_MAX = 12
POINTS_MIN, POINTS_MAX = 2, 2000

LimitFrom = Annotated[float, typer.Option("--from", help="Largest log10 sigma (left end of the x-axis).")]
LimitTo = Annotated[float, typer.Option(
    "--to", help="Smallest log10 sigma (right end); may lie far below float64's range, e.g. -1000.")]
LimitPoints = Annotated[int, typer.Option(
    "--points", help=f"Number of sigma values, evenly spaced in log10 sigma ({POINTS_MIN}..{POINTS_MAX}).")]
CollapseFrom = Annotated[float, typer.Option("--from", help="log10 sigma of the first panel.")]
CollapseTo = Annotated[float, typer.Option("--to", help="log10 sigma of the last panel.")]
Panels = Annotated[int, typer.Option("--panels", help=f"Number of small multiples (1..{PANELS_MAX}).")]
COLLAPSE_GRID = (option("start", CollapseFrom, 0.0), option("stop", CollapseTo, -3.0), option("panels", Panels, 4))
LIMIT_GRID = (option("start", LimitFrom, 1.0), option("stop", LimitTo, -400.0), option("points", LimitPoints, 402))
RemedyOpt = Annotated[Optional[PlotRemedy], typer.Option(
    "--remedy", help="Overlay a remedied objective (its default parameters, as `derive remedy NAME`).")]


@dataclass(frozen=True)
class SigmaFigure:
    """A picture over ``count`` values of sigma, evenly spaced in log10 sigma from ``start`` to ``stop``,
    computed at ``dps`` digits and written to ``out`` at ``dpi``."""

    start: float
    stop: float
    count: int
    dps: int
    dpi: int
    out: Path

    @property
    def sigmas(self) -> list[str]:
        """The sigma values as exact texts (10^(p/q)), from ``start`` to ``stop``."""
        from gmm_math.numerics.sigma_text import sigma_grid

        return sigma_grid(self.start, self.stop, self.count)


def with_sigma_figure(name: str, grid: tuple[inspect.Parameter, ...], low: int, high: int):
    """Decorator: the ``grid`` options (--from, --to and the count, which must lie in ``low``..``high``), --dps,
    --dpi and --out (default figures/NAME.png) in place of ``figure: SigmaFigure``.

    Everything cheap is checked before any computation, so bad options fail at once and write nothing.
    """
    count_name = grid[2].name
    options = (*grid, option("dps", Dps, 50), option("dpi", Dpi, 150),
               option("out", ImageOut, Path(f"figures/{name}.png")))

    def build(start: float, stop: float, dps: int, dpi: int, out: Path, **counted: int) -> SigmaFigure:
        from gmm_math.cli.plots.base import check_dpi, check_log10_range, output_format
        from gmm_math.cli.io import check_output_folder

        output_format(out)
        check_output_folder(out)
        check_dpi(dpi)
        check_log10_range(start, stop)
        check_dps(dps)
        number = counted[count_name]
        if not low <= number <= high:
            raise GmmMathError(f"--{count_name} must be between {low} and {high}, got {number}")
        return SigmaFigure(start, stop, number, dps, dpi, out)

    return option_group("figure", options, build)


@with_mixture_inputs()
@with_sigma_figure("plot-collapse", COLLAPSE_GRID, 1, PANELS_MAX)
def plot_collapse(mix: MixtureInputs = None, figure: SigmaFigure = None) -> None:
    """Draw PRML Fig. 9.7: a broad component and a spike on data point x_n, for shrinking sigma.

    Small multiples, one per sigma from 10^FROM to 10^TO; each title carries the mixture's log-likelihood computed with mpmath (the same numbers as `gmm-math evaluate`). The spike is drawn however narrow it is; its height is printed when it leaves the axis. 1-D data only.

    Writes figures/plot-collapse.png (relative to the current folder) unless --out is given; .png, .svg or .pdf.
    """
    from gmm_math.cli.plots.base import save_figure
    from gmm_math.cli.plots.collapse import check_one_dimensional, draw_collapse
    from gmm_math.derivations.core.model import CollapseModel, example_data
    from gmm_math.numerics.collapse_panels import collapse_figure

    dataset, params = mix.load()
    model = check_one_dimensional(CollapseModel.mixture(dataset or example_data(), mix.point, mix.components, **params))
    numbers = collapse_figure(model, figure.sigmas, figure.dps)
    written = save_figure(draw_collapse(model, numbers, figure.dps), figure.out, figure.dpi)
    typer.echo(f"wrote {written}")


def limit_figure_data(dataset, point: int, components: int, params: dict, sigmas: list[str], dps: int,
                      progress=None):
    """The LimitPlot behind ``plot-limit``: the table ``gmm-math evaluate`` prints at these sigma texts."""
    from gmm_math.cli.plots.limit import limit_plot_data
    from gmm_math.derivations.core.model import example_data
    from gmm_math.numerics.sweep import evaluate_table

    table = evaluate_table(dataset or example_data(), point, sigmas=sigmas, dps=dps,
                           components=components, progress=progress, curve=True, **params)
    return limit_plot_data(table)


@with_mixture_inputs()
@with_sigma_figure("plot-limit", LIMIT_GRID, POINTS_MIN, POINTS_MAX)
def plot_limit(mix: MixtureInputs = None, figure: SigmaFigure = None, remedy: RemedyOpt = None,
               no_limit: NoLimit = False) -> None:
    """Plot log L against log10 sigma down to sigma = 10^TO: the single Gaussian and the collapsing mixture.

    The numbers are those of `gmm-math evaluate --sweep FROM:TO:POINTS` (mpmath, --dps digits), the same function.

    Top: the mixture's log L on a linear axis. Bottom: the single Gaussian's log L on a logarithmic axis of -log L. Each panel shows the symbolic limit and leading term (SymPy) and the rate that confirms it.

    Dotted lines mark where float64 (log space, and the naive product of densities) first disagrees with mpmath, from evaluate's flags.

    --remedy ridge|map|penalty overlays the remedied objective (mpmath) on the mixture's curve; one that falls to -infinity is also drawn on the logarithmic panel.

    Writes figures/plot-limit.png (relative to the current folder) unless --out is given; .png, .svg or .pdf.

    --points (twice that with --remedy) at --dps digits has the work budget of evaluate (about a minute of estimated CPU time) unless --no-limit is given; a progress bar with the time left appears on a terminal.
    """
    dps = figure.dps
    check_work(figure.count * (2 if remedy is not None else 1), dps, no_limit, "--points")

    from gmm_math.cli.plots.base import save_figure
    from gmm_math.cli.plots.limit_draw import draw_limit
    from gmm_math.cli.progress import LazyProgress, on_terminal

    dataset, params = mix.load()
    sigmas = figure.sigmas
    with LazyProgress(enabled=on_terminal(), label="plot-limit") as progress:
        plot = limit_figure_data(dataset, mix.point, mix.components, params, sigmas, dps, progress)
    if remedy is not None:
        from gmm_math.cli.plots.remedy import with_remedy

        plot = with_remedy(plot, remedy.value, dataset, mix.point, mix.components, params, sigmas, dps)
    written = save_figure(draw_limit(plot, figure.start, figure.stop), figure.out, figure.dpi)
    typer.echo(f"wrote {written}")
