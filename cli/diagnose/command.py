"""``gmm-math diagnose``: why a Gaussian-mixture fit degenerated on your data, and what fixes it."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from gmm_math.derivations.core.errors import GmmMathError

DiagnoseCovariance = Enum("DiagnoseCovariance", {n: n for n in ("full", "diag", "spherical", "tied")}, type=str)
DiagnoseInit = Enum("DiagnoseInit", {n: n for n in ("kmeans", "k-means++", "random", "random_from_data")}, type=str)
DiagnoseFormat = Enum("DiagnoseFormat", {n: n for n in ("text", "json", "html", "md")}, type=str)


def _progress(quiet: bool):
    from gmm_math.cli.progress import on_terminal

    if not on_terminal(quiet):
        return None

    def show(stage: str, done: int, total: int) -> None:
        typer.echo(f"\r{stage}: {done + 1}/{total}   ", err=True, nl=False)

    return show


def diagnose(
    data_file: Annotated[Optional[Path], typer.Option(
        "--data-file", help="CSV file with a header row of column names; - reads standard input.")] = None,
    data: Annotated[Optional[str], typer.Option("--data", help='Inline data: "0,0;1,1;3,2".')] = None,
    components: Annotated[int, typer.Option("--components", "-k", help="n_components K.")] = 1,
    covariance: Annotated[DiagnoseCovariance, typer.Option(
        "--covariance", help="covariance_type: full, diag, spherical or tied.")] = DiagnoseCovariance.full,
    reg_covar: Annotated[float, typer.Option("--reg-covar", help="reg_covar, added to every covariance diagonal.")
                         ] = 1e-6,
    init: Annotated[DiagnoseInit, typer.Option("--init", help="init_params.")] = DiagnoseInit.kmeans,
    n_init: Annotated[int, typer.Option("--n-init", help="n_init: starts tried.")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="random_state.")] = 0,
    remedies: Annotated[bool, typer.Option(
        "--remedies", help="Compare remedies, search reg_covar and BIC per K even when the fit does not degenerate.")
    ] = False,
    output_format: Annotated[DiagnoseFormat, typer.Option("--format", "-f", help="text, json, html or md.")
                             ] = DiagnoseFormat.text,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write the report to this file.")] = None,
    plot: Annotated[Optional[Path], typer.Option(
        "--plot", help="Write a picture (.png, .svg, .pdf): the data (pairs of columns) with the rows named and the "
                       "collapsing component's ellipse over the iterations; its log10 weight and smallest eigenvalue "
                       "against iteration; the remedies side by side.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress.")] = False,
) -> None:
    """Why your Gaussian-mixture fit degenerated (scikit-learn's 'ill-defined empirical covariance') and what fixes it.

    Settings take scikit-learn's GaussianMixture names and meanings. Rows are numbered from 0 (as em numbers
    points), with the CSV line beside; columns are named by the CSV header.
    """
    from gmm_math.cli.diagnose.render import RENDERERS
    from gmm_math.cli.io import check_output_folder
    from gmm_math.numerics.diagnose.report import diagnose as run
    from gmm_math.numerics.diagnose.table import Table, load_table
    from gmm_math.numerics.points import points_from_text

    if (data_file is None) == (data is None):
        raise GmmMathError("give one data source: --data-file or --data")
    if n_init < 1:
        raise GmmMathError(f"--n-init must be at least 1, got {n_init}")
    if out is not None:
        check_output_folder(out)
    if plot is not None:
        from gmm_math.cli.plots.base import output_format as image_format

        image_format(plot, "--plot")
        check_output_folder(plot)
    table = load_table(data_file) if data_file is not None else Table.of_array(points_from_text(data))
    report = run(table, components=components, covariance=covariance.value, reg_covar=reg_covar, init=init.value,
                 n_init=n_init, seed=seed, remedies=True if remedies else None, progress=_progress(quiet))
    if plot is not None:
        from gmm_math.cli.diagnose.plot import save_plot

        save_plot(report, plot)
    text = RENDERERS[output_format.value](report)
    if out is None:
        typer.echo(text)
        return
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text + "\n")
    tmp.replace(out)
