"""`gmm-math derive remedy NAME` through the CLI: the JSON contract, text, LaTeX, Markdown, bad input."""

from __future__ import annotations


import mpmath
import pytest
import sympy as sp
from conftest import assert_one_line_error

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.remedies.prior import map_collapse
from gmm_math.numerics.objectives import log_objective

REMEDIES = ("ridge", "map", "penalty", "ratio", "reset", "reparam")
KEYS = {"case", "title", "assumptions", "steps", "limit", "leading_term", "numeric_check", "dps"}
LIMITS = {"map": "-oo", "penalty": "-oo", "reparam": "-oo", "ratio": "-oo", "reset": "oo"}


@pytest.mark.parametrize("name", REMEDIES)
def test_json_contract(cli_json, name):
    out = cli_json("derive", "remedy", name, "--format", "json", "--dps", "30")
    assert KEYS <= out.keys()
    assert out["case"] == f"remedy-{name}"
    assert all(isinstance(a, str) for a in out["assumptions"])
    assert all({"title", "text", "latex"} <= s.keys() for s in out["steps"])
    assert [c["sigma"] for c in out["numeric_check"]] == ["1e-1", "1e-10", "1e-100", "1e-1000"]
    assert out["dps"] == 30 and out["numeric_trend_agrees"] is True
    if name == "ridge":
        finite = sp.sympify(out["limit"]["log_likelihood"])  # our own output, not user text
        assert finite.is_finite
        assert abs(float(finite) - float(out["numeric_check"][-1]["log_likelihood"])) < 1e-12
    else:
        assert out["limit"]["log_likelihood"] == LIMITS[name]
        assert out["limit"]["likelihood"] == {"-oo": "0", "oo": "oo"}[LIMITS[name]]


def test_json_numbers_are_the_mpmath_objective(cli_json):
    out = cli_json("derive", "remedy", "map", "--alpha", "2", "--beta", "0.5", "--data", "0,0.5,2,7", "-f", "json")
    derivation = map_collapse(data=Dataset.from_text("0,0.5,2,7"), alpha=2, beta=sp.Rational(1, 2))
    assert out["leading_term"] == str(derivation.leading_term) == "-1/(2*sigma**2)"
    with mpmath.workdps(50):
        for row in out["numeric_check"]:
            expected = log_objective(derivation, row["sigma"], 50)
            assert mpmath.almosteq(mpmath.mpf(row["log_likelihood"]), expected, rel_eps=mpmath.mpf(10) ** -45)


@pytest.mark.parametrize("name", REMEDIES)
def test_text(cli, name):
    result = cli("derive", "remedy", name)
    assert result.exit_code == 0, result.stderr
    assert "Numeric check" in result.stdout and "agrees with" in result.stdout


def test_leading_terms_with_data(cli_json):
    """Penalty in 2-D: -a_n tr(S_x)/sigma^2 with a_n = N^(-1/2) and the exact trace from the data."""
    out = cli_json("derive", "remedy", "penalty", "--data", "0,0;2,0;0,2;2,2", "--a", "0.25", "-f", "json")
    assert out["leading_term"] == "-1/(2*sigma**2)"  # tr(S_x) = 1 + 1 = 2, a_n = 1/4
    ridge = cli_json("derive", "remedy", "ridge", "--eps", "0.01", "--data", "0,1,3", "--components", "3", "-f", "json")
    assert ridge["leading_term"].endswith("*sigma**2")


@pytest.mark.parametrize("fmt, marker", [("latex", r"\begin{align*}"), ("markdown", "$$")])
def test_latex_and_markdown(cli, fmt, marker):
    result = cli("derive", "remedy", "penalty", "--format", fmt)
    assert result.exit_code == 0 and marker in result.stdout


def test_ratio_condition_with_few_distinct_points(cli_json):
    out = cli_json("derive", "remedy", "ratio", "--data", "0,1,1,0", "-f", "json")
    assert out["limit"]["log_likelihood"] == "oo"
    assert any(s["title"] == "Distinct points versus K" for s in out["steps"])
    bounded = cli_json("derive", "remedy", "ratio", "--data", "0,1,5", "--c", "0.5", "-f", "json")
    assert any(s["title"] == "The supremum is bounded" for s in bounded["steps"])


@pytest.mark.parametrize("args, needle", [
    (["nonsense"], "nonsense"),
    (["map", "--eps", "0.1"], "--eps"),
    (["ridge", "--eps", "-1"], "--eps"),
    (["ridge", "--eps", "abc"], "--eps"),
    (["ratio", "--c", "2"], "--c"),
    (["penalty", "--a", "0"], "--a"),
    (["map", "--dps", "5"], "--dps"),
    (["reset", "--data", "0,1;2"], "ragged"),
    (["reparam", "--point", "7"], "--point"),
    (["ridge", "--components", "1"], "single"),
    (["map", "--dim", "0"], "--dim"),
    (["reset", "--data-file", "/nonexistent/x.csv"], "cannot read"),
    (["reset", "--data", "0,1,3", "--weights", "1,0"], "derive single"),
    (["ratio", "--weights", "0.5,0.5"], "do not apply"),
])
def test_bad_input(cli, args, needle):
    assert_one_line_error(cli("derive", "remedy", *args), needle)


def test_help_lists_the_commands(cli):
    result = cli("derive", "--help")
    assert "remedy" in result.stdout and "degenerate" in result.stdout
