"""``gmm-math derive``: the symbolic collapse derivations, confirmed numerically."""

from __future__ import annotations

from typing import Annotated

import typer

from gmm_math.cli.derive import remedy as derive_remedy
from gmm_math.cli.derive.output import Format, FormatOpt, delayed_status, show
from gmm_math.cli.options import (
    Components, Covariance, DataFile, DataText, Dps, Means, Point, Scales, Weights, check_dps, mixture_inputs,
)
from gmm_math.derivations.core.data import load_dataset

app = typer.Typer(
    help="Derive, step by step with SymPy, what happens to the likelihood as a variance collapses.",
    no_args_is_help=True,
)


Dim = Annotated[int, typer.Option("--dim", "-d", help="Dimension D (read from the data when data are given).")]


@app.command()
def single(
    dim: Dim = 1,
    data: DataText = None,
    data_file: DataFile = None,
    point: Point = 0,
    dps: Dps = 50,
    fmt: FormatOpt = Format.text,
) -> None:
    """One Gaussian with its mean on a data point: as sigma -> 0+, L -> 0 unless every point equals x_n."""
    check_dps(dps)
    dataset = load_dataset(data, data_file)
    from gmm_math.derivations.single import single_gaussian_collapse

    show(single_gaussian_collapse(dim=dim, data=dataset, point=point), dps, fmt)


@app.command()
def mixture(
    components: Components = 2,
    dim: Dim = 1,
    covariance: Annotated[Covariance, typer.Option(
        "--covariance", help="How component 1 collapses: spherical (sigma^2 I; isotropic is an alias) or full "
                             "(along one direction).")
    ] = Covariance.spherical,
    multiplicity: Annotated[int, typer.Option(
        "--multiplicity", "-r", help="Number r of data points coinciding at x_n (without data).")] = 1,
    data: DataText = None,
    data_file: DataFile = None,
    point: Point = 0,
    weights: Weights = None,
    means: Means = None,
    scales: Scales = None,
    dps: Dps = 50,
    fmt: FormatOpt = Format.text,
) -> None:
    """A mixture whose component 1 sits on a data point: as sigma_1 -> 0+, L -> oo at rate sigma^(-rD)."""
    check_dps(dps)
    dataset, params = mixture_inputs(data, data_file, weights, means, scales)
    from gmm_math.derivations.mixture import mixture_collapse

    with delayed_status("deriving with SymPy"):
        derivation = mixture_collapse(components=components, dim=dim, covariance=covariance.canonical, data=dataset,
                                      point=point, multiplicity=multiplicity, **params)
    show(derivation, dps, fmt)


app.command("remedy")(derive_remedy.remedy)
app.command("degenerate")(derive_remedy.degenerate)
