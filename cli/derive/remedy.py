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


class Remedy(str, Enum):
    ridge = "ridge"
    map = "map"
    penalty = "penalty"
    ratio = "ratio"
    reset = "reset"
    reparam = "reparam"


# option name -> the remedies it applies to
PARAMETERS = {"eps": ("ridge",), "alpha": ("map",), "beta": ("map",), "a": ("penalty",), "c": ("ratio",),
              "lam": ("reparam",), "tau2": ("reparam",)}


def _number(help_text: str, name: str):
    return Annotated[Optional[str], typer.Option(f"--{name}", help=help_text)]


Eps = _number("ridge: eps added to every covariance (default 1e-6, scikit-learn's reg_covar).", "eps")
Alpha = _number("map: prior shape alpha > 0 (IW with nu = 2 alpha; default 1).", "alpha")
Beta = _number("map: prior scale beta > 0 (IW with Psi = 2 beta I; default 0.1).", "beta")
PenaltyA = _number("penalty: penalty size a_n > 0 (default N^(-1/2)).", "a")
Ratio = _number("ratio: the bound c in sigma_j/sigma_k >= c, 0 < c <= 1 (default 0.1).", "c")
Lam = _number("reparam: penalty weight lambda > 0 on gamma_k (default N^(-1/2)).", "lam")
Tau2 = _number("reparam: shared scale tau^2 > 0 (default tr(S_x)/D).", "tau2")
RemedyDim = Annotated[Optional[int], typer.Option(
    "--dim", "-d", help="Dimension D (from the data when given; default 1 for remedy, 2 for degenerate).")]


def _parameters(remedy: str, given: dict[str, str | None]) -> dict:
    """Parsed remedy parameters (exact), refusing options that belong to another remedy."""
    out = {}
    for name, text in given.items():
        if text is None:
            continue
        if remedy not in PARAMETERS[name]:
            owners = ", ".join(PARAMETERS[name])
            raise GmmMathError(f"--{name} applies to `derive remedy {owners}`, not to `derive remedy {remedy}`")
        out[name] = parse_number(text, f"--{name}")
    return out


def _build(remedy: str, common: dict, params: dict):
    from gmm_math.derivations.remedies import prior as remedies, ratio as remedy_ratio, reset as remedy_reset, ridge as remedy_ridge

    builders = {
        "ridge": remedy_ridge.ridge_collapse, "map": remedies.map_collapse, "penalty": remedies.penalty_collapse,
        "reparam": remedies.reparam_collapse, "reset": remedy_reset.reset_collapse,
        "ratio": remedy_ratio.ratio_collapse,
    }
    with delayed_status(f"deriving the {remedy} remedy with SymPy"):
        return builders[remedy](**common, **params)


def _show_remedy(derivation, dps: int, fmt: Format) -> None:
    from gmm_math.numerics.objectives import remedy_check

    with delayed_status(f"numeric check: the objective in mpmath at {dps} digits for {derivation.model.data.n} points"):
        check = remedy_check(derivation, dps)
    show(derivation, dps, fmt, check)


def remedy(
    name: Annotated[Remedy, typer.Argument(help="The remedy: ridge, map, penalty, ratio, reset or reparam.")],
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
    common = {"dim": 1 if dim is None else dim, "data": dataset, "point": point, "components": components}
    _show_remedy(_build(name.value, common, {**params, **mixture}), dps, fmt)


def degenerate(
    dim: RemedyDim = None,
    data: DataText = None,
    data_file: DataFile = None,
    dps: Dps = 50,
    fmt: FormatOpt = Format.text,
) -> None:
    """One Gaussian on data in a lower-dimensional affine subspace: log L -> oo as the covariance shrinks
    along the normal directions; data in general position keep it bounded.
    """
    check_dps(dps)
    dataset = load_dataset(data, data_file)
    from gmm_math.derivations.remedies.degenerate import degenerate_collapse

    _show_remedy(degenerate_collapse(dim=dim, data=dataset), dps, fmt)
