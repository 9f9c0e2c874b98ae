r"""Homework read as typed (issue 21, the second reader's leftovers): one test each.

A line of joining words between displays ("and so", "Thus,") is prose; a stated constraint on the weights
(``\sum_k \pi_k = 1``, ``0 \le \pi_k \le 1``) is an assumption; a ``let:`` below the line that uses its name;
``p(z_k = 1 \mid \mathbf{x})`` and ``\mathbb{E}[z_{nk}]`` as named quantities; ASCII ``gamma_nk(x_n - mu_k)``.
"""

from __future__ import annotations

import pytest

from gmm_math.derivations.check.document import is_prose
from gmm_math.numerics.check.runner import check_steps


def _lines(text: str) -> list[dict]:
    return [line for line in check_steps(text, timeout=None)["report"]["lines"] if line["verdict"] != "comment"]


def _verdicts(text: str) -> list[str]:
    return [line["verdict"] for line in _lines(text)]


# ----------------------------------------------------------------------------------------------
# a line of joining words is prose

@pytest.mark.parametrize("line", ["and so", "Thus,", "which gives", "hence", "so that", "Therefore",
                                  "i.e.", "so", "It follows that", "and hence,"])
def test_a_line_of_joining_words_is_prose(line):
    assert is_prose(line)


@pytest.mark.parametrize("line", ["so x = y", "sigma", "x_n", "hence mu_k = a", "mu sigma", "N_k", "E", "e", "i"])
def test_maths_is_not_prose(line):
    assert not is_prose(line)


def test_joining_words_between_displays_are_comments_in_tex_and_ascii():
    tex = "\\[ a + b = b + a \\]\nand so\n\\[ (a + b)^2 = a^2 + 2 a b + b^2 \\]\nThus,\n\\[ a - a = 0 \\]\n"
    assert _verdicts(tex) == ["equal", "equal", "equal"]
    ascii_text = "a + b = b + a\nwhich gives\n(a + b)^2 = a^2 + 2*a*b + b^2\nhence\n(a+b)^2 = a^2 + 2*a*b + b^3\n"
    assert _verdicts(ascii_text) == ["equal", "equal", "fails"]


# ----------------------------------------------------------------------------------------------
# a line that only constrains the weights is stated, never checked as an identity

@pytest.mark.parametrize("text", [
    "sum(pi_k, k=1..K) = 1", "sum_k pi_k = 1", "sum_{k=1}^K pi_k = 1", "pi_1 + pi_2 + pi_3 = 1",
    "0 <= pi_k <= 1", "pi_k >= 0", r"\[ \sum_{k=1}^{K} \pi_k = 1 \]", r"\[ 0 \le \pi_k \le 1 \]",
    "0 <= pi_k <= 1, sum_k pi_k = 1",
])
def test_a_weight_constraint_on_its_own_line_is_an_assumption(text):
    *stated, step = _lines(text + "\nx + x = 2*x\n")  # a comma list is one line per relation
    assert stated and step["verdict"] == "equal"
    assert all(line["verdict"] == "assumption" and "constraint on the weights" in line["reason"] for line in stated)


@pytest.mark.parametrize("text", ["pi_1 + pi_2 = 2", "sum_k N_k = N", "pi_k = N_k / N", "sum_{k=0}^K pi_k = 1",
                                  "so sum_k pi_k = 1", "sum_k gamma_nk = 1", "0 <= pi_k <= 2"])
def test_other_relations_are_not_constraints(text):
    assert "assumption" not in _verdicts("x + x = 2*x\n" + text + "\n")


def test_the_constraint_is_held_in_force_below_and_may_be_restated():
    assert _verdicts("sum_k pi_k = 1\nlog(sum_k pi_k) = 0\nsum_k pi_k = 1\n") == ["assumption", "equal",
                                                                                   "assumption"]
    assert _verdicts("log(sum_k pi_k) = 0\n")[-1] == "fails"  # without it, the line is refuted


# ----------------------------------------------------------------------------------------------
# a definition below the line that uses it ("where we have defined", PRML 9.18 after 9.17)

def test_a_let_below_the_line_that_uses_it_is_read_and_the_line_says_so():
    text = "sum_n gamma_nk (x_n - mu_k) = sum_n gamma_nk x_n - N_k mu_k\nlet: N_k = sum_n gamma_nk\n"
    used, let = _lines(text)
    assert used["verdict"] == "equal" and "N_k as defined on line 2, below" in used["reason"]
    assert let["verdict"] == "definition"
    wrong = "sum_n gamma_nk (x_n - mu_k) = sum_n gamma_nk x_n - N_k mu_k^2\nlet: N_k = sum_n gamma_nk\n"
    assert _verdicts(wrong) == ["fails", "definition"]


def test_a_line_that_does_not_use_the_later_name_is_not_told_about_it():
    (line, _) = _lines("x + x = 2*x\nlet: N_k = sum_n gamma_nk\n")
    assert "defined on line" not in (line["reason"] or "")


def test_a_definition_above_wins_over_one_below():
    text = "let: S = 2\nS + S = 4\nlet: S = 3\n"
    assert _verdicts(text)[1] == "equal"


