"""Steps files: a named left side means its expression in the lines below; restating a name is a step;
an unreadable assumption does not stop the lines below it."""

from __future__ import annotations

import json

import pytest

from conftest import assert_one_line_error
from gmm_math.numerics.check.runner import check_steps


def verdicts(text: str) -> list[str]:
    return [line["verdict"] for line in check_steps(text, timeout=None)["report"]["lines"]]


NAMED = """\
assume: S > 0
assume: N > 0
log L(sigma) = -N*log(sigma) - N/2*log(2*pi) - S/(2*sigma^2)
{limit}
"""


@pytest.mark.parametrize("limit, verdict", [
    ("limit(log L, sigma, 0, +) = -oo", "equal"),
    ("limit(log L(sigma), sigma, 0, +) = -oo", "equal"),
    ("limit(ln(L), sigma, 0, +) = -oo", "equal"),
    ("limit(L, sigma, 0, +) = 0", "equal"),  # L = exp(log L)
    ("limit(log L, sigma, 0, +) = oo", "fails"),  # a planted error is still found
    ("limit(L, sigma, 0, +) = oo", "fails"),
])
def test_a_limit_line_means_the_named_quantity(limit, verdict):
    assert verdicts(NAMED.format(limit=limit)) == ["assumption", "assumption", "definition", verdict]


def test_latex_limit_of_a_named_log_likelihood():
    text = ("\\begin{align*}\n"
            "\\ln L(\\sigma) &= -N \\ln \\sigma - \\frac{N}{2}\\ln(2\\pi) - \\frac{S}{2\\sigma^2} \\\\\n"
            "\\lim_{\\sigma \\to 0^+} \\ln L &= -\\infty\n"
            "\\end{align*}\n")
    assert verdicts("assume: S > 0\n" + text) == ["assumption", "comment", "definition", "equal", "comment"]


def test_the_name_stands_for_the_last_form_of_its_chain():
    # SymPy cannot take the limit of the first form (a general-N sum); the last form is the one it can
    text = ("let: S > 0\nlet: S = sum((x_m - x_n)^2, m=1..N)\n"
            "log L = sum(log N(x_m | x_n, sigma^2), m=1..N)\n"
            "= -N*log(sigma) - N*log(2*pi)/2 - S/(2*sigma^2)\n"
            "limit(log L, sigma, 0, +) = -oo\n")
    assert verdicts(text)[2:] == ["definition", "equal", "equal"]


def test_a_later_step_line_may_use_the_name():
    text = ("assume: sigma > 0\nlog L = log(pi_1*N(x_1 | x_1, sigma^2) + pi_2*N(x_1 | mu_2, 1))\n"
            "log L >= log(pi_1*N(x_1 | x_1, sigma^2))\n"
            "log L <= log(pi_1*N(x_1 | x_1, sigma^2))\n")
    assert verdicts(text) == ["assumption", "definition", "implied", "fails"]


@pytest.mark.parametrize("restated, verdict", [
    ("S = sum((x_m - x_n)^2, m=1..N) + 1", "fails"),
    ("S = sum(x_m^2 - 2*x_m*x_n + x_n^2, m=1..N)", "equal"),
])
def test_restating_a_defined_name_is_checked(restated, verdict):
    assert verdicts(f"let: S = sum((x_m - x_n)^2, m=1..N)\n{restated}\n") == ["definition", verdict]


@pytest.mark.parametrize("restated, verdict", [
    ("L = 1/(2*pi*sigma)", "fails"),
    ("L = 1/(sqrt(2*pi)*sigma)", "equal"),
])
def test_restating_a_named_left_side_is_checked(restated, verdict):
    text = f"assume: sigma > 0\nL = N(x_1 | x_1, sigma^2)\n{restated}\n"
    assert verdicts(text) == ["assumption", "definition", verdict]


