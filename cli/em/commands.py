"""``gmm-math em``: EM walking into the singularity, and the remedies that stop it."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gmm_math.derivations.core.errors import GmmMathError


def _load(dataset: str | None, data: str | None, data_file: str | None):
    """The data (N, D) and a name for it; the seed-blobs set when no source is given."""
    from gmm_math.numerics.datasets import load_named
    from gmm_math.numerics.points import load_points_csv, points_from_text

    given = {"--dataset": dataset, "--data": data, "--data-file": data_file}
    chosen = [name for name, value in given.items() if value is not None]
    if len(chosen) > 1:
        raise GmmMathError(f"give one data source, not {' and '.join(chosen)}")
    loaders = {"--dataset": (load_named, dataset), "--data": (points_from_text, "--data"),
               "--data-file": (load_points_csv, data_file)}
    option = chosen[0] if chosen else "--dataset"
    loader, label = loaders[option]
    value = given[option] if chosen else "seed-blobs"
    return loader(value), (label if option != "--dataset" else value)


def _progress(max_iter: int, quiet: bool):
    """A rich progress bar on stderr (None when quiet or stderr is not a terminal) and its callback."""
    if quiet or not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(TextColumn("EM"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                        console=Console(stderr=True), transient=True)
    task = progress.add_task("", total=max_iter)

    def advance(iteration: int, record) -> None:
        progress.update(task, completed=iteration, description=f"log-likelihood {record.log_likelihood:.4f}")

    return progress, advance


def em(
    dataset: Annotated[str | None, typer.Option(
        "--dataset", help="Built-in data set: seed-blobs (the default).")] = None,
    data_file: Annotated[str | None, typer.Option(
        "--data-file", help="CSV file, one point per row (up to 1e6).")] = None,
    data: Annotated[str | None, typer.Option("--data", help='Inline data: "0,1,3" (1-D) or "0,0;1,1;3,2".')] = None,
    components: Annotated[int, typer.Option("--components", "-k", help="Number of components K (1..N).")] = 3,
    covariance: Annotated[str, typer.Option("--covariance", help="full | spherical.")] = "full",
    init: Annotated[str, typer.Option("--init", help="seed-style | random-points | kmeans++.")] = "kmeans++",
    remedy: Annotated[str, typer.Option(
        "--remedy", help="none | ridge | reset | restart | map | penalty | ratio.")] = "ridge",
    reg_covar: Annotated[float, typer.Option("--reg-covar", help="Diagonal ridge for --remedy ridge (> 0).")] = 1e-6,
    min_ratio: Annotated[float, typer.Option(
        "--min-ratio", help="Smallest eigenvalue ratio for --remedy ratio, in (0, 1].")] = 0.01,
    seed: Annotated[int, typer.Option("--seed", help="Seed for every random choice.")] = 0,
    max_iter: Annotated[int, typer.Option("--max-iter", help="EM iterations per attempt (>= 1).")] = 100,
    tol: Annotated[float, typer.Option("--tol", help="Stop when the objective per point changes less.")] = 1e-6,
    plot: Annotated[str | None, typer.Option("--plot", help="Write a picture (.png, .svg, .pdf).")] = None,
    animate: Annotated[str | None, typer.Option(
        "--animate", help="Write one frame per iteration: .gif, or .mp4 (needs ffmpeg).")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text | json.")] = "text",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Fit a Gaussian mixture by EM, detect a component collapsing onto a data point, and apply a remedy.

    Without a remedy (--remedy none) EM stops at the collapse and says which component fell onto which point.

    Remedies: ridge (scikit-learn's reg_covar), reset (PRML 9.2.1), restart (mixtools).

    Also: map (Fraley & Raftery 2007), penalty (Chen, Tan & Zhang 2008), ratio (Hathaway 1985).

    Components and points are numbered from 0.
    """
    from gmm_math.cli.plots.em import plot_format, save_plot
    from gmm_math.cli.io import check_output_folder
    from gmm_math.cli.em.report import as_json, render_text
    from gmm_math.numerics.em.fit import fit

    renderers = {"text": render_text, "json": lambda result, source, dim: as_json(result, dim)}
    if output_format not in renderers:
        raise GmmMathError(f"unknown --format {output_format!r} (expected text or json)")
    if plot is not None:
        plot_format(plot)
        check_output_folder(plot)
    if animate is not None:
        from gmm_math.cli.plots.em_animate import check_animation_path

        check_animation_path(animate)
        check_output_folder(animate)
    X, source = _load(dataset, data, data_file)
    progress, callback = _progress(max_iter, quiet)
    options = dict(init=init, remedy=remedy, reg_covar=reg_covar, covariance=covariance, max_iter=max_iter,
                   tol=tol, seed=seed, min_ratio=min_ratio, callback=callback)
    if progress is None:
        result = fit(X, components, **options)
    else:
        with progress:
            result = fit(X, components, **options)
    if plot is not None:
        save_plot(X, result, plot)
    if animate is not None:
        from gmm_math.cli.plots.em_animate import save_animation

        save_animation(X, result, animate)
    typer.echo(renderers[output_format](result, source, X.shape[1]))
