"""ASCII as typed (issue 21): one test per everyday form, each read and checked (and a wrong twin refused)."""

from __future__ import annotations

import pytest

from gmm_math.derivations.check.parser import parse_expression
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.check.runner import check_equal, check_steps


def verdicts(text: str) -> list[str]:
    return [line["verdict"] for line in check_steps(text, timeout=None)["report"]["lines"]]


@pytest.mark.parametrize(("typed", "meant"), [
    ("2 log(sigma)", "2*log(sigma)"),
    ("2 pi sigma^2", "2*pi*sigma^2"),
    ("1/2 sigma", "sigma/2"),  # juxtaposition binds like *: (1/2)*sigma
    ("1/2 log(2 pi)", "log(2*pi)/2"),
    ("x^2 y", "x^2*y"),
    ("2 (x + 1)", "2*x + 2"),
    ("-N/2 log sigma^2", "-N/2*log(sigma^2)"),
    ("d + d", "2*d"),  # a lone d is a name
])
def test_a_product_by_a_space(typed, meant):
    assert parse_expression(typed) == parse_expression(meant)


@pytest.mark.parametrize("typed", ["2x", "2sigma", "1j", "0x1f"])
def test_factors_written_together_are_refused_not_guessed(typed):
    with pytest.raises(GmmMathError, match="leave a space"):
        parse_expression(typed)


@pytest.mark.parametrize("word", ["so", "hence", "and", "therefore"])
def test_marker_words_are_keywords_not_names(word):
    with pytest.raises(GmmMathError, match="keyword"):
        parse_expression(f"x + {word}")


@pytest.mark.parametrize("marker", ["so", "hence", "=>", "therefore"])
def test_a_line_may_start_with_a_consequence_marker(marker):
    from gmm_math.derivations.check.claims import read_line
    from gmm_math.derivations.check.parser import Context

    line = read_line(f"{marker} x = 2", Context())
    assert line.marker == "consequence" and line.texts == ("2",)


def test_an_equivalence_marker():
    from gmm_math.derivations.check.claims import read_line
    from gmm_math.derivations.check.parser import Context

    assert read_line("<=> x = 2", Context()).marker == "equivalence"
    assert read_line("iff x = 2", Context()).marker == "equivalence"


def test_a_trailing_hash_comment():
    assert verdicts("log(sigma^2) = 2 log(sigma)   # PRML 1.46\n") == ["equal"]
    assert verdicts("log(sigma^2) = log(sigma)   # wrong\n") == ["fails"]


@pytest.mark.parametrize(("left", "right"), [
    ("sum_{n=1}^N (x_n - mu)", "sum(x_n, n=1..N) - N mu"),
    ("sum_{n=1}^{N} (x_n - mu)", "sum(x_n, n=1..N) - N mu"),
    ("sum_n (x_n - mu)", "sum(x_n, n=1..N) - N mu"),
    ("sum_{n} x_n^2", "sum(x_n^2, n=1..N)"),
    ("sum_j pi_j", "sum(pi_j, j=1..K)"),  # j runs over the K components
    ("sum_k pi_k x_k", "sum(pi_k x_k, k=1..K)"),
    ("sum_d x_d^2", "sum(x_d^2, d=1..D)"),  # d over the D dimensions
    ("prod_n x_n", "prod(x_n, n=1..N)"),
])
def test_sums_with_scripts_and_index_letters(left, right):
    assert check_equal(left, right, timeout=None)["report"]["verdict"] == "holds"


def test_sum_j_is_not_a_sum_to_N():
    assert check_equal("sum_j pi_j", "sum(pi_j, j=1..N)", timeout=None)["report"]["verdict"] == "fails"


@pytest.mark.parametrize("line", [
    "lim_{sigma->0+} -N log(sigma) = oo",
    "lim_{sigma -> 0+} (-N log(sigma)) = oo",
    "limit(-N log(sigma), sigma, 0, dir='+') = oo",
    'limit(-N log(sigma), sigma, 0, dir="+") = oo',
    "Limit(-N log(sigma), sigma, 0, dir='+') = oo",
    "limit(-N log(sigma), sigma -> 0+) = oo",
    "-N log(sigma) -> oo as sigma -> 0+",
    "log(sigma) -> -oo as sigma -> 0+",
])
def test_limits_as_typed(line):
    assert verdicts(line + "\n") == ["equal"]
    wrong = line.replace("-> -oo", "-> 0") if "-> -oo" in line else line.replace("= oo", "= -oo").replace(
        "-> oo", "-> -oo")
    assert verdicts(wrong + "\n") == ["fails"]


def test_a_limit_with_its_value_on_the_next_line():
    text = "limit(-N log(sigma), sigma, 0, +)\n= oo\n"
    assert verdicts(text) == ["equal", "comment"]
    assert verdicts("L = 1/sigma\n= limit(1/sigma, sigma, 0, +)\n= oo\n")[1:] == ["equal", "comment"]


def test_approximately_equal():
    assert verdicts("log(2) ~= 0.6931\n") == ["equal"]
    assert verdicts("log(2) ~= 0.6932\n") == ["fails"]


def test_and_between_assumptions():
    assert verdicts("assume: a > 0 and b > 0\nlog(a b) = log(a) + log(b)\n") == ["assumption", "equal"]


def test_a_where_clause_is_a_definition():
    found = check_steps("S + 1 = 1 + S, where S = x^2 + 1 > 0\n", timeout=None)["report"]["lines"]
    assert [line["verdict"] for line in found] == ["definition", "definition", "equal"]
    assert {line["line"] for line in found} == {1}


def test_two_relations_on_one_ascii_line():
    found = check_steps("log(sigma^2) = 2 log(sigma), log(1/sigma) = -log(sigma)\n", timeout=None)["report"]
    assert [line["verdict"] for line in found["lines"]] == ["equal", "equal"]


def test_prose_is_a_comment_in_a_steps_file():
    text = "First we take logs of the density.\nlog(sigma^2) = 2 log(sigma)\nE-step:\n"
    assert verdicts(text) == ["comment", "equal", "comment"]


def test_a_function_the_file_defines_is_applied():
    text = "let: f(v) = -log(v)/2 - x^2/(2 v)\nf(sigma^2) = -log(sigma) - x^2/(2 sigma^2)\n"
    assert verdicts(text) == ["definition", "equal"]
    assert verdicts(text.replace("-log(sigma)", "-2 log(sigma)")) == ["definition", "fails"]


@pytest.mark.parametrize(("written", "verdict"), [("0.819", "equal"), ("0.8187", "equal"), ("0.818", "fails"),
                                                  ("0.82", "equal"), ("0.8", "equal"), ("0.9", "fails")])
def test_numbers_at_the_precision_written(written, verdict):
    found = check_steps(f"exp(-1/5) = {written}\n", timeout=None)["report"]["lines"][0]
    assert found["verdict"] == verdict
    if verdict == "fails":
        assert "rounded to" in found["reason"] and "is 0.8" in found["reason"]
