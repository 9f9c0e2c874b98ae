"""``gmm-math em``: EM walking into the singularity, and the remedies that stop it."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from gmm_math.cli.options import OutputFormat, format_option
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.remedies import registry

INITS = ("seed-style", "random-points", "kmeans++")  # the keys of numerics.em.init.INITS (a test checks)
EM_COVARIANCES = ("full", "diag", "spherical", "tied", "isotropic")  # scikit-learn's four and the alias
EM_COVARIANCE_HELP = ("full | diag (diagonal) | spherical (sigma^2 I; isotropic is an alias) | tied (one full "
                      "covariance shared), scikit-learn's covariance_type")


class EmCovariance(str, Enum):
    """``em``'s covariance structures: scikit-learn's four (``derive`` knows spherical and full only)."""

    full = "full"
    diag = "diag"
    spherical = "spherical"
    tied = "tied"
    isotropic = "isotropic"

    @property
    def canonical(self) -> str:
        return "spherical" if self.value == "isotropic" else self.value


def _load(dataset: str | None, data: str | None, data_file: Path | None):
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
    name = value if option == "--dataset" else str(label)
    return loader(value), "standard input" if name == "-" else name


def _progress(max_iter: int, quiet: bool):
    """The progress line on stderr (None when quiet or stderr is not a terminal) and fit's callback for it:
    :class:`gmm_math.cli.em.progress.EmProgress` (reading, starting, then iterations with the time left)."""
    from gmm_math.cli.progress import on_terminal

    if not on_terminal(quiet):
        return None, None
    from gmm_math.cli.em.progress import EmProgress

    progress = EmProgress(max_iter)
    return progress, progress.advance


Init = Enum("Init", {name: name for name in INITS}, type=str)
EmRemedy = Enum("EmRemedy", {name: name for name in registry.names("em")}, type=str)
Ridge = Enum("Ridge", {name: name for name in registry.RIDGES}, type=str)
FormatOpt = format_option(OutputFormat, "text or json.")


def em(
    dataset: Annotated[Optional[str], typer.Option(
        "--dataset", help="Built-in data set: seed-blobs (the default).")] = None,
    data_file: Annotated[Optional[Path], typer.Option(
        "--data-file", help="CSV file, one point per row (up to 1e6); - reads standard input.")] = None,
    data: Annotated[Optional[str], typer.Option(
        "--data", help='Inline data: "0,1,3" (1-D) or "0,0;1,1;3,2".')] = None,
    components: Annotated[int, typer.Option("--components", "-k", help="Number of components K (1..N).")] = 3,
    covariance: Annotated[EmCovariance, typer.Option("--covariance", help=EM_COVARIANCE_HELP + ".")
                          ] = EmCovariance.full,
    init: Annotated[Init, typer.Option("--init", help="How the components start.")] = Init["kmeans++"],
    remedy: Annotated[EmRemedy, typer.Option("--remedy", help=registry.summary("em") + ".")] = EmRemedy.ridge,
    reg_covar: Annotated[float, typer.Option(
        "--reg-covar", help=registry.em_parameter("reg_covar").help_text())] = 1e-6,
    ridge: Annotated[Ridge, typer.Option(
        "--ridge", help="absolute (the default: --reg-covar itself, scikit-learn's reg_covar, not scale-invariant) "
                        "| relative (--reg-covar x the data's mean variance trace(cov)/D, scale-invariant).")
    ] = Ridge.absolute,
    min_ratio: Annotated[float, typer.Option(
        "--min-ratio", help=registry.em_parameter("min_ratio").help_text())] = 0.01,
    seed: Annotated[int, typer.Option("--seed", help="Seed for every random choice.")] = 0,
    max_iter: Annotated[int, typer.Option("--max-iter", help="EM iterations per attempt (1..10000).")] = 100,
    tol: Annotated[float, typer.Option("--tol", help="Stop when the objective per point changes less.")] = 1e-6,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Write a picture (.png, .svg, .pdf).")] = None,
    animate: Annotated[Optional[Path], typer.Option(
        "--animate", help="Write one frame per iteration: .gif, or .mp4 (needs ffmpeg); the last frame is held "
        "3 s.")] = None,
    fps: Annotated[float, typer.Option("--fps", help="Frames (iterations) per second of --animate.")] = 2.0,
    output_format: FormatOpt = OutputFormat.text,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Fit a Gaussian mixture by EM, detect a component collapsing onto a data point, and apply a remedy.

    Without a remedy (--remedy none) EM stops at the collapse and says which component fell onto which point.

    Remedies: ridge (scikit-learn's reg_covar), reset (PRML 9.2.1), restart (mixtools).

    Also: map (Fraley & Raftery 2007), penalty (Chen, Tan & Zhang 2008), ratio (Hathaway 1985).

    Components are numbered 1..K in the text (as in derive and PRML), points 0..N-1 (their row); JSON keeps 0-based indices.

    A collapse: the component's support (points with responsibility >= 1e-3) has fewer than D + 1 affinely independent points and its smallest eigenvalue is below 1e-12 x the mean variance or shrank 10x in each of the last two iterations. A component that is only small is reported as small, not collapsed.
    """
    from gmm_math.cli.plots.base import output_format as image_format
    from gmm_math.cli.plots.em import save_plot
    from gmm_math.cli.io import check_output_folder
    from gmm_math.cli.em.report import as_json, render_text
    from gmm_math.numerics.em.fit import MAX_ITER, fit

    if not 1 <= max_iter <= MAX_ITER:
        raise GmmMathError(f"--max-iter must be between 1 and {MAX_ITER}, got {max_iter}")
    renderers = {"text": render_text, "json": lambda result, source, dim: as_json(result, dim)}
    if plot is not None:
        image_format(plot, "--plot")
        check_output_folder(plot)
    if animate is not None:
        from gmm_math.cli.plots.em_animate import check_animation_path, check_fps

        check_animation_path(animate)
        check_fps(fps)
        check_output_folder(animate)
    progress, callback = _progress(max_iter, quiet)
    options = dict(init=init.value, remedy=remedy.value, reg_covar=reg_covar, covariance=covariance.canonical,
                   max_iter=max_iter, tol=tol, seed=seed, min_ratio=min_ratio, callback=callback,
                   ridge=ridge.value)
    if progress is None:
        X, source = _load(dataset, data, data_file)
        result = fit(X, components, **options)
    else:
        from gmm_math.cli.em.progress import reading_text, starting_text

        with progress:  # from the first second: a 10^6-point file takes seconds to read and to start
            progress.phase(reading_text(data_file))
            X, source = _load(dataset, data, data_file)
            progress.phase(starting_text(init.value, X.shape[0]))
            result = fit(X, components, **options)
    if plot is not None:
        typer.echo(f"wrote {save_plot(X, result, plot)}", err=True)  # stderr: stdout is the report (text or JSON)
    if animate is not None:
        from gmm_math.cli.plots.em_animate import save_animation

        typer.echo(f"wrote {save_animation(X, result, animate, fps)}", err=True)
    typer.echo(renderers[output_format.value](result, source, X.shape[1]))
