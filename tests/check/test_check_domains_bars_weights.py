"""Counterexamples only where both sides are real; plain bars in LaTeX; weights stated to sum to 1."""

from __future__ import annotations

import pytest
import sympy as sp

from gmm_math.derivations.check.latex import latex_to_ascii
from gmm_math.derivations.check.parser import parse_assumptions, parse_expression
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.check.evidence import EXTREME_INSTANCES, PROBE_POINTS, SPOT_POINTS
from gmm_math.numerics.check.runner import check_equal, check_limit, check_steps


def _equal(lhs: str, rhs: str, *assume: str) -> dict:
    return check_equal(lhs, rhs, assume=list(assume), timeout=None)["report"]


def _real(value: object) -> bool:
    return isinstance(value, str) and value not in ("undefined over the reals", "not real")


# ----------------------------------------------------------------------------------------------
# 4. counterexamples only where both sides are defined over the reals


@pytest.mark.parametrize(("lhs", "rhs"), [("x^(1/3)", "x"), ("sqrt(x)", "x + 1"), ("log(x) + sqrt(-y)", "x*y"),
                                          ("sqrt(x - 1)", "sqrt(x) - 1")])
def test_a_counterexample_has_both_sides_real(lhs, rhs):
    found = _equal(lhs, rhs)
    assert found["verdict"] == "fails"
    counter = found["counterexample"]
    assert _real(counter["lhs"]) and _real(counter["rhs"]) and counter["lhs"] != counter["rhs"]
    # checked again here, at the printed point, in SymPy
    point = {sp.Symbol(name, real=True): sp.Rational(value) for name, value in counter["point"].items()}
    left, right = (parse_expression(text).subs(point) for text in (lhs, rhs))
    assert left.is_real and right.is_real and abs(float(left - right)) > 1e-9


def test_never_both_defined_is_said_not_shown_as_a_point():
    found = _equal("log(x)", "log(-x)")
    assert found["verdict"] == "fails" and found["counterexample"] is None
    assert found["evidence"] == "numeric"
    summary = check_equal("log(x)", "log(-x)", timeout=None)["summary"]
    assert "never both defined over the reals" in summary
    assert "left needs x > 0" in summary and "right needs x < 0" in summary
    assert found["domains"] == {"symbols": ["x"], "left": "needs x > 0", "right": "needs x < 0",
                                "both_defined": 0, "points": SPOT_POINTS + len(EXTREME_INSTANCES) + 2 * PROBE_POINTS}
    assert _equal("x + 1", "1 + x")["domains"] is None  # only where a side was undefined somewhere


def test_agreeing_where_both_are_defined_with_different_domains_is_undecided():
    result = check_equal("log(x^2)", "2*log(x)", timeout=None)
    assert result["report"]["verdict"] == "undecided" and result["report"]["counterexample"] is None
    assert "different domains" in result["summary"] and "assume x > 0" in result["summary"]
    assert _equal("log(x^2)", "2*log(x)", "x > 0")["verdict"] == "holds"


def test_cli_never_prints_an_undefined_side_as_the_counterexample(cli):
    for lhs, rhs in (("x^(1/3)", "x"), ("log(x)", "log(-x)"), ("sqrt(-x^2 - 1)", "0")):
        result = cli("check", "equal", lhs, rhs)
        assert result.exit_code == 1
        assert "undefined over the reals" not in result.stdout.split("counterexample:")[-1] \
            or "counterexample:" not in result.stdout


def test_steps_counterexample_has_both_sides_real(tmp_path):
    found = check_steps("y = x^(1/3)\n= x\n", timeout=None)["report"]
    assert [line["verdict"] for line in found["lines"]] == ["definition", "fails"]
    counter = found["counterexample"]
    assert counter["line"] == 2 and _real(counter["lhs"]) and _real(counter["rhs"])
    domains = check_steps("y = log(x)\n= log(-x)\n", timeout=None)["report"]
    assert domains["lines"][1]["verdict"] == "fails" and "never both defined" in domains["lines"][1]["reason"]
    assert domains["counterexample"] == {"line": 2}


def test_limit_counterexample_point_is_real():
    found = check_limit("log(a) + log(sigma)", "sigma", "0+", claim="oo", timeout=None)["report"]
    assert found["verdict"] == "fails"
    assert all(value is not None for value in found["counterexample"]["point"].values())


# ----------------------------------------------------------------------------------------------
# 2. plain |x| and \|x\| in LaTeX


@pytest.mark.parametrize(("latex", "ascii_"), [
    (r"|x - \mu|^2", "Abs(x - mu)^2"),
    (r"\|x_n - \mu_k\|^2", "(x_n - mu_k)^2"),
    (r"\lVert x \rVert", "Abs(x)"),
    (r"\left\| x - y \right\|^2", "(x - y)^2"),
    (r"|\Sigma|", "Abs(Sigma)"),
    (r"\log|\Sigma_k|", "log(Abs(Sigma_k))"),
    (r"2|\mu|", "2*Abs(mu)"),
    (r"|x| + |y|", "Abs(x) + Abs(y)"),
    (r"|a| \cdot |b|", "Abs(a*b)"),
    (r"\frac{|x|}{|y|}", "Abs(x/y)"),
    (r"\mathcal{N}(x | \mu, \sigma^2)", "N(x | mu, sigma^2)"),
    (r"\mathcal{N}(x_n \mid \mu_k, \sigma_k^2)", "N(x_n | mu_k, sigma_k^2)"),
    (r"\mathcal{N}(|x| | \mu, \sigma^2)", "N(Abs(x) | mu, sigma^2)"),
    (r"\mathcal{N}\left(x | \mu, |s|\right)", "N(x | mu, Abs(s))"),
])
def test_plain_bars_in_latex(latex, ascii_):
    assert sp.simplify(parse_expression(latex) - parse_expression(ascii_)) == 0


