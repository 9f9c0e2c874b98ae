"""The one table of remedies, read by every layer: what each is, how it is derived, evaluated and run in EM.

Pure data (no SymPy, no numerics import), so the CLI reads names and help texts from it at
start-up without loading anything heavy. Layers point one way, so the table names the
numeric pieces by key: ``objective`` is a key of
:data:`gmm_math.numerics.objectives.OBJECTIVES` (the derivation's case) and ``em`` a key of
:data:`gmm_math.numerics.em.remedies.REMEDIES`; a test asserts the keys agree. The derivation
builder is ``"module:function"`` inside this package, imported on use by :func:`builder`.

The derive side and the EM side of a remedy genuinely differ (the derivation follows one
component along the collapse with exact parameters, EM fits data with its library's
defaults), so each side lists its own parameters, and :data:`RELATIONS` says how they relate.

>>> REMEDIES["ratio"].kind
'bounds the objective'
>>> [p.name for p in REMEDIES["ratio"].derive_parameters], [p.name for p in REMEDIES["ratio"].em_parameters]
(['c'], ['min_ratio'])
>>> RELATIONS["ratio"].em_value(0.1)
0.010000000000000002
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

BOUNDS = "bounds the objective"
GUARDS = "guards the algorithm"
NONE = "no remedy"
KINDS = (BOUNDS, GUARDS, NONE)

RIDGES = ("absolute", "relative")  # how the EM ridge is sized: reg_covar itself, or x the mean variance


@dataclass(frozen=True)
class Parameter:
    """One parameter of one side of a remedy.

    Attributes
    ----------
    name : str
        The library's parameter name (the keyword argument; the CLI's flag is ``--`` + its name with ``-``).
    type : {"decimal", "float"}
        ``decimal``: read exactly (a Fraction) for the derivations; ``float``: a float for EM.
    default : str
        The default as text, or how it is computed ("N^(-1/2)").
    range : str
        The accepted values, e.g. "> 0", "(0, 1]".
    measures : str
        What the number is: "variance", "standard-deviation ratio", "eigenvalue (variance) ratio", ...
    help : str
    """

    name: str
    type: str
    default: str
    range: str
    measures: str
    help: str

    def help_text(self) -> str:
        """The option's help: what it does, what it measures, its range and default."""
        return f"{self.help} A {self.measures}, {self.range}; default {self.default}."


@dataclass(frozen=True)
class RemedyEntry:
    """One remedy.

    Attributes
    ----------
    name : str
    kind : {BOUNDS, GUARDS, NONE}
    summary : str
        One line for help texts.
    source : str
    overlay : bool
        Drawn over the raw curve by ``plot-limit`` (it changes the objective along the same path).
    derivation : str or None
        ``"module:function"`` of its derivation builder in ``gmm_math.derivations.remedies``.
    objective : str or None
        Its key in ``numerics.objectives.OBJECTIVES`` (the derivation's case).
    em : str or None
        Its key in ``numerics.em.remedies.REMEDIES``.
    derive_parameters, em_parameters : tuple of Parameter
    """

    name: str
    kind: str
    summary: str
    source: str
    overlay: bool = False
    derivation: str | None = None
    objective: str | None = None
    em: str | None = None
    derive_parameters: tuple[Parameter, ...] = field(default=())
    em_parameters: tuple[Parameter, ...] = field(default=())


@dataclass(frozen=True)
class Relation:
    """How a derive-side parameter relates to the EM side (``em_value`` is None where none is defined)."""

    text: str
    derive: str | None = None
    em: str | None = None
    em_value: Callable[[float], float] | None = None


_MODULE = "gmm_math.derivations.remedies"

# One row per remedy: name | kind | derivation builder | objective key | EM key | overlay | summary | source
# ("-" where a side has none).
_REMEDY_ROWS = """
none    | no remedy            | -                      | -              | none    | no  | plain maximum likelihood: EM stops at a collapse and reports it | plain maximum likelihood (Dempster, Laird & Rubin 1977)
ridge   | bounds the objective | ridge:ridge_collapse   | remedy-ridge   | ridge   | yes | eps I added to every covariance bounds every density | covariance ridge reg_covar (scikit-learn GaussianMixture)
map     | bounds the objective | prior:map_collapse     | remedy-map     | map     | yes | a conjugate prior on the covariances: the posterior is bounded | MAP with an inverse-gamma / inverse-Wishart prior (Fraley & Raftery 2007; mclust's defaults in EM)
penalty | bounds the objective | prior:penalty_collapse | remedy-penalty | penalty | yes | a penalty on small variances: the penalised likelihood is bounded | penalised likelihood, a_n = n^-1/2 (Chen, Tan & Zhang 2008)
ratio   | bounds the objective | ratio:ratio_collapse   | remedy-ratio   | ratio   | no  | a bound on variance ratios: bounded when distinct points outnumber components | eigenvalue-ratio constraint (Hathaway 1985; Fritz et al. 2013)
reparam | bounds the objective | prior:reparam_collapse | remedy-reparam | -       | no  | a shared scale tau^2 and a penalty on gamma_k = sigma_k^2/tau^2 | reparametrised penalty, a member of the Chen-Tan-Zhang family
reset   | guards the algorithm | reset:reset_collapse   | remedy-reset   | reset   | no  | re-initialise a collapsed component: the objective stays unbounded | re-initialise a collapsed component (Bishop, PRML 2006, section 9.2.1)
restart | guards the algorithm | -                      | -              | restart | no  | start the whole fit again from a fresh initialisation | restart from a fresh initialisation (mixtools normalmixEM)
"""

