"""``gmm-math evaluate``: log L far past float64 in mpmath, float64 beside it with flags, and the rates."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gmm_math.cli.options import (
    Dps, MixtureInputs, NoLimit, check_dps, check_work, format_choices, format_option, with_mixture_inputs,
)

DEFAULT_SWEEP = "0:-400:9"


Format = format_choices("text", "json", "csv")
SigmaOpt = Annotated[Optional[list[str]], typer.Option(
    "--sigma", help="A sigma value (repeatable): a decimal such as 0.5 or 1e-1000000, or 10^(p/q). "
                    "Parsed by mpmath, never through float.")]
SweepOpt = Annotated[Optional[str], typer.Option(
    "--sweep", help="FROM:TO:COUNT in log10 sigma, e.g. 0:-1000000:200 (COUNT 1..2000, |FROM|, |TO| <= 1e15). "
                    f"Default when no --sigma is given: {DEFAULT_SWEEP}.")]
FormatOpt = format_option(Format, "text (shortened values, 80 columns), json or csv (full --dps digits).")
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar on stderr.")]


@with_mixture_inputs()
def evaluate(
    mix: MixtureInputs = None,
    sigma: SigmaOpt = None,
    sweep: SweepOpt = None,
    dps: Dps = 50,
    fmt: FormatOpt = Format.text,
    quiet: QuietOpt = False,
    no_limit: NoLimit = False,
) -> None:
    """Evaluate log L of the single Gaussian and of the collapsing mixture at sigma far below float64's range.

    One row per sigma: log L in mpmath (--dps digits), and the same in float64 two ways.

    float64 is done in log space and naively (product of densities, then log); a flag marks every value that is non-finite or off by more than 1e-9 relative.

    The rate columns: d log L / d log sigma of the mixture (-> -r D) and sigma^2 log L of the single Gaussian (-> -S/2).

    The header shows S, N, D, the single-Gaussian optimum sigma*^2 = S/(N D) and the symbolic limits of `derive`.

    Without data the example 0, 1, 3 (x_n = 0) is used; D is read from the data. Rows: the --sigma values, then the --sweep.

    The estimated CPU time (the rows, each costing about dps^1.7) is limited to a budget of a minute unless --no-limit is given; a refusal says the estimate, and a progress bar with the time left appears on a terminal.
    """
    check_dps(dps)
    dataset, params = mix.load()
    from gmm_math.derivations.core.model import example_data
    from gmm_math.numerics.sweep import evaluate_table, parse_sweep

    sigmas = list(sigma or [])
    if sweep is not None or not sigmas:
        sigmas += parse_sweep(sweep if sweep is not None else DEFAULT_SWEEP)
    check_work(len(sigmas), dps, no_limit, "--sigma/--sweep")
    from gmm_math.cli.progress import LazyProgress, on_terminal

    with LazyProgress(enabled=on_terminal(quiet)) as progress:
        table = evaluate_table(dataset or example_data(), mix.point, sigmas=sigmas, dps=dps, components=mix.components,
                               progress=progress, **params)
    from gmm_math.cli.evaluate.render import RENDERERS

    RENDERERS[fmt.value](table)
