"""One EM step near a collapse: the variance map s -> f(s) of component 1 sitting on x_n, derived with SymPy.

1-D: component 1 has weight pi_1, mean mu_1 and variance s = sigma_1^2; components 2..K are
the fixed components of ``derive mixture``. The E-step responsibilities follow from Bayes'
rule, the M-step updates are the stationary points of Q solved by SymPy, and the variance
map with mu_1 = x_n is expanded as s -> 0+ by SymPy limits taken once for a generic point
(symbols for its distance and for the other components' density there), into which the
data's exact values are substituted.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel, check_example_point, example_data
from gmm_math.derivations.mixture import PI, Normal
from gmm_math.derivations.result import SIGMA, Derivation, Step, dominant_term, sigma_terms
from gmm_math.derivations.symbols import N_SYM, X, expand_log_2pi, k, m, n

SHOWN_POINTS = 8
S = sp.Symbol("s", positive=True)  # the variance sigma_1^2 of component 1
GAMMA = sp.IndexedBase("gamma")  # responsibilities gamma[m] = r_m1 of component 1
MU1 = sp.Symbol("mu_1", real=True)
MU_K = sp.IndexedBase("mu")
S_K = sp.IndexedBase("s")
R_SYM = sp.Symbol("r", positive=True, integer=True)  # points at x_n
DELTA = sp.Symbol("delta", positive=True)
C_SYM = sp.Symbol("C", positive=True)
C_MU = sp.Symbol("C_mu", real=True)
F = sp.Function("f")
D_SYM = sp.Symbol("D", positive=True, integer=True)
# generic point: distance d, the other components' density g there, component 1's weight p
_D, _G, _P = sp.symbols("d g pi_1", positive=True)
_A = sp.Symbol("a", positive=True)  # d^2 - delta^2 > 0 for a point beyond the nearest one
_Q = sp.Symbol("q", positive=True)  # any power


def eq(lhs, rhs) -> sp.Eq:
    """The equation lhs = rhs as stated, without ``sp.Eq``'s attempt to decide it (is_eq: the bulk of the
    derivation's time, and an equation it could decide would print as True or False).

    >>> eq(S, 2 * S)
    Eq(s, 2*s)
    """
    return sp.Eq(lhs, rhs, evaluate=False)


def asymptotic_form(delta=DELTA, power=sp.Rational(1, 2)) -> sp.Expr:
    """s^(-1/2) exp(-delta^2 / (2 s)): the shape f(s) / C tends to (``power`` = D/2 in D dimensions)."""
    return S ** -power * sp.exp(-delta**2 / (2 * S))


def _density(d2, s=S, dim=1) -> sp.Expr:
    return (2 * sp.pi * s) ** (-sp.Rational(1, 2) * dim) * sp.exp(-d2 / (2 * s))


def _split_sums(expr: sp.Expr) -> sp.Expr:
    """Sums split over their terms with m-free factors pulled out (linearity), squares kept whole."""
    def split(total: sp.Sum) -> sp.Expr:
        parts = sp.Add.make_args(sp.expand(total.function, multinomial=False))
        return sp.Add(*(c * sp.Sum(t, *total.limits) for c, t in (p.as_independent(m) for p in parts)))

    return sp.expand(expr, multinomial=False).replace(lambda a: isinstance(a, sp.Sum), split)


def solve_stationary(equation: sp.Expr, unknown: sp.Basic) -> sp.Expr:
    """The one solution of ``equation = 0`` whose numerator (over a common denominator) is linear in ``unknown``.

    ``sympy.linsolve`` on the numerator: a stationarity equation of Q is of that form, and
    ``sympy.solve`` would spend most of a second importing what its solution check needs.

    >>> x, a, b = sp.symbols("x a b", positive=True)
    >>> solve_stationary(-a / (2 * x) + b / (2 * x**2), x)
    b/a
    """
    (solution,) = sp.linsolve([sp.numer(sp.together(equation))], [unknown])
    return solution[0]


def _solve_with_sums(equation: sp.Expr, unknown: sp.Symbol) -> sp.Expr:
    """Solve ``equation = 0`` for ``unknown``, treating each remaining Sum as an opaque quantity."""
    sums = sorted(equation.atoms(sp.Sum), key=sp.default_sort_key)
    held = {total: sp.Dummy() for total in sums}
    solution = solve_stationary(equation.xreplace(held), unknown)
    return solution.xreplace({v: key for key, v in held.items()})


def m_step_updates() -> dict[str, sp.Expr]:
    """pi_1', mu_1' and s' as the maximisers of Q, solved by SymPy (mu_1' is the new mean inside s').

    >>> u = m_step_updates()
    >>> u["mu"]
    Sum(gamma[m]*x[m], (m, 1, N))/Sum(gamma[m], (m, 1, N))
    >>> u["pi"]
    N_1/N
    """
    q1 = sp.Sum(GAMMA[m] * (sp.log(PI[1]) - sp.log(2 * sp.pi * S) / 2 - (X[m] - MU1) ** 2 / (2 * S)), (m, 1, N_SYM))
    dq_mu, dq_s = sp.diff(q1, MU1), sp.diff(q1, S)
    mu_new = _solve_with_sums(_split_sums(dq_mu), MU1)
    s_new = _solve_with_sums(_split_sums(dq_s), S)
    # weights: maximise sum_k N_k log pi_k subject to sum_k pi_k = 1 (Lagrange multiplier lam)
    lam, j, count = sp.Symbol("lambda", positive=True), sp.Symbol("j", integer=True), sp.IndexedBase("N")
    pi_j = solve_stationary(sp.diff(count[j] * sp.log(PI[j]) - lam * PI[j], PI[j]), PI[j])
    # sum_j pi_j = 1: the j-free factor of pi_j times sum_j N_j, and sum_j N_j = N (each point's
    # responsibilities sum to 1)
    factor, _ = pi_j.as_independent(j)
    lam_value = solve_stationary(factor * N_SYM - 1, lam)
    n1 = sp.Symbol("N_1", positive=True)
    return {"q1": q1, "mu": mu_new, "s": s_new, "pi": pi_j.subs({lam: lam_value, count[j]: n1}),
            "dq_mu": dq_mu, "dq_s": dq_s, "n1": n1}


_ROOT = sp.Symbol("y", positive=True)  # stands for s^(-D/2), which -> oo
_EXPO = sp.Symbol("E", positive=True)  # stands for exp(-delta^2/(2 s))
_FORM = sp.Symbol("Y", positive=True)  # stands for y E = s^(-D/2) exp(-delta^2/(2 s)), which -> 0
_FAR = sp.Symbol("Z", positive=True)  # stands for exp(-a/(2 s)), which -> 0


def _responsibility(root, expo, dim=1) -> sp.Expr:
    """gamma = pi_1 N / (pi_1 N + g) with N = (2 pi)^(-D/2) root expo (root = s^(-D/2), expo the exponential)."""
    peak = _P * (2 * sp.pi) ** (-sp.Rational(1, 2) * dim) * root * expo
    return peak / (peak + _G)


def _share(expo, dim=1) -> sp.Expr:
    """gamma / (s^(-D/2) exp(-delta^2/(2 s))) in the stand-ins, continuous where Y = 0 (its denominator -> g > 0)."""
    # the product cancels y E by itself (powers of the same base combine)
    return (_responsibility(_ROOT, expo, dim) / (_ROOT * _EXPO)).subs(_ROOT * _EXPO, _FORM)


_T = sp.Symbol("t", positive=True)  # t = 1/s, which -> oo as s -> 0+
_P_ANY = sp.Symbol("p", real=True)
_C_POS = sp.Symbol("c", positive=True)


def _lemmas() -> dict[str, sp.Expr]:
    """The two limits as t -> oo that every building block is an instance of, taken by SymPy once, for symbols.

    >>> _lemmas()
    {'grow': oo, 'decay': 0}
    """
    return {"grow": sp.limit(_T**_C_POS, _T, sp.oo), "decay": sp.limit(_T**_P_ANY * sp.exp(-_C_POS * _T), _T, sp.oo)}


def _block_limit(block: sp.Expr, lemmas: dict[str, sp.Expr]) -> sp.Expr:
    """lim as s -> 0+ of ``block`` = k s^(-p) exp(-c/s) (k > 0 constant), as an instance of a lemma.

    With t = 1/s (-> oo as s -> 0+) the block is k t^p exp(-c t): the decomposition is checked to
    rebuild the block exactly, then ``grow`` (c = 0, p > 0) or ``decay`` (c > 0, p real) gives the limit.

    >>> _block_limit(asymptotic_form(), _lemmas()), _block_limit(S ** sp.Rational(-1, 2), _lemmas())
    (0, oo)
    """
    inverted = block.subs(S, 1 / _T)
    k, p, c = sp.Integer(1), sp.Integer(0), sp.Integer(0)
    for factor in sp.Mul.make_args(inverted):
        if isinstance(factor, sp.exp):
            c -= factor.args[0] / _T
        elif factor.as_base_exp()[0] == _T:
            p += factor.as_base_exp()[1]
        else:
            k *= factor
    rebuilt = k * _T**p * sp.exp(-c * _T)
    if k.has(_T) or c.has(_T) or p.has(_T) or not k.is_positive or sp.powsimp(rebuilt / inverted) != 1:
        raise ValueError(f"{block} is not of the form k s^(-p) exp(-c/s)")
    if c == 0 and p.is_positive:
        return k * lemmas["grow"].subs(_C_POS, p)
    if c.is_positive and p.is_real:
        return k * lemmas["decay"].subs({_P_ANY: p, _C_POS: c})
    raise ValueError(f"no lemma covers {block} (p = {p}, c = {c})")


def _generic_limits() -> dict[str, sp.Expr]:
    """Limits as s -> 0+ for a generic point: at x_n, at the nearest distance delta, beyond it.

    The building blocks s^(-1/2), s^(-1/2) exp(-delta^2/(2 s)), exp(-a/(2 s)) and the first over s^q are
    instances of two limits SymPy takes once (:func:`_lemmas`); each responsibility is a function of them
    continuous at their limits (its denominator tends to g > 0), or rational in y = s^(-1/2) -> oo,
    whose limit SymPy takes.
    """
    lemmas = _lemmas()
    blocks = {
        "root": _block_limit(S ** sp.Rational(-1, 2), lemmas),
        "form": _block_limit(asymptotic_form(), lemmas),
        "far": _block_limit(sp.exp(-_A / (2 * S)), lemmas),
        "form_over_power": _block_limit(asymptotic_form() / S**_Q, lemmas),
    }
    assert blocks["root"] == sp.oo and blocks["form"] == 0 == blocks["far"]
    at_form = {_FORM: blocks["form"], _FAR: blocks["far"]}
    out = {
        **lemmas, **blocks,
        "gamma_xn": sp.limit(_responsibility(_ROOT, 1), _ROOT, sp.oo),
        "share_nearest": _share(_EXPO), "share_beyond": _share(_EXPO * _FAR),
        "share_d": _share(_EXPO, D_SYM).subs(at_form),
        # log is continuous on [0, oo]: the limit of log(p) is log of the limit of p; sigma^2 = s
        "log_xn": sp.log(sp.limit(_P * _ROOT / sp.sqrt(2 * sp.pi) + _G, _ROOT, sp.oo)),
        "log_far": sp.log((_P * _FORM / sp.sqrt(2 * sp.pi) + _G).subs(at_form)),
    }
    out["nearest"], out["beyond"] = out["share_nearest"].subs(at_form), out["share_beyond"].subs(at_form)
    # every d > 0 is delta or beyond it: gamma = (gamma / form) * form, a product of finite limits
    out["gamma_far"] = sp.Max(out["nearest"] * out["form"], out["beyond"] * out["form"])
    return out


def _others(model: CollapseModel, x: Fraction) -> sp.Expr:
    """g(x) = sum_{k >= 2} pi_k N(x | mu_k, s_k), exact."""
    return sp.Add(*(sp.Rational(w) * _density((sp.Rational(x) - sp.Rational(mu[0])) ** 2, sp.Rational(v))
                    for w, mu, v in zip(model.weights[1:], model.means, model.variances)))


def _distinct(model: CollapseModel) -> list[tuple[Fraction, int, Fraction]]:
    """(point, count, signed distance x - x_n) for every distinct data value, in data order."""
    centre = model.centre[0]
    counts: dict[Fraction, int] = {}
    for (x,) in model.data.rows:
        counts[x] = counts.get(x, 0) + 1
    return [(x, c, x - centre) for x, c in counts.items()]


def em_step_collapse(data: Dataset | None = None, point: int = 0, components: int = 2,
                      weights: tuple[Fraction, ...] | None = None, means: tuple[Fraction, ...] | None = None,
                      scales: tuple[Fraction, ...] | None = None) -> Derivation:
    """Derive one EM step for component 1 on x_n and its variance map f near the collapse s = 0.

    1-D only. Without data the example 0, 1, 3 with x_n = 0 is used.

    Parameters
    ----------
    data : Dataset, shape (N, 1), optional
    point : int
        0-based index of x_n.
    components : int
        K >= 2.
    weights, means, scales : tuple of Fraction, optional
        Shapes (K,), (K - 1,), (K - 1,); None: the documented defaults.

    Returns
    -------
    Derivation
        The M-step updates, the variance map s -> f(s) and its behaviour near s = 0.

    Examples
    --------
    >>> em_step_collapse()
    <Derivation em-step: 12 steps, log L -> oo as sigma -> 0+>
    >>> d = em_step_collapse()
    >>> d.case, d.limit_log_likelihood
    ('em-step', oo)
    """
    check_example_point(data, point)
    dataset = example_data() if data is None else data
    if dataset.dim != 1:
        raise GmmMathError(f"the EM-step derivation is 1-D, the data have {dataset.dim} coordinates "
                           "(the D > 1 statement is part of its output)", parameter="data")
    model = CollapseModel.mixture(dataset, point, components, weights, means, scales)
    points = _distinct(model)
    if all(d == 0 for _, _, d in points):
        raise GmmMathError("every data point equals x_n: there is no other point to pull the variance up, "
                           "so the EM variance map is 0", parameter="data")
    limits = _generic_limits()
    updates = m_step_updates()
    steps = _update_steps(model, updates)
    steps += _map_steps(model, points, updates, limits)
    return _result(model, points, limits, steps)


def _update_steps(model: CollapseModel, u: dict) -> list[Step]:
    kk = model.components
    density = Normal(X[m], MU_K[k], S_K[k])
    gamma_def = PI[1] * Normal(X[m], MU1, S) / sp.Sum(PI[k] * density, (k, 1, kk))
    n1 = u["n1"]
    return [
        Step("E-step", f"Bayes' rule: the responsibility of component 1 (variance s) for x_m, among K = {kk} "
             "components; mu_1 = mu[1], s = s[1].", (eq(GAMMA[m], gamma_def),)),
        Step("Q, component 1", "The expected complete-data log-likelihood, the part that involves pi_1, mu_1, s.",
             (eq(sp.Symbol("Q_1"), u["q1"]),)),
        Step("M-step", "Stationarity of Q in mu_1 and s, solved by SymPy (the variance uses the new mean); "
             "the weights maximise sum_k N_k log pi_k under sum_k pi_k = 1 (Lagrange), N_1 = sum_m gamma[m].",
             (eq(u["dq_mu"], 0), eq(u["dq_s"], 0), eq(sp.Symbol("mu_1'"), u["mu"]),
              eq(sp.Symbol("s'"), u["s"].subs(MU1, sp.Symbol("mu_1'"))),
              eq(sp.Symbol("pi_1'"), u["pi"]), eq(n1, sp.Sum(GAMMA[m], (m, 1, N_SYM))))),
    ]


def _gamma_symbolic(model: CollapseModel, d: Fraction, g: sp.Basic) -> sp.Expr:
    """gamma at a point at distance d, with ``g`` standing for the other components' density there."""
    peak = sp.Rational(model.weights[0]) * _density(sp.Rational(d) ** 2)
    return peak / (peak + g)


