"""The mixture collapse: component 1 on a data point, sigma_1 -> 0+, the likelihood diverges."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

import sympy as sp

from gmm_math.derivations.core.arithmetic import decimal_digits, significant
from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import (
    CollapseModel, LemmaConstants, OtherComponents, check_example_point, example_data, first_coordinates,
)
from gmm_math.derivations.result import SIGMA, Derivation, Step, dominant_term, limit_table, sigma_terms
from gmm_math.derivations.symbols import (
    MU, SHOWN_POINTS, L, N_SYM, TWO_PI, X, SumWhere, check_dim, expand_log_2pi, k, m, n, other_density,
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
    dim: int | None = None,
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

    Parameters
    ----------
    components : int
        K >= 2.
    dim : int, optional
        D; default 1, or read from ``data``.
    covariance : {"spherical", "full"}
        How component 1 collapses: sigma^2 I, or along one direction (D > 1).
    data : Dataset, shape (N, D), optional
        The data; None: the symbolic argument (numeric check on the example 0, 1, 3).
    point : int
        0-based index of the data point x_n component 1 sits on.
    multiplicity : int
        r, the number of data points at x_n (without data; with data it is counted).
    weights, means, scales : tuple of Fraction, optional
        Shapes (K,), (K - 1,), (K - 1,): the mixing weights and the other components (1-D); None: the
        documented defaults.

    Returns
    -------
    Derivation
        log L -> +oo at rate -r D log sigma as sigma -> 0+.

    Examples
    --------
    >>> mixture_collapse()
    <Derivation mixture: 6 steps, log L -> oo as sigma -> 0+>
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
    others = SumWhere(sp.log(sp.Sum(PI[k] * Normal(X[m], MU[k], COV[k]), (k, 2, model.components))),
                      sp.Ne(X[m], X[n]))
    bound = expand_log_2pi(r * sp.log(PI[1] * peak)) + C
    steps = _opening(model, dim, full, r)
    steps.append(Step(
        "Lower bound",
        "Every term of the inner sums is positive, so dropping terms can only lower log L: keep component 1 "
        "for the r points at x_n and components 2..K for the other N - r points (summed over the points "
        "x_m != x_n in C). C does not involve sigma.",
        (sp.Eq(C, others), sp.GreaterThan(sp.log(L), bound)),
    ))
    x_n = model.data.rows[model.point]
    assumptions = _assumptions(model, full) + (
        "N > r: at least one point is not at x_n and is explained by components 2..K",
        f"numeric check on the example data: x_n = {first_coordinates([x_n])} (r = {r} times) and the points "
        f"{first_coordinates([row for row in model.data.rows if row != x_n])}, with the default components 2..K",
    )
    return _conclude(steps, bound, None, model, assumptions)


A_L, B_L, C_L, P_L = (sp.Symbol(name, positive=True) for name in "abcp")


@lru_cache(maxsize=1)
def point_lemma() -> tuple[sp.Expr, sp.Basic, sp.Basic]:
    """The one lemma every data point instantiates, proved by ``sympy.limit`` once, on symbols.

    ``(term, lim for a > 0, lim for a = 0)`` with term = log(c + b sigma^(-p) exp(-a/sigma^2)), a, b, c, p > 0.

    >>> point_lemma()[1:]
    (log(c), oo)
    """
    term = sp.log(C_L + B_L * SIGMA ** -P_L * sp.exp(-A_L / SIGMA**2))
    return term, sp.limit(term, SIGMA, 0, "+"), sp.limit(term.subs(A_L, 0), SIGMA, 0, "+")


def _point_exprs(model: CollapseModel, lemma: LemmaConstants, i: int) -> tuple[sp.Expr, sp.Expr]:
    """(component 1's term, the other components' density) of distinct point i, as exact SymPy expressions."""
    dim = model.data.dim
    first = (sp.Rational(model.weights[0]) * TWO_PI ** sp.Rational(-dim, 2) * SIGMA ** -lemma.p
             * sp.exp(-sp.Rational(lemma.along[i]) / SIGMA**2 - sp.Rational(lemma.across[i])))
    return first, other_density(model, lemma.rows[i], TWO_PI)


def mixture_log_likelihood(model: CollapseModel) -> sp.Expr:
    """The exact log-likelihood of ``model`` as a SymPy expression in sigma (exact rationals throughout).

    One SymPy tree per distinct point: for checks on small data sets, not for the derivation itself.

    >>> from gmm_math.derivations.core.data import Dataset
    >>> model = CollapseModel.mixture(Dataset.from_text("0,2"), 0)
    >>> mixture_log_likelihood(model).has(SIGMA)
    True
    """
    lemma = model.lemma_constants()
    return sp.Add(*(count * sp.log(sp.Add(*_point_exprs(model, lemma, i))).subs(TWO_PI, 2 * sp.pi)
                    for i, count in enumerate(lemma.count)))


def collapse_constant(model: CollapseModel, lemma: LemmaConstants) -> tuple[sp.Expr, sp.Float]:
    """C = sum over the points with a_m > 0 of count * log(density of components 2..K): exact form and value.

    With one other component (K = 2) C has a closed form from two exact sums; with K > 2 and more than
    SHOWN_POINTS such points it is shown by its definition, its value computed from every point (stdlib decimal, 30 digits).
    """
    far = lemma.vanishing
    if model.components == 2:
        (w,), (mean,), (v,) = model.weights[1:], model.means, model.variances
        near_sq = sum(lemma.count[i] * sum((a - mu) ** 2 for a, mu in zip(lemma.rows[i], mean))
                      for i in lemma.growing)
        q = model.data.total_squared_distance(mean) - near_sq
        n_far = lemma.total(far)
        exact = (n_far * (sp.log(sp.Rational(w)) - sp.Rational(model.data.dim, 2) * sp.log(2 * sp.pi * sp.Rational(v)))
                 - sp.Rational(q / (2 * v)))
        return exact, exact.evalf(15)
    if len(far) <= SHOWN_POINTS:
        exact = sp.Add(*[lemma.count[i] * sp.log(other_density(model, lemma.rows[i], TWO_PI)) for i in far]).subs(
            TWO_PI, 2 * sp.pi)
        return exact, exact.evalf(15)
    with decimal_digits(30):
        logs = OtherComponents.from_model(model).log_densities(model)
        number = sp.Float(significant(sum((lemma.count[i] * logs[i] for i in far), Decimal(0)), 20), 15)
    far_from = sp.Ne(X[m, 1], X[n, 1]) if model.full else sp.Ne(X[m], X[n])  # exactly the points with a_m > 0
    definition = SumWhere(sp.log(sp.Sum(PI[k] * Normal(X[m], MU[k], COV[k]), (k, 2, model.components))), far_from)
    return definition, number


def _lemma_steps(model: CollapseModel, lemma: LemmaConstants) -> tuple[list[Step], sp.Basic]:
    """The lemma (proved once), the two classes of points, and the exact limit they add up to."""
    term, vanish, grow = point_lemma()
    dim, grows, fades = model.data.dim, lemma.growing, lemma.vanishing
    r, n_far = lemma.total(grows), lemma.total(fades)
    along = "along the collapsing axis" if lemma.p == 1 and dim > 1 else "to x_n"
    steps = [Step(
        "One lemma for every point",
        "Each point x_m contributes the logarithm in the lemma below. "
        f"In it a is half its squared distance {along}; b is pi_1 (2 pi)^(-D/2) times a constant; "
        "c is the density of components 2..K at x_m; "
        f"here p = {lemma.p}. SymPy proves the limit once, on symbols a, b, c, p > 0, and for a = 0.",
        (sp.Eq(sp.Limit(term, SIGMA, 0, "+"), vanish), sp.Eq(sp.Limit(term.subs(A_L, 0), SIGMA, 0, "+"), grow)),
    )]
    exprs = [sp.Eq(sp.Symbol("N"), model.data.n), sp.Eq(sp.Symbol("M_distinct"), len(lemma.count)),
             sp.Eq(sp.Symbol("r"), r), sp.Eq(sp.Symbol("N - r"), n_far)]
    shown = len(lemma.count) <= SHOWN_POINTS
    if shown:
        for i in range(len(lemma.count)):
            first, rest = _point_exprs(model, lemma, i)
            value = (grow if lemma.along_int[i] == 0 else vanish.subs(C_L, rest)).subs(TWO_PI, 2 * sp.pi)
            exprs.append(sp.Eq(sp.Limit(sp.log(first + rest).subs(TWO_PI, 2 * sp.pi), SIGMA, 0, "+"), value))
    steps.append(Step(
        "Each point's contribution",
        f"The {model.data.n} points, grouped into {len(lemma.count)} distinct ones: {r} with a = 0 (component 1 "
        f"grows there: limit oo) and {n_far} with a > 0 (limit log c)"
        + (". Each distinct point's exact log mixture density and its limit, from the lemma:" if shown
           else "; the limits add up, each class counted once."),
        tuple(exprs)))
    finite = sp.Symbol("C", real=True) if n_far else sp.Integer(0)  # the sum of the log c: real implies finite
    return steps, r * grow + finite


def _concrete(model: CollapseModel, dim: int, full: bool) -> Derivation:
    lemma = model.lemma_constants()
    r = lemma.total(lemma.growing)
    steps = _opening(model, dim, full, model.data.multiplicity(model.point))
    steps.append(Step("Parameters", "Components 2..K are fixed; the weights are exact.", tuple(
        [sp.Eq(PI[j + 1], sp.Rational(w)) for j, w in enumerate(model.weights)]
        + [sp.Eq(MU[j + 2], _vector(mean), evaluate=False) for j, mean in enumerate(model.means)]
        + [sp.Eq(COV[j + 2], sp.Rational(v) * sp.Identity(dim), evaluate=False)
           for j, v in enumerate(model.variances)])))
    lemma_steps, exact = _lemma_steps(model, lemma)
    steps += lemma_steps
    constant, value = collapse_constant(model, lemma)
    across = Fraction(sum(lemma.count[i] * lemma.across_int[i] for i in lemma.growing), lemma.denominator)
    growing = (expand_log_2pi(r * sp.log(sp.Rational(model.weights[0]) * TWO_PI ** sp.Rational(-dim, 2)
                                         * SIGMA ** -lemma.p)) - sp.Rational(across))
    bound = growing + C
    steps.append(Step(
        "Lower bound",
        f"Keep component 1 for the {r} point(s) where it blows up and components 2..K elsewhere; C is a "
        "finite constant that does not involve sigma.",
        (sp.Eq(C, constant), sp.Eq(C, value), sp.GreaterThan(sp.log(L), bound)),
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
    if bound_limit != sp.oo:  # pragma: no cover - pi_1 > 0 and r >= 1 make the bound grow
        raise GmmMathError(f"the lower bound tends to {bound_limit}, so it does not decide the limit")
    text = ("log L is at least the lower bound, and the lower bound tends to oo, so log L tends to oo as well"
            + ("; the exact limit from the lemma agrees." if exact_limit else "."))
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
