"""Shared pieces of the remedy derivations: the result type, the model, log L split into growing and vanishing parts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import sympy as sp

from gmm_math.derivations.core.data import Dataset, distinct_rows
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel, check_example_point, example_data
from gmm_math.derivations.result import SIGMA, Derivation, Step, dominant_term, limit_table, sigma_terms
from gmm_math.derivations.symbols import L, SumWhere, check_dim, expand_log_2pi, other_density

A_SYM, Q_SYM = sp.Symbol("a", positive=True), sp.Symbol("q", positive=True)
S_VAR = sp.Symbol("s", positive=True)  # a variance sigma^2 as one variable


@dataclass(frozen=True, repr=False)  # Derivation's one-line repr
class RemedyDerivation(Derivation):
    """A :class:`Derivation` plus the exact parameters its numeric objective needs.

    Attributes
    ----------
    parameters : tuple of (str, sympy.Basic)
        E.g. ``(("eps", Rational(1, 10**6)),)``; read with :meth:`parameter`.
    """

    parameters: tuple[tuple[str, sp.Basic], ...] = ()

    def parameter(self, name: str) -> sp.Basic:
        return dict(self.parameters)[name]


def positive(value, name: str) -> sp.Expr:
    """``value`` (Fraction, int, float or SymPy number) as an exact SymPy number > 0, else GmmMathError.

    ``name`` is the parameter, named in the error.

    A float is read as the decimal it prints as (0.1 -> 1/10).
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            raise GmmMathError(f"{name} must be a positive number, got {value}", parameter=name)
        value = Fraction(repr(value))
    if isinstance(value, (Fraction, int)):
        number = sp.Rational(value)
    elif isinstance(value, sp.Basic):
        number = value
    else:  # never sympify text
        raise GmmMathError(f"{name} must be a number (Fraction, int, float or SymPy number), got {value!r}",
                           parameter=name)
    if not (number.is_number and number.is_positive):
        raise GmmMathError(f"{name} must be a positive number, got {value}", parameter=name)
    return number


def remedy_model(data: Dataset | None, dim: int, point: int, components: int,
                 variance_shift: Fraction = Fraction(0), **mixture) -> CollapseModel:
    """The isotropic mixture model behind a remedy (example data 0, 1, 3 when ``data`` is None).

    ``mixture`` holds ``weights``, ``means``, ``scales`` for :meth:`CollapseModel.mixture` (its
    documented defaults when None); ``variance_shift`` is added to the variances of components
    2..K (the ridge regularises every component).
    """
    dim = check_dim(dim, data)
    check_example_point(data, point)
    base = CollapseModel.mixture(data if data is not None else example_data(dim), point if data is not None else 0,
                                 components, **mixture)
    if variance_shift:
        return CollapseModel(base.data, base.point, base.weights, base.means,
                             tuple(v + variance_shift for v in base.variances))
    return base