def _map_steps(model: CollapseModel, points, u: dict, lim: dict) -> list[Step]:
    x_n = sp.Rational(model.centre[0])
    f_general = u["s"].subs(MU1, X[n])
    r = sum(c for _, c, d in points if d == 0)
    delta = min(abs(d) for _, _, d in points if d != 0)
    nearest = [(x, c, d) for x, c, d in points if abs(d) == delta]
    pi1 = sp.Rational(model.weights[0])
    steps = []
    map_text = ("Hold mu_1 = x_n, pi_1 and components 2..K: one EM step maps s to f(s), a responsibility-"
                "weighted mean of the squared distances to x_n.")
    exprs = [eq(F(S), f_general)]
    if len(points) <= SHOWN_POINTS:
        # gamma_j, g_j: the responsibility and the density of components 2..K at the j-th distinct point
        gam = [sp.Symbol(f"gamma_{j}") for j in range(1, len(points) + 1)]
        dens = [sp.Symbol(f"g_{j}", positive=True) for j in range(1, len(points) + 1)]
        num = sp.Add(*(c * sp.Rational(d) ** 2 * gm for (_, c, d), gm in zip(points, gam) if d != 0))
        den = sp.Add(*(c * gm for (_, c, _), gm in zip(points, gam)))
        exprs.append(eq(F(S), num / den))
        exprs += [eq(gm, _gamma_symbolic(model, d, g)) for gm, g, (_, _, d) in zip(gam, dens, points)]
        exprs += [eq(g, _others(model, x)) for g, (x, _, _) in zip(dens, points)]
        map_text += (f" For the data (x_n = {x_n}; distinct points " + ", ".join(str(x) for x, _, _ in points)
                     + " with responsibilities gamma_j, where components 2..K have density g_j), exactly:")
    steps.append(Step("The variance map", map_text, tuple(exprs)))
    g_near = {x: _others(model, x) for x, _, _ in nearest}
    nearest_limit = lim["nearest"]  # lim gamma / form at distance delta, in pi_1 and g
    c_general = sp.Add(*(c * DELTA**2 * nearest_limit.subs(_G, g_near[x]) for x, c, _ in nearest)) / R_SYM
    c_mu_general = sp.Add(*(c * sp.sign(d) * DELTA * nearest_limit.subs(_G, g_near[x])
                            for x, c, d in nearest)) / R_SYM
    values = {DELTA: sp.Rational(delta), R_SYM: r, _P: pi1}
    c_value = c_general.subs(values)
    c_mu_value = c_mu_general.subs(values)
    form = asymptotic_form()
    steps.append(Step(
        "Limits for one point",
        "As s -> 0+, for a point at distance d from x_n where components 2..K have density g > 0. With t = 1/s, "
        "which grows without bound, each building block y = s^(-1/2), Y = s^(-1/2) exp(-delta^2/(2 s)) and Z = "
        "exp(-a/(2 s)) (and Y/s^q below) is k t^p exp(-c t), k > 0: SymPy takes the two limits of such products "
        "once, for symbols (first two lines), and each block is an instance of one. The responsibility at x_n is "
        "rational in y, and relative to Y a responsibility at the nearest distance delta (or beyond it, d^2 = "
        "delta^2 + a) is continuous in Y and Z at 0 (its denominator tends to g). So gamma at x_n -> 1, a point "
        "at delta keeps a finite share of Y, a farther one vanishes against it, and every responsibility at "
        "d > 0 tends to 0.",
        (eq(sp.Limit(_T**_C_POS, _T, sp.oo), lim["grow"]),
         eq(sp.Limit(_T**_P_ANY * sp.exp(-_C_POS * _T), _T, sp.oo), lim["decay"]),
         eq(sp.Limit(S ** sp.Rational(-1, 2), S, 0, "+"), lim["root"]),
         eq(sp.Limit(form, S, 0, "+"), lim["form"]),
         eq(sp.Limit(sp.exp(-_A / (2 * S)), S, 0, "+"), lim["far"]),
         eq(sp.Limit(_responsibility(_ROOT, 1), _ROOT, sp.oo), lim["gamma_xn"]),
         eq(sp.Symbol("gamma_delta") / _FORM, lim["share_nearest"]),
         eq(sp.Limit(_P * _density(DELTA**2) / ((_P * _density(DELTA**2) + _G) * form), S, 0, "+"),
               lim["nearest"]),
         eq(sp.Symbol("gamma_beyond") / _FORM, lim["share_beyond"]),
         eq(sp.Limit(_P * _density(DELTA**2 + _A) / ((_P * _density(DELTA**2 + _A) + _G) * form), S, 0, "+"),
               lim["beyond"]),
         eq(sp.Limit(_P * _density(_D**2) / (_P * _density(_D**2) + _G), S, 0, "+"), lim["gamma_far"])),
    ))
    near_text = ", ".join(str(x) for x, _, _ in nearest)
    steps.append(Step(
        "Asymptotics of f",
        f"delta is the distance from x_n to its nearest other data point ({near_text}); with r = {r} point(s) "
        "at x_n the denominator of f tends to r, the numerator is led by the nearest point(s). By the limits "
        "above:",
        (eq(DELTA, sp.Rational(delta)), eq(sp.Limit(F(S) / form, S, 0, "+"), C_SYM),
         eq(C_SYM, c_general.subs(_P, PI[1])), eq(C_SYM, c_value), eq(C_SYM, c_value.evalf(20))),
    ))
    steps.append(Step(
        "The collapse attracts",
        "f(s)/s -> 0, and f(s)/s^q -> 0 for every power q > 0: s = 0 is an attracting fixed point of EM, "
        "reached faster than any geometric rate: by the asymptotics log(1/s_{t+1}) = delta^2/(2 s_t) "
        "+ O(log(1/s_t)), so each step exponentiates the exponent.",
        (eq(sp.Limit(C_SYM * form / S, S, 0, "+"), C_SYM * lim["form_over_power"].subs(_Q, 1)),
         eq(sp.Limit(form / S**_Q, S, 0, "+"), lim["form_over_power"])),
    ))
    steps += _freed_steps(model, u, lim, c_general, c_mu_general, c_mu_value, values, r)
    steps.append(_higher_dimensions(lim))
    return steps


