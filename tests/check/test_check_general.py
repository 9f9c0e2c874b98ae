"""The checker on coursework as students write it: general N, sums, PRML notation, bounds, bad lines.

Also the checker's hardening: parsing inside the time-limited worker, the
total time budget of a steps file, documented limit points only, nothing complex passes silently.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import time

import pytest

from conftest import assert_one_line_error
from gmm_math.numerics.check.results import LineVerdict
from gmm_math.numerics.check.runner import check_equal, check_limit, check_steps

HANGING = "Abs(N(y, mu, N(a, b, N(c, d, logN(e1, f, g)))))"  # building this alone takes minutes in SymPy

GENERAL_N = """\
# general N: the single-Gaussian log-likelihood
assume: sigma > 0
log L(sigma) = log(prod(N(x_n | mu, sigma^2), n=1..N))
= sum(log N(x_n | mu, sigma^2), n=1..N)
= sum(-log(sigma) - log(2*pi)/2 - (x_n - mu)^2/(2*sigma^2), n=1..N)
= -N*log(sigma) - N*log(2*pi)/2 - sum((x_n - mu)^2, n=1..N)/(2*sigma^2)
let: S = sum((x_m - x_n)^2, m=1..N, m != n)
let: S > 0
limit(-N*log(sigma) - S/(2*sigma**2), sigma, 0, +) = -oo
"""


def steps(text: str, **kwargs) -> dict:
    return check_steps(text, timeout=None, **kwargs)["report"]


def verdicts(found: dict) -> list[str]:
    return [line["verdict"] for line in found["lines"]]


# ----------------------------------------------------------------------------------------------
# hardening: nothing outside the time limit, documented forms only


@pytest.mark.parametrize("args", [
    ("check", "equal", HANGING, "0", "--timeout", "1"),
    ("check", "limit", HANGING, "--var", "sigma", "--to", "0+", "--timeout", "1"),
    ("check", "limit", "x", "--var", "x", "--to", "0+", "--claim", HANGING, "--timeout", "1"),
    ("check", "equal", "x", "y", "--assume", f"x = {HANGING}", "--timeout", "1"),
])
def test_building_an_expression_runs_under_the_time_limit(cli, args):
    start = time.perf_counter()
    result = cli(*args, "--format", "json")
    elapsed = time.perf_counter() - start
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert json.loads(result.stdout)["verdict"] == "undecided"
    assert elapsed < 30  # ~1 s plus a worker start; generous on a loaded machine
    assert multiprocessing.active_children() == []


def test_a_hanging_step_line_is_undecided_and_the_rest_is_checked(cli, tmp_path):
    path = tmp_path / "steps.txt"
    path.write_text(f"x + x\n= 2*x\n{HANGING} = 0\nu = x*x\n= x^2\n")  # u is no unknown of line 3
    result = cli("check", "steps", str(path), "--timeout", "1", "--format", "json")
    assert result.exit_code == 3, result.stderr
    found = json.loads(result.stdout)
    assert verdicts(found) == ["definition", "equal", "undecided", "definition", "equal"]
    assert "time limit of 1 s" in found["lines"][2]["reason"]


def test_total_timeout_leaves_the_remaining_lines_undecided(cli, tmp_path):
    path = tmp_path / "steps.txt"
    path.write_text("\n".join(f"{HANGING} = {k}" for k in range(6)) + "\nx\n= x\n")
    start = time.perf_counter()
    result = cli("check", "steps", str(path), "--timeout", "5", "--total-timeout", "1.5", "--format", "json")
    assert time.perf_counter() - start < 40
    assert result.exit_code == 3
    found = json.loads(result.stdout)
    assert set(verdicts(found)) == {"undecided"}
    assert any("total time limit" in (line["reason"] or "") for line in found["lines"])


@pytest.mark.parametrize(("to", "needle"), [("foo", "'foo' is not a point"), ("x", "'x' is not a point"),
                                            ("0++", "is not a point"), ("1e999x", "is not a point")])
def test_only_documented_limit_points(cli, to, needle):
    assert_one_line_error(cli("check", "limit", "x", "--var", "x", "--to", to), needle)


@pytest.mark.parametrize("text", ["sqrt(-1)", "log(-1)", "log(-2*pi)"])
def test_complex_values_are_refused_not_passed(cli, text):
    assert_one_line_error(cli("check", "equal", text, "0"), "undefined over the reals")


def test_an_expression_undefined_over_the_reals_is_said_so(cli):
    result = cli("check", "equal", "sqrt(-x^2 - 1)", "0")
    assert result.exit_code == 1 and "never both defined over the reals" in result.stdout
    assert "left is never defined over the reals" in result.stdout and "counterexample" not in result.stdout


def test_log_of_a_negative_symbol_is_not_a_silent_pass():
    found = check_equal("log(x)", "log(x) + 0*x", assume=["x < 0"], timeout=None)["report"]
    assert found["verdict"] in ("holds", "undecided")
    different = check_equal("log(x)", "log(-x)", assume=["x < 0"], timeout=None)["report"]
    assert different["verdict"] != "holds"


def test_negative_expressions_need_no_double_dash(cli):
    result = cli("check", "equal", "log N(x|mu,sigma^2)", "-log sigma - log(2*pi)/2 - (x-mu)^2/(2*sigma^2)")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    result = cli("check", "limit", "-log(sigma)", "--var", "sigma", "--to", "0+", "--claim", "oo", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["verdict"] == "holds"


# ----------------------------------------------------------------------------------------------
# general N, sums and products, definitions, named left sides


def test_general_n_derivation_holds_line_by_line():
    found = steps(GENERAL_N)
    assert verdicts(found) == ["comment", "assumption", "definition", "equal", "equal", "equal", "definition",
                               "definition", "equal"]
    assert found["verdict"] == "holds"
    assert found["lines"][2]["reason"] == "names log L(sigma)"
    assert all(line["evidence"] == "symbolic" for line in found["lines"][3:6])
    [chain] = found["conclusions"]
    assert (chain["from_line"], chain["to_line"], chain["relation"]) == (3, 6, "=")
    assert chain["text"].startswith("log L(sigma) = -N*log(sigma)")


def test_a_step_that_holds_only_for_some_n_is_refused_with_that_n():
    found = steps("prod(2, n=1..N)\n= 2*N\n")
    assert verdicts(found) == ["definition", "fails"]
    point = found["counterexample"]["point"]
    count = int(point["N"])
    assert count >= 3 and 2**count != 2 * count  # N = 1 and 2 agree; the refutation names an N that breaks it
    assert float(found["counterexample"]["lhs"]) == 2**count


def test_square_of_a_sum_is_not_the_sum_of_squares():
    found = steps("sum(x_n, n=1..N)^2 = sum(x_n^2, n=1..N)\n")
    assert verdicts(found) == ["fails"]
    point = found["counterexample"]["point"]
    values = [float(point[f"x_{k}"]) for k in range(1, int(point["N"]) + 1)]
    assert not math.isclose(sum(values) ** 2, sum(v * v for v in values))  # checked here, in float64


def test_sum_leaving_one_index_out_splits_off_the_term():
    found = steps("sum(x_m^2, m=1..N)\n= x_n^2 + sum(x_m^2, m=1..N, m != n)\n")
    assert verdicts(found) == ["definition", "equal"]


def test_numeric_route_says_what_it_tried():
    found = check_equal("sum(exp(x_n), n=1..N)", "sum(exp(x_m), m=1..N)", timeout=None)["report"]
    assert found["verdict"] == "holds"
    assert "N = 1, 2, 3, 5, 8" in found["tried"] and "2 random data sets" in found["tried"]


def test_limit_with_symbolic_n_and_s():
    good = steps("let: S > 0\nlimit(-N*log(sigma) - S/(2*sigma**2), sigma, 0, +) = -oo\n")
    assert verdicts(good) == ["definition", "equal"]
    zero = steps("assume: S = 0\nlimit(-N*log(sigma) - S/(2*sigma**2), sigma, 0, +) = -oo\n")
    assert verdicts(zero) == ["assumption", "fails"]
    assert "oo" in zero["lines"][1]["reason"] and zero["counterexample"]["limit"] == "oo"


# ----------------------------------------------------------------------------------------------
# bounds, chains, PRML notation, feedback


def test_bounds_implied_symbolically_and_numerically():
    found = steps("x^2 + 1 >= 2*x\nsum(x_n^2, n=1..N) >= 0\nsigma^2 >= sigma\n")
    assert verdicts(found) == ["implied", "implied", "fails"]
    assert found["lines"][0]["evidence"] == "symbolic"
    sigma = float(found["counterexample"]["point"]["sigma"])
    assert sigma**2 < sigma


def test_a_chain_concludes_the_composed_relation():
    found = steps("log(L) = 2*log(sigma) + log(sigma^2 + 1)\n= log(sigma^2) + log(sigma^2 + 1)\n"
                  ">= log(sigma^2)\n= 2*log(sigma)\n")
    assert verdicts(found) == ["definition", "equal", "implied", "equal"]
    [chain] = found["conclusions"]
    assert chain["relation"] == ">=" and chain["text"] == "log(L) >= 2*log(sigma)"


def test_mixture_lower_bound_by_dropping_terms():
    text = ("assume: sigma > 0\nlog(pi_1*N(x_1 | x_1, sigma^2) + pi_2*N(x_1 | mu_2, 1))\n"
            ">= log(pi_1*N(x_1 | x_1, sigma^2))\n= log(pi_1) - log(sigma) - log(2*pi)/2\n")
    assert verdicts(steps(text)) == ["assumption", "definition", "implied", "equal"]


def test_prml_convention_hint_on_the_line():
    found = steps("log N(x | mu, sigma)\n= -log(sigma) - log(2*pi)/2 - (x - mu)^2/(2*sigma^2)\n")
    assert found["lines"][1]["verdict"] == "fails"
    assert "read with variance sigma, as in PRML" in found["lines"][1]["reason"]
    assert any("variance sigma" in hint for hint in found["hints"])


@pytest.mark.parametrize(("previous", "line", "needle"), [
    ("-2*log(sigma) - d^2/(2*sigma^2)", "= -d^2/(2*sigma^2)", "missing -2*log(sigma)"),
    ("-2*log(sigma) - d^2/(2*sigma^2)", "= -2*log(sigma) - d^2/sigma^2", "off by a factor 2"),
])
def test_feedback_names_what_differs(previous, line, needle):
    found = steps(f"{previous}\n{line}\n")
    assert found["lines"][1]["verdict"] == "fails" and needle in found["lines"][1]["reason"]


def test_line_verdicts_are_the_documented_list(cli, tmp_path):
    path = tmp_path / "steps.txt"
    path.write_text("# c\nassume: x > 0\nlet: S = x^2\nx\n= x\nx^2 + 1 >= x\n= 2x\n2*x = 1 + x\n")
    found = json.loads(cli("check", "steps", str(path), "--format", "json").stdout)
    assert verdicts(found) == ["comment", "assumption", "definition", "definition", "equal", "implied",
                               "unreadable", "fails"]
    assert set(verdicts(found)) <= {verdict.value for verdict in LineVerdict}


# ----------------------------------------------------------------------------------------------
# the audit's wrong verdicts


@pytest.mark.parametrize("expr", ["-(x_1**2 - 2*x_1*x_2 + x_2**2 + 1)/sigma**2 + log(sigma)",
                                  "(x_1**2 - 2*x_1*x_2 + x_2**2 + 1)*log(sigma)"])
def test_a_decidable_sign_is_decided(expr):
    found = check_limit(expr, "sigma", "0+", claim="-oo", timeout=None)["report"]
    assert found["verdict"] == "holds", found["symbolic"]


def test_a_refuted_limit_shows_a_point_where_the_claim_fails():
    found = check_limit("logN(x_1,x_1,sigma) + logN(x_2,x_1,sigma)", "sigma", "0+", claim="-oo",
                        timeout=None)["report"]
    assert found["verdict"] == "fails"
    counter = found["counterexample"]
    assert counter["condition"] == "x_1 = x_2" and counter["limit"] == "oo"
    assert counter["point"]["x_1"] == counter["point"]["x_2"]
    x, sigma = float(counter["point"]["x_1"]), 1e-3  # float64: the sum grows as sigma shrinks
    assert 2 * (-math.log(sigma) - math.log(2 * math.pi) / 2) > 0
    mine = [entry for entry in found["numeric"] if entry["case"] == "x_1 = x_2"]
    assert all(entry["estimate"] == "oo" for entry in mine) and x == float(mine[0]["at"]["x_1"])


# ----------------------------------------------------------------------------------------------
# D dimensions, isotropic


def test_d_dimensional_collapse_rate_and_ridge_bound():
    found = steps(open_vectors())
    assert verdicts(found) == ["assumption", "definition", "equal", "equal", "equal", "equal", "equal",
                               "assumption", "assumption", "implied", "implied"]
    wrong = steps("log N(x_1 | x_1, sigma^2 * I_D)\n= -log(sigma) - D*log(2*pi)/2\n")
    assert verdicts(wrong) == ["definition", "fails"]
    assert int(wrong["counterexample"]["point"]["D"]) >= 2  # D = 1 agrees; the refutation names a D that breaks it


def open_vectors() -> str:
    return ("assume: sigma > 0\nlog N(x_1 | x_1, sigma^2 * I_D)\n= -D*log(sigma) - D*log(2*pi)/2\n"
            "limit(-D*log(sigma) - D*log(2*pi)/2, sigma, 0, +) = oo\n"
            "log N(x_2 | x_1, sigma^2 * I_D) = -D*log(sigma) - D*log(2*pi)/2 - ||x_2 - x_1||^2/(2*sigma^2)\n"
            "log |sigma^2 * I_D| = 2*D*log(sigma)\n"
            "(x - mu)^T * (sigma^2*I_D)^(-1) * (x - mu) = ||x - mu||^2/sigma^2\n"
            "assume: eps > 0\nassume: v >= 0\n"
            "N(x | mu, (v + eps)*I_D) <= (2*pi*(v + eps))^(-D/2)\n<= (2*pi*eps)^(-D/2)\n")


@pytest.mark.parametrize(("text", "needle"), [("log(I_D)", "of a matrix"), ("I_D", "is a matrix"),
                                              ("N(x | mu, sigma^2*I_D + 1)", "only as c*I_D")])
def test_matrices_outside_the_isotropic_forms_are_refused(text, needle):
    from gmm_math.derivations.check.parser import parse_expression
    from gmm_math.derivations.core.errors import GmmMathError

    with pytest.raises(GmmMathError) as info:
        parse_expression(text)
    assert needle in str(info.value)


def test_input_language_option(cli):
    assert cli("check", "equal", "x^2 x", "x^3", "--input", "latex").exit_code == 0  # implicit product
    assert cli("check", "equal", "x^2 x", "x^3", "--input", "ascii").exit_code == 0  # a product by a space
    assert_one_line_error(cli("check", "equal", "x^2x", "x^3", "--input", "ascii"), "write * for products")
    assert_one_line_error(cli("check", "equal", "\\sigma", "sigma", "--input", "ascii"), "backslash starts LaTeX")
    assert cli("check", "equal", "\\frac{1}{x}", "1/x", "-a", "x > 0").exit_code == 0  # auto: a backslash
