"""LaTeX as students type it: function arguments, frames, decorations, subscripted Greek, messages as typed."""

from __future__ import annotations

import json

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_math.derivations.check.latex import COMMANDS, _lark, latex_to_ascii, steps_text, unframe
from gmm_math.derivations.check.parser import parse_expression
from gmm_math.derivations.core.errors import GmmMathError
from conftest import assert_one_line_error


def _same(latex: str, ascii_: str) -> bool:
    return sp.simplify(parse_expression(latex) - parse_expression(ascii_)) == 0


# an unparenthesised argument of \log, \ln, \exp, \det takes the juxtaposed factors after it
@pytest.mark.parametrize(("latex", "ascii_"), [
    (r"\ln 2\pi", "log(2*pi)"),
    (r"\log 2\pi", "log(2*pi)"),
    (r"-\frac{D}{2}\ln 2\pi", "-D/2*log(2*pi)"),
    (r"\frac{N}{2}\log 2\pi", "N/2*log(2*pi)"),
    (r"-N\log\sigma - \frac{N}{2}\log 2\pi", "-N*log(sigma) - N/2*log(2*pi)"),
    (r"\ln \pi_1 \mathcal{N}(x_1 \mid \mu, \sigma^2)", "log(pi_1*N(x_1 | mu, sigma^2))"),
    (r"\ln 2\pi\sigma^2", "log(2*pi*sigma^2)"),
    (r"\log\sigma - 1", "log(sigma) - 1"),
    (r"\log x \cdot y", "log(x)*y"),
    (r"\log x \times y", "log(x)*y"),
    (r"a \cdot \log x y", "a*log(x*y)"),
    (r"\ln x / 2", "log(x)/2"),
    (r"\log(2)\pi", "log(2)*pi"),
    (r"\log\left(2\right)\pi", "log(2)*pi"),
    (r"\ln\left|\Sigma\right| x", "log(Abs(Sigma))*x"),
    (r"\log x \log y", "log(x)*log(y)"),
    (r"\ln 2 \sum_{n=1}^{N} x_n", "log(2)*sum(x_n, n=1..N)"),
    (r"\exp x y", "exp(x*y)"),
    (r"\sum_{n=1}^{N} \ln 2\pi x_n", "sum(log(2*pi*x_n), n=1..N)"),
])
def test_function_argument_takes_the_juxtaposed_factors(latex, ascii_):
    assert _same(latex, ascii_)


def test_the_misreading_is_gone():
    assert not _same(r"\ln 2\pi", "log(2)*pi")
    assert latex_to_ascii(r"\ln \pi_1 \mathcal{N}(x_n \mid \mu_1, \sigma^2)") == "log(pi_1*N(x_n | mu_1, sigma^2))"


def test_ascii_keeps_an_explicit_product_out_of_the_argument():
    assert parse_expression("log 2*pi") == sp.log(2) * sp.pi
    assert parse_expression("log sigma^2") == sp.log(parse_expression("sigma") ** 2)


@pytest.mark.parametrize(("latex", "ascii_"), [
    (r"e^{-\frac{(x-\mu)^2}{2\sigma^2}}", "exp(-(x - mu)^2/(2*sigma^2))"),
    (r"\frac{1}{\sqrt{2\pi}\sigma} e^{-\frac{(x-\mu)^2}{2\sigma^2}}", "N(x, mu, sigma)"),
    (r"\exp\left\{ -\frac{x^2}{2} \right\}", "exp(-x^2/2)"),
    (r"\exp\{ -x \}", "exp(-x)"),
    (r"\left[ x + 1 \right]^2", "(x + 1)^2"),
    (r"\bigl( x + 1 \bigr)^2 + \Big(x\Big)", "(x + 1)^2 + x"),
    (r"\frac12 + \tfrac{1}{2} + \dfrac{x}{2} + \frac\pi2 + \frac{1}2 + \frac x2", "1 + x + pi/2 + 1/2"),
    (r"\mathbf{x}_n + \boldsymbol{\mu}_k + \bm{x} + \boldsymbol\mu", "x_n + mu_k + x + mu"),
    (r"\sigma_{j}^2 + \sigma_k", "sigma_j^2 + sigma_k"),
    (r"\,x\;+\!1\quad", "x + 1"),
    (r"x + 1 \qquad \text{(by Jensen)}", "x + 1"),
    (r"x + 1 \quad \text{for } n = 1, \dots, N", "x + 1"),
    (r"x \text{ }+ 1", "x + 1"),
    (r"$x^2$", "x^2"),
    (r"$\sigma$", "sigma"),
    (r"$$\frac{1}{2}$$", "1/2"),
    (r"\[ \frac{1}{2} \]", "1/2"),
    (r"\frac{1}{2}.", "1/2"),
    (r"\frac{1}{2}, \\", "1/2"),
    (r"\frac{1}{2} \nonumber \label{eq:half} \\[2pt]", "1/2"),
    (r"\frac{1}{2} \notag % a comment", "1/2"),
    (r"\begin{aligned} \frac{1}{2} \end{aligned}", "1/2"),
])
def test_forms_students_type(latex, ascii_):
    assert _same(latex, ascii_)


