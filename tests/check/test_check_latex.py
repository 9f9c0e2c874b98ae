"""LaTeX input: translated into the ASCII language by a grammar; hostile payloads refused fast."""

from __future__ import annotations

import time

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmm_math.derivations.check.latex import latex_to_ascii
from gmm_math.derivations.check.parser import parse_expression
from gmm_math.derivations.core.errors import GmmMathError


@pytest.mark.parametrize(("latex", "ascii_"), [
    (r"\frac{1}{\sqrt{2\pi}\sigma}\exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)", "N(x, mu, sigma)"),
    (r"\log \mathcal{N}(x_n \mid \mu_k, \sigma_k^2)", "log(N(x_n | mu_k, sigma_k^2))"),
    (r"\pi_k \mathcal{N}(x_{n} | \mu_k, \sigma_k^2)", "pi_k*N(x_n | mu_k, sigma_k^2)"),
    (r"2\sigma^2 \cdot 3", "6*sigma^2"),
    (r"\sum_{n=1}^{N} \log \mathcal{N}(x_n \mid \mu, \sigma^2)", "sum(log N(x_n | mu, sigma^2), n=1..N)"),
    (r"\prod_{n=1}^{N} \mathcal{N}(x_n \mid \mu, \sigma^2)", "prod(N(x_n | mu, sigma^2), n=1..N)"),
    (r"\sum_{m \ne n} (x_m - x_n)^2", "sum((x_m - x_n)^2, m=1..N, m != n)"),
    (r"\ln x + \sqrt[3]{x}", "log(x) + x^(1/3)"),
    (r"\left| x \right| + \lVert x \rVert + \left\| x \right\|", "3*Abs(x)"),
    (r"\frac{N}{2}\log(2\pi)", "N/2*log(2*pi)"),
])
def test_latex_means_what_the_ascii_form_means(latex, ascii_):
    assert sp.simplify(parse_expression(latex) - parse_expression(ascii_)) == 0


def test_relations_and_limits():
    assert latex_to_ascii(r"&\le a") == "<= a" and latex_to_ascii(r"a &\geq b \\") == "a >= b"
    assert latex_to_ascii(r"\lim_{\sigma \to 0^+} \log\sigma = -\infty") == "limit(log(sigma), sigma, 0+) = -oo"


HOSTILE_LATEX = {
    "input": (r"\input{/etc/passwd}", r"\input"),
    "def": (r"\def\x{1} \x", r"\def"),
    "csname": (r"\csname foo\endcsname", r"\csname"),
    "write18": (r"\immediate\write18{touch canary}", r"\immediate"),
    "deep frac": (r"\frac{" * 150 + "1" + "}{2}" * 150, "nested"),
    "tower": ("2^{" * 40 + "2" + "}" * 40, "too large"),
    "huge exponent": (r"x^{99999999}", "too large"),
    "unbalanced": (r"\frac{1}{2", "cannot be read"),
    "begin": (r"\begin{verbatim} x", r"\begin"),
    "text never closed": ("\\text{" + "{" * 1900, "never closed"),
    "deep braces": ("\\left\\{" * 120 + "x" + "\\right\\}" * 120, "nested"),
    "label smuggles input": (r"\label{\input{/etc/passwd}}\input{x}", r"\input"),
    "frame smuggles def": (r"$$\def\x{1}$$", r"\def"),
    "aligned smuggles csname": (r"\begin{aligned}\csname x\endcsname", r"\csname"),
    "bold smuggles write18": (r"\mathbf{\immediate\write18{touch canary}}", r"\immediate"),
    "frac12 chain": ("\\frac1" * 300 + "2", "cannot be read"),
    "e tower exponent": ("e^{" + "2^{" * 40 + "2" + "}" * 41, "too large"),
    "dots": ("x_1 + " + "\\cdots + " * 150 + "x_N", r"\sum_{n=1}^{N}"),
    # issue 21
    "middle smuggles input": (r"\middle|\input{x}", r"\input"),
    "gamma smuggles def": (r"\gamma(z_{\def})", r"\def"),
    "marker twice": (r"\implies \implies x = 1", "cannot be read"),
    "arrow limit without a point": (r"\lim_{\sigma \downarrow} x", "cannot be read"),
    "vert never closed": (r"\vert x + 1", "never closed"),
    "nested derivatives": (r"\frac{\partial}{\partial x} " * 60 + "x", "nested"),
    "derivative tower": (r"\frac{d}{dx} \left(" * 8 + "e^{x^9}" + r"\right)" * 8, "derivatives nest"),
    "partial smuggles input": (r"\partial_{\input{x}} x", r"\input"),
    "nabla of a command": (r"\nabla_{\def} x", r"\def"),
    # the reader's probe
    "new smuggles input": (r"\mu^{\text{new}}\input{x}", r"\input"),
    "rm smuggles def": (r"x^{\rm \def}", r"\def"),
    "upright d smuggles input": (r"\frac{\mathrm{d}}{\mathrm{d}\input{x}} x", r"\input"),
    "responsibility smuggles csname": (r"\gamma\bigl(z_{\csname}\bigr)", r"\csname"),
    "two leading ampersands": (r"& & x = 1", "cannot be read"),
    "likelihood of an unknown conditional": (r"p(X \mid \theta) + 1", "given others"),
    "deep likelihood": (r"\ln p(X \mid \pi, \mu, " + "{" * 150 + r"\Sigma" + "}" * 150 + ")", "nested"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_LATEX))
