"""Derivatives as students write them (issue 20 Part 2): ASCII and LaTeX forms, indexed differentiation."""

from __future__ import annotations

import random

import mpmath as mp
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_math.derivations.check.calculus import canonical, collapse_deltas
from gmm_math.derivations.check.claims import normal_sums
from gmm_math.derivations.check.latex import latex_to_ascii
from gmm_math.derivations.check.parser import Context, parse_assumptions
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.check.evidence import instances, mp_value

MIXTURE = "sum(log(sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K)), n=1..N)"
# PRML 9.17: only the j = k terms of the inner sum depend on mu_k
PRML_9_17 = ("sum(pi_k*N(x_n | mu_k, sigma_k^2)/sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K)"
             "*(x_n - mu_k)/sigma_k^2, n=1..N)")


def parse(text: str) -> sp.Expr:
    return Context().parse(text)


@pytest.mark.parametrize("text", [
    "d/dsigma (log(sigma) + sigma^2)", "diff(log(sigma) + sigma^2, sigma)", "d(log(sigma) + sigma^2)/d(sigma)",
])
def test_ascii_forms_agree(text: str) -> None:
    assert sp.simplify(parse(text) - (1 / sp.Symbol("sigma", positive=True) + 2 * sp.Symbol("sigma", positive=True))) == 0


def test_derivative_of_a_call_and_a_prefix_function() -> None:
    assert parse("d/dx exp(2*x)") == parse("2*exp(2*x)")
    assert sp.simplify(parse("d/dsigma log N(x | mu, sigma^2)") - parse("-1/sigma + (x - mu)^2/sigma^3")) == 0


def test_indexed_differentiation_touches_only_the_k_terms() -> None:
    assert sp.expand(parse(f"d/dmu_k {MIXTURE}") - parse(PRML_9_17)) == 0


def test_k_stays_a_free_index() -> None:
    derivative = parse(f"d/dmu_k {MIXTURE}")
    assert sp.Symbol("mu_k", real=True) in derivative.free_symbols
    assert not derivative.has(sp.KroneckerDelta)


def test_a_sum_over_the_data_of_the_k_term() -> None:
    assert normal_sums(parse("d/dmu_k sum(r_nk*(x_n - mu_k)^2, n=1..N)")
                       - parse("-2*sum(r_nk*(x_n - mu_k), n=1..N)")) == 0


def test_by_a_variance() -> None:
    found = parse("diff(log N(x | mu, s_k^2), s_k^2)")
    assert sp.simplify(found - parse("-1/(2*s_k^2) + (x - mu)^2/(2*s_k^4)")) == 0


def test_lagrangian_stationarity() -> None:
    found = parse(f"d/dpi_k ({MIXTURE} + lam*(sum(pi_j, j=1..K) - 1))")
    expected = parse("sum(N(x_n | mu_k, sigma_k^2)/sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K), n=1..N) + lam")
    assert sp.expand(found - expected) == 0


def test_responsibilities_depend_on_n_inside_a_sum() -> None:
    assert parse("sum(r_nk*x_n, n=1..N)") != parse("r_nk*sum(x_n, n=1..N)")
    terms = [node for node in sp.preorder_traversal(parse("sum(r_nk*x_n, n=1..N)")) if isinstance(node, sp.Indexed)]
    assert {(str(node.base.label), tuple(map(str, node.indices))) for node in terms} == {("r", ("n", "k")),
                                                                                         ("x", ("n",))}


@pytest.mark.parametrize(("latex", "ascii_text"), [
    (r"\frac{d}{d\sigma} \left(\log\sigma + \sigma^2\right)", "diff((log(sigma) + sigma^2), sigma)"),
    (r"\frac{\partial}{\partial \mu_k} \sum_{n=1}^{N} (x_n - \mu_k)^2", "diff(sum((x_n - mu_k)^2, n=1..N), mu_k)"),
    (r"\partial_{\mu_k} (x - \mu_k)^2", "diff((x - mu_k)^2, mu_k)"),
    (r"\nabla_{\mu_k} (x - \mu_k)^2", "diff((x - mu_k)^2, mu_k)"),
    (r"\frac{\partial \ln p(X \mid \pi,\mu,\Sigma)}{\partial \mu_k} = 0", "diff(log(p), mu_k) = 0"),
    (r"\frac{\partial}{\partial\sigma_k^2} \log \sigma_k^2", "diff(log(sigma_k^2), sigma_k^2)"),
    (r"\frac{d}{2}", "d/2"),
    (r"\frac{\partial \mathcal{L}}{\partial \pi_k}", "diff(L, pi_k)"),
])
def test_latex_forms(latex: str, ascii_text: str) -> None:
    assert latex_to_ascii(latex) == ascii_text


def test_isotropic_gradient_in_d_dimensions() -> None:
    # the isotropic density depends on x - mu through ||x - mu||^2, read as a square
    found = parse(latex_to_ascii(r"\nabla_{\mu_k} \ln \mathcal{N}(x \mid \mu_k, \sigma^2 I_D)"))
    assert sp.simplify(found - parse("(x - mu_k)/sigma^2")) == 0


@pytest.mark.parametrize("text", ["diff(x)", "diff(x, 2)", "diff(x, pi)", "diff(x, n)", "d/dx", "diff(x, y^0)",
                                  "d(x)/d(2)", "diff([1, 2], x)"])
def test_bad_derivatives_are_refused(text: str) -> None:
    with pytest.raises(GmmMathError):
        parse(text)