@pytest.mark.parametrize("text", [r"|a|b|c|", r"|a||b|", r"\|a\|b\|c\|", r"x|y|z|w|"])
def test_ambiguous_bars_are_refused_not_guessed(text):
    with pytest.raises(GmmMathError, match="ambiguous"):
        latex_to_ascii(text)


@pytest.mark.parametrize(("text", "needle"), [(r"|x", "never closed"), (r"(|x)|", "not closed inside"),
                                              (r"\|x", "never closed")])
def test_unclosed_bars_are_refused(text, needle):
    with pytest.raises(GmmMathError, match=needle):
        latex_to_ascii(text)


def test_the_ascii_form_of_the_ambiguous_case_is_refused_too(cli):
    result = cli("check", "equal", "|a|b|c|", "a")
    assert result.exit_code == 2 and "write * for products" in result.stderr


def test_bars_in_a_latex_step_file():
    text = "\\begin{align*}\nL &= |x - \\mu|^2 \\\\\n&= (x - \\mu)^2 \\\\\n&= \\|x - \\mu\\|^2 + 1\n\\end{align*}\n"
    found = check_steps(text, timeout=None)["report"]
    assert [line["verdict"] for line in found["lines"]] == ["comment", "definition", "equal", "fails", "comment"]


# ----------------------------------------------------------------------------------------------
# 3. weights stated to sum to 1

_MIXTURE = "pi_1*N(x | mu_1, s) + pi_2*N(x | mu_1, s) + pi_3*N(x | mu_1, s)"


@pytest.mark.parametrize("fact", ["pi_1 + pi_2 + pi_3 = 1", "1 = pi_1 + pi_2 + pi_3", "sum(pi_k, k=1..3) = 1",
                                  r"\pi_1 + \pi_2 + \pi_3 = 1"])
def test_fixed_k_weights_summing_to_one(fact):
    assert _equal(_MIXTURE, "N(x | mu_1, s)", fact)["verdict"] == "holds"


def test_without_the_fact_the_same_step_fails():
    found = _equal(_MIXTURE, "N(x | mu_1, s)")
    assert found["verdict"] == "fails" and found["counterexample"] is not None


@pytest.mark.parametrize("fact", ["sum(pi_k, k=1..K) = 1", "Sum(pi_k, (k, 1, K)) = 1", r"\sum_{k=1}^{K} \pi_k = 1"])
def test_symbolic_k_weights_summing_to_one(fact):
    lhs, rhs = "sum(pi_k*exp(-(x - mu)^2), k=1..K)", "exp(-(x - mu)^2)"
    found = _equal(lhs, rhs, fact)
    assert found["verdict"] == "holds" and found["evidence"] == "symbolic"
    assert "summing to 1" in found["tried"]
    without = _equal(lhs, rhs)
    assert without["verdict"] == "fails" and without["counterexample"] is not None


def test_the_numeric_route_draws_weights_on_the_simplex():
    """A step true only on the simplex, that SymPy does not reduce: decided on numeric evidence."""
    lhs, rhs = "log(sum(pi_k*exp(x), k=1..K))", "x"
    found = _equal(lhs, rhs, "sum(pi_k, k=1..K) = 1")
    assert found["verdict"] == "holds"
    assert all(entry["agrees"] for entry in found["numeric"])
    for entry in found["numeric"]:
        weights = [float(value) for name, value in entry["at"].items() if name.startswith("pi_")]
        assert weights and all(0 < weight <= 1 for weight in weights) and abs(sum(weights) - 1) < 1e-12
    assert _equal(lhs, rhs)["verdict"] == "fails"


def test_weights_fact_in_a_steps_file():
    text = ("assume: sum(pi_k, k=1..K) = 1\n"
            "p = sum(pi_k*c, k=1..K)\n"
            "= c\n"
            "= 2*c\n")
    found = check_steps(text, timeout=None)["report"]
    assert [line["verdict"] for line in found["lines"]] == ["assumption", "definition", "equal", "fails"]
    without = check_steps(text.split("\n", 1)[1], timeout=None)["report"]
    assert [line["verdict"] for line in without["lines"]][:2] == ["definition", "fails"]


@pytest.mark.parametrize(("fact", "needle"), [
    ("pi_1 + pi_1 = 1", "distinct weights"),
    ("sum(pi_k, k=2..K) = 1", r"read sum\(pi_k, k=1\.\.K\) = 1"),
    ("sum(pi_k, k=1..x) = 1", "counts"),
    ("sum(pi_k, k=1..K) = 1, sum(pi_j, j=1..K) = 1", "twice"),
])
def test_malformed_weight_facts_are_refused(fact, needle):
    with pytest.raises(GmmMathError, match=needle):
        parse_assumptions([fact])
