"""Remedies that change the objective: a prior (MAP), Chen-Tan-Zhang's penalty, and its reparametrised form.

Each function returns a :class:`~gmm_math.derivations.remedies.common.RemedyDerivation` of the remedied
log objective along the collapse sigma_1 = sigma -> 0+ (component 1 on the data point x_n), with
the bounded variance update derived from its stationarity equation. The ridge, the reset and the
ratio constraint live in :mod:`~gmm_math.derivations.remedies.ridge`,
:mod:`~gmm_math.derivations.remedies.reset` and :mod:`~gmm_math.derivations.remedies.ratio`.
Extra keyword arguments (``weights``, ``means``, ``scales``) fix components 2..K as in
:meth:`~gmm_math.derivations.core.model.CollapseModel.mixture`.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.derivations.remedies.common import (
    C_SYM, S_VAR, RemedyDerivation, collapse_split, conclude, mixture_assumptions, positive, remedy_model, split_step,
    stationary_point,
)
from gmm_math.derivations.result import SIGMA, Step

N1 = sp.Symbol("N_1", positive=True)
W_SYM = sp.Symbol("W", nonnegative=True)
ALPHA, BETA = sp.Symbol("alpha", positive=True), sp.Symbol("beta", positive=True)
A_N = sp.Symbol("a_n", positive=True)
TR_S = sp.Symbol("tr_S", positive=True)
LAM, TAU2 = sp.Symbol("lambda", positive=True), sp.Symbol("tau2", positive=True)
GAMMA = sp.Symbol("gamma", positive=True)
NU = sp.Symbol("nu", positive=True)
S_STAR = sp.Symbol("s*", positive=True)
POST = sp.Symbol("p", positive=True)  # the (unnormalised) posterior p(theta | X)
PEN = sp.Symbol("L_pen", positive=True)  # the penalised likelihood


def map_log_prior(dim: int) -> sp.Expr:
    """log p(Sigma_1 = s I) for the inverse-Wishart IW(nu = 2 alpha, Psi = 2 beta I), up to a constant, in s.

    In 1-D this is the inverse-gamma IG(alpha, beta): -(alpha + 1) log s - beta/s.

    >>> map_log_prior(1)
    -beta/s + (-alpha - 1)*log(s)
    """
    log_det = sp.expand_log(sp.log(S_VAR**dim))
    trace = dim * 2 * BETA / S_VAR  # tr(Psi Sigma^-1) with Psi = 2 beta I, Sigma = s I
    return sp.collect(sp.expand(-(2 * ALPHA + dim + 1) / 2 * log_det - trace / 2), sp.log(S_VAR))


def ctz_penalty(dim: int, a=A_N, trace=TR_S) -> sp.Expr:
    """Chen-Tan-Zhang's penalty -a_n (tr(S_x Sigma^-1) + log det Sigma) at Sigma = s I."""
    return -a * (trace / S_VAR + sp.expand_log(sp.log(S_VAR**dim)))


def reparam_penalty(lam=LAM, tau2=TAU2) -> sp.Expr:
    """-lambda (1/gamma + log gamma) with gamma = s / tau^2 (Sigma_1 = tau^2 gamma I)."""
    return (-lam * (1 / GAMMA + sp.log(GAMMA))).subs(GAMMA, S_VAR / tau2)


def variance_update(log_prior: sp.Expr, dim: int) -> tuple[sp.Expr, sp.Eq, sp.Expr]:
    """The M-step for the collapsing variance s = sigma_1^2 with a prior or penalty ``log_prior(s)``.

    Maximises Q(s) = -(N_1 D / 2) log(2 pi s) - W / (2 s) + log_prior(s), where N_1 = sum of the
    responsibilities of component 1 and W = sum_m gamma_m1 ||x_m - mu_1||^2, by solving dQ/ds = 0.

    Returns
    -------
    (Q, stationarity equation, the unique solution s*)

    >>> variance_update(map_log_prior(1), 1)[2]
    (W + 2*beta)/(N_1 + 2*alpha + 2)
    """
    q = -N1 * dim / 2 * sp.log(2 * sp.pi * S_VAR) - W_SYM / (2 * S_VAR) + log_prior
    stationarity = sp.Eq(sp.diff(q, S_VAR), 0)
    return q, stationarity, stationary_point(stationarity.lhs, S_VAR)