def _freed_steps(model, u, lim, c_general, c_mu_general, c_mu_value, values, r) -> list[Step]:
    mu_new = sp.Symbol("mu_1'")
    x_n = X[n]
    total = sp.Sum(GAMMA[m], (m, 1, N_SYM))
    shift = _split_sums(sp.Sum(GAMMA[m] * (X[m] - x_n), (m, 1, N_SYM))) / total
    # s' with the new mean minus f(s): SymPy reduces it once the weighted sum of x is written as N_1 mu_1'
    full = _split_sums(sp.Sum(GAMMA[m] * (X[m] - mu_new) ** 2, (m, 1, N_SYM)) / total
                       - sp.Sum(GAMMA[m] * (X[m] - x_n) ** 2, (m, 1, N_SYM)) / total)
    full = sp.expand(_split_sums(sp.expand(full)))
    weighted = sp.Sum(GAMMA[m] * X[m], (m, 1, N_SYM))
    difference = sp.factor(sp.cancel(full.subs(weighted, mu_new * total)))
    form = asymptotic_form()
    ratio_limit = lim["form"]  # (mu_1' - x_n)^2 / f ~ (C_mu^2 / C) form -> 0
    n_points = model.data.n
    pi_free = lim["gamma_xn"] * R_SYM / N_SYM  # pi_1' = N_1 / N -> r / N
    c_free = c_general.subs(_P, R_SYM / N_SYM)
    return [
        Step(
            "Freeing mu_1",
            "The full M-step moves the mean by a responsibility-weighted mean of x_m - x_n, led by the nearest "
            "point(s) (C_mu = 0 when they sit symmetrically), and computes the variance about the new mean: "
            "it differs from f(s) by (mu_1' - x_n)^2, of order s^(-1) exp(-delta^2/s), so relative to f(s) the "
            "change vanishes (and so does the shift of the next E-step, (mu_1' - x_n)^2/s').",
            (eq(mu_new - x_n, shift), eq(sp.Limit((mu_new - x_n) / form, S, 0, "+"), C_MU),
             eq(C_MU, c_mu_general.subs(_P, PI[1])), eq(C_MU, c_mu_value),
             eq(sp.Symbol("s'") - F(S), difference),
             eq(sp.Limit((C_MU**2 * form**2) / (C_SYM * form), S, 0, "+"), ratio_limit)),
        ),
        Step(
            "Freeing pi_1",
            f"pi_1' = N_1/N tends to r/N (N = {n_points}): the responsibilities at x_n tend to 1, all others "
            "to 0. C is proportional to pi_1 (components 2..K held), so one step later C has pi_1 = r/N:",
            (eq(sp.Limit(sp.Symbol("pi_1'"), S, 0, "+"), pi_free),
             eq(sp.Symbol("C_free"), c_free),
             eq(sp.Symbol("C_free"), c_free.subs({**values, N_SYM: n_points})),
             eq(sp.Symbol("C_free"), c_free.subs({**values, N_SYM: n_points}).evalf(20))),
        ),
        Step(
            "r coincident points at x_n",
            f"Here r = {r}. With r points at x_n the denominator of f tends to r, so C carries 1/r (the "
            "neighbours' pull is shared by r points), pi_1' -> r/N, and log L grows like r log(1/sigma): the "
            "collapse is still attracting and super-geometric; only the constant changes.",
            (eq(C_SYM, c_general.subs({_P: PI[1], DELTA: values[DELTA]})),),
        ),
    ]