def test_prose_announcing_definitions_makes_the_display_below_a_let():
    text = ("\\begin{align}\n0 &= \\sum_{n=1}^N \\gamma(z_{nk}) (x_n - \\mu_k) \\\\\n"
            "\\mu_k &= \\frac{1}{N_k} \\sum_{n=1}^N \\gamma(z_{nk}) x_n\n\\end{align}\nwhere we have defined\n"
            "\\begin{equation}\nN_k = \\sum_{n=1}^N \\gamma(z_{nk})\n\\end{equation}\n")
    lines = _lines(text)
    assert [line["verdict"] for line in lines] == ["condition", "implied", "definition"]
    assert "N_k as defined on line 7, below" in lines[1]["reason"]
    assert lines[2]["text"] == "N_k = \\sum_{n=1}^N \\gamma(z_{nk})"


# ----------------------------------------------------------------------------------------------
# ASCII gamma_nk(x_n - mu_k) with no space is a product; 2 sum_n ... is 2 times the sum

def _same(left: str, right: str) -> bool:
    import sympy as sp

    from gmm_math.derivations.check.parser import parse_expression

    return sp.simplify(parse_expression(left) - parse_expression(right)) == 0


@pytest.mark.parametrize(("typed", "meant"), [
    ("gamma_nk(x_n - mu_k)", "gamma_nk*(x_n - mu_k)"),
    ("gamma_nk(x_n - mu_k)^2", "gamma_nk*(x_n - mu_k)^2"),
    ("N_k(mu_k - 1)", "N_k*(mu_k - 1)"),
    ("-2 sum_n gamma_nk(x_n - mu_k)", "-2*sum(gamma_nk*(x_n - mu_k), n=1..N)"),
    ("2 sum_n x_n", "2*sum(x_n, n=1..N)"),
    ("a sum_n x_n y + 1", "a*sum(x_n*y, n=1..N) + 1"),
])
def test_a_subscripted_name_before_a_bracket_and_a_sum_after_a_factor(typed, meant):
    assert _same(typed, meant)


@pytest.mark.parametrize("text", ["mu_k(x)", "pi_k(a, b)", "foo(x + 1)"])
def test_a_bare_name_argument_or_an_unknown_plain_function_stays_refused(text):
    from gmm_math.derivations.check.parser import parse_expression
    from gmm_math.derivations.core.errors import GmmMathError

    with pytest.raises(GmmMathError, match="not an accepted function"):
        parse_expression(text)


def test_the_ascii_mean_derivative_as_typed_holds():
    text = "d/dmu_k sum_n gamma_nk(x_n - mu_k)^2 = -2 sum_n gamma_nk(x_n - mu_k)\n"
    assert _verdicts(text) == ["equal"]


# ----------------------------------------------------------------------------------------------
# PRML's notation: a probability of an event, an expectation

@pytest.mark.parametrize("row", [
    r"\[ \gamma(z_k) \equiv p(z_k = 1 \mid \mathbf{x}) \]", r"\[ \mathbb{E}[z_{nk}] = \gamma(z_{nk}) \]",
    r"\[ p(z_k = 1) = \pi_k \]", "E[z_nk] = gamma_nk", "p(z_k = 1 | x) = pi_k N(x | mu_k, s) / sum_j pi_j N(x | mu_j, s)",
])
def test_a_probability_of_an_event_or_an_expectation_is_read_as_notation(row):
    report = check_steps(row + "\nx + x = 2*x\n", timeout=None)["report"]["lines"]
    assert report[0]["verdict"] == "comment" and "read as notation" in report[0]["reason"]
    assert report[-1]["verdict"] == "equal"


def test_a_conditional_likelihood_is_still_a_named_left_side():
    text = r"\[ \ln p(\mathbf{X} \mid \pi, \mu, \sigma) = \sum_n \ln \sum_k \pi_k \mathcal{N}(x_n \mid \mu_k, \sigma_k^2) \]"
    assert _verdicts(text + "\n") == ["definition"]


# ----------------------------------------------------------------------------------------------
# the probe's finds: PRML's 9.21 alone, d/dsigma_k^2 in ASCII, a where-clause that states a fact

def test_zero_on_the_left_alone_is_a_condition_never_refuted():
    text = "0 = sum_n N(x_n | mu_k, sigma_k^2) / sum_j pi_j N(x_n | mu_j, sigma_j^2) + lambda\n"
    assert _verdicts(text) == ["condition"]
    assert _verdicts("x - 1 = 0\n") == ["fails"]  # a zero on the right, alone, is an ordinary step


def test_a_conclusion_is_found_in_a_latex_condition_with_the_name_in_a_fraction():
    text = "\\frac{N_k}{\\pi_k} + \\lambda &= 0 \\\\\n\\pi_k &= -\\frac{N_k}{\\lambda}\n"
    assert _verdicts(text) == ["condition", "implied"]


def test_a_derivative_by_a_variance_in_ascii():
    assert _same("d/dsigma_k^2 log(N(x | mu, sigma_k^2))", "diff(log(N(x | mu, sigma_k^2)), sigma_k^2)")
    assert _same("d/dsigma^2 (sigma^6)", "3*sigma^4")


def test_a_where_clause_stating_a_fact_is_an_assumption():
    text = ("\\[ \\lim_{\\sigma \\to 0^+} \\left( - N \\ln \\sigma - \\frac{S}{2\\sigma^2} \\right) = -\\infty "
            "\\quad \\text{where } S > 0 \\]\n")
    lines = _lines(text)
    assert [line["verdict"] for line in lines] == ["assumption", "equal"] and lines[0]["text"] == "assume: S > 0"