def _update_steps(log_prior: sp.Expr, dim: int, r: int, values: dict, what: str) -> tuple[Step, ...]:
    q, stationarity, solution = variance_update(log_prior, dim)
    curvature = sp.factor(sp.together(sp.diff(q, S_VAR, 2).subs(S_VAR, solution)))
    collapsed = sp.radsimp(sp.together(solution.subs({W_SYM: 0, N1: r, **values})))
    return (
        Step("Variance update",
             f"The M-step for s = sigma_1^2 maximises the expected complete-data log-likelihood of component 1 plus "
             f"the {what}; N_1 is its responsibility mass and W = sum_m gamma_m1 ||x_m - mu_1||^2. The second "
             "derivative at the solution is negative: it is the maximum.",
             (sp.Eq(sp.Symbol("Q"), q), stationarity, sp.Eq(S_STAR, solution),
              sp.Eq(sp.Symbol("Q''(s*)"), curvature),
              sp.StrictLessThan(curvature, 0, evaluate=False) if curvature.is_negative
              else sp.Eq(curvature, curvature, evaluate=False))),
        Step("Bounded at the collapse",
             f"On the collapse component 1 holds only the {r} point(s) at x_n: W = 0 and N_1 = r. The update "
             "stays strictly positive, so EM cannot reach sigma_1 = 0.",
             (sp.Eq(S_STAR, solution.subs(W_SYM, 0)), sp.Eq(S_STAR, collapsed), sp.Eq(S_STAR, collapsed.evalf(15)))),
    )


def _mixture_parts(data: Dataset | None, dim: int, point: int, components: int, mixture: dict):
    model = remedy_model(data, dim, point, components, **mixture)
    return model, collapse_split(model)


def _along(prior_s: sp.Expr) -> sp.Expr:
    return sp.expand(sp.expand_log(prior_s.subs(S_VAR, SIGMA**2), force=True))


def _conclude_along(case: str, title: str, steps: list[Step], model: CollapseModel, split, along: sp.Expr,
                    data_given: bool, assumption: str, parameters: dict, symbol: sp.Symbol,
                    update: tuple[sp.Expr, dict, str], objective_name: str) -> RemedyDerivation:
    """The common end of the prior/penalty remedies: objective core + C + the term ``along`` the collapse.

    ``update`` is (log prior or penalty, its values, its name) for the variance-update steps.
    """
    prior, values, what = update
    assumptions = mixture_assumptions(model, data_given) + (assumption,)
    return conclude(case, title, steps, split.core + C_SYM + along, model, assumptions, parameters, symbol=symbol,
                    objective_name=objective_name, after=_update_steps(prior, model.data.dim, split.r, values, what),
                    constants={C_SYM: split.exact_constant})