def test_an_unreadable_assumption_does_not_stop_the_lines_below():
    text = "assume: sigma > 0\nassume: N >=> 2\nx + x = 2*x\nlog(sigma^2) = 2*log(sigma)\nx + 1 = x\n"
    lines = check_steps(text, timeout=None)["report"]["lines"]
    assert [line["verdict"] for line in lines] == ["assumption", "unreadable", "equal", "equal", "undecided"]
    assert "without the unreadable assumption" in lines[4]["reason"]


# ----------------------------------------------------------------------------------------------
# check limit with the limit written out


@pytest.mark.parametrize("args, code", [
    (["\\lim_{\\sigma \\to 0^+} \\frac{\\pi_1}{\\sqrt{2\\pi}\\sigma}", "--claim", "oo"], 0),
    (["\\lim_{\\sigma \\to 0^+} \\log\\sigma = -\\infty"], 0),
    (["\\lim_{\\sigma \\to 0^+} \\log\\sigma = \\infty"], 1),
    (["limit(log(sigma), sigma, 0, +) = -oo"], 0),
    (["limit(log(sigma), sigma, 0, +)"], 0),
    (["log(sigma_k)", "--var", "\\sigma_{k}", "--to", "0^+", "--claim", "-oo"], 0),
    (["log(sigma)", "--var", "sigma", "--to", "0+", "--claim", "x_1"], 1),  # a real x_1 is never -oo
])
def test_check_limit_reads_a_written_out_limit(cli, args, code):
    result = cli("check", "limit", *args)
    assert result.exit_code == code, (result.stdout, result.stderr)


@pytest.mark.parametrize("args, needle", [
    (["log(sigma)"], "--var and --to"),
    (["log(sigma)", "--var", "sigma"], "--var and --to"),
    (["limit(log(sigma), sigma, 0, +) = -oo", "--claim", "oo"], "claimed twice"),
])
def test_check_limit_without_var_needs_a_written_out_limit(cli, args, needle):
    assert_one_line_error(cli("check", "limit", *args), needle)


# ----------------------------------------------------------------------------------------------
# assumed relations beyond signs: N >= 2, 0 < pi_1 < 1, x_1 != x_2


def _json(cli, *args) -> dict:
    result = cli(*args, "-f", "json")
    assert result.exit_code in (0, 1, 3), result.stderr
    return json.loads(result.stdout)


def test_points_assumed_to_differ_remove_the_coinciding_case(cli):
    expr = "logN(x_1, x_1, sigma) + logN(x_2, x_1, sigma)"
    args = ("check", "limit", expr, "--var", "sigma", "--to", "0+", "--claim", "-oo")
    assert _json(cli, *args)["verdict"] == "fails"  # x_1 = x_2 gives +oo
    found = _json(cli, *args, "--assume", "x_1 != x_2")
    assert found["verdict"] == "holds"
    assert all("=" not in case["condition"].replace("!=", "") for case in found["cases"])


@pytest.mark.parametrize("assume, verdict", [((), "fails"), (("N >= 3",), "holds")])
def test_a_lower_bound_on_a_count_is_respected(cli, assume, verdict):
    flags = [item for text in assume for item in ("--assume", text)]
    found = _json(cli, "check", "equal", "sum(x_n, n=2..N)", "x_2 + sum(x_n, n=3..N)", *flags)
    assert found["verdict"] == verdict


def test_a_double_inequality_and_a_bound_on_a_weight():
    text = "assume: 0 < pi_1 < 1\nlog(1 - pi_1) < 0\n"
    assert verdicts(text) == ["assumption", "implied"]
    assert verdicts("assume: pi_1 > 2\nlog(1 - pi_1) < 0\n")[1] != "implied"  # log of a negative number


@pytest.mark.parametrize("assume", ["N >= 2", "0 < pi_1 < 1", "x_1 != x_2", "x_1 - x_2 != 0", "N > 1"])
def test_assumed_relations_are_readable(assume):
    assert verdicts(f"assume: {assume}\nx + x = 2*x\n") == ["assumption", "equal"]


