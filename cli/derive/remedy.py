"""``gmm-math derive remedy NAME`` and ``gmm-math derive degenerate``: which cures bound the objective.

Registered on the ``derive`` sub-app by cli/derive.py.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from gmm_math.cli.derive.output import Format, FormatOpt, delayed_status, show
from gmm_math.cli.options import (
    Components, DataFile, DataText, Dps, Means, Point, Scales, Weights, check_dps, mixture_inputs,
)
from gmm_math.derivations.core.data import load_dataset, parse_number
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.remedies import registry


Remedy = Enum("Remedy", {name: name for name in registry.names("derive")}, type=str)


def _number(name: str):
    """A remedy parameter's option; its help (what it measures, range, default) comes from the registry."""
    return Annotated[Optional[str], typer.Option(f"--{name}", help=registry.derive_parameter(name).help_text())]


Eps, Alpha, Beta, PenaltyA, Ratio, Lam, Tau2 = (_number(n) for n in ("eps", "alpha", "beta", "a", "c", "lam", "tau2"))
RemedyDim = Annotated[Optional[int], typer.Option(
    "--dim", "-d", help="Dimension D (from the data when given; default 1 for remedy, 2 for degenerate).")]


def _parameters(remedy: str, given: dict[str, str | None]) -> dict:
    """Parsed remedy parameters (exact), refusing options that belong to another remedy."""
    out = {}
    for name, text in given.items():
        if text is None:
            continue
        if remedy not in registry.owners(name):
            owners = ", ".join(registry.owners(name))
            raise GmmMathError(f"--{name} applies to `derive remedy {owners}`, not to `derive remedy {remedy}`")
        out[name] = parse_number(text, f"--{name}")
    return out


def _build(remedy: str, common: dict, params: dict):
    with delayed_status(f"deriving the {remedy} remedy with SymPy"):
        return registry.builder(remedy)(**common, **params)


def _show_remedy(derivation, dps: int, fmt: Format) -> None:
    from gmm_math.numerics.confirm import remedy_check

    with delayed_status(f"numeric check: the objective in mpmath at {dps} digits for {derivation.model.data.n} points"):
        check = remedy_check(derivation, dps)
    show(derivation, dps, fmt, check)


def remedy(
    name: Annotated[Remedy, typer.Argument(help=f"The remedy; {registry.summary('derive')}.")],
    dim: RemedyDim = None,
    data: DataText = None,
    data_file: DataFile = None,
    point: Point = 0,
    components: Components = 2,
    weights: Weights = None,
    means: Means = None,
    scales: Scales = None,
    eps: Eps = None,
    alpha: Alpha = None,
    beta: Beta = None,
    a: PenaltyA = None,
    c: Ratio = None,
    lam: Lam = None,
    tau2: Tau2 = None,
    dps: Dps = 50,
    fmt: FormatOpt = Format.text,
) -> None:
    """Derive what a remedy does to the objective as component 1 collapses on a data point (sigma -> 0+).

    ridge, map, penalty and reparam change the objective and bound it; ratio bounds it when there are more
    distinct points than components; reset leaves it unbounded and only guards the algorithm.
    """
    check_dps(dps)
    params = _parameters(name.value, {"eps": eps, "alpha": alpha, "beta": beta, "a": a, "c": c, "lam": lam,
                                      "tau2": tau2})
    dataset, mixture = mixture_inputs(data, data_file, weights, means, scales)
    mixture = {k: v for k, v in mixture.items() if v is not None}
    if mixture and name is Remedy.ratio:
        raise GmmMathError("--weights/--means/--scales do not apply to `derive remedy ratio`: its path puts every "
                           "component on its own data point with equal weights")
    common = {"dim": dim, "data": dataset, "point": point, "components": components}
    _show_remedy(_build(name.value, common, {**params, **mixture}), dps, fmt)


def degenerate(
    dim: RemedyDim = None,
    data: DataText = None,
    data_file: DataFile = None,
    dps: Dps = 50,
    fmt: FormatOpt = Format.text,
) -> None:
    """One Gaussian on data in a lower-dimensional affine subspace: log L -> +infinity as the covariance shrinks.

    It shrinks along the normal directions; data in general position keep it bounded.
    """
    check_dps(dps)
    dataset = load_dataset(data, data_file)
    from gmm_math.derivations.remedies.degenerate import degenerate_collapse

    _show_remedy(degenerate_collapse(dim=dim, data=dataset), dps, fmt)
