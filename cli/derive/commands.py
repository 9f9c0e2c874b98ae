"""``gmm-math derive``: the symbolic collapse derivations, confirmed numerically."""

from __future__ import annotations

from typing import Annotated

import typer

from gmm_math.cli.derive import remedy as derive_remedy
from gmm_math.cli.derive.output import Output, delayed_status, show, with_output
from gmm_math.cli.options import Components, Covariance, DataFile, DataText, Dim, MixtureInputs, Point, with_mixture_inputs
from gmm_math.derivations.core.data import load_dataset

app = typer.Typer(
    help="Derive, step by step with SymPy, what happens to the likelihood as a variance collapses.",
    no_args_is_help=True,
)


@app.command()
@with_output
def single(
    dim: Dim = None,
    data: DataText = None,
    data_file: DataFile = None,
    point: Point = 0,
    output: Output = None,
) -> None:
    """One Gaussian with its mean on a data point: as sigma -> 0+, L -> 0 unless every point equals x_n."""
    dataset = load_dataset(data, data_file)
    from gmm_math.derivations.single import single_gaussian_collapse

    show(single_gaussian_collapse(dim=dim, data=dataset, point=point), output)


@app.command()
@with_mixture_inputs(components=False)
@with_output
def mixture(
    components: Components = 2,
    dim: Dim = None,
    covariance: Annotated[Covariance, typer.Option(
        "--covariance", help="How component 1 collapses: spherical (sigma^2 I; isotropic is an alias) or full "
                             "(along one direction).")
    ] = Covariance.spherical,
    multiplicity: Annotated[int, typer.Option(
        "--multiplicity", "-r", help="Number r of data points coinciding at x_n (without data).")] = 1,
    mix: MixtureInputs = None,
    output: Output = None,
) -> None:
    """A mixture whose component 1 sits on a data point: as sigma_1 -> 0+, L -> infinity at rate sigma^(-rD)."""
    dataset, params = mix.load()
    from gmm_math.derivations.mixture import mixture_collapse

    with delayed_status("deriving with SymPy"):
        derivation = mixture_collapse(components=components, dim=dim, covariance=covariance.canonical, data=dataset,
                                      point=mix.point, multiplicity=multiplicity, **params)
    show(derivation, output)


app.command("remedy")(derive_remedy.remedy)
app.command("degenerate")(derive_remedy.degenerate)


S0 = Annotated[str, typer.Option("--s0", help="Start variance s_0 of component 1 (any positive number, e.g. 1e-5).")]
Below = Annotated[str, typer.Option(
    "--below", help="Count the EM iterations until s falls below this (may be far below float64, e.g. 1e-5000).")]


@app.command("em-step")
@with_mixture_inputs(components=False)
@with_output
def derive_em_step(
    components: Components = 2,
    mix: MixtureInputs = None,
    s0: S0 = "0.1",
    below: Below = "1e-300",
    output: Output = None,
) -> None:
    """One EM step for component 1 on x_n (1-D): the variance map s -> f(s), C s^(-1/2) exp(-delta^2/(2s)) near 0."""
    dps = output.dps
    dataset, params = mix.load()
    from dataclasses import replace

    from gmm_math.derivations.em_step import em_step_collapse
    from gmm_math.numerics.em_map import parse_positive
    from gmm_math.numerics.em_map_check import em_map_report, em_step_check, report_steps

    log_s0, log_below = parse_positive(s0, "s0", "--s0", dps), parse_positive(below, "below", "--below", dps)
    derivation = em_step_collapse(data=dataset, point=mix.point, components=components, **params)
    report = em_map_report(derivation.model, log_s0, log_below, dps, s0)
    derivation = replace(derivation, steps=derivation.steps + report_steps(report, s0, below, dps))
    show(derivation, output, em_step_check(derivation, dps))
