"""A rendering-neutral derivation: ordered steps of SymPy objects plus the limits they lead to."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from gmm_math.derivations.core.model import CollapseModel

SIGMA = sp.Symbol("sigma", positive=True)
LIKELIHOOD = sp.Symbol("L", positive=True)


@dataclass(frozen=True)
class Step:
    """One step: a title, a sentence, and the SymPy expressions or relations it shows (one per line)."""

    title: str
    text: str
    exprs: tuple[sp.Basic, ...] = ()

    def __post_init__(self) -> None:
        if not all(isinstance(e, sp.Basic) for e in self.exprs):
            raise TypeError("Step.exprs must be SymPy objects")


@dataclass(frozen=True)
class Derivation:
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
    >>> single_gaussian_collapse().limit_likelihood
    0
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

    def _repr_latex_(self) -> str:
        """Jupyter's rendering: every step's expressions in one ``aligned`` block (textbook notation)."""
        from gmm_math.derivations.notation import latex, prose_latex

        # ASCII only (maths in $...$ inside \text), so a notebook exports to PDF through LaTeX
        lines = [rf"\text{{{prose_latex(s.title)}}}: & \; {latex(e)}" for s in self.steps for e in s.exprs]
        return "$\\begin{aligned}" + r"\\ ".join(lines) + "\\end{aligned}$"


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
