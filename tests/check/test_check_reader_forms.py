r"""Homework read as typed (issue 21, the reader's probe): each form the probe found unread or misread, one test each.

PRML's ``0 = EXPR`` (9.17, 9.21) is a condition like ``EXPR = 0``; a lone update ``\sigma_k^{2} = ...`` names the
parameter (never an identity refuted, never "holds"); ``\gamma(z_{nk})`` in every spelling is read in one place;
``^{\text{new}}``, ``:=``, an upright d, a leading ``&``, ``\Longrightarrow\quad &``, ``since N_k = ...``, a prose
'where' after a display, ``p(X \mid \pi, \mu, \Sigma)`` on a right side, and ASCII's ``gamma_nk (x_n - mu_k)``.
"""

from __future__ import annotations

import pytest
import sympy as sp

from gmm_math.derivations.check.document import read_document
from gmm_math.derivations.check.latex import respell_responsibility
from gmm_math.derivations.check.parser import parse_expression
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.check.runner import check_steps


def _same(left: str, right: str) -> bool:
    return sp.simplify(parse_expression(left) - parse_expression(right)) == 0


def _verdicts(text: str) -> list[str]:
    return [line["verdict"] for line in check_steps(text, timeout=None)["report"]["lines"]]


# ----------------------------------------------------------------------------------------------
# PRML's responsibility, one home for every spelling

@pytest.mark.parametrize("spelled", [
    r"\gamma(z_{nk}) x_n", r"\gamma(z_{n k}) x_n", r"\gamma(z_nk) x_n", r"\gamma\left(z_{nk}\right) x_n",
    r"\gamma \left( z_{nk} \right) x_n", r"\gamma\bigl(z_{nk}\bigr) x_n", r"\gamma\Bigl( z_{nk} \Bigr) x_n",
    r"\gamma(\mathbf{z}_{nk}) x_n", r"\gamma(\boldsymbol{z}_{nk})\, x_n", "gamma(z_nk)*x_n", "gamma(z_{nk}) x_n",
    "gamma (z_nk) x_n", "\u03b3(z\u2099\u2096) x\u2099",
])
def test_every_spelling_of_the_responsibility_is_gamma_nk(spelled):
    assert _same(spelled, "gamma_nk*x_n")


def test_a_responsibility_with_a_long_index_and_its_limits():
    assert _same(r"\gamma(z_{nkab})", "gamma_nkab")
    assert _same(r"2\gamma(z_{nk})^2", "2*gamma_nk^2")
    assert _same(r"\gamma(z_{nk} + 1)", "gamma*(z_nk + 1)")  # not a responsibility: gamma times a sum
    with pytest.raises(GmmMathError):
        parse_expression("gamma(z_nk + 1)")  # ASCII: an unknown function, refused, never guessed


def test_the_respelling_keeps_columns():
    for text in (r"\gamma\left( z_{n k} \right) + x", "gamma(z_nk)*x", "a + gamma (z_{nk})"):
        assert len(respell_responsibility(text)) == len(text)


# ----------------------------------------------------------------------------------------------
# 0 = EXPR is a condition, exactly like EXPR = 0

DERIVATIVE = "d/dmu_k sum_n gamma_nk log N(x_n | mu_k, sigma_k^2) = sum_n gamma_nk (x_n - mu_k) / sigma_k^2\n"


@pytest.mark.parametrize(("zero_left", "zero_right"), [
    (DERIVATIVE + "0 = sum_n gamma_nk (x_n - mu_k) / sigma_k^2\n",
     DERIVATIVE + "sum_n gamma_nk (x_n - mu_k) / sigma_k^2 = 0\n"),
    ("0 = sum(gamma_nk*(x_n - mu_k), n=1..N)\nmu_k = sum(gamma_nk*x_n, n=1..N)/sum(gamma_nk, n=1..N)\n",
     "sum(gamma_nk*(x_n - mu_k), n=1..N) = 0\nmu_k = sum(gamma_nk*x_n, n=1..N)/sum(gamma_nk, n=1..N)\n"),
    (r"0 &= \frac{N_k}{\pi_k} + \lambda \\" "\n" r"\pi_k &= -\frac{N_k}{\lambda}" "\n",
     r"\frac{N_k}{\pi_k} + \lambda &= 0 \\" "\n" r"\pi_k &= -\frac{N_k}{\lambda}" "\n"),
])
def test_zero_on_the_left_is_read_like_zero_on_the_right(zero_left, zero_right):
    assert _verdicts(zero_left) == _verdicts(zero_right)