def test_collapse_and_canonical() -> None:
    j, k, big_k = (sp.Symbol(name, integer=True, positive=True) for name in "jkK")
    mu = sp.IndexedBase("mu", real=True)
    total = sp.Sum(sp.KroneckerDelta(j, k) * mu[j] ** 2 + mu[j], (j, 1, big_k))
    collapsed = collapse_deltas(total)
    assert collapsed == sp.Sum(mu[j], (j, 1, big_k)) + mu[k] ** 2
    assert canonical(collapsed, lambda name: sp.Symbol(name)) == sp.Sum(mu[j], (j, 1, big_k)) + sp.Symbol("mu_k") ** 2


# symbolic derivatives against high-precision finite differences at the instances the numeric route draws
_BODIES = st.sampled_from([
    "log(sigma) + sigma^2*x", "exp(-(x - mu)^2/(2*sigma^2))/sigma", "log N(x | mu, sigma^2)",
    "sum((x_n - mu)^2, n=1..N)/(2*sigma^2) + N*log(sigma)", "sqrt(sigma^2 + x^2)*mu",
])


@settings(max_examples=12, deadline=None)
@given(body=_BODIES, variable=st.sampled_from(["sigma", "mu"]), seed=st.integers(0, 10**6))
def test_symbolic_derivative_matches_finite_differences(body: str, variable: str, seed: int) -> None:
    context = Context()
    expr = context.parse(body)
    found = context.parse(f"diff({body}, {variable})")
    symbol = context.symbol(variable)
    samples, _ = instances([expr], random.Random(seed))
    for sample in samples[:4]:
        mp_value(expr, sample, 30)  # draws every value
        mp_value(symbol, sample, 30)
        at = dict(sample.at(40))
        exact = mp_value(found, at, 40)

        def f(value: mp.mpf, at: dict = at) -> mp.mpf:
            return mp_value(expr, {**at, symbol: value}, 40)

        with mp.workdps(40):
            center = mp_value(symbol, at, 40)
            step = mp.mpf(10) ** -12 * max(1, abs(center))
            numeric = (f(center + step) - f(center - step)) / (2 * step)
            assert abs(numeric - exact) <= mp.mpf(10) ** -8 * max(1, abs(exact))


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_indexed_derivative_matches_finite_differences(seed: int) -> None:
    context = Context()
    expr, found = context.parse(MIXTURE), context.parse(f"d/dmu_k {MIXTURE}")
    samples, _ = instances([expr, found], random.Random(seed))
    for sample in samples[:3]:
        value = mp_value(found, sample, 30)  # draws every value the derivative needs (k, K, N, mu_1..mu_K, ...)
        at = sample.at(40)
        key = f"mu_{int(at[context.index_symbol('k')])}"

        def f(shift: mp.mpf, at: dict = at) -> mp.mpf:
            moved = at.at(40)
            moved[key] = at[key] + shift
            return mp_value(expr, moved, 40)

        mp_value(expr, at, 40)

        with mp.workdps(40):
            step = mp.mpf(10) ** -12
            numeric = (f(step) - f(-step)) / (2 * step)
            assert abs(numeric - value) <= mp.mpf(10) ** -8 * max(1, abs(value))


def test_the_m_step_example_holds_line_by_line():
    from gmm_math.derivations.check.claims import example_path
    from gmm_math.numerics.check.runner import check_steps

    found = check_steps(example_path("em_m_step").read_text(), timeout=None)["report"]
    verdicts = [line["verdict"] for line in found["lines"] if line["verdict"] != "comment"]
    assert verdicts == ["definition", "definition", "definition", "equal", "condition", "implied", "implied",
                        "definition", "equal", "condition", "implied", "equal", "condition", "assumption",
                        "implied"]
    assert all(line["evidence"] == "symbolic" for line in found["lines"] if line["verdict"] in ("equal", "implied"))


@pytest.mark.parametrize(("latex", "ascii_text"), [
    (r"\sum_{n=1}^N \gamma(z_{nk}) x_n", "sum(gamma_nk*x_n, n=1..N)"), (r"2\gamma(z_{nk})", "2*gamma_nk"),
    (r"\gamma (x + 1)", "gamma*(x + 1)"),
])
def test_prml_responsibility_notation(latex, ascii_text):
    assert latex_to_ascii(latex) == ascii_text
    assert parse("gamma(z_nk)") == parse("gamma_nk")


def test_same_dummies_keeps_a_used_enclosing_index_apart():
    from gmm_math.derivations.check.calculus import same_dummies

    context = Context()
    one = context.parse("sum(pi_k, k=1..K)/sum(pi_j, j=1..K)")
    assert sp.simplify(same_dummies(one)) == 1
    nested = context.parse("sum(sum(pi_j*mu_k, j=1..K), k=1..K)")
    renamed = same_dummies(nested)  # SymPy holds the two sums as one with two limits
    assert len({limit[0] for limit in renamed.limits}) == 2
    two = {context.symbol("K"): 2}
    assert sp.expand(renamed.xreplace(two).doit()) == sp.expand(nested.xreplace(two).doit())


def test_the_responsibilities_sum_to_one_symbolically():
    from gmm_math.numerics.check.runner import check_steps

    text = ("let: gamma_nk = pi_k*N(x_n | mu_k, sigma_k^2)/sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K)\n"
            "sum(gamma_nk, k=1..K) = 1\n")
    line = check_steps(text, timeout=None)["report"]["lines"][1]
    assert line["verdict"] == "equal" and line["evidence"] == "symbolic"


def test_by_a_numbered_component_of_a_diagonal_covariance():
    context = Context(parse_assumptions(["Sigma = diag(s_d, d=1..D)"]))
    found = context.parse("diff(logN(x | mu, Sigma), s_1)")
    assert sp.expand(found - context.parse("(x_1 - mu_1)^2/(2*s_1^2) - 1/(2*s_1)")) == 0
    with pytest.raises(GmmMathError, match="numbered component"):
        context.parse("diff(logN(x | mu, Sigma), s_d)")
