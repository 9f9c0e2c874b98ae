"""Vectors in D dimensions beyond c*I_D: diagonal covariances with a symbolic D, small explicit matrices."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmm_math.derivations.check.parser import Context, parse_assumptions, parse_expression
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.check.runner import check_equal, check_steps


def _equal(lhs: str, rhs: str, *assume: str) -> dict:
    return check_equal(lhs, rhs, assume=list(assume), timeout=None)["report"]


def _in(assume: str, text: str) -> sp.Expr:
    return Context(parse_assumptions([assume])).parse(text)


# ----------------------------------------------------------------------------------------------
# diagonal covariances, symbolic D

_DIAG = "Sigma = diag(sigma_d^2, d=1..D)"


@pytest.mark.parametrize("spelling", ["diag(sigma_d^2, d=1..D)", "diag(sigma_1^2, ..., sigma_D^2)",
                                      r"\operatorname{diag}(\sigma_1^2, \dots, \sigma_D^2)",
                                      r"\mathrm{diag}(\sigma_1^2, \ldots, \sigma_D^2)"])
def test_the_spellings_of_a_diagonal_covariance_agree(spelling):
    determinant = f"\\det {spelling}" if spelling.startswith("\\") else f"det({spelling})"
    assert sp.simplify(parse_expression(determinant) - parse_expression("det(diag(sigma_d^2, d=1..D))")) == 0


@pytest.mark.parametrize(("lhs", "rhs"), [
    ("det(Sigma)", "prod(sigma_d^2, d=1..D)"),
    ("|Sigma|", "prod(sigma_d^2, d=1..D)"),
    ("log|Sigma|", "2*sum(log(sigma_d), d=1..D)"),
    ("(x - mu)^T*Sigma^(-1)*(x - mu)", "sum((x_d - mu_d)^2/sigma_d^2, d=1..D)"),
    ("(x_n - mu_k)^T*Sigma^(-1)*(x_n - mu_k)/2", "sum((x_n_d - mu_k_d)^2/(2*sigma_d^2), d=1..D)"),
    ("logN(x | mu, Sigma)",
     "-D*log(2*pi)/2 - sum(log(sigma_d), d=1..D) - sum((x_d - mu_d)^2/(2*sigma_d^2), d=1..D)"),
    ("log N(x_1 | x_1, Sigma)", "-D*log(2*pi)/2 - sum(log(sigma_d), d=1..D)"),
    ("det(Sigma + eps*I_D)", "prod(sigma_d^2 + eps, d=1..D)"),
])
def test_diagonal_reductions_hold(lhs, rhs):
    found = _equal(lhs, rhs, _DIAG, "eps > 0")
    assert found["verdict"] == "holds", found["symbolic"]


@pytest.mark.parametrize(("lhs", "rhs"), [
    ("log|Sigma|", "sum(log(sigma_d), d=1..D)"),
    ("(x - mu)^T*Sigma^(-1)*(x - mu)", "sum((x_d - mu_d)^2*sigma_d^2, d=1..D)"),
    ("logN(x | mu, Sigma)", "-D*log(2*pi)/2 - sum(log(sigma_d), d=1..D) - sum((x_d - mu_d)^2, d=1..D)/2"),
])
def test_wrong_diagonal_steps_fail_with_a_real_counterexample(lhs, rhs):
    found = _equal(lhs, rhs, _DIAG)
    assert found["verdict"] == "fails" and found["counterexample"]["point"]["D"] in ("1", "2", "3")


def test_all_equal_variances_give_minus_d_log_sigma():
    assert _equal("log N(x | x, Sigma)", "-D*log(2*pi)/2 - D*log(sigma)", "Sigma = diag(sigma^2, d=1..D)")[
        "verdict"] == "holds"
    assert _equal("log N(x | x, Sigma)", "-D*log(2*pi)/2 - log(sigma)", "Sigma = diag(sigma^2, d=1..D)")[
        "verdict"] == "fails"


def test_a_numbered_diag_is_an_explicit_matrix():
    assert parse_expression("det(diag(s_d, d=1..3))") == parse_expression("s_1*s_2*s_3")
    assert parse_expression("det(diag(a, b))") == parse_expression("a*b")


def test_the_diagonal_collapse_as_a_steps_file():
    text = ("assume: Sigma = diag(sigma_d^2, d=1..D)\n"
            "log N(x_1 | x_1, Sigma)\n"
            "= -D*log(2*pi)/2 - log|Sigma|/2\n"
            "= -D*log(2*pi)/2 - sum(log(sigma_d), d=1..D)\n"
            "limit(-D*log(2*pi)/2 - D*log(sigma), sigma, 0, +) = oo\n")
    found = check_steps(text, timeout=None)["report"]
    assert [line["verdict"] for line in found["lines"]] == ["assumption", "definition", "equal", "equal", "equal"]


def test_the_old_isotropic_name_is_no_longer_misread():
    """Sigma = sigma^2*I_D used to lose I_D when given to a name: log|Sigma| read as log(sigma^2)."""
    assert _equal("log|Sigma|", "D*log(sigma^2)", "Sigma = sigma^2*I_D")["verdict"] == "holds"
    assert _equal("log|Sigma|", "log(sigma^2)", "Sigma = sigma^2*I_D")["verdict"] == "fails"


@pytest.mark.parametrize(("text", "needle"), [
    ("diag(s_d, d=1..D)", "not a number"),
    ("log(diag(s_d, d=1..D))", "of a matrix is not accepted"),
    ("diag(s_d, k=1..D)", "index of diag is the letter d"),
    ("diag(s_d, d=2..D)", "starts at 1"),
    ("diag(s_d, d=1..x)", "a count"),
    ("diag(s_1, ..., t_D)", "differ only in the index"),
    ("diag(s_d, d=1..5)", "up to 4 x 4"),
    ("x^T*diag(s_d, d=1..D)", "between two vectors"),
    ("diag(s_d, d=1..D)^(1/2)", "whole power"),
])
def test_diagonal_misuse_is_refused_clearly(text, needle):
    with pytest.raises(GmmMathError, match=needle) as info:
        parse_expression(text)
    assert "\n" not in str(info.value)


# ----------------------------------------------------------------------------------------------
# explicit matrices, D a number <= 4


@pytest.mark.parametrize(("lhs", "rhs"), [
    ("det([[a, b], [b, c]])", "a*c - b^2"),
    ("|[[a, b], [b, c]]|", "a*c - b^2"),
    ("det([[a, b], [b, c]]^(-1))", "1/(a*c - b^2)"),
    ("[1, 2]^T*[[2, 0], [0, 4]]^(-1)*[1, 2]", "3/2"),
    ("[x_1 - m_1, x_2 - m_2]^T*[[s, 0], [0, t]]^(-1)*[x_1 - m_1, x_2 - m_2]", "(x_1 - m_1)^2/s + (x_2 - m_2)^2/t"),
    ("||[a, b]||^2", "a^2 + b^2"),
    ("logN(x | mu, [[s, 0], [0, t]])", "logN(x_1 | mu_1, s) + logN(x_2 | mu_2, t)"),
    ("logN([y_1, y_2] | [m_1, m_2], diag(s, t))", "logN(y_1 | m_1, s) + logN(y_2 | m_2, t)"),
    (r"\det \begin{pmatrix} a & b \\ b & c \end{pmatrix}", "a*c - b^2"),
    (r"\det \begin{bmatrix} 2 & 1 \\ 1 & 2 \end{bmatrix}^{-1}", "1/3"),
])
def test_explicit_matrices(lhs, rhs):
    found = _equal(lhs, rhs, "s > 0", "t > 0")
    assert found["verdict"] == "holds", found["symbolic"]


def test_a_named_covariance_is_drawn_positive_definite():
    lhs = "logN(x | mu, S)"
    rhs = ("-log(2*pi) - log(a*c - b^2)/2 - (c*(x_1 - mu_1)^2 - 2*b*(x_1 - mu_1)*(x_2 - mu_2)"
           " + a*(x_2 - mu_2)^2)/(2*(a*c - b^2))")
    found = _equal(lhs, rhs, "S = [[a, b], [b, c]]")
    assert found["verdict"] == "holds" and "positive definite" in found["tried"]
    assert all(entry["agrees"] for entry in found["numeric"])  # defined everywhere: a*c - b^2 > 0
    for entry in found["numeric"]:
        a, b, c = (float(entry["at"][name]) for name in "abc")
        assert a > 0 and a * c - b * b > 0
    wrong = _equal(lhs, rhs.replace("2*b*", "b*"), "S = [[a, b], [b, c]]")
    assert wrong["verdict"] == "fails" and wrong["counterexample"] is not None


@pytest.mark.parametrize(("text", "needle"), [
    ("[[1, 2, 3, 4, 5]]", "up to 4 x 4"),
    ("det([[1, 2], [3, 4], [5, 6]])", "square"),
    ("[[1, 1], [1, 1]]^(-1)*[1, 1]", "determinant 0"),
    ("[1, 2] + 1", "matrix and a number"),
    ("logN(x | mu, [[1, 0], [0, 1], [0, 0]])", "square"),
    ("logN([x_1, x_2, x_3] | [0, 0], [[1, 0], [0, 1]])", "vector of 2 entries"),
    ("logN([x_1, x_2] | [0, 0], 1)", "needs a matrix covariance"),
    ("[1, 2]*[3, 4]", "cannot be built"),
])
def test_matrix_misuse_is_refused_clearly(text, needle):
    with pytest.raises(GmmMathError, match=needle) as info:
        parse_expression(text)
    assert "\n" not in str(info.value)


_MATRIX_TOKENS = st.sampled_from([
    "[", "]", ",", "[[a, b], [b, c]]", "[x_1, x_2]", "diag(", "d=1..D", "...", "sigma_d", "sigma_1", "sigma_D",
    ")", "(", "^T", "^(-1)", "*", "+", "-", "det", "|", "||", "logN(x |", "mu,", "x", "I_D", "2", "s_d", "log"])


@pytest.mark.slow
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MATRIX_TOKENS, max_size=14).map("".join))
def test_fuzz_matrix_constructs_build_or_refuse(text):
    """Token soup of the new constructs: a SymPy expression or one clear line, never another exception."""
    try:
        expr = parse_expression(text)
    except GmmMathError as err:
        assert "\n" not in str(err) and "Traceback" not in str(err)
    else:
        assert isinstance(expr, sp.Expr) and not expr.has(sp.MatrixBase)