def test_contradicting_bounds_are_refused():
    assert verdicts("assume: N > 3\nassume: N < -1\nx + x = 2*x\n")[1] == "unreadable"


# ----------------------------------------------------------------------------------------------
# a limit through a general-N sum: the sum is one quantity with the sign of its terms


def test_a_sum_of_squares_in_a_limit_is_split_into_zero_and_positive(cli):
    expr = "-N*log(sigma) - sum((x_n - mu)^2, n=1..N)/(2*sigma^2)"
    found = _json(cli, "check", "limit", expr, "--var", "sigma", "--to", "0+", "--claim", "-oo")
    assert found["verdict"] == "fails"  # every x_n = mu gives +oo
    assert [case["limit"] for case in found["cases"]] == ["oo", "-oo"]
    assert "= 0" in found["counterexample"]["condition"] and "sum(" in found["counterexample"]["condition"]
    held = _json(cli, "check", "limit", "-N*log(sigma) - sum(exp(x_n), n=1..N)/(2*sigma^2)", "--var", "sigma",
                 "--to", "0+", "--claim", "-oo")
    assert held["verdict"] == "holds"  # a sum of positive terms is positive


@pytest.mark.parametrize("text, needle", [
    ("log(sigma) -> -oo", "write a limit as limit("),
    ("sum(x_n, n=1..N, n != 3)", "subtract it"),
])
def test_messages_say_the_accepted_form(cli, text, needle):
    assert_one_line_error(cli("check", "equal", text, "1"), needle)


# ----------------------------------------------------------------------------------------------
# nested sums (SymPy merges them into one Sum with two ranges) and two-letter subscripts


@pytest.mark.parametrize("lhs, rhs, verdict", [
    ("sum(sum(x_m*x_n, m=1..N), n=1..N)", "sum(x_n, n=1..N)^2", "holds"),
    ("sum(sum(x_m, m=1..N), n=1..3)", "3*sum(x_m, m=1..N)", "holds"),
    ("sum(sum(x_m*x_n, m=1..N), n=1..N)", "sum(x_n^2, n=1..N)", "fails"),  # at a point, not a domain claim
])
def test_nested_sums_are_evaluated(cli, lhs, rhs, verdict):
    found = _json(cli, "check", "equal", lhs, rhs)
    assert found["verdict"] == verdict
    assert verdict == "holds" or found["counterexample"]["point"]


def test_two_letter_subscripts_in_latex():
    text = "\\gamma_{nk} + \\gamma_{nk} = 2\\gamma_{nk}\n\\mu_{jk} + \\mu_{jk} = 3\\mu_{jk}\n"
    assert verdicts(text) == ["equal", "fails"]


def test_an_empty_assumption_cannot_excuse_a_failure():
    assert verdicts("assume:\nx + 1 = x\n") == ["unreadable", "fails"]


def test_a_responsibility_alone_is_drawn_in_0_1(cli):
    found = _json(cli, "check", "limit", "limit(r_nk, sigma, 0, +) = 1")
    assert found["verdict"] == "fails" and 0 < float(found["counterexample"]["point"]["r_nk"]) < 1


def test_a_sum_of_squares_from_2_is_nonnegative_and_split(cli):
    expr = "-N*log(sigma) - sum((x_n - x_1)^2, n=2..N)/(2*sigma^2)"
    found = _json(cli, "check", "limit", expr, "--var", "sigma", "--to", "0+", "--claim", "-oo")
    assert found["verdict"] == "fails" and [case["limit"] for case in found["cases"]] == ["oo", "-oo"]
    # under assumed relations the "sum = 0" case cannot be checked against them: not a refutation
    assumed = _json(cli, "check", "limit", expr, "--var", "sigma", "--to", "0+", "--claim", "-oo",
                    "--assume", "x_1 != x_2")
    assert assumed["verdict"] == "undecided"
