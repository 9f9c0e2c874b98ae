"""``gmm-math derive remedy NAME`` and ``gmm-math derive degenerate``: which cures bound the objective.

Registered on the ``derive`` sub-app by cli/derive/commands.py. The remedy choices and one option per
derive-side parameter come from the remedy registry (:mod:`gmm_math.derivations.remedies.registry`).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import inspect

import typer

from gmm_math.cli.derive.output import Output, delayed_status, show, with_output
from gmm_math.cli.options import DataFile, DataText, MixtureInputs, option, with_mixture_inputs
from gmm_math.derivations.core.data import load_dataset, parse_number
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.remedies import registry


Remedy = Enum("Remedy", {name: name for name in registry.names("derive")}, type=str)


def _parameter_options() -> list[inspect.Parameter]:
    """One option per derive-side remedy parameter, its help (what it measures, range, default) from the registry."""
    return [option(p.name, Annotated[Optional[str], typer.Option(f"--{p.name}", help=p.help_text())], None)
            for p in registry.derive_parameters()]


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


def _show_remedy(derivation, output: Output) -> None:
    from gmm_math.numerics.confirm import remedy_check

    dps = output.dps
    with delayed_status(f"numeric check: the objective in mpmath at {dps} digits for {derivation.model.data.n} points"):
        check = remedy_check(derivation, dps)
    show(derivation, output, check)


@with_mixture_inputs()
@with_output
def remedy(
    name: Annotated[Remedy, typer.Argument(help=f"The remedy; {registry.summary('derive')}.")],
    dim: RemedyDim = None,
    mix: MixtureInputs = None,
    output: Output = None,
    **parameters: str | None,
) -> None:
    """Derive what a remedy does to the objective as component 1 collapses on a data point (sigma -> 0+).

    ridge, map, penalty and reparam change the objective and bound it; ratio bounds it when there are more
    distinct points than components; reset leaves it unbounded and only guards the algorithm.
    """
    params = _parameters(name.value, parameters)
    dataset, mixture = mix.load()
    mixture = {k: v for k, v in mixture.items() if v is not None}
    fixed_path = registry.REMEDIES[name.value].fixed_path
    if mixture and fixed_path:
        raise GmmMathError(f"--weights/--means/--scales do not apply to `derive remedy {name.value}`: {fixed_path}")
    common = {"dim": dim, "data": dataset, "point": mix.point, "components": mix.components}
    _show_remedy(_build(name.value, common, {**params, **mixture}), output)


def _with_parameter_options(command):
    """``command``'s signature with the registry's parameter options in place of ``**parameters``, after --scales
    (Typer reads the signature; the options keep the place and order they have always had in --help)."""
    signature = inspect.signature(command, eval_str=True)
    fixed = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    at = [p.name for p in fixed].index("scales") + 1
    command.__signature__ = signature.replace(parameters=fixed[:at] + _parameter_options() + fixed[at:])
    return command


remedy = _with_parameter_options(remedy)


@with_output
def degenerate(
    dim: RemedyDim = None,
    data: DataText = None,
    data_file: DataFile = None,
    output: Output = None,
) -> None:
    """One Gaussian on data in a lower-dimensional affine subspace: log L -> +infinity as the covariance shrinks.

    It shrinks along the normal directions; data in general position keep it bounded.
    """
    dataset = load_dataset(data, data_file)
    from gmm_math.derivations.remedies.degenerate import degenerate_collapse

    _show_remedy(degenerate_collapse(dim=dim, data=dataset), output)