@pytest.mark.parametrize(("latex", "ascii_"), [
    (r"\lim_{\sigma_k \to 0^+} \mathcal{N}(x_n \mid x_n, \sigma_k^2) = \infty",
     "limit(N(x_n | x_n, sigma_k^2), sigma_k, 0+) = oo"),
    (r"\lim_{\sigma_{j} \rightarrow 0^{+}} \log\sigma_j = -\infty", "limit(log(sigma_j), sigma_j, 0+) = -oo"),
    (r"\lim\limits_{\sigma \to 0} \sigma = 0", "limit(sigma, sigma, 0) = 0"),
    (r"a &=& b", "a = b"),
    (r"a &\leq& b \\", "a <= b"),
    (r"a \le b \leq c \leqslant d \ne g \neq f", "a <= b <= c <= d != g != f"),
    (r"e + e_k + x_e", "E + e_k + x_e"),
    (r"\ln p(X \mid \pi,\mu,\Sigma) &= 3,", "log(p(X | pi, mu, Sigma)) = 3"),
])
def test_relations_limits_and_names(latex, ascii_):
    assert latex_to_ascii(latex) == ascii_


@pytest.mark.parametrize("latex", [r"&= \ln p(X \mid \pi)", r"a = \ln p(X|\pi)", r"2\ln p(X|\pi) = 1"])
def test_a_conditional_only_names_a_left_side(latex):
    with pytest.raises(GmmMathError, match="only name a left side"):
        latex_to_ascii(latex)


def test_left_brace_is_not_read_as_le():
    assert latex_to_ascii(r"\left\{ x \right\} \le \left( y \right)") == "(x) <= (y)"


def test_a_longer_command_is_never_split():
    """For every known command that starts with another (\\left and \\le), the lexer never yields the shorter."""
    pairs = [(long, short) for long in COMMANDS for short in COMMANDS if long != short and long.startswith(short)]
    assert ("left", "le") in pairs and ("leq", "le") in pairs and ("cdots", "cdot") in pairs
    for long, short in pairs:
        try:
            first = str(next(iter(_lark().lex("\\" + long + " "))))
        except Exception:  # noqa: BLE001 - the lexer refusing it is fine: what matters is no split
            continue
        assert first != "\\" + short, (long, short)


@pytest.mark.parametrize(("latex", "needles"), [
    (r"&\to \infty", [r"\to at column 2", r"\lim_{\sigma \to 0^+}"]),
    (r"x \rightarrow 0", [r"\rightarrow", r"\lim_{"]),
    (r"x_1 + \cdots + x_N", [r"\cdots at column 7", r"\sum_{n=1}^{N} x_n"]),
    (r"x_1 + \dots + x_N", [r"\dots", r"\sum_{n=1}^{N}"]),
    (r"x_1 + \ldots + x_N", [r"\ldots", r"\sum_{n=1}^{N}"]),
    (r"\left. x \right|", [r"\left at column 1", r"\{"]),
    (r"\text{x + 1", [r"\text at column 1 is never closed"]),
    (r"\sigma_{\mu+1}", [r"'\mu+1' of '\sigma'"]),
    (r"$$ \foo $$", [r"\foo at column 4"]),
    (r"\frac{1}{2", ["ends too early"]),
    (r"\begin{aligned}", ["nothing to check"]),
    (r"p(X \mid \pi)", [r"p(X \mid \pi) (a quantity given others)", r"\ln p(X \mid \pi, \mu, \Sigma) = EXPR"]),
])
def test_refusals_name_the_construct_as_typed(latex, needles):
    with pytest.raises(GmmMathError) as info:
        parse_expression(latex)
    message = str(info.value)
    for needle in needles:
        assert needle in message, (needle, message)
    assert "\\\\" not in message and "\n" not in message


@pytest.mark.parametrize(("latex", "typed"), [
    (r"x_{n}^{\infty}", r"'x_{n}^{\infty}'"),
    (r"\sqrt{-1} + \sigma", r"'\sqrt{-1} + \sigma'"),
    (r"Q(\theta)", r"'Q(\theta)'"),
])
def test_messages_quote_the_latex_not_its_ascii_reading(latex, typed):
    with pytest.raises(GmmMathError) as info:
        parse_expression(latex)
    assert typed in str(info.value) and "\\\\" not in str(info.value)


@pytest.mark.parametrize(("latex", "ascii_"), [
    (r"\ln|\Sigma|", "log(Abs(Sigma))"),
    (r"\frac{1}{(2\pi)^{D/2}|\Sigma|^{1/2}}", "1/((2*pi)^(D/2)*Abs(Sigma)^(1/2))"),
])
def test_plain_bars(latex, ascii_):
    assert _same(latex, ascii_)