def map_collapse(dim: int | None = None, data: Dataset | None = None, point: int = 0, components: int = 2,
                 alpha: Fraction | sp.Expr = Fraction(1), beta: Fraction | sp.Expr = Fraction(1, 10),
                 **mixture) -> RemedyDerivation:
    """MAP with an inverse-gamma (1-D) / inverse-Wishart prior on the collapsing covariance.

    The log-posterior gains -(2 alpha + D + 1) D log sigma - D beta / sigma^2 along the collapse,
    which beats the -r D log sigma growth: log p -> -oo.

    >>> map_collapse().limit_log_likelihood
    -oo
    """
    alpha, beta = positive(alpha, "alpha"), positive(beta, "beta")
    model, split = _mixture_parts(data, dim, point, components, mixture)
    dim = model.data.dim
    values = {ALPHA: alpha, BETA: beta}
    sig = sp.MatrixSymbol("Sigma_1", dim, dim)
    psi = sp.MatrixSymbol("Psi", dim, dim)
    prior = map_log_prior(dim)
    along = _along(prior.subs(values))
    steps = [
        Step("Objective", "MAP maximises the log-posterior: log L plus the log-prior of the collapsing covariance "
             "(priors on the fixed components only add a constant).",
             (sp.Eq(sp.log(POST), sp.log(sp.Symbol("L")) + sp.log(sp.Function("p")(sig))),)),
        Step("Inverse-Wishart prior",
             "IW(nu, Psi) up to its normalising constant, with nu = 2 alpha and Psi = 2 beta I; in 1-D it is the "
             "inverse-gamma IG(alpha, beta). At Sigma_1 = s I, log det = D log s and tr(Psi Sigma^-1) = tr(Psi)/s.",
             (sp.Eq(sp.log(sp.Function("p")(sig)),
                    -(NU + dim + 1) / 2 * sp.log(sp.Determinant(sig)) - sp.Trace(psi * sig.I) / 2),
              sp.Eq(sp.log(sp.Function("p")(S_VAR)), prior))),
        Step("Prior along the collapse", "With s = sigma^2 and the chosen alpha, beta:",
             (sp.Eq(ALPHA, alpha), sp.Eq(BETA, beta), sp.Eq(sp.log(sp.Function("p")(SIGMA**2)), along))),
        split_step(model, split),
    ]
    return _conclude_along("remedy-map", "MAP: an inverse-Wishart prior on the collapsing covariance", steps,
                           model, split, along, data is not None,
                           f"prior IW(2 alpha, 2 beta I) on Sigma_1 with alpha = {alpha}, beta = {beta}; log p up to "
                           "a constant", {"alpha": alpha, "beta": beta}, POST, (prior, values, "log-prior"),
                           "log posterior")


def default_a(model: CollapseModel) -> sp.Expr:
    """The default penalty size a_n = N^(-1/2)."""
    return 1 / sp.sqrt(model.data.n)


def trace_covariance(model: CollapseModel) -> sp.Rational:
    """tr(S_x): the trace of the data's (population, 1/N) covariance matrix, exactly."""
    return sp.Rational(model.data.mean_variance() * model.data.dim)


def penalty_collapse(dim: int | None = None, data: Dataset | None = None, point: int = 0, components: int = 2,
                     a: Fraction | sp.Expr | None = None, **mixture) -> RemedyDerivation:
    """Chen, Tan & Zhang (2008): -a_n (tr(S_x Sigma_k^-1) + log det Sigma_k) added per component.

    >>> penalty_collapse().leading_term  # a_n = 3^(-1/2), tr(S_x) = 14/9 for the example data 0, 1, 3
    -14*sqrt(3)/(27*sigma**2)
    """
    model, split = _mixture_parts(data, dim, point, components, mixture)
    dim = model.data.dim
    a = positive(a, "a") if a is not None else default_a(model)
    trace = trace_covariance(model)
    if trace == 0:
        raise GmmMathError("all data points are equal: S_x = 0 and the penalty has no scale (give different points)")
    values = {A_N: a, TR_S: trace}
    along = _along(ctz_penalty(dim).subs(values))
    sig = sp.MatrixSymbol("Sigma_k", dim, dim)
    s_x = sp.MatrixSymbol("S_x", dim, dim)
    steps = [
        Step("Objective", "The penalised log-likelihood adds p_n(Sigma_k) for every component; only the collapsing "
             "component's term depends on sigma, the others add a constant.",
             (sp.Eq(sp.log(PEN), sp.log(sp.Symbol("L")) + sp.Sum(sp.Function("p_n")(sp.Symbol("Sigma_k")),
                                                                  (sp.Idx("k"), 1, model.components))),
              sp.Eq(sp.Function("p_n")(sig), -A_N * (sp.Trace(s_x * sig.I) + sp.log(sp.Determinant(sig)))))),
        Step("Penalty along the collapse",
             "S_x is the sample covariance of the data (1/N), tr_S its trace; at Sigma_1 = s I the penalty is "
             "a function of s, and s = sigma^2 along the collapse.",
             (sp.Eq(sp.Function("p_n")(S_VAR), ctz_penalty(dim)), sp.Eq(A_N, a), sp.Eq(TR_S, trace),
              sp.Eq(sp.Function("p_n")(SIGMA**2), along))),
        split_step(model, split),
    ]
    return _conclude_along("remedy-penalty", "Chen-Tan-Zhang penalty on the component variances", steps, model,
                           split, along, data is not None,
                           f"a_n = {a} (default N^(-1/2)), S_x the data covariance with trace {trace}",
                           {"a": a, "trace": trace}, PEN, (ctz_penalty(dim), values, "penalty"),
                           "penalised log-likelihood")


