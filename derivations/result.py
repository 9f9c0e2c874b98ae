"""A rendering-neutral derivation: ordered steps of SymPy objects plus the limits they lead to."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from gmm_math.derivations.core.display import NotebookDisplay
from gmm_math.derivations.core.model import CollapseModel

SIGMA = sp.Symbol("sigma", positive=True)
LIKELIHOOD = sp.Symbol("L", positive=True)
SHOWN_LIMIT = 40  # characters of a limit a short repr shows before it shows the limit's value instead


def short_expression(value: sp.Basic, limit: int = SHOWN_LIMIT) -> str:
    """``value`` as SymPy prints it, or its numeric value (6 digits) when that text is longer than ``limit``.

    >>> short_expression(-sp.oo)
    '-oo'
    >>> short_expression(sp.log(1 + sp.sqrt(2) * sp.exp(-sp.Integer(10) ** 6) + sp.pi ** 20 / 7), 20)
    '20.9487'
    """
    text = sp.sstr(value)
    if len(text) <= limit:
        return text
    if value.is_number:
        return sp.sstr(sp.N(value, 6))
    return text[: limit - 3] + "..."


@dataclass(frozen=True, repr=False)
class Step:
    """One step: a title, a sentence, and the SymPy expressions or relations it shows (one per line).

    >>> Step("Limit", "As sigma -> 0+.", (sp.Eq(sp.Symbol("x"), 0),))
    <Step 'Limit': 1 expression(s)>
    """

    title: str
    text: str
    exprs: tuple[sp.Basic, ...] = ()

    def __repr__(self) -> str:
        return f"<Step {self.title!r}: {len(self.exprs)} expression(s)>"

    def __post_init__(self) -> None:
        if not all(isinstance(e, sp.Basic) for e in self.exprs):
            raise TypeError("Step.exprs must be SymPy objects")


@dataclass(frozen=True, repr=False)
class Derivation(NotebookDisplay):
    """The result of a collapse derivation.

    Attributes
    ----------
    case : str
        "single", "mixture", or a later case such as "remedy-ridge".
    title : str
    assumptions : tuple of str
    steps : tuple of Step
    log_likelihood : sympy.Expr
        log L (or the remedied log objective) along the collapse path, a function of ``sigma``
        (for the mixture without data: the lower bound that diverges).
    limit_log_likelihood, limit_likelihood : sympy.Basic
        The one-sided limits as sigma -> 0+, computed with SymPy.
    leading_term : sympy.Expr
        The dominant sigma-dependent part of log L as sigma -> 0+.
    model : CollapseModel
        The concrete model (the user's data, or the documented example) that the numeric
        confirmation evaluates.
    sigma : sympy.Symbol
        The limit variable.
    objective : str
        What ``log_likelihood`` is the log of, in words: "log-likelihood", or for a remedy the remedied
        objective ("log posterior", "penalised log-likelihood", ...).
    objective_symbol : sympy.Symbol
        Its symbol (L, p, L_pen, L_epsilon): the numeric check and the result show log of it.

    Examples
    --------
    >>> from gmm_math.derivations.single import single_gaussian_collapse
    >>> derivation = single_gaussian_collapse()
    >>> derivation.limit_likelihood
    0
    >>> derivation
    <Derivation single: 7 steps, log L -> -oo as sigma -> 0+>
    """

    case: str
    title: str
    assumptions: tuple[str, ...]
    steps: tuple[Step, ...]
    log_likelihood: sp.Expr
    limit_log_likelihood: sp.Basic
    limit_likelihood: sp.Basic
    leading_term: sp.Expr
    model: CollapseModel
    sigma: sp.Symbol = field(default=SIGMA)
    objective: str = "log-likelihood"
    objective_symbol: sp.Symbol = field(default=LIKELIHOOD)

    def __repr__(self) -> str:
        """One line: the case, how many steps, and the limit SymPy found."""
        return (f"<Derivation {self.case}: {len(self.steps)} steps, log {self.objective_symbol} -> "
                f"{short_expression(self.limit_log_likelihood)} as {self.sigma} -> 0+>")


def dominant_term(terms: list[sp.Expr], sigma: sp.Symbol = SIGMA) -> sp.Expr:
    """The term of largest magnitude as sigma -> 0+: the one every other term is o() of.

    Decided with SymPy limits of ratios, so it is computed, not assumed.

    >>> s = SIGMA
    >>> dominant_term([-3*sp.log(s), -5/(2*s**2)])
    -5/(2*sigma**2)
    """
    varying = [t for t in terms if t.has(sigma)]
    if not varying:
        return sp.Integer(0)
    best = varying[0]
    for term in varying[1:]:
        ratio = sp.limit(best / term, sigma, 0, "+")
        if ratio.is_zero:
            best = term
    return best


def sigma_terms(expr: sp.Expr, sigma: sp.Symbol = SIGMA) -> list[sp.Expr]:
    """The additive terms of ``expr`` that depend on sigma."""
    return [t for t in sp.Add.make_args(sp.expand(expr, log=False)) if t.has(sigma)]


def limit_table(terms: list[sp.Expr], sigma: sp.Symbol = SIGMA) -> tuple[sp.Basic, ...]:
    """``Limit(t, sigma, 0, '+') = value`` for every term, values computed by SymPy."""
    return tuple(sp.Eq(sp.Limit(t, sigma, 0, "+"), sp.limit(t, sigma, 0, "+")) for t in terms)
