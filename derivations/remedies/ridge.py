"""The ridge remedy: Sigma_k + eps I (scikit-learn's ``reg_covar``) bounds every density by (2 pi eps)^(-D/2)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import sympy as sp

from gmm_math.derivations.core.arithmetic import decimal_digits, decimal_pi, significant
from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import OtherComponents
from gmm_math.derivations.remedies.common import (
    S_VAR, RemedyDerivation, component_one, mixture_assumptions, point_table, positive, remedy_model,
)
from gmm_math.derivations.mixture import COV, MU, PI, Normal
from gmm_math.derivations.result import SIGMA, Step
from gmm_math.derivations.symbols import SHOWN_POINTS, N_SYM, X, expand_log_2pi
from gmm_math.derivations.symbols import n as AT_POINT

EPS = sp.Symbol("epsilon", positive=True)
L_EPS = sp.Symbol("L_epsilon", positive=True)
D_SYM = sp.Symbol("D", positive=True, integer=True)
LAMBDA = sp.IndexedBase("lambda")
I_IDX = sp.Idx("i")
K_IDX, M_IDX = sp.Idx("k"), sp.Idx("m")
DEFAULT_EPS = Fraction(1, 10**6)  # scikit-learn's default reg_covar


def ridge_bound(n, dim, eps) -> sp.Expr:
    """The explicit upper bound log L_eps <= -(N D / 2) log(2 pi eps), valid for all means, weights, covariances.

    >>> ridge_bound(sp.Symbol("N"), sp.Symbol("D"), sp.Symbol("epsilon", positive=True))
    -D*N*log(epsilon)/2 - D*N*log(2*pi)/2
    """
    return expand_log_2pi(n * sp.log((2 * sp.pi * eps) ** (-sp.S(dim) / 2)))


LIMIT_DIGITS = 60  # the limit's value when it is a sum over more than SHOWN_POINTS distinct points


def _rate(model, eps) -> tuple[Fraction, ...]:
    """d log A / ds at s = 0 as a polynomial in q = ||x - x_n||^2: its exact coefficients, highest first.

    A is component 1's density with variance s + eps; SymPy derives the rate once, for every point.
    """
    q = sp.Symbol("q", positive=True)
    rate = sp.cancel(sp.diff(sp.log(component_one(model, S_VAR + eps, q)), S_VAR).subs(S_VAR, 0))
    return tuple(Fraction(int(c.p), int(c.q)) for c in sp.Poly(rate, q).all_coeffs())


def _at_zero(model, eps) -> tuple[sp.Float, sp.Float]:
    """log L_eps at sigma = 0 (to LIMIT_DIGITS digits) and d log L_eps / ds there (15 digits), s = sigma^2.

    One pass over the distinct points in log space, in stdlib decimal. A point's term is
    count * log(A(s) + rest) with A component 1's density; its derivative is count * share * d log A / ds,
    share = A / (A + rest), with d log A / ds at s = 0 exact (:func:`_rate`) at the point's exact q.
    A point where A / rest is below the working precision contributes count * rest (exactly what
    log(rest * (1 + A / rest)) rounds to) and no slope: eps is small, so that is almost every point.
    """
    coefficients, lemma = _rate(model, eps), model.lemma_constants()
    eps = Fraction(int(eps.p), int(eps.q))
    w, dim = model.weights[0], model.data.dim
    digits = LIMIT_DIGITS + 15
    own_den = lemma.denominator * eps.numerator  # a_m / eps = a_m * eps.denominator / own_den
    with decimal_digits(digits):
        head = (Decimal(w.numerator) / w.denominator).ln() \
            - Decimal(dim) / 2 * (2 * decimal_pi() * Decimal(eps.numerator) / eps.denominator).ln()
        cut = -(digits + 1) * Decimal(10).ln()  # e^(-cut) < 10^-(digits+1): 1 + it rounds to 1
        limit, slope = [], []
        for count, a, log_rest in zip(lemma.count, lemma.along_int,
                                      OtherComponents.from_model(model).log_densities(model)):
            own = head - Decimal(a * eps.denominator) / own_den
            if log_rest is not None and own - log_rest < cut:  # component 1 is too far: its share is below rounding
                limit.append(count * log_rest)
                continue
            total, share = _logaddexp_share(own, log_rest)
            rate = _horner(coefficients, Fraction(2 * a, lemma.denominator))
            limit.append(count * total)
            slope.append(count * share * Decimal(rate.numerator) / rate.denominator)
        return (sp.Float(significant(sum(limit, Decimal(0)), LIMIT_DIGITS + 5), LIMIT_DIGITS),
                sp.Float(significant(sum(slope, Decimal(0)), 20), 15))


def _horner(coefficients, x: Fraction) -> Fraction:
    value = Fraction(0)
    for c in coefficients:
        value = value * x + c
    return value


def _logaddexp_share(own: Decimal, rest: Decimal | None) -> tuple[Decimal, Decimal]:
    """log(e^own + e^rest) and the share e^own / (e^own + e^rest); rest None means no other component."""
    if rest is None:
        return own, Decimal(1)
    top, low = (own, rest) if own >= rest else (rest, own)
    tail = (low - top).exp()
    return top + (1 + tail).ln(), (1 if own is top else tail) / (1 + tail)


def ridge_collapse(dim: int | None = None, data: Dataset | None = None, point: int = 0, components: int = 2,
                   eps: Fraction | sp.Expr = DEFAULT_EPS, **mixture) -> RemedyDerivation:
    """The ridge-regularised mixture: log L_eps stays bounded, and its limit along the collapse is finite.

    >>> d = ridge_collapse()
    >>> d.limit_log_likelihood.is_finite
    True
    """
    eps = positive(eps, "eps")
    if not eps.is_Rational:
        raise GmmMathError(f"eps must be a decimal number, got {eps}", parameter="eps")
    model = remedy_model(data, dim, point, components, variance_shift=Fraction(int(eps.p), int(eps.q)),
                         **mixture)
    dim, n = model.data.dim, model.data.n
    sigma = SIGMA
    det = sp.Product(LAMBDA[I_IDX] + EPS, (I_IDX, 1, D_SYM))
    peak = (2 * sp.pi * (sigma**2 + eps)) ** sp.Rational(-dim, 2)
    general = ridge_bound(N_SYM, D_SYM, EPS)
    shown = len(model.data.counts) <= SHOWN_POINTS
    if shown:
        table = point_table(model)
        exact = sp.Add(*[count * sp.log(component_one(model, sigma**2 + eps, q) + rest)
                         for _, count, q, rest in table])
        # sigma^2 + eps >= eps > 0 keeps every term continuous at sigma = 0: the limit is the value there.
        limit = sp.Add(*[count * sp.log(component_one(model, eps, q) + rest) for _, count, q, rest in table])
    else:  # one SymPy tree per point is what costs: the definition, and the value from exact constants in bulk
        exact = sp.Sum(sp.log(PI[1] * Normal(X[M_IDX], X[AT_POINT], (sigma**2 + EPS) * sp.Identity(dim))
                              + sp.Sum(PI[K_IDX] * Normal(X[M_IDX], MU[K_IDX], COV[K_IDX]),  # Sigma_k holds + eps I
                                       (K_IDX, 2, model.components))), (M_IDX, 1, n)).subs(EPS, eps)
    value, slope = _at_zero(model, eps)
    if not shown:
        limit = value
    bound = ridge_bound(sp.Integer(n), dim, eps)
    steps = [
        Step("Regularised covariances", "Every covariance gets eps I added (scikit-learn's reg_covar). With "
             "eigenvalues lambda_i >= 0 of Sigma_k, each factor of the determinant is at least eps.",
             (sp.Eq(sp.Determinant(sp.MatrixSymbol("Sigma_k", 3, 3) + EPS * sp.Identity(3)), det),
              sp.GreaterThan(det, EPS**D_SYM))),
        Step("Every density is bounded", "N(x | mu, Sigma + eps I) <= (2 pi)^(-D/2) det(Sigma + eps I)^(-1/2), and "
             "a mixture density is an average of such densities, so each of the N factors of L_eps is at most "
             "(2 pi eps)^(-D/2), whatever the means, weights and covariances.",
             (sp.LessThan(sp.log(L_EPS), general),)),
        Step("For these data", f"N = {n}, D = {dim}:", (sp.Eq(EPS, eps), sp.LessThan(sp.log(L_EPS), bound),
                                                       sp.LessThan(sp.log(L_EPS), bound.evalf(15)))),
        Step("The collapsing component", "Component 1 on x_n has covariance (sigma^2 + eps) I; its peak tends to "
             "a finite value instead of growing without bound.",
             (sp.Eq(sp.Limit(peak, sigma, 0, "+"), sp.limit(peak, sigma, 0, "+")),)),
        Step("Limit along the collapse", "sigma^2 + eps >= eps > 0, so log L_eps is continuous at sigma = 0 and "
             "its limit is its value there (the exact form is shown for at most "
             f"{SHOWN_POINTS} distinct points, else its value to {LIMIT_DIGITS} digits from the exact per-point "
             "constants); it lies below the bound.",
             (*((sp.Eq(sp.Limit(sp.log(L_EPS), sigma, 0, "+"), limit, evaluate=False),) if shown else ()),
              sp.Eq(sp.Limit(sp.log(L_EPS), sigma, 0, "+"), limit.evalf(15), evaluate=False))),
        Step("Leading sigma-dependence", "log L_eps depends on sigma only through s = sigma^2: near 0 it is the "
             "limit plus s times the derivative at s = 0.",
             (sp.Eq(sp.Subs(sp.Derivative(sp.log(L_EPS), S_VAR), S_VAR, 0), slope.evalf(15), evaluate=False),)),
    ]
    lim_l = sp.exp(limit)
    steps.append(Step("Limits", "Both limits are finite.", (
        sp.Eq(sp.Limit(L_EPS, sigma, 0, "+"), lim_l.evalf(15), evaluate=False),)))
    assumptions = mixture_assumptions(model, data is not None) + (
        f"every covariance regularised by eps I with eps = {eps}: component 1 has (sigma^2 + eps) I",)
    return RemedyDerivation(
        case="remedy-ridge", title="Ridge: Sigma_k + eps I bounds the likelihood", assumptions=assumptions,
        steps=tuple(steps), log_likelihood=exact, limit_log_likelihood=limit, limit_likelihood=lim_l,
        leading_term=slope * sigma**2, model=model, sigma=sigma, parameters=(("eps", eps), ("bound", bound)),
        objective="regularised log-likelihood", objective_symbol=L_EPS,
    )