def test_prml_9_17_is_a_condition_and_its_conclusion_is_checked():
    text = (r"0 = -\sum_{n=1}^{N} \gamma(z_{nk}) \Sigma_k^{-1}(x_n - \mu_k)" "\n"
            r"\mu_k = \frac{1}{N_k} \sum_{n=1}^{N} \gamma(z_{nk}) x_n \quad \text{where } N_k = \sum_{n=1}^{N} "
            r"\gamma(z_{nk})" "\n")
    assert _verdicts(text) == ["condition", "definition", "implied"]
    wrong = text.replace(r"\frac{1}{N_k}", r"\frac{1}{N}")
    assert _verdicts(wrong)[-1] == "fails"


# ----------------------------------------------------------------------------------------------
# a lone update line names its parameter

@pytest.mark.parametrize("text", [
    r"\sigma_k^{2} = \frac{1}{N_k}\sum_{n=1}^{N} \gamma(z_{nk})(x_n-\mu_k)^2",
    r"\mu_k = \frac{1}{N_k}\sum_n \gamma(z_{nk}) x_n",
    "sigma_k^2 = (1/N_k) * sum_{n=1}^N gamma_nk * (x_n - mu_k)^2",
    "\u03c3\u2096\u00b2 = (1/N\u2096) \u2211\u2099 \u03b3\u2099\u2096 (x\u2099 \u2212 \u03bc\u2096)\u00b2",
])
def test_a_lone_update_line_names_its_parameter_and_compares_nothing(text):
    found = check_steps(text + "\n", timeout=None)["report"]
    assert [line["verdict"] for line in found["lines"]] == ["definition"]
    assert found["lines"][0]["reason"].startswith("names ")
    assert found["verdict"] == "nothing checked"


def test_a_power_line_that_is_an_identity_is_still_checked():
    assert _verdicts("sigma^2 = sigma*sigma\n") == ["equal"]  # the name on both sides: not a definition
    assert _verdicts("sigma_k^2 = 2*sigma_k\n") == ["fails"]
    assert _verdicts("x^2 = 2\n") == ["fails"]  # x is not a parameter's name
    assert _verdicts(r"\ln \sigma^2 = 2\ln\sigma" "\n") == ["equal"]  # log of a power names nothing
    assert _verdicts("=> x^2 = 1\n") == ["fails"]  # a consequence never names


# ----------------------------------------------------------------------------------------------
# ASCII as typed

@pytest.mark.parametrize(("typed", "meant"), [
    ("gamma_nk (x_n - mu_k)^2", "gamma_nk*(x_n - mu_k)^2"),
    ("lambda (sum_j pi_j - 1)", "lam*(sum(pi_j, j=1..K) - 1)"),
    ("pi_k (1 - pi_k)", "pi_k*(1 - pi_k)"),
    ("d/dmu_k sum_n gamma_nk (x_n - mu_k)^2", "d/dmu_k sum(gamma_nk*(x_n - mu_k)^2, n=1..N)"),
])
def test_ascii_products_and_derivatives_as_typed(typed, meant):
    assert _same(typed, meant)


@pytest.mark.parametrize("text", ["f (x)", "L (sigma)", "gamma_nk(x_n)"])
def test_a_call_of_an_unknown_function_is_still_refused(text):
    with pytest.raises(GmmMathError, match="not an accepted function"):
        parse_expression(text)


def test_an_ascii_where_without_a_comma_defines():
    rows = read_document("mu_k = sum_n gamma_nk x_n / N_k   where N_k = sum_n gamma_nk\n").rows
    assert [row.text for row in rows][0] == "let: N_k = sum_n gamma_nk"


# ----------------------------------------------------------------------------------------------
# LaTeX as copied from Overleaf

@pytest.mark.parametrize(("typed", "meant"), [
    (r"\frac{\mathrm{d}}{\mathrm{d}\mu} \ln \mathcal{N}(x \mid \mu, \sigma^2)", r"\frac{d}{d\mu} \ln \mathcal{N}(x \mid \mu, \sigma^2)"),
    (r"\frac{\operatorname{d}}{\operatorname{d}\sigma} \sigma^2", r"2\sigma"),
    (r"\mu_k^{\text{new}} + \pi_k^{\rm new}", r"\mu_k + \pi_k"),
    (r"\sigma_k^{2,\mathrm{new}} + \Sigma_k^{\mathrm{new}}", r"\sigma_k^2 + \Sigma_k"),
    (r"x^{\rm T} y", "x^T*y"),
    (r"\ln p(\mathbf{X} \mid \boldsymbol{\pi}, \boldsymbol{\mu}, \boldsymbol{\sigma}^2) + 1",
     "log(prod(sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K), n=1..N)) + 1"),
    (r"\ln p(X \mid \mu, \sigma^2)", "log(prod(N(x_n | mu, sigma^2), n=1..N))"),
    # the k of the sum is bound (9.20): the derivative of lambda (sum_k pi_k - 1) by pi_k is lambda
    (r"\frac{\partial}{\partial \pi_k} \lambda \left( \sum_{k=1}^{K} \pi_k - 1 \right)", r"\lambda"),
])
def test_latex_forms_as_typed(typed, meant):
    assert _same(typed, meant)