def test_hostile_latex_refused_fast(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text, needle = HOSTILE_LATEX[name]
    start = time.perf_counter()
    with pytest.raises(GmmMathError) as info:
        parse_expression(text)
    assert time.perf_counter() - start < 1.0
    assert needle in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "canary").exists()


_LATEX_TOKENS = st.sampled_from([
    "x", "x_n", "x_{n}", "\\mu", "\\sigma", "\\pi", "N", "2", "+", "-", "^", "_", "{", "}", "(", ")", "\\frac",
    "\\sqrt", "\\log", "\\exp", "\\sum", "\\prod", "_{n=1}^{N}", "\\mathcal{N}", "\\mid", ",", "\\left(",
    "\\right)", "\\cdot", "\\le", "&=", "\\lim", "\\to", "\\infty", "\\input", "\\def", "\\\\", " ", "|",
    "\\|", "||", "\\lvert", "\\rvert", "\\lVert", "\\rVert", "\\left|", "\\right|", "\\left\\|", "\\right\\|",
    "|x|", "\\Sigma",
    "\\left\\{", "\\right\\}", "\\{", "\\}", "\\left", "\\leq", "\\tfrac", "\\frac12", "e^{", "\\text{a}",
    "\\text{", "\\mathbf{x}", "\\boldsymbol", "$", "$$", "\\[", "\\]", "\\begin{aligned}", "\\end{aligned}",
    "\\nonumber", "\\label{a}", "\\cdots", "\\rightarrow", "&=&", "p(", "\\quad", ".", ",", "\\bigl(", "%",
    # issue 21
    "\\middle|", "\\vert", "\\Vert", "\\bm{", "\\gamma(z_{nk})", "\\gamma(", "z_{", "\\approx", "\\simeq",
    "\\Rightarrow", "\\implies", "\\therefore", "\\iff", "\\downarrow", "\\searrow", "\\sum_{j}", "\\sum_j",
    "\\ne", "\\geq", "&&", "\\tag{1}", "\\sigma^2", "\u03c3", "\u00b2", "\u2099",
    "\\frac{d}{d\\sigma}", "\\frac{\\partial}{\\partial \\mu_k}", "\\partial_{\\mu_k}", "\\nabla_{", "\\partial",
    "\\frac{\\partial \\ln p(X \\mid \\pi)}{\\partial \\mu_k}", "\\Rightarrow", "\\iff", "d", "\\mathcal{L}", "\\gamma(z_{nk})",
    # the reader's probe
    "^{\\text{new}}", "^{2,\\mathrm{new}}", "\\rm", "{\\rm new}", "\\mathrm{d}", "\\frac{\\mathrm{d}}{\\mathrm{d}\\mu}",
    "\\Longrightarrow", "\\quad &", "0 &=", "& ", "\\gamma\\left(z_{n k}\\right)", "\\gamma\\bigl(", "\\bigr)",
    "p(X \\mid \\pi, \\mu, \\Sigma)", "p(\\mathbf{X} \\mid \\mu, \\sigma^2)", "\\sum_{k=1}^{K} \\pi_k"])


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LATEX_TOKENS, max_size=25).map("".join))
def test_fuzz_the_latex_grammar(text):
    try:
        latex_to_ascii(text)
    except GmmMathError as err:
        assert "\n" not in str(err)


def test_an_exp_tower_stays_under_the_time_limit(cli):
    tower = "e^{" * 40 + "2" + "}" * 40
    start = time.perf_counter()
    result = cli("check", "equal", tower, "1", "--timeout", "5")
    assert result.exit_code in (1, 3) and time.perf_counter() - start < 30
