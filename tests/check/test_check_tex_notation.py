"""PRML's notation and LaTeX as students write it (issue 21), each read to the ASCII language it means."""

from __future__ import annotations

import pytest

from gmm_math.derivations.check.document import read_document
from gmm_math.derivations.check.latex import latex_to_ascii
from gmm_math.derivations.check.parser import parse_assumptions, parse_expression


@pytest.mark.parametrize(("latex", "ascii_"), [
    (r"\mathcal{N}(x \middle| \mu, \sigma^2)", "N(x | mu, sigma^2)"),
    (r"\mathcal{N}\left(x_n \middle| x_n, \sigma^2\right)", "N(x_n | x_n, sigma^2)"),
    (r"\vert x \vert + \Vert y \Vert", "|x| + ||y||"),
    (r"\left\vert x \right\vert", "|x|"),
    (r"\gamma(z_{nk})", "gamma_nk"),
    (r"\gamma\left(z_{nk}\right)", "gamma_nk"),
    (r"\mathbf{x}_n + \boldsymbol{\mu}_k + \bm{\mu}", "x_n + mu_k + mu"),
    (r"\hat{\mu}_k + \bar{x} + \tilde{\sigma}", "mu_k + x + sigma"),
    (r"\sum_j \pi_j", "sum(pi_j, j=1..K)"),
    (r"\sum_{j} \pi_j", "sum(pi_j, j=1..K)"),
    (r"\sum_{j=1}^{K} \pi_j", "sum(pi_j, j=1..K)"),
    (r"\sum_n x_n", "sum(x_n, n=1..N)"),
    (r"\sum_d x_d", "sum(x_d, d=1..D)"),
    (r"\sum_{m=1}^{N} - x_m", "sum(-x_m, m=1..N)"),
    (r"a \approx 0.818", "a ~= 0.818"),
    (r"a \simeq b", "a ~= b"),
    (r"\Rightarrow x = 2", "=> x = 2"),
    (r"\implies x = 2", "=> x = 2"),
    (r"\therefore x = 2", "=> x = 2"),
    (r"&\implies x = 2", "=> x = 2"),
    (r"\iff x = 2", "<=> x = 2"),
    (r"\lim_{\sigma \downarrow 0} \ln \sigma = -\infty", "limit(log(sigma), sigma, 0+) = -oo"),
    (r"\lim_{\sigma \searrow 0} \sigma", "limit(sigma, sigma, 0+)"),
    (r"\lim_{\sigma \to 0^+} \sigma", "limit(sigma, sigma, 0+)"),
    (r"\sigma^2_k", "sigma_k^2"),
    (r"\boxed{x + 1}", "x + 1"),
    (r"a + \underbrace{b + c}_{\text{sum}}", "a + b + c"),
    (r"\mathrm{e}^{x}", "E^x"),
    (r"L_{\mathrm{reset}}", "L_reset"),
    (r"Q_{\perp}", "Q_perp"),
    (r"p(\mathbf{x} \mid \mu, \sigma^2) = 1", "p(x | mu, sigma^2) = 1"),
])
def test_latex_notation_reads_as(latex, ascii_):
    assert latex_to_ascii(latex) == ascii_


def test_epsilon_and_lambda_are_one_name_however_spelled():
    assert parse_expression(r"\epsilon + \lambda") == parse_expression("epsilon + lambda") == \
        parse_expression("eps + lam") == parse_expression("\u03b5 + \u03bb")


def test_assume_lists_in_latex():
    found = parse_assumptions([r"\epsilon > 0, a > 0, b > a"])
    assert found.signs["eps"] == frozenset({1}) and found.signs["a"] == frozenset({1})
    assert parse_assumptions(["a > 0 and b > 0"]).signs["b"] == frozenset({1})


@pytest.mark.parametrize(("row", "pieces"), [
    (r"\ln \sigma^2 = 2\ln\sigma, \qquad \ln \frac{1}{\sigma} = -\ln\sigma", 2),
    (r"a = b \quad \text{since } b = a", 2),  # not a second relation: the row, and let: b = a (as 'where')
    (r"a = b \quad \text{since } b > 0", 2),  # a fact: the row, and assume: b > 0
    (r"x_n = 1, \dots, N", 1),
    (r"a &= b && \text{by (9.13)}", 1),
    (r"\ln \sigma^2 &\Longrightarrow 2\ln\sigma", 2),
    ("a = b, c = d", 2),
    ("sum(f, n=1..N) = 0", 1),
    ("a = 1 and b = 2", 2),
])
def test_relations_and_markers_on_one_row(row, pieces):
    rows = [found for found in read_document(row).rows if not found.text.lstrip().startswith("%")]
    assert len(rows) == pieces and {found.origin for found in rows} == {1}
