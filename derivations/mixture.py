"""The mixture collapse: component 1 on a data point, sigma_1 -> 0+, the likelihood diverges."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from gmm_math.derivations.core.data import Dataset, distinct_rows
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel, check_example_point, example_data, first_coordinates
from gmm_math.derivations.result import SIGMA, Derivation, Step, dominant_term, limit_table, sigma_terms
from gmm_math.derivations.symbols import (
    MU, SHOWN_POINTS, L, N_SYM, TWO_PI, X, check_dim, expand_log_2pi, k, m, n, other_density,
)

MAX_MULTIPLICITY = 1000
PI = sp.IndexedBase("pi")
COV = sp.IndexedBase("Sigma")
C = sp.Symbol("C")
DET_PERP = sp.Symbol("Delta_perp", positive=True)


class Normal(sp.Function):
    """The Gaussian density N(x | mu, Sigma), left unevaluated for display."""

    nargs = 3

    def _latex(self, printer):
        x, mu, cov = (printer._print(a) for a in self.args)
        return rf"\mathcal{{N}}\left({x} \,\middle|\, {mu}, {cov}\right)"


def mixture_collapse(
    components: int = 2,
    dim: int = 1,
    covariance: str = "spherical",
    data: Dataset | None = None,
    point: int = 0,
    multiplicity: int = 1,
    weights: tuple[Fraction, ...] | None = None,
    means: tuple[Fraction, ...] | None = None,
    scales: tuple[Fraction, ...] | None = None,
) -> Derivation:
    """Derive the divergence of log L when component 1 of a K-component mixture collapses on x_n.

    Without data the lower-bound argument is symbolic in N; with data the exact
    log-likelihood is built from exact rationals and its limit is computed with
    ``sympy.limit`` point by point, besides the bound.

    >>> d = mixture_collapse(dim=2)
    >>> d.limit_likelihood, d.leading_term
    (oo, -2*log(sigma))
    >>> mixture_collapse(multiplicity=3).leading_term
    -3*log(sigma)
    """
    dim = check_dim(dim, data)
    full = covariance == "full" and dim > 1
    if data is None:
        check_example_point(data, point)
        if not 1 <= multiplicity <= MAX_MULTIPLICITY:
            raise GmmMathError(f"multiplicity must be between 1 and {MAX_MULTIPLICITY}, got {multiplicity}",
                               parameter="multiplicity")
        model = CollapseModel.mixture(example_data(dim, multiplicity), 0, components, weights, means, scales,
                                      covariance)
        return _symbolic(model, dim, full, multiplicity)
    model = CollapseModel.mixture(data, point, components, weights, means, scales, covariance)
    counted = data.multiplicity(point)
    if multiplicity not in (1, counted):
        raise GmmMathError(f"multiplicity {multiplicity} disagrees with the data: {counted} point(s) equal "
                           f"x_n (with data, r is counted from the data)", parameter="multiplicity")
    return _concrete(model, dim, full)


def _component_one(dim: int, full: bool) -> tuple[sp.Basic, sp.Expr]:
    """Sigma_1 along the collapse and the density N(x_n | x_n, Sigma_1), computed from its determinant.

    The density is returned with the symbol TWO_PI standing for 2*pi (see ``expand_log_2pi``).
    """
    sigma = SIGMA
    if full:
        u = sp.MatrixSymbol("u", dim, 1)
        cov = sigma**2 * u * u.T + sp.MatrixSymbol("Sigma_perp", dim, dim)
        det = sigma**2 * DET_PERP
    else:
        cov = sigma**2 * sp.Identity(dim)
        det = sigma ** (2 * dim)
    return cov, sp.powsimp(TWO_PI ** sp.Rational(-dim, 2) * det ** sp.Rational(-1, 2), force=True)


def _mixture_log_likelihood(first: int = 1) -> sp.Expr:
    return sp.Sum(sp.log(sp.Sum(PI[k] * Normal(X[m], MU[k], COV[k]), (k, first, sp.Symbol("K")))), (m, 1, N_SYM))


def _opening(model: CollapseModel, dim: int, full: bool, r) -> list[Step]:
    cov, peak = _component_one(dim, full)
    how = ("collapsing along one direction u (the other eigenvalues fixed, their product Delta_perp)" if full
           else "with covariance sigma^2 I")
    log_l = sp.Sum(sp.log(sp.Sum(PI[k] * Normal(X[m], MU[k], COV[k]), (k, 1, model.components))), (m, 1, N_SYM))
    return [
        Step("Log-likelihood", f"A mixture of K = {model.components} Gaussians; the log of a sum does not "
             "split, which is what makes a collapse possible.", (sp.Eq(sp.log(L), log_l),)),
        Step("Component 1 on a data point", f"Put mu_1 on the data point x_n, {how}, and let sigma -> 0+.",
             (sp.Eq(MU[1], X[n]), sp.Eq(COV[1], cov, evaluate=False))),
        Step("Its density at x_n", "The exponent vanishes at x_n, so only the normalising constant is left: "
             f"it grows like one power of 1/sigma per collapsing direction (r = {r} point(s) sit at x_n).",
             (sp.Eq(Normal(X[n], X[n], COV[1]), peak.subs(TWO_PI, 2 * sp.pi)),)),
    ]


def _symbolic(model: CollapseModel, dim: int, full: bool, r: int) -> Derivation:
    _, peak = _component_one(dim, full)
    others = sp.Sum(sp.log(sp.Sum(PI[k] * Normal(X[m], MU[k], COV[k]), (k, 2, model.components))),
                    (m, 1, N_SYM - r))
    bound = expand_log_2pi(r * sp.log(PI[1] * peak)) + C
    steps = _opening(model, dim, full, r)
    steps.append(Step(
        "Lower bound",
        "Every term of the inner sums is positive, so dropping terms can only lower log L: keep component 1 "
        "for the r points at x_n and components 2..K for the other N - r points (summed over those points "
        "in C). C does not involve sigma.",
        (sp.Eq(C, others), sp.GreaterThan(sp.log(L), bound)),
    ))
    x_n = model.data.rows[model.point]
    assumptions = _assumptions(model, full) + (
        "N > r: at least one point is not at x_n and is explained by components 2..K",
        f"numeric check on the example data: x_n = {first_coordinates([x_n])} (r = {r} times) and the points "
        f"{first_coordinates([row for row in model.data.rows if row != x_n])}, with the default components 2..K",
    )
    return _conclude(steps, bound, None, model, assumptions)


def _point_terms(model: CollapseModel, full: bool):
    """Per distinct point: (row, count, exact log mixture density, exact bound term, blows up?)."""
    dim, sigma = model.data.dim, SIGMA
    centre = [sp.Rational(c) for c in model.centre]
    two_pi = TWO_PI
    out = []
    for row, count in distinct_rows(model.data).items():
        delta = [sp.Rational(a) - c for a, c in zip(row, centre)]
        along = delta[:1] if full else delta
        across = delta[1:] if full else []
        rate = 1 if full else dim
        first = (sp.Rational(model.weights[0]) * two_pi ** sp.Rational(-dim, 2) * sigma ** -rate
                 * sp.exp(-sum(d**2 for d in along) / (2 * sigma**2) - sum(d**2 for d in across) / 2))
        rest = other_density(model, row, two_pi)
        blows_up = all(d == 0 for d in along)
        exact = sp.log(first + rest).subs(TWO_PI, 2 * sp.pi)
        out.append((row, count, exact, sp.log(first) if blows_up else sp.log(rest).subs(TWO_PI, 2 * sp.pi), blows_up))
    return out


def mixture_log_likelihood(model: CollapseModel) -> sp.Expr:
    """The exact log-likelihood of ``model`` as a SymPy expression in sigma (exact rationals throughout).

    >>> from gmm_math.derivations.core.data import Dataset, distinct_rows
    >>> model = CollapseModel.mixture(Dataset.from_text("0,2"), 0)
    >>> mixture_log_likelihood(model).has(SIGMA)
    True
    """
    full = model.covariance == "full" and model.data.dim > 1
    return sp.Add(*(count * expr for _, count, expr, _, _ in _point_terms(model, full)))


def _concrete(model: CollapseModel, dim: int, full: bool) -> Derivation:
    sigma = SIGMA
    terms = _point_terms(model, full)
    r = sum(count for _, count, _, _, up in terms if up)
    steps = _opening(model, dim, full, model.data.multiplicity(model.point))
    steps.append(Step("Parameters", "Components 2..K are fixed; the weights are exact.", tuple(
        [sp.Eq(PI[j + 1], sp.Rational(w)) for j, w in enumerate(model.weights)]
        + [sp.Eq(MU[j + 2], _vector(mean), evaluate=False) for j, mean in enumerate(model.means)]
        + [sp.Eq(COV[j + 2], sp.Rational(v) * sp.Identity(dim), evaluate=False)
           for j, v in enumerate(model.variances)])))
    shown = [(count, expr, sp.limit(expr, sigma, 0, "+")) for _, count, expr, _, _ in terms[:SHOWN_POINTS]]
    lines = [sp.Eq(sp.Limit(expr, sigma, 0, "+"), lim) for _, expr, lim in shown]
    pieces = [count * lim for count, _, lim in shown]
    more = terms[SHOWN_POINTS:]
    text = "The exact log mixture density of each distinct data point and its limit (sympy.limit)."
    if more:
        # Every point's component-1 term is c sigma^-p exp(-a/sigma^2): two SymPy limits settle all the
        # remaining points at once, by continuity of log, instead of one sympy.limit per point.
        a, p = sp.Symbol("a", positive=True), sp.Symbol("p", positive=True)
        vanish = sp.limit(sigma**-p * sp.exp(-a / sigma**2), sigma, 0, "+")
        grow = sp.limit(sigma**-p, sigma, 0, "+")
        lines += [sp.Eq(sp.Limit(sigma**-p * sp.exp(-a / sigma**2), sigma, 0, "+"), vanish),
                  sp.Eq(sp.Limit(sigma**-p, sigma, 0, "+"), grow)]
        pieces += [count * (grow if up else b + sp.log(1 + vanish)) for _, count, _, b, up in more]
        text = (f"The exact log mixture density of the first {SHOWN_POINTS} distinct points and its limit "
                f"(sympy.limit); for the other {len(more)}, component 1 contributes c sigma^-p exp(-a/sigma^2) "
                "with a > 0 (it vanishes) or a = 0 (it grows), by the two limits below.")
    steps.append(Step("Each point's contribution", text, tuple(lines)))
    if sp.oo in pieces and -sp.oo in pieces:  # pragma: no cover - cannot happen for a mixture
        exact = sp.limit(sp.Add(*(count * expr for _, count, expr, _, _ in terms)), sigma, 0, "+")
    else:
        exact = sp.Add(*pieces)
    constant = sp.Add(*(count * b for _, count, _, b, up in terms if not up))
    growing = expand_log_2pi(sp.Add(*(count * b for _, count, _, b, up in terms if up)))
    bound = growing + C
    steps.append(Step(
        "Lower bound",
        f"Keep component 1 for the {r} point(s) where it blows up and components 2..K elsewhere; C is a "
        "finite constant that does not involve sigma.",
        (sp.Eq(C, constant), sp.Eq(C, constant.evalf(15)), sp.GreaterThan(sp.log(L), bound)),
    ))
    assumptions = _assumptions(model, full) + (f"the {model.data.n} data points as given, x_n = point {model.point}",)
    return _conclude(steps, bound, exact, model, assumptions, exact_limit=True)


def _vector(values) -> sp.Basic:
    return sp.Rational(values[0]) if len(values) == 1 else sp.Matrix([sp.Rational(v) for v in values])


def _assumptions(model: CollapseModel, full: bool) -> tuple[str, ...]:
    return (
        "sigma > 0, sigma -> 0+ (the density is undefined at sigma = 0)",
        "pi_1 > 0: the collapsing component keeps a positive weight",
        "components 2..K are positive definite and do not depend on sigma",
        "Sigma_1 = sigma^2 u u^T + Sigma_perp with Sigma_perp fixed on the complement of u" if full
        else "Sigma_1 = sigma^2 I",
    )


def _conclude(steps, bound, lim_log, model, assumptions, exact_limit: bool = False) -> Derivation:
    sigma = SIGMA
    varying = sigma_terms(bound, sigma)
    constant = sp.expand(bound - sp.Add(*varying), log=False)
    steps.append(Step(
        "Terms as sigma -> 0+",
        "Only the collapsing component's normalising constant depends on sigma, and it grows; there is no "
        "-S/(2 sigma^2) penalty as for one Gaussian, because the other points are explained by components 2..K.",
        (*limit_table(varying, sigma), sp.Eq(sp.Derivative(constant, sigma), sp.diff(constant, sigma))),
    ))
    bound_limit = sp.limit(bound, sigma, 0, "+")
    if lim_log is None:  # no exact limit: log L >= bound -> +oo squeezes log L to +oo
        lim_log = bound_limit
    text = ("log L is at least a quantity that tends to the limit below, so it diverges too"
            + ("; the exact limit of the whole expression agrees." if exact_limit else "."))
    lim_l = sp.exp(lim_log)  # exp is continuous on the extended reals
    steps.append(Step("Limits", text, (
        sp.Eq(sp.Limit(bound, sigma, 0, "+"), bound_limit),
        sp.Eq(sp.Limit(sp.log(L), sigma, 0, "+"), lim_log),
        sp.Eq(sp.Limit(L, sigma, 0, "+"), lim_l),
    )))
    return Derivation(
        case="mixture", title="Gaussian mixture: component 1 on a data point, sigma_1 -> 0+",
        assumptions=tuple(assumptions), steps=tuple(steps), log_likelihood=bound,
        limit_log_likelihood=lim_log, limit_likelihood=lim_l, leading_term=dominant_term(varying, sigma),
        model=model, sigma=sigma,
    )
