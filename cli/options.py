"""Options shared by several commands, as ``Annotated`` aliases, and the model they describe."""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from gmm_math.derivations.core.data import Dataset, load_dataset, parse_number_list
from gmm_math.derivations.core.errors import GmmMathError

DPS_MIN, DPS_MAX = 15, 10_000


class Covariance(str, Enum):
    """Covariance structures, in one vocabulary for every command; ``isotropic`` is an alias of ``spherical``."""

    spherical = "spherical"
    full = "full"
    isotropic = "isotropic"

    @property
    def canonical(self) -> str:
        return COVARIANCE_ALIASES.get(self.value, self.value)


COVARIANCE_ALIASES = {"isotropic": "spherical"}
COVARIANCE_HELP = "spherical (sigma^2 I; isotropic is accepted as an alias) or full"

FORMATS = ("text", "latex", "markdown", "json", "csv")  # every output format of every command


class OutputFormat(str, Enum):
    """The ``--format`` of the commands that speak to people and to programs: check, check em-step, em."""

    text = "text"
    json = "json"


def format_choices(*names: str) -> type[Enum]:
    """The ``--format`` Enum of a command: the subset ``names`` of :data:`FORMATS`, in that order.

    >>> [f.value for f in format_choices("text", "json")]
    ['text', 'json']
    """
    unknown = set(names) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown output formats {sorted(unknown)}")
    return Enum("Format", {name: name for name in names}, type=str)


def format_option(choices: type[Enum], help_text: str):
    """The ``--format/-f`` option over ``choices``."""
    return Annotated[choices, typer.Option("--format", "-f", help=help_text)]


DataText = Annotated[Optional[str], typer.Option(
    "--data", help='Data points: "0,1,3" (1-D) or "0,0;1,1;3,2" (rows separated by ";").')]
DataFile = Annotated[Optional[Path], typer.Option(
    "--data-file", help="CSV file with one point per row (a header row and # comments are skipped); - reads standard input.")]
Point = Annotated[int, typer.Option("--point", help="0-based index of the data point x_n the mean sits on.")]
Components = Annotated[int, typer.Option("--components", "-k", help="Number of mixture components K (>= 2).")]
Weights = Annotated[Optional[str], typer.Option(
    "--weights", help="Mixing weights w1,..,wK (positive, sum 1; a zero weight removes its component and is "
    "refused). Default: 1/K each.")]
Means = Annotated[Optional[str], typer.Option(
    "--means", help="Means m2,..,mK of the non-collapsing components (1-D). Default: from the data.")]
Scales = Annotated[Optional[str], typer.Option(
    "--scales", help="Standard deviations s2,..,sK of the non-collapsing components (1-D). Default: data std.")]
Dps = Annotated[int, typer.Option("--dps", help=f"Significant digits for mpmath ({DPS_MIN}..{DPS_MAX}).")]
Dim = Annotated[Optional[int], typer.Option(
    "--dim", "-d", help="Dimension D (default 1; read from the data when data are given).")]
TextOrJson = Annotated[OutputFormat, typer.Option("--format", "-f", case_sensitive=False,
                                                  help="text for people, json for programs.")]
Dpi = Annotated[int, typer.Option("--dpi", help="Resolution in dots per inch (PNG; also raster parts of PDF/SVG).")]
ImageOut = Annotated[Path, typer.Option(
    "--out", "-o", help="Output image; the format comes from the suffix: .png, .svg or .pdf.")]
NoLimit = Annotated[bool, typer.Option(
    "--no-limit", help="Run even when the estimated CPU time (rows at --dps digits) is over the work budget (a minute).")]


def check_dps(dps: int) -> int:
    if not DPS_MIN <= dps <= DPS_MAX:
        raise GmmMathError(f"--dps must be between {DPS_MIN} and {DPS_MAX}, got {dps}")
    return dps


def check_work(rows: int, dps: int, no_limit: bool, rows_option: str) -> None:
    """Refuse, before any work, ``rows`` sigma values at ``dps`` digits whose estimated CPU time is over the
    budget (:mod:`gmm_math.numerics.budget`), unless ``no_limit``; the refusal says the estimate."""
    from gmm_math.cli.progress import duration
    from gmm_math.numerics.budget import estimate_work

    work = estimate_work(rows, dps)
    if work.over and not no_limit:
        raise GmmMathError(f"{rows} rows ({rows_option}) x {dps} digits (--dps) would take about "
                           f"{duration(work.seconds)} of CPU ({work.per_row:.2g} s a row), over the budget of "
                           f"{duration(work.budget)}; use fewer rows or digits, or give --no-limit to run it anyway")


def mixture_parameters(weights: str | None, means: str | None, scales: str | None) -> dict:
    """Parsed ``--weights/--means/--scales`` as keyword arguments of ``CollapseModel.mixture``."""
    given = {"weights": weights, "means": means, "scales": scales}
    return {name: None if text is None else parse_number_list(text, name) for name, text in given.items()}


def mixture_inputs(data: str | None, data_file: Path | None, weights: str | None, means: str | None,
                   scales: str | None) -> tuple[Dataset | None, dict]:
    """The shared data and mixture options as (data set or None, ``CollapseModel.mixture`` keyword arguments)."""
    return load_dataset(data, data_file), mixture_parameters(weights, means, scales)


@dataclass(frozen=True)
class MixtureInputs:
    """The shared data and mixture options of a command, as given (parsed only by :meth:`load`)."""

    data: str | None
    data_file: Path | None
    point: int
    weights: str | None
    means: str | None
    scales: str | None
    components: int | None = None

    def load(self) -> tuple[Dataset | None, dict]:
        """(data set or None, ``CollapseModel.mixture`` keyword arguments), as :func:`mixture_inputs`."""
        return mixture_inputs(self.data, self.data_file, self.weights, self.means, self.scales)


def option(name: str, annotation, default) -> inspect.Parameter:
    """The command parameter ``name`` (a Typer option when ``annotation`` is one of the aliases here)."""
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation)


def option_group(placeholder: str, options, build):
    """Decorator: the parameters ``options`` in place of the command's parameter ``placeholder``, which receives
    ``build(**their values)`` (``build`` may refuse them before the command runs).

    Typer reads the replaced signature, so the options keep their place and order in ``--help``.
    """
    names = [p.name for p in options]

    def decorate(command):
        signature = inspect.signature(command, eval_str=True)
        fixed = list(signature.parameters.values())
        at = [p.name for p in fixed].index(placeholder)

        @functools.wraps(command)
        def wrapper(**given):
            group = build(**{name: given.pop(name) for name in names})
            return command(**{placeholder: group}, **given)

        wrapper.__signature__ = signature.replace(parameters=fixed[:at] + list(options) + fixed[at + 1:])
        return wrapper

    return decorate


_MIXTURE_OPTIONS = (
    option("data", DataText, None),
    option("data_file", DataFile, None),
    option("point", Point, 0),
    option("components", Components, 2),
    option("weights", Weights, None),
    option("means", Means, None),
    option("scales", Scales, None),
)


def with_mixture_inputs(components: bool = True):
    """Decorator: the options --data --data-file --point [--components] --weights --means --scales in place of
    the command's placeholder parameter ``mix: MixtureInputs``, which receives them as one :class:`MixtureInputs`.
    """
    return option_group("mix", [p for p in _MIXTURE_OPTIONS if components or p.name != "components"], MixtureInputs)