def positive_root(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The unique positive root of ``expr`` = 0 when its numerator is a polynomial in ``var``.

    Faster than ``sp.solve`` (no simplification pass) for the equations here.

    >>> s = sp.Symbol("s", positive=True)
    >>> positive_root(s**2 - 4, s)
    2
    """
    numerator = sp.numer(sp.together(expr))
    roots = [r for r in sp.roots(sp.Poly(numerator, var)) if r.is_real is not False and r.is_positive is not False]
    if len(roots) != 1:
        raise GmmMathError(f"expected one positive root in {var}, found {len(roots)}")
    return sp.factor(roots[0])


def stationary_point(derivative: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The stationary point: the positive root of ``derivative`` = 0.

    >>> s = sp.Symbol("s", positive=True)
    >>> stationary_point(sp.diff(-3 * sp.log(s) - 2 / s, s), s)
    2/3
    """
    return positive_root(derivative, var)


def point_table(model: CollapseModel) -> list[tuple[tuple, int, sp.Rational, sp.Expr]]:
    """Per distinct point: (row, count, ||x - x_n||^2 exactly, exact density of components 2..K)."""
    centre = model.centre
    return [(row, count, sp.Rational(sum((a - c) ** 2 for a, c in zip(row, centre))), other_density(model, row))
            for row, count in distinct_rows(model.data).items()]


def component_one(model: CollapseModel, variance: sp.Expr, r2: sp.Expr) -> sp.Expr:
    """pi_1 N(x | x_n, variance I) at squared distance ``r2`` from x_n."""
    dim = model.data.dim
    return (sp.Rational(model.weights[0]) * (2 * sp.pi * variance) ** sp.Rational(-dim, 2)
            * sp.exp(-r2 / (2 * variance)))


@dataclass(frozen=True)
class CollapseSplit:
    """log L along the isotropic collapse = core + C + vanishing remainders.

    ``core`` = r log(pi_1 (2 pi sigma^2)^(-D/2)) for the r points at x_n, expanded; ``constant`` (C)
    sums count * log(density of components 2..K) over the other points (exact: a closed form, the sum
    itself for a few points, or its definition), ``value`` is C to 15 digits; ``remainder_limits`` are
    the generic vanishing pieces with their SymPy limits.
    """

    core: sp.Expr
    constant: sp.Expr
    r: int
    remainder_limits: tuple[sp.Basic, ...]
    value: sp.Float

    @property
    def exact_constant(self) -> sp.Expr:
        """C to substitute into expressions: exact when it is a closed form or a short sum, else its value."""
        return self.value if self.constant.has(SumWhere) else self.constant

    @property
    def growing(self) -> sp.Expr:
        return self.core + self.exact_constant


C_SYM = sp.Symbol("C", real=True)  # real implies finite: oo + C = oo


@lru_cache(maxsize=4)
def _remainder_limits(dim: int) -> tuple[sp.Basic, ...]:
    sigma = SIGMA
    near = sp.log(1 + A_SYM * sigma**dim)
    far = sp.log(1 + A_SYM * sigma**-dim * sp.exp(-Q_SYM / (2 * sigma**2)))
    return (sp.Eq(sp.Limit(near, sigma, 0, "+"), sp.limit(near, sigma, 0, "+")),
            sp.Eq(sp.Limit(far, sigma, 0, "+"), sp.limit(far, sigma, 0, "+")))


def collapse_split(model: CollapseModel) -> CollapseSplit:
    """Split the exact mixture log-likelihood along sigma_1 = sigma -> 0+ (component 1 on x_n).

    The per-point constants are exact and computed in bulk (:class:`LemmaConstants`), equal points once.
    """
    from gmm_math.derivations.mixture import collapse_constant

    sigma, dim = SIGMA, model.data.dim
    lemma = model.lemma_constants()
    r = lemma.total(lemma.growing)
    constant, value = collapse_constant(model, lemma)
    core = expand_log_2pi(r * sp.log(sp.Rational(model.weights[0]) * (2 * sp.pi) ** sp.Rational(-dim, 2)
                                     * sigma ** -dim))
    return CollapseSplit(core, constant, r, _remainder_limits(dim), value)


def split_step(model: CollapseModel, split: CollapseSplit) -> Step:
    """The step that splits log L into its growing part and remainders that vanish."""
    return Step(
        "log L along the collapse",
        f"Component 1 sits on x_n with covariance sigma^2 I; components 2..K (K = {model.components}) are fixed. "
        f"At the {split.r} point(s) equal to x_n, log(peak + rest) = log(peak) + log(1 + a sigma^D); at every other "
        "point, "
        "log(peak + rest) = log(rest) + log(1 + a sigma^(-D) exp(-q/(2 sigma^2))) with a, q > 0. Both remainders "
        "vanish, so log L is the expression below plus remainders that tend to 0; C collects log(rest) over the "
        "other points.",
        (*split.remainder_limits, sp.Eq(C_SYM, split.constant, evaluate=False),
         sp.Eq(C_SYM, split.value, evaluate=False), sp.Eq(sp.log(L), split.core + C_SYM)),
    )


def conclude(case: str, title: str, steps: list[Step], objective: sp.Expr, model: CollapseModel,
             assumptions: tuple[str, ...], parameters: dict, symbol: sp.Symbol = L,
             exact: sp.Expr | None = None, after: tuple[Step, ...] = (),
             limit_text: str = "The dominant term decides both limits (the remainders tend to 0).",
             constants: dict | None = None, objective_name: str = "log-likelihood") -> RemedyDerivation:
    """Terms, dominant balance and limits of ``objective`` (a sum of simple sigma terms) as sigma -> 0+.

    ``symbol`` names the remedied objective (its log is ``objective``); ``exact`` is the full
    expression stored as ``log_likelihood`` (default: ``objective``); ``after`` are steps appended
    after the limits. ``constants`` maps finite sigma-free symbols in ``objective`` (such as C)
    to their exact values: the limits are taken with the symbol, then the value is substituted.
    ``objective_name`` says in words what ``symbol`` is ("log posterior", ...).
    """
    sigma, constants = SIGMA, constants or {}
    terms = sigma_terms(objective, sigma)
    if terms:
        steps.append(Step("Terms as sigma -> 0+", "Each sigma-dependent term of the objective on its own.",
                          limit_table(terms, sigma)))
    lead = dominant_term(terms, sigma)
    others = [t for t in terms if t != lead]
    if others:
        steps.append(Step("Dominant balance", "Every other sigma-dependent term is negligible next to the dominant "
                          "one: the ratio tends to 0.",
                          tuple(sp.Eq(sp.Limit(t / lead, sigma, 0, "+"), sp.limit(t / lead, sigma, 0, "+"))
                                for t in others)))
    lim_log = sp.limit(objective, sigma, 0, "+").subs(constants)
    lim = sp.exp(lim_log)  # exp is continuous on the extended reals
    steps.append(Step("Limits", limit_text,
                      (sp.Eq(sp.Limit(sp.log(symbol), sigma, 0, "+"), lim_log),
                       sp.Eq(sp.Limit(symbol, sigma, 0, "+"), lim))))
    steps.extend(after)
    return RemedyDerivation(
        case=case, title=title, assumptions=assumptions, steps=tuple(steps),
        log_likelihood=exact if exact is not None else objective.subs(constants), limit_log_likelihood=lim_log,
        limit_likelihood=lim, leading_term=lead, model=model, sigma=sigma,
        parameters=tuple(parameters.items()), objective=objective_name, objective_symbol=symbol,
    )


def mixture_assumptions(model: CollapseModel, data_given: bool) -> tuple[str, ...]:
    where = (f"the {model.data.n} data points as given, x_n = point {model.point}" if data_given
             else "numeric check on the example data x = 0, 1, 3 (repeated along every coordinate), x_n = 0")
    return (
        "sigma > 0, sigma -> 0+; component 1 = N(x_n, sigma^2 I) with pi_1 > 0",
        f"K = {model.components}: components 2..K fixed and positive definite (as given, or the documented "
        "defaults)",
        where,
    )