def reparam_collapse(dim: int | None = None, data: Dataset | None = None, point: int = 0, components: int = 2,
                     lam: Fraction | sp.Expr | None = None, tau2: Fraction | sp.Expr | None = None,
                     **mixture) -> RemedyDerivation:
    """sigma_k^2 = tau^2 gamma_k with the penalty -lambda (1/gamma_k + log gamma_k): a member of the CTZ family.

    Defaults: lambda = N^(-1/2), tau^2 = tr(S_x)/D.
    """
    model, split = _mixture_parts(data, dim, point, components, mixture)
    dim = model.data.dim
    lam = positive(lam, "lam") if lam is not None else default_a(model)
    if tau2 is None:
        tau2 = trace_covariance(model) / dim
        if tau2 == 0:
            raise GmmMathError("all data points are equal: give tau2 (the default tr(S_x)/D is 0)", parameter="tau2")
    tau2 = positive(tau2, "tau2")
    values = {LAM: lam, TAU2: tau2}
    penalty = reparam_penalty()
    family = ctz_penalty(dim, LAM / dim, dim * TAU2)
    difference = sp.simplify(sp.expand_log(penalty - family, force=True))
    along = _along(penalty.subs(values))
    steps = [
        Step("Reparametrisation", "Write each component's variance as a shared scale tau^2 times a relative "
             "size gamma_k, and penalise gamma_k near 0.",
             (sp.Eq(sp.Symbol("sigma_k")**2, TAU2 * sp.Symbol("gamma_k")),
              sp.Eq(sp.Function("q")(GAMMA), -LAM * (1 / GAMMA + sp.log(GAMMA))))),
        Step("A member of the penalty family",
             "With gamma = s / tau^2 the penalty differs from Chen-Tan-Zhang's with a_n = lambda/D and "
             "S_x = tau^2 I by a constant: its derivative in s vanishes.",
             (sp.Eq(sp.Function("q")(S_VAR / TAU2), penalty),
              sp.Eq(sp.Function("p_n")(S_VAR), family),
              sp.Eq(sp.Function("q")(S_VAR / TAU2) - sp.Function("p_n")(S_VAR), difference),
              sp.Eq(sp.Derivative(sp.Symbol("q - p_n"), S_VAR), sp.diff(difference, S_VAR)))),
        Step("Penalty along the collapse", "With the chosen lambda and tau^2, and s = sigma^2:",
             (sp.Eq(LAM, lam), sp.Eq(TAU2, tau2), sp.Eq(sp.Function("q")(SIGMA**2 / TAU2), along))),
        split_step(model, split),
    ]
    return _conclude_along("remedy-reparam",
                           "Reparametrised variances sigma_k^2 = tau^2 gamma_k with a penalty on gamma_k", steps,
                           model, split, along, data is not None,
                           f"lambda = {lam} (default N^(-1/2)), tau^2 = {tau2} (default tr(S_x)/D), tau fixed along "
                           "the collapse", {"lam": lam, "tau2": tau2}, PEN, (penalty, values, "penalty"),
                           "penalised log-likelihood")
