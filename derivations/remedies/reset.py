"""The reset heuristic: re-initialise a collapsing component. An algorithmic guard, not a new objective."""

from __future__ import annotations

import sympy as sp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.remedies.common import (
    C_SYM, RemedyDerivation, collapse_split, conclude, mixture_assumptions, positive_root, remedy_model,
    split_step,
)
from gmm_math.derivations.result import SIGMA, Step
from gmm_math.derivations.symbols import L

L_RESET = sp.Symbol("L_reset", positive=True)
FLOOR = sp.Symbol("floor", positive=True)
FLOAT64_MAX = (2 - sp.Rational(1, 2**52)) * sp.Integer(2) ** 1023
FLOAT64_TINY = sp.Rational(1, 2**1074)  # the smallest positive (subnormal) double


def float64_thresholds(model) -> dict[str, sp.Expr]:
    """sigma below which float64 EM breaks on this collapse, solved exactly with SymPy.

    ``overflow``: pi_1 N(x_n | x_n, sigma^2 I) exceeds the largest double. For the nearest other point
    (squared distance q; both absent when every point equals x_n) with e = exp(-q / (2 sigma^2)):
    ``subnormal``: e equals 2^-1074, the smallest positive (subnormal) double; below it float64 keeps e
    only as 2^-1074 or 0. ``underflow``: e equals 2^-1075, half of that; below it e rounds to exactly
    0.0, so that point's responsibility for component 1 is exactly 0.
    """
    dim = model.data.dim
    power = sp.Symbol("u", positive=True)  # u = sigma^D, so the equation is linear in 1/u
    peak = sp.Rational(model.weights[0]) * (2 * sp.pi) ** sp.Rational(-dim, 2) / power
    out = {"overflow": sp.root(positive_root(peak - FLOAT64_MAX, power), dim)}
    lemma = model.lemma_constants()
    halves = [a for a in lemma.along_int if a != 0]  # q / 2 for every other distinct point, over the denominator
    if halves:
        half_q = sp.Rational(min(halves), lemma.denominator)
        for name, level in (("subnormal", FLOAT64_TINY), ("underflow", FLOAT64_TINY / 2)):
            out[name] = positive_root(half_q / SIGMA**2 + sp.log(level), SIGMA)
    return out


def reset_collapse(dim: int | None = None, data: Dataset | None = None, point: int = 0, components: int = 2,
                   **mixture) -> RemedyDerivation:
    """Resetting a collapsing component leaves the objective, and its limit +oo, unchanged.

    >>> reset_collapse().limit_log_likelihood
    oo
    """
    model = remedy_model(data, dim, point, components, **mixture)
    split = collapse_split(model)
    thresholds = float64_thresholds(model)
    steps = [
        Step("The heuristic", "When a component's variance drops below a floor, or it holds less than about one "
             "point of responsibility (N_k < 1), EM re-initialises it: a new mean at a random data point and the "
             "data variance.",
             (sp.StrictLessThan(sp.Symbol("sigma_k") ** 2, FLOOR), sp.StrictLessThan(sp.Symbol("N_k"), 1))),
        Step("The objective is unchanged", "The reset acts on the iterates, not on the function being maximised: "
             "the likelihood of every parameter value is what it was.", (sp.Eq(sp.log(L_RESET), sp.log(L)),)),
        split_step(model, split),
    ]
    names = {"overflow": "below sigma_overflow the peak pi_1 N(x_n | x_n, sigma^2 I) overflows the largest double",
             "subnormal": "below sigma_subnormal exp(-q/(2 sigma^2)) of the nearest other point drops below 2^-1074, the "
                          "smallest subnormal double (float64 keeps it only as 2^-1074 or 0)",
             "underflow": "below sigma_underflow it drops below 2^-1075 and is exactly 0.0 in float64, so that point's "
                          "responsibility for component 1 is exactly 0 and the M-step returns sigma_1^2 = 0"}
    guard = Step(
        "What the reset guards against",
        "In float64 EM the collapse breaks the arithmetic before it reaches the limit: "
        + "; ".join(names[k] for k in thresholds)
        + ". The next E-step then divides by zero or takes log(0) and the fit turns into NaN. The reset stops EM "
        "first and restarts the component elsewhere: it steers the algorithm to a non-degenerate local maximum, "
        "but sup L is still infinite, so likelihood-based comparisons (BIC, likelihood ratios) stay ill-posed.",
        tuple(sp.Eq(sp.Symbol(f"sigma_{k}"), v.evalf(15)) for k, v in thresholds.items()),
    )
    objective = split.core + C_SYM
    assumptions = mixture_assumptions(model, data is not None) + (
        "the reset changes EM's iterates only; the objective is the plain mixture likelihood",)
    return conclude("remedy-reset", "Reset: re-initialising a collapsing component (the objective is unchanged)",
                    steps, objective, model, assumptions, {}, symbol=L_RESET, after=(guard,), objective_name="log-likelihood (unchanged)",
                    constants={C_SYM: split.exact_constant})
