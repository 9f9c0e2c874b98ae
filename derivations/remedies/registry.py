"""The one registry of remedies: one :class:`RemedyEntry` per remedy, read by every layer.

Pure data (no SymPy, no numerics import), so the CLI builds its choices, option lists and help
texts from it at start-up without loading anything heavy. Each heavy side registers against the
same key: the derivation builder is named here as ``"module:function"`` inside this package
(imported on use by :func:`builder`), the numeric EM side is the class registered under the key
in :data:`gmm_math.numerics.em.remedies.REMEDIES`, and the mpmath objective is the entry of
:data:`gmm_math.numerics.objectives.OBJECTIVES` under ``objective`` (the derivation's case).
tests/remedies/test_remedy_registry_layers.py walks every entry through every layer.

The derive side and the EM side of a remedy genuinely differ (the derivation follows one
component along the collapse with exact parameters, EM fits data with its library's
defaults), so each side lists its own parameters, and each entry's :class:`Relation` says how they relate.

Adding a remedy: one ``RemedyEntry`` in :data:`REMEDIES` below, its derivation builder (if it has
one) in this package, its EM class (if it has one) in ``numerics/em/remedies.py``, its objective
(if derived) in ``numerics/objectives.py``, a test and ``docs/remedies/<name>.md``.

>>> REMEDIES["ratio"].kind
'bounds the objective'
>>> [p.name for p in REMEDIES["ratio"].derive_parameters], [p.name for p in REMEDIES["ratio"].em_parameters]
(['c'], ['min_ratio'])
>>> REMEDIES["ratio"].relation.em_value(0.1)
0.010000000000000002
>>> REMEDIES["ridge"].docs_page
'docs/remedies/ridge.md'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

BOUNDS = "bounds the objective"
GUARDS = "guards the algorithm"
NONE = "no remedy"
KINDS = (BOUNDS, GUARDS, NONE)

RIDGES = ("absolute", "relative")  # how the EM ridge is sized: reg_covar itself, or x the mean variance

_MODULE = "gmm_math.derivations.remedies"


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
class Relation:
    """How a derive-side parameter relates to the EM side (``em_value`` is None where none is defined)."""

    text: str
    derive: str | None = None
    em: str | None = None
    em_value: Callable[[float], float] | None = None


@dataclass(frozen=True)
class RemedyEntry:
    """One remedy: what every layer needs to know about it, without importing any of them.

    Attributes
    ----------
    name : str
        Its key in every layer: ``derive remedy NAME``, ``em --remedy NAME``, ``plot-limit --remedy NAME``.
    kind : {BOUNDS, GUARDS, NONE}
    summary : str
        One line for help texts.
    description : str
        What it does, in the words of ``explain``'s remedy table.
    source : str
        Where it comes from (paper, library).
    relation : Relation
        How its derive-side parameters relate to its EM-side ones.
    derivation : str or None
        ``"module:function"`` of its derivation builder in ``gmm_math.derivations.remedies``.
    objective : str or None
        Its key in ``numerics.objectives.OBJECTIVES`` (the derivation's case).
    em : bool
        Has an EM update: a class registered under its name in ``numerics.em.remedies.REMEDIES``.
    overlay_colour : str or None
        Its curve's colour when ``plot-limit --remedy`` draws it over the raw curve (it changes the
        objective along the same path); None: not drawn there.
    fixed_path : str or None
        Why its derivation takes no ``weights``/``means``/``scales`` (None: it takes them).
    derive_parameters, em_parameters : tuple of Parameter
    """

    name: str
    kind: str
    summary: str
    description: str
    source: str
    relation: Relation
    derivation: str | None = None
    objective: str | None = None
    em: bool = False
    overlay_colour: str | None = None
    fixed_path: str | None = None
    derive_parameters: tuple[Parameter, ...] = ()
    em_parameters: tuple[Parameter, ...] = ()

    @property
    def overlay(self) -> bool:
        """Drawn over the raw curve by ``plot-limit --remedy``."""
        return self.overlay_colour is not None

    @property
    def docs_page(self) -> str:
        """Its documentation page, relative to the repository root."""
        return f"docs/remedies/{self.name}.md"


_ENTRIES = (
    RemedyEntry(
        "none", NONE,
        summary="plain maximum likelihood: EM stops at a collapse and reports it",
        description="maximises the likelihood itself; EM stops at a collapse",
        source="plain maximum likelihood (Dempster, Laird & Rubin 1977)",
        relation=Relation("EM only: plain maximum likelihood"),
        em=True),
    RemedyEntry(
        "ridge", BOUNDS,
        summary="eps I added to every covariance bounds every density",
        description="adds \u03b5I to every covariance (scikit-learn's reg_covar)",
        source="covariance ridge reg_covar (scikit-learn GaussianMixture)",
        relation=Relation("the same number: reg_covar = eps, a variance added to every covariance",
                          "eps", "reg_covar", lambda eps: eps),
        derivation="ridge:ridge_collapse", objective="remedy-ridge", em=True, overlay_colour="#27ae60",
        derive_parameters=(Parameter("eps", "decimal", "1e-6", "> 0", "variance",
                                     "ridge: eps added to every covariance (scikit-learn's reg_covar)."),),
        em_parameters=(Parameter("reg_covar", "float", "1e-6", "> 0", "variance",
                                 "ridge: added to every covariance diagonal (absolute, as scikit-learn's reg_covar)."),)),
    RemedyEntry(
        "map", BOUNDS,
        summary="a conjugate prior on the covariances: the posterior is bounded",
        description="maximises the posterior under an inverse-Wishart prior (Fraley & Raftery 2007)",
        source="MAP with an inverse-gamma / inverse-Wishart prior (Fraley & Raftery 2007; mclust's defaults in EM)",
        relation=Relation("different priors: derive uses a generic inverse-gamma / inverse-Wishart prior "
                          "(alpha, beta); EM uses mclust's prior computed from the data (no parameters)"),
        derivation="prior:map_collapse", objective="remedy-map", em=True, overlay_colour="#16a085",
        derive_parameters=(
            Parameter("alpha", "decimal", "1", "> 0", "shape (dimensionless)",
                      "map: prior shape alpha (inverse Wishart with nu = 2 alpha)."),
            Parameter("beta", "decimal", "0.1", "> 0", "variance",
                      "map: prior scale beta (inverse Wishart with Psi = 2 beta I)."))),
    RemedyEntry(
        "penalty", BOUNDS,
        summary="a penalty on small variances: the penalised likelihood is bounded",
        description="penalises small variances (Chen, Tan & Zhang 2008)",
        source="penalised likelihood, a_n = n^-1/2 (Chen, Tan & Zhang 2008)",
        relation=Relation("the same penalty; derive takes a_n as a parameter, EM fixes a_n = n^(-1/2)", "a"),
        derivation="prior:penalty_collapse", objective="remedy-penalty", em=True, overlay_colour="#d35400",
        derive_parameters=(Parameter("a", "decimal", "N^(-1/2)", "> 0", "weight (dimensionless)",
                                     "penalty: penalty size a_n."),)),
    RemedyEntry(
        "ratio", BOUNDS,
        summary="a bound on variance ratios: bounded when distinct points outnumber components",
        description="constrains \u03c3_j/\u03c3_k \u2265 c (Hathaway 1985)",
        source="eigenvalue-ratio constraint (Hathaway 1985; Fritz et al. 2013)",
        relation=Relation("min_ratio = c^2: c bounds a ratio of standard deviations, min_ratio one of eigenvalues "
                          "(variances)", "c", "min_ratio", lambda c: c * c),
        derivation="ratio:ratio_collapse", objective="remedy-ratio", em=True,
        fixed_path="its path puts every component on its own data point with equal weights",
        derive_parameters=(Parameter("c", "decimal", "0.1", "0 < c <= 1", "standard-deviation ratio",
                                     "ratio: the bound c in sigma_j/sigma_k >= c."),),
        em_parameters=(Parameter("min_ratio", "float", "0.01", "in (0, 1]", "eigenvalue (variance) ratio",
                                 "ratio: smallest ratio of covariance eigenvalues (= c^2 of the derivation's c)."),)),
    RemedyEntry(
        "reparam", BOUNDS,
        summary="a shared scale tau^2 and a penalty on gamma_k = sigma_k^2/tau^2",
        description="penalises \u03b3_k = \u03c3_k\u00b2/\u03c4\u00b2 with a shared scale \u03c4\u00b2",
        source="reparametrised penalty, a member of the Chen-Tan-Zhang family",
        relation=Relation("derivation only: no EM counterpart"),
        derivation="prior:reparam_collapse", objective="remedy-reparam",
        derive_parameters=(
            Parameter("lam", "decimal", "N^(-1/2)", "> 0", "weight (dimensionless)",
                      "reparam: penalty weight lambda on gamma_k."),
            Parameter("tau2", "decimal", "tr(S_x)/D", "> 0", "variance", "reparam: shared scale tau^2."))),
    RemedyEntry(
        "reset", GUARDS,
        summary="re-initialise a collapsed component: the objective stays unbounded",
        description="re-initialises a collapsing component (PRML 9.2.1)",
        source="re-initialise a collapsed component (Bishop, PRML 2006, section 9.2.1)",
        relation=Relation("the same remedy, no parameters"),
        derivation="reset:reset_collapse", objective="remedy-reset", em=True),
    RemedyEntry(
        "restart", GUARDS,
        summary="start the whole fit again from a fresh initialisation",
        description="starts EM again from a fresh initialisation (mixtools)",
        source="restart from a fresh initialisation (mixtools normalmixEM)",
        relation=Relation("EM only: a restart leaves the objective as it is, there is nothing to derive"),
        em=True),
)

REMEDIES: dict[str, RemedyEntry] = {entry.name: entry for entry in _ENTRIES}


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


def derive_parameters() -> tuple[Parameter, ...]:
    """Every derive-side parameter, in registry order (the options of ``derive remedy``).

    >>> [p.name for p in derive_parameters()]
    ['eps', 'alpha', 'beta', 'a', 'c', 'lam', 'tau2']
    """
    return tuple(p for entry in REMEDIES.values() for p in entry.derive_parameters)


def derive_parameter(name: str) -> Parameter:
    """The derive-side parameter ``name`` (each belongs to one remedy)."""
    return next(p for p in derive_parameters() if p.name == name)


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
