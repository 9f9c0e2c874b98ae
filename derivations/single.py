"""The single-Gaussian collapse: mean on a data point, sigma -> 0+."""

from __future__ import annotations

import sympy as sp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel, check_example_point, example_data, first_coordinates
from gmm_math.derivations.result import SIGMA, Derivation, Step, dominant_term, limit_table, sigma_terms
from gmm_math.derivations.symbols import (
    L, N_SYM, S_SYM, at_point, check_dim, isotropic_density, log_density_parts, m, mean, n, squared_norm,
)


def single_gaussian_collapse(dim: int | None = None, data: Dataset | None = None, point: int = 0) -> Derivation:
    """Derive log L and L as sigma -> 0+ for N(x | x_n, sigma^2 I) fitted to N points.

    Without data, N and S = sum_m ||x_m - x_n||^2 stay symbols (S > 0) and the
    S = 0 case is derived as a separate step. With data, N and S are exact.

    Parameters
    ----------
    dim : int, optional
        D; default 1, or read from ``data``.
    data : Dataset, shape (N, D), optional
        The data; None: symbolic N and S (the numeric check uses the example 0, 1, 3).
    point : int
        0-based index of the data point x_n the mean sits on.

    Returns
    -------
    Derivation
        The steps, log L along sigma and its limits as sigma -> 0+ (SymPy).

    Examples
    --------
    >>> single_gaussian_collapse()
    <Derivation single: 7 steps, log L -> -oo as sigma -> 0+>
    >>> d = single_gaussian_collapse()
    >>> d.limit_log_likelihood, d.leading_term
    (-oo, -S/(2*sigma**2))
    >>> single_gaussian_collapse(data=Dataset.from_text("2,2,2")).limit_likelihood
    oo
    """
    if data is not None:
        dim = check_dim(dim, data)
        data.check_point(point)
        n_pts, s_val = sp.Integer(data.n), sp.Rational(sum(data.squared_distances(point)))
    else:
        dim = check_dim(dim)
        check_example_point(data, point)
        n_pts, s_val = N_SYM, S_SYM
    sigma = SIGMA
    const, coeff = log_density_parts(sigma, dim)
    log_l = sp.expand(n_pts * const + coeff * s_val, log=False)

    steps = [
        Step("Likelihood", f"N points, one Gaussian with mean mu and covariance sigma^2 I in D = {dim} "
             "dimension(s).", (sp.Eq(L, sp.Product(isotropic_density(m, mean, sigma, dim), (m, 1, n_pts))),)),
        Step("Mean on a data point", "Put the mean on the data point x_n: the point x_n itself now sits "
             "at the peak of the density.", (sp.Eq(L, sp.Product(isotropic_density(m, at_point(n), sigma, dim), (m, 1, n_pts))),)),
        Step("Log-likelihood", "Take logs; S collects the squared distances of all points to x_n.",
             (sp.Eq(S_SYM, sp.Sum(squared_norm(m, at_point(n), dim), (m, 1, n_pts))), sp.Eq(sp.log(L), log_l))),
    ]
    if data is not None:
        steps.append(Step("S for these data", f"Exactly, from the {data.n} data points (point {point} is x_n).",
                          (sp.Eq(S_SYM, s_val),)))
    model = CollapseModel.single(data if data is not None else example_data(dim), point if data is not None else 0)
    return _conclude(steps, log_l, sigma, dim, n_pts, s_val, model, symbolic=data is None)


def _conclude(steps, log_l, sigma, dim, n_pts, s_val, model, symbolic) -> Derivation:
    terms = sigma_terms(log_l, sigma)
    constant = sp.expand(log_l - sp.Add(*terms), log=False)
    steps.append(Step(
        "Terms as sigma -> 0+",
        "Each sigma-dependent term on its own; what is left does not depend on sigma.",
        (*limit_table(terms, sigma), sp.Eq(sp.Derivative(constant, sigma), sp.diff(constant, sigma))),
    ))
    lead = dominant_term(terms, sigma)
    others = [t for t in terms if t != lead]
    if others:
        ratios = tuple(sp.Eq(sp.Limit(t / lead, sigma, 0, "+"), sp.limit(t / lead, sigma, 0, "+")) for t in others)
        steps.append(Step("Dominant balance", "Every other sigma-dependent term is negligible next to the "
                          "dominant one: the ratio tends to 0.", ratios))
    lim_log = sp.limit(log_l, sigma, 0, "+")
    lim_l = sp.exp(lim_log)  # exp is continuous on the extended reals: exp(-oo) = 0, exp(oo) = oo
    steps.append(Step("Limits", "The dominant term decides both limits.",
                      (sp.Eq(sp.Limit(sp.log(L), sigma, 0, "+"), lim_log), sp.Eq(sp.Limit(L, sigma, 0, "+"), lim_l))))
    if symbolic:
        flat = sp.expand(log_l.subs(S_SYM, 0), log=False)
        steps.append(Step(
            "The case S = 0",
            "If every data point equals x_n there is no quadratic penalty left and the growing term wins.",
            (sp.Eq(sp.log(L), flat), sp.Eq(sp.Limit(L, sigma, 0, "+"), sp.exp(sp.limit(flat, sigma, 0, "+")))),
        ))
    assumptions = [
        "sigma > 0 (the density is undefined at sigma = 0; we take sigma -> 0+)",
        "covariance sigma^2 I, mean mu = x_n (a data point)",
        "S > 0: at least one data point differs from x_n" if symbolic or s_val != 0
        else "S = 0: every data point equals x_n",
    ]
    if symbolic:
        assumptions.append(f"numeric check on the example data x = {first_coordinates(model.data.rows)} (repeated "
                           f"along every coordinate), x_n = {first_coordinates([model.data.rows[model.point]])}")
    return Derivation(
        case="single", title="Single Gaussian: mean on a data point, sigma -> 0+",
        assumptions=tuple(assumptions), steps=tuple(steps), log_likelihood=log_l,
        limit_log_likelihood=lim_log, limit_likelihood=lim_l, leading_term=lead, model=model, sigma=sigma,
    )

