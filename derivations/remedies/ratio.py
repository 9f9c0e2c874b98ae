"""Hathaway's (1985) constraint sigma_j / sigma_k >= c: collapsing one component collapses them all."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import MAX_COMPONENTS, CollapseModel, example_data
from gmm_math.derivations.remedies.common import (
    A_SYM, Q_SYM, S_VAR, RemedyDerivation, check_example_point, conclude, positive,
    stationary_point,
)
from gmm_math.derivations.mixture import Normal
from gmm_math.derivations.result import SIGMA, Step
from gmm_math.derivations.symbols import SHOWN_POINTS, L, X, check_dim, expand_log_2pi

C_RATIO = sp.Symbol("c", positive=True)
W_NEAR = sp.Symbol("w", positive=True)
DELTA = sp.Symbol("Delta", nonnegative=True)
DELTA0 = sp.Symbol("Delta_0", positive=True)
SIGMA_J, SIGMA_K = sp.Symbol("sigma_j", positive=True), sp.Symbol("sigma_k", positive=True)
N_POINTS, D_SYM = sp.Symbol("N", positive=True), sp.Symbol("D", positive=True)
PI_K, MU_K = sp.IndexedBase("pi"), sp.IndexedBase("mu")
K_IDX, M_IDX = sp.Idx("k"), sp.Idx("m")


def ratio_model(data: Dataset, point: int, components: int) -> CollapseModel:
    """Equal weights; component k on the k-th distinct data point (x_n first), spare components on x_n."""
    if not 2 <= components <= MAX_COMPONENTS:
        raise GmmMathError(f"components must be between 2 and {MAX_COMPONENTS}, got {components}",
                           parameter="components")
    data.check_point(point)
    centre = data.rows[point]
    others = []
    for first, _ in data.group_index.values():  # the first K - 1 distinct rows other than x_n: no full pass
        if len(others) == components - 1:
            break
        if data.rows[first] != centre:
            others.append(data.rows[first])
    means = tuple((others + [centre] * components)[: components - 1])
    return CollapseModel(data, point, (Fraction(1, components),) * components, means, (Fraction(1),) * (components - 1))


def _sq(a, b) -> sp.Rational:
    return sp.Rational(sum((x - y) ** 2 for x, y in zip(a, b)))


def sup_bound(n, dim, c, delta0) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """g(s) = -(N D/2) log(2 pi s) - c^2 Delta_0 / (2 s), its maximiser s* and max g, by SymPy.

    log L <= g(sigma_min^2) for every parameter value that satisfies the ratio constraint.
    """
    g = -n * dim / 2 * sp.log(2 * sp.pi * S_VAR) - c**2 * delta0 / (2 * S_VAR)
    s_star = stationary_point(sp.diff(g, S_VAR), S_VAR)
    return g, s_star, sp.expand(sp.expand_log(g.subs(S_VAR, s_star), force=True))


def ratio_collapse(dim: int | None = None, data: Dataset | None = None, point: int = 0, components: int = 2,
                   c: Fraction | sp.Expr = Fraction(1, 10)) -> RemedyDerivation:
    """The likelihood along the constrained collapse (all sigma_k = sigma -> 0+) and the bound on its sup.

    With more distinct data points than components L -> 0 along the path and sup L is finite; with
    at most K distinct points every point can have its own component and L -> oo again.

    >>> ratio_collapse().limit_likelihood
    0
    >>> ratio_collapse(data=Dataset.from_text("0,1"), components=2).limit_likelihood
    oo
    """
    c = positive(c, "c")
    if c > 1:
        raise GmmMathError(f"c must be in (0, 1] (a ratio sigma_j/sigma_k >= c > 1 is impossible), got {c}",
                           parameter="c")
    dim = check_dim(dim, data)
    check_example_point(data, point)
    model = ratio_model(data if data is not None else example_data(dim), point if data is not None else 0,
                        components)
    dim, n, k = model.data.dim, model.data.n, model.components
    sigma = SIGMA
    means = (model.centre, *model.means)
    delta, logs, exact = _nearest_means(model, means)
    growing = expand_log_2pi(-n * dim * sp.log(sigma) + n * sp.log((2 * sp.pi) ** sp.Rational(-dim, 2))) \
        - delta / (2 * sigma**2) + logs
    remainder = sp.log(W_NEAR + A_SYM * sp.exp(-Q_SYM / (2 * sigma**2)))
    steps = [
        Step("Constraint", "Hathaway (1985): every ratio of component scales is at least c, 0 < c <= 1. Then "
             "sigma_k <= sigma_j / c for all pairs: one scale going to 0 drags all the others with it.",
             (sp.GreaterThan(SIGMA_J / SIGMA_K, C_RATIO), sp.LessThan(SIGMA_K, SIGMA_J / C_RATIO))),
        Step("The collapse path", f"All K = {k} scales equal sigma (allowed for every c <= 1), equal weights, "
             "component 1 on x_n and each further component on its own distinct data point where there is one.",
             tuple(sp.Eq(sp.Symbol(f"mu_{j + 1}"), _vector(mu), evaluate=False) for j, mu in enumerate(means))),
        Step("Each point's density", "Factor out the nearest mean (squared distance delta_m^2, total weight w_m of "
             "the nearest means); the rest is log(w + a exp(-q/(2 sigma^2))) with a, q > 0, which tends to log w. So "
             "log L is the expression below plus remainders that tend to 0; Delta = sum_m delta_m^2.",
             (sp.Eq(sp.Limit(remainder, sigma, 0, "+"), sp.limit(remainder, sigma, 0, "+")),
              sp.Eq(DELTA, delta), sp.Eq(sp.log(L), growing))),
    ]
    m_distinct = len(model.data.group_index)
    after = [_condition_step(m_distinct, k, delta)]
    if m_distinct > k:
        dmin = closest_pair(model.data)
        g, s_star, top = sup_bound(N_POINTS, D_SYM, C_RATIO, DELTA0)
        values = {N_POINTS: n, D_SYM: dim, C_RATIO: c, DELTA0: dmin / 2}
        after.append(Step(
            "The supremum is bounded",
            "For any parameters meeting the constraint, with s = sigma_min^2: each density is at most "
            "(2 pi s)^(-D/2) exp(-c^2 delta_m^2 / (2 s)). With more distinct points than components two distinct "
            "points share their nearest mean, so sum_m delta_m^2 >= Delta_0 = d_min^2 / 2 (d_min: the smallest "
            "distance between distinct points). Maximise the bound g over s.",
            (sp.LessThan(sp.log(L), g), sp.Eq(sp.Symbol("s*"), s_star), sp.LessThan(sp.log(L), top),
             sp.Eq(DELTA0, dmin / 2), sp.LessThan(sp.log(L), top.subs(values)),
             sp.LessThan(sp.log(L), top.subs(values).evalf(15)))))
    assumptions = (
        "sigma > 0, sigma -> 0+; every sigma_k = sigma, so every ratio is 1 >= c",
        f"K = {k} components with equal weights 1/K; c = {c}",
        f"the {n} data points as given, x_n = point {model.point}" if data is not None
        else "numeric check on the example data x = 0, 1, 3 (repeated along every coordinate), x_n = 0",
    )
    params = {"c": c}
    if m_distinct > k:
        params["bound"] = top.subs(values)
    return conclude("remedy-ratio", "Ratio constraint (Hathaway 1985): sigma_j / sigma_k >= c", steps, growing,
                    model, assumptions, params, exact=exact, after=tuple(after),
                    objective_name="log-likelihood under the ratio constraint")


def _nearest_means(model: CollapseModel, means) -> tuple[sp.Rational, sp.Expr, sp.Expr]:
    """Delta = sum_m count delta_m^2, sum_m count log w_m, and log L exactly (its definition for many points).

    Bulk integer arithmetic on the distinct points (the means are data points, so they share the data's
    common denominator); equal points are counted once with their multiplicity.
    """
    data, sigma, dim = model.data, SIGMA, model.data.dim
    _, scale = data.scaled
    columns = [data.distinct_squared_distances(mu)[0] for mu in means]  # over scale^2: the means are data rows
    delta, by_nearest = 0, {}
    for (_, count), *d2 in zip(data.group_index.values(), *columns):
        near = min(d2)
        delta += count * near
        key = tuple(k for k, dk in enumerate(d2) if dk == near)  # which means are nearest
        by_nearest[key] = by_nearest.get(key, 0) + count
    by_weight = {}
    for key, count in by_nearest.items():
        w = sum(model.weights[k] for k in key)
        by_weight[w] = by_weight.get(w, 0) + count
    logs = sp.Add(*[count * sp.log(sp.Rational(w)) for w, count in by_weight.items()])
    weights = [sp.Rational(w) for w in model.weights]
    if len(data.group_index) <= SHOWN_POINTS:
        exact = sp.Add(*[count * sp.log(sp.Add(*[wk * (2 * sp.pi * sigma**2) ** sp.Rational(-dim, 2)
                                                 * sp.exp(-_sq(row, mu) / (2 * sigma**2))
                                                 for wk, mu in zip(weights, means)]))
                         for row, count in data.counts.items()])
    else:  # one SymPy tree per point is what costs: the definition, evaluated by the numeric layer
        exact = sp.Sum(sp.log(sp.Sum(PI_K[K_IDX] * Normal(X[M_IDX], MU_K[K_IDX], SIGMA**2 * sp.Identity(dim)),
                                     (K_IDX, 1, model.components))), (M_IDX, 1, data.n))
    return sp.Rational(delta, scale * scale), logs, exact


def closest_pair(data: Dataset) -> sp.Rational:
    """The smallest squared distance between two distinct data points, exactly.

    Sweep over the distinct points sorted by the first coordinate: a pair further apart than the best so
    far in that coordinate alone cannot be closer, which keeps the comparisons near linear for real data.

    >>> closest_pair(Dataset.from_text("0,3,3,7,5"))
    4
    """
    _, scale = data.scaled
    points = sorted(data.group_index)
    if len(points[0]) == 1:  # on a line the closest pair is a pair of neighbours
        best = min((q[0] - p[0]) ** 2 for p, q in zip(points, points[1:]))
        return sp.Rational(best, scale * scale)
    best = None
    for i, p in enumerate(points):
        for j in range(i + 1, len(points)):
            q = points[j]
            gap = (q[0] - p[0]) ** 2
            if best is not None and gap >= best:
                break
            d = sum((a - b) ** 2 for a, b in zip(p, q))
            if best is None or d < best:
                best = d
    return sp.Rational(best, scale * scale)


def _condition_step(m_distinct: int, k: int, delta: sp.Expr) -> Step:
    if m_distinct > k:
        text = (f"These data have {m_distinct} distinct points and K = {k}: more distinct points than components, "
                "so some point is away from every mean, Delta > 0 and the -Delta/(2 sigma^2) term wins.")
    else:
        text = (f"These data have {m_distinct} distinct point(s) and K = {k}: with at most K distinct points every "
                "point can have its own component, Delta = 0, and -N D log sigma makes L unbounded even under "
                "the constraint. The constraint needs more distinct points than components.")
    return Step("Distinct points versus K", text, (sp.Eq(sp.Symbol("M_distinct"), m_distinct),
                                                   sp.Eq(sp.Symbol("K"), k), sp.Eq(DELTA, delta)))


def _vector(values) -> sp.Basic:
    return sp.Rational(values[0]) if len(values) == 1 else sp.Matrix([sp.Rational(v) for v in values]).T