# One row per parameter: remedy | side | name | type | default | range | measures | help
_PARAMETER_ROWS = """
ridge   | derive | eps       | decimal | 1e-6      | > 0        | variance                    | ridge: eps added to every covariance (scikit-learn's reg_covar).
ridge   | em     | reg_covar | float   | 1e-6      | > 0        | variance                    | ridge: added to every covariance diagonal (absolute, as scikit-learn's reg_covar).
map     | derive | alpha     | decimal | 1         | > 0        | shape (dimensionless)       | map: prior shape alpha (inverse Wishart with nu = 2 alpha).
map     | derive | beta      | decimal | 0.1       | > 0        | variance                    | map: prior scale beta (inverse Wishart with Psi = 2 beta I).
penalty | derive | a         | decimal | N^(-1/2)  | > 0        | weight (dimensionless)      | penalty: penalty size a_n.
ratio   | derive | c         | decimal | 0.1       | 0 < c <= 1 | standard-deviation ratio    | ratio: the bound c in sigma_j/sigma_k >= c.
ratio   | em     | min_ratio | float   | 0.01      | in (0, 1]  | eigenvalue (variance) ratio | ratio: smallest ratio of covariance eigenvalues (= c^2 of the derivation's c).
reparam | derive | lam       | decimal | N^(-1/2)  | > 0        | weight (dimensionless)      | reparam: penalty weight lambda on gamma_k.
reparam | derive | tau2      | decimal | tr(S_x)/D | > 0        | variance                    | reparam: shared scale tau^2.
"""


def _rows(table: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")] for line in table.strip().splitlines()]


def _entry(name, kind, derivation, objective, em, overlay, summary, source) -> RemedyEntry:
    params = {side: tuple(Parameter(*row[2:]) for row in _rows(_PARAMETER_ROWS) if row[:2] == [name, side])
              for side in ("derive", "em")}
    given = {"derivation": derivation, "objective": objective, "em": em}
    return RemedyEntry(name, kind, summary, source, overlay == "yes",
                       **{key: None if value == "-" else value for key, value in given.items()},
                       derive_parameters=params["derive"], em_parameters=params["em"])


REMEDIES: dict[str, RemedyEntry] = {row[0]: _entry(*row) for row in _rows(_REMEDY_ROWS)}

RELATIONS: dict[str, Relation] = {
    "ridge": Relation("the same number: reg_covar = eps, a variance added to every covariance", "eps", "reg_covar",
                      lambda eps: eps),
    "ratio": Relation("min_ratio = c^2: c bounds a ratio of standard deviations, min_ratio one of eigenvalues "
                      "(variances)", "c", "min_ratio", lambda c: c * c),
    "map": Relation("different priors: derive uses a generic inverse-gamma / inverse-Wishart prior (alpha, beta); "
                    "EM uses mclust's prior computed from the data (no parameters)"),
    "penalty": Relation("the same penalty; derive takes a_n as a parameter, EM fixes a_n = n^(-1/2)", "a"),
    "reparam": Relation("derivation only: no EM counterpart"),
    "reset": Relation("the same remedy, no parameters"),
    "restart": Relation("EM only: a restart leaves the objective as it is, there is nothing to derive"),
    "none": Relation("EM only: plain maximum likelihood"),
}


def names(side: str) -> tuple[str, ...]:
    """The remedies that exist on ``side``: "derive" (a derivation), "em" (an EM update) or "overlay".

    >>> names("derive")
    ('ridge', 'map', 'penalty', 'ratio', 'reparam', 'reset')
    >>> names("overlay")
    ('ridge', 'map', 'penalty')
    """
    present = {"derive": lambda e: e.derivation, "em": lambda e: e.em, "overlay": lambda e: e.overlay}[side]
    return tuple(name for name, entry in REMEDIES.items() if present(entry))


def builder(name: str) -> Callable:
    """The derivation builder of remedy ``name`` (imports SymPy)."""
    module, function = REMEDIES[name].derivation.split(":")
    return getattr(importlib.import_module(f"{_MODULE}.{module}"), function)


def derive_parameter(name: str) -> Parameter:
    """The derive-side parameter ``name`` (each belongs to one remedy)."""
    return next(p for entry in REMEDIES.values() for p in entry.derive_parameters if p.name == name)


def em_parameter(name: str) -> Parameter:
    """The EM-side parameter ``name``."""
    return next(p for entry in REMEDIES.values() for p in entry.em_parameters if p.name == name)


def owners(parameter: str) -> tuple[str, ...]:
    """The remedies whose derivation takes ``parameter``.

    >>> owners("eps"), owners("beta")
    (('ridge',), ('map',))
    """
    return tuple(name for name, entry in REMEDIES.items() if any(p.name == parameter for p in entry.derive_parameters))


def summary(side: str) -> str:
    """The remedies on ``side`` grouped by what they are, for help texts.

    >>> summary("derive")
    'bounds the objective: ridge, map, penalty, ratio, reparam; guards the algorithm: reset'
    """
    present = names(side)
    groups = {kind: [n for n in present if REMEDIES[n].kind == kind] for kind in KINDS}
    return "; ".join(f"{kind}: {', '.join(members)}" for kind, members in groups.items() if members)