@pytest.mark.parametrize(("latex", "ascii_"), [
    (r"\ln\left|\Sigma\right|", "log(Abs(Sigma))"),
    (r"\frac{1}{(2\pi)^{D/2}\left|\Sigma\right|^{1/2}}", "1/((2*pi)^(D/2)*Abs(Sigma)^(1/2))"),
])
def test_bars_with_left_right(latex, ascii_):
    assert _same(latex, ascii_)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["x", " ", "$", "$$", "\\[", "\\]", "\\\\", "%", ",", ".", "&", "=", "{", "}",
                                 "\\label{", "\\text{", "\\mathbf{", "\\bm", "\\nonumber", "\\begin{aligned}",
                                 "\\end{gather*}", "\\quad", "\\le", "\ufeff"]), max_size=20).map("".join))
def test_unframe_keeps_columns(text):
    try:
        blanked = unframe(text)
    except GmmMathError as err:
        assert "never closed" in str(err)
        return
    assert len(blanked) == len(text)
    assert all(new == old or new == " " for new, old in zip(blanked, text, strict=True))


# ----------------------------------------------------------------------------------------------
# steps files as copied from a homework

_PRML = "\ufeff" + r"""$$
\begin{aligned}
\ln p(X \mid \pi,\mu,\Sigma) &= -N\ln\sigma - \frac{N}{2}\ln 2\pi, \nonumber \\
&= -\frac{N}{2}\ln(2\pi) - \frac{N}{2}\ln\sigma^2. \label{eq:a}
\end{aligned}
$$
\[\lim_{\sigma_k \to 0^+} \ln \pi_1 \mathcal{N}(x_n \mid x_n, \sigma_k^2) = \infty\]
"""


def _verdicts(cli, tmp_path, text, *options):
    path = tmp_path / "steps.tex"
    path.write_bytes(text.encode("utf-8"))
    result = cli("check", "steps", str(path), "--format", "json", *options)
    return result, json.loads(result.stdout)


def test_a_framed_prml_derivation_with_bom_holds(cli, tmp_path):
    result, report = _verdicts(cli, tmp_path, _PRML)
    assert [line["verdict"] for line in report["lines"]] == [
        "comment", "comment", "definition", "equal", "comment", "comment", "equal"], report["lines"]
    assert result.exit_code == 0 and report["lines"][1]["text"] == r"\begin{aligned}"


def test_the_misread_row_is_caught_when_wrong(cli, tmp_path):
    planted = _PRML.replace(r"\ln(2\pi) - \frac{N}{2}\ln\sigma^2", r"\ln 2 \cdot \pi - \frac{N}{2}\ln\sigma^2")
    result, report = _verdicts(cli, tmp_path, planted)
    assert result.exit_code == 1 and report["lines"][3]["verdict"] == "fails"


@pytest.mark.parametrize(("environment", "relation"), [
    ("eqnarray*", "&=&"), ("gather*", "="), ("align", "&="), ("split", "&=")])
def test_environments(cli, tmp_path, environment, relation):
    text = (f"\\begin{{{environment}}}\n\\log \\mathcal{{N}}(x \\mid \\mu, \\sigma^2) {relation} "
            f"-\\ln\\sigma - \\frac12 \\ln 2\\pi - \\frac{{(x-\\mu)^2}}{{2\\sigma^2}} \\\\\n"
            f"\\end{{{environment}}}\n")
    result, report = _verdicts(cli, tmp_path, text)
    assert [line["verdict"] for line in report["lines"]] == ["comment", "equal", "comment"], report["lines"]
    assert result.exit_code == 0


def test_a_to_row_is_unreadable_and_the_rest_still_checked(cli, tmp_path):
    text = "\\begin{align*}\n\\log \\sigma^2 &= 2\\log\\sigma \\\\\n&\\to -\\infty\n\\end{align*}\n"
    result, report = _verdicts(cli, tmp_path, text)
    verdicts = [line["verdict"] for line in report["lines"]]
    assert verdicts == ["comment", "equal", "unreadable", "comment"], report["lines"]
    assert r"\lim_{\sigma \to 0^+}" in report["lines"][2]["reason"]


def test_steps_text_marks_frames_as_comments_only_for_latex():
    assert steps_text("$$\nx = y\n$$", "auto").splitlines() == ["%$$", "x = y", "%$$"]
    assert steps_text("$$\nx = y\n$$", "ascii") == "$$\nx = y\n$$"
    assert steps_text(r"$$ x = y $$", "auto").startswith("\\,")


def test_check_equal_reads_the_textbook_way(cli):
    assert cli("check", "equal", r"-\frac{D}{2}\ln 2\pi", r"-\frac{D}{2}\ln(2\pi)").exit_code == 0
    assert cli("check", "equal", r"\ln 2\pi", r"\ln(2)\pi").exit_code == 1
    assert_one_line_error(cli("check", "equal", r"x_1 + \cdots + x_N", "x"), r"\cdots", r"\sum_{n=1}^{N}")