def test_a_conditional_other_than_the_likelihood_is_still_refused_on_a_right_side():
    with pytest.raises(GmmMathError, match="given others"):
        parse_expression(r"p(x \mid \theta) + 1")


def test_a_leading_ampersand_and_a_marker_with_quad():
    text = (r"\begin{align*}" "\n" r"& \sum_{n=1}^{N} \gamma(z_{nk}) (x_n - \mu_k) = 0 \\" "\n"
            r"\Longrightarrow\quad & \mu_k = \frac{\sum_{n=1}^{N} \gamma(z_{nk}) x_n}{\sum_{n=1}^{N} \gamma(z_{nk})}"
            "\n" r"\end{align*}" "\n")
    assert _verdicts(text) == ["comment", "condition", "implied", "comment"]


@pytest.mark.parametrize("sign", [":=", r"\coloneqq", r"\triangleq", r"\equiv", r"\stackrel{\text{def}}{=}",
                                  r"\overset{\mathrm{def}}{=}"])
def test_a_definition_sign_makes_a_let(sign):
    text = (r"\begin{align*}" "\n" f"N_k &{sign} " r"\sum_{n=1}^{N} \gamma(z_{nk}) \\" "\n"
            r"\sum_{k=1}^{K} N_k &= N" "\n" r"\end{align*}" "\n")
    assert _verdicts(text) == ["comment", "definition", "equal", "comment"]


def test_a_trailing_tends_to_is_dropped_with_a_note():
    text = r"\[ \mathcal{N}(x_n \mid x_n, \sigma^2) = \frac{1}{\sqrt{2\pi}\sigma} \to \infty \]" "\n"
    line = check_steps(text, timeout=None)["report"]["lines"][0]
    assert line["verdict"] == "equal" and "not checked" in line["reason"] and "\\lim" in line["reason"]


def test_a_since_clause_that_defines_is_a_let():
    text = r"\[ \sum_{k=1}^{K} N_k = N \quad \text{since } N_k = \sum_{n=1}^{N} \gamma(z_{nk}) \]" "\n"
    assert _verdicts(text) == ["definition", "equal"]


def test_a_prose_where_after_a_display_defines_for_that_display_only_when_used():
    display = (r"\begin{equation}" "\n" r"\sum_{k=1}^{K} N_k = N" "\n" r"\end{equation}" "\n")
    where = r"where we have defined $N_k = \sum_{n=1}^{N} \gamma(z_{nk})$." "\n"
    assert _verdicts(display + where) == ["definition", "comment", "equal", "comment", "comment"]
    unused = display.replace("N_k", "M_k")
    assert "definition" not in _verdicts(unused + where)


def test_a_conclusion_with_a_name_nothing_defines_is_not_checked():
    condition = (r"\frac{\partial}{\partial \sigma_k^2} \sum_{n=1}^{N} \gamma(z_{nk}) \ln \mathcal{N}(x_n \mid \mu_k, "
                 r"\sigma_k^2) = \sum_{n=1}^{N} \gamma(z_{nk}) \left( \frac{(x_n - \mu_k)^2}{2\sigma_k^4} - "
                 r"\frac{1}{2\sigma_k^2} \right) \\" "\n" r"= 0" "\n")
    update = r"\sigma_k^{2} = \frac{1}{N_k}\sum_{n=1}^{N} \gamma(z_{nk})(x_n-\mu_k)^2"
    loose = check_steps(condition + update + "\n", timeout=None)["report"]["lines"][-1]
    assert loose["verdict"] == "not checked" and "let: N_k" in loose["reason"]
    defined = update + r" \quad \text{where } N_k = \sum_{n=1}^{N} \gamma(z_{nk})" "\n"
    assert _verdicts(condition + defined)[-1] == "implied"  # the continuation '= 0' states the line above's last side
    assert _verdicts(condition + defined.replace(r"\frac{1}{N_k}", r"\frac{1}{N}"))[-1] == "fails"