def _higher_dimensions(lim) -> Step:
    """D > 1 with Sigma_1 = s I: the same stationarity solved in D dimensions, the form gets s^(-D/2)."""
    w, tot = sp.Symbol("W", positive=True), sp.Symbol("N_1", positive=True)
    q = -tot * D_SYM / 2 * sp.log(2 * sp.pi * S) - w / (2 * S)  # W = sum_m gamma_m |x_m - mu_1|^2
    s_d = solve_stationary(sp.diff(q, S), S)
    gamma = _P * _density(DELTA**2, dim=D_SYM) / (_P * _density(DELTA**2, dim=D_SYM) + _G)
    form = asymptotic_form(power=D_SYM / 2)
    share = lim["share_d"]
    return Step(
        "D > 1",
        "With Sigma_1 = s I in D dimensions Q_1 has -D N_1/2 log(2 pi s) - W/(2 s), W = sum_m gamma_m "
        "|x_m - mu_1|^2; the same limits give f(s) ~ C_D s^(-D/2) exp(-delta^2/(2 s)), each nearest point "
        "contributing delta^2/(D r) times the share below (g: the other components' density there).",
        (eq(sp.Symbol("s'"), s_d), eq(sp.Limit(gamma / form, S, 0, "+"), share)),
    )


def _result(model: CollapseModel, points, lim: dict, steps: list[Step]) -> Derivation:
    """log L along the collapse (sigma = sqrt(s)), the objective EM climbs, and its limit."""
    pi1 = sp.Rational(model.weights[0])
    sigma = SIGMA
    log_l = sp.Add(*(c * sp.log(pi1 * _density(sp.Rational(d) ** 2, sigma**2) + _others(model, x))
                     for x, c, d in points))
    pieces = [c * (lim["log_xn"] if d == 0 else lim["log_far"].subs(_G, _others(model, x))) for x, c, d in points]
    limit_log = sp.Add(*pieces)
    r = sum(c for _, c, d in points if d == 0)
    growing = expand_log_2pi(r * sp.log(pi1 * _density(0, sigma**2)))
    steps.append(Step(
        "What EM climbs",
        "Each EM step does not decrease log L; along the collapse (sigma = sqrt(s)) log L diverges, led by "
        "the r points at x_n.",
        (eq(sp.Limit(sp.log(_P * _density(0, sigma**2) + _G), sigma, 0, "+"), lim["log_xn"]),
         eq(sp.Limit(sp.log(_P * _density(_D**2, sigma**2) + _G), sigma, 0, "+"), lim["log_far"]),
         eq(sp.Limit(sp.Symbol("log(L)"), sigma, 0, "+"), limit_log)),
    ))
    assumptions = (
        "1-D; component 1 has weight pi_1 > 0, mean mu_1 and variance s = sigma_1^2 > 0",
        "components 2..K are the fixed components of `derive mixture` (same defaults)",
        f"the {model.data.n} data points as given, x_n = point {model.point}",
        "the variance map holds mu_1 = x_n and pi_1; what freeing them changes is derived at the end",
    )
    return Derivation(
        case="em-step", title="EM near a collapse: the variance map s -> f(s) of component 1 on x_n",
        assumptions=assumptions, steps=tuple(steps), log_likelihood=log_l, limit_log_likelihood=limit_log,
        limit_likelihood=sp.exp(limit_log), leading_term=dominant_term(sigma_terms(growing, sigma), sigma),
        model=model, sigma=sigma,
    )


def map_constants(derivation: Derivation) -> dict[str, sp.Expr]:
    """C, delta and C_mu of an em-step derivation, as exact SymPy numbers (read from its steps)."""
    found = {}
    for step in derivation.steps:
        for e in step.exprs:
            if isinstance(e, sp.Eq) and e.lhs in (C_SYM, DELTA, C_MU) and e.rhs.is_number and not e.rhs.is_Float:
                found.setdefault(str(e.lhs), e.rhs)
    return found
