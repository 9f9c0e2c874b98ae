"""The claims of PRML 9.2.1 as checks, run in-process (timeout=None) to keep the suite fast.

Counterexamples and numeric limits are cross-checked by a second route (float64 math
or a direct SymPy substitution), so a test fails if either route is wrong.
"""

from __future__ import annotations

import math

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_math.derivations.check.claims import equivalence, example_names, example_path, limit_by_cases, plan_steps
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.check.parser import parse_expression
from gmm_math.numerics.check.evidence import EXTREME_INSTANCES, SPOT_POINTS, settle
from gmm_math.numerics.check.runner import check_equal, check_limit, check_steps

LOG_DENSITY = "-log(sigma) - log(2*pi)/2 - (x-mu)**2/(2*sigma**2)"
SPOTS = SPOT_POINTS + len(EXTREME_INSTANCES)  # the numeric instances of an expression without counts
MIXTURE = ("log(w*N(x_1, x_1, sigma_1) + (1-w)*N(x_1, mu_2, sigma_2))"
           " + log(w*N(x_2, x_1, sigma_1) + (1-w)*N(x_2, mu_2, sigma_2))")


def limit(*args, **kwargs):
    return check_limit(*args, timeout=None, **kwargs)["report"]


def equal(*args, **kwargs):
    return check_equal(*args, timeout=None, **kwargs)["report"]


def _gauss(x: float, mu: float, sigma: float) -> float:
    return math.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (math.sqrt(2 * math.pi) * sigma)


def test_single_gaussian_collapses_to_zero_when_another_point_differs():
    found = limit("N(x_1, x_1, sigma)*N(x_1 + d, x_1, sigma)", "sigma", "0+", claim="0", assume=["d != 0"])
    assert found["verdict"] == "holds" and found["symbolic"] == "limit = 0"
    assert all(entry["agrees"] for entry in found["numeric"])
    # float64 route, in log space: log N(0|0,s) + log N(1|0,s) falls without bound along s = 10^-k
    logs = [-2 * math.log(s) - math.log(2 * math.pi) - 1 / (2 * s**2) for s in (10.0**-k for k in range(1, 17))]
    assert all(a > b for a, b in zip(logs, logs[1:])) and logs[-1] < -1e30
    assert limit("N(0, 0, sigma)*N(1, 0, sigma)", "sigma", "0+", claim="oo")["verdict"] == "fails"


def test_mixture_collapse_goes_to_infinity():
    found = limit(MIXTURE, "sigma_1", "0+", claim="oo", assume=["w = 1/2"])
    assert found["verdict"] == "holds"
    # where x_2 differs from x_1 the claim holds too: every case reports oo
    assert found["cases"] and {case["limit"] for case in found["cases"]} == {"oo"}
    numbers = limit(MIXTURE.replace("x_1", "0").replace("x_2", "1"), "sigma_1", "0+", claim="oo",
                    assume=["w = 1/2"])
    assert numbers["verdict"] == "holds" and numbers["cases"] is None
    assert all(entry["estimate"] == "oo" for entry in numbers["numeric"])


def test_log_density_identity_holds():
    found = equal("log(N(x, mu, sigma))", LOG_DENSITY)
    assert found["verdict"] == "holds" and found["counterexample"] is None
    assert found["symbolic"].endswith("(LHS - RHS) = 0")
    assert [entry["agrees"] for entry in found["numeric"]] == [True] * SPOTS


def test_planted_algebra_error_is_caught_with_a_checkable_counterexample():
    wrong = "-log(sigma) - log(2*pi)/2 - (x-mu)**2/sigma**2"
    found = equal("log(N(x, mu, sigma))", wrong)
    assert found["verdict"] == "fails"
    counter = found["counterexample"]
    x, mu, sigma = (float(counter["point"][name]) for name in ("x", "mu", "sigma"))
    # second route: float64 evaluation of both sides at the reported point
    assert math.isclose(float(counter["lhs"]), math.log(_gauss(x, mu, sigma)), rel_tol=1e-12)
    right = -math.log(sigma) - math.log(2 * math.pi) / 2 - (x - mu) ** 2 / sigma**2
    assert math.isclose(float(counter["rhs"]), right, rel_tol=1e-12)
    assert not math.isclose(float(counter["lhs"]), float(counter["rhs"]), rel_tol=1e-6)


def test_mu_sigma_confusion_is_diagnosed_by_cases():
    """'N(x_n | mu_j, sigma_j) -> oo as sigma_j -> 0' is only true where mu_j sits on x_n."""
    found = limit("N(x_n, mu_j, sigma_j)", "sigma_j", "0+", claim="oo")
    assert found["verdict"] == "fails"
    cases = {case["condition"]: case["limit"] for case in found["cases"]}
    assert cases == {"mu_j = x_n": "oo", "mu_j < x_n": "0", "mu_j > x_n": "0"}
    counter = found["counterexample"]
    assert counter["condition"] in ("mu_j < x_n", "mu_j > x_n") and counter["limit"] == "0"
    assert counter["point"]["mu_j"] != counter["point"]["x_n"]
    # numeric route in every case, with sample points that satisfy the case's condition
    for entry in found["numeric"]:
        mu_j, x_n = float(entry["at"]["mu_j"]), float(entry["at"]["x_n"])
        relation = {"mu_j = x_n": mu_j == x_n, "mu_j < x_n": mu_j < x_n, "mu_j > x_n": mu_j > x_n}
        assert relation[entry["case"]] and entry["agrees"] is True
    # with the mean put on the point, the claim holds
    assert limit("N(x_n, mu_j, sigma_j)", "sigma_j", "0+", claim="oo", assume=["mu_j = x_n"])["verdict"] == "holds"


def test_swapped_mean_and_deviation_is_not_a_collapse():
    """Writing N(x | sigma, mu) (arguments swapped) and letting sigma -> 0 gives a finite value, not oo."""
    found = limit("N(x_n, sigma_j, mu_j)", "sigma_j", "0+", claim="oo", assume=["mu_j > 0"])
    assert found["verdict"] == "fails"
    assert "oo" not in found["counterexample"]["limit"]


def test_two_sided_limit_reports_both_sides():
    found = limit("1/x", "x", "0", claim="oo")
    assert found["verdict"] == "fails"
    assert {case["condition"]: case["limit"] for case in found["cases"]} == {"x -> 0+": "oo", "x -> 0-": "-oo"}
    assert limit("x**2", "x", "0", claim="0")["cases"] is None


def test_limit_without_claim_reports_the_value():
    found = limit("sigma*log(sigma)", "sigma", "0+")
    assert found["verdict"] == "holds" and found["symbolic"] == "limit = 0"
    assert found["counterexample"] is None


def test_numeric_evidence_catches_a_wrong_symbolic_limit(monkeypatch):
    """If SymPy said something false, the mpmath sequence disagrees and the verdict is undecided."""
    from gmm_math.derivations.check import claims as check

    monkeypatch.setattr(check, "_one_limit", lambda expr, var, point, side: sp.Integer(5))
    found = limit("sigma*log(sigma)", "sigma", "0+", claim="5")
    assert found["verdict"] == "undecided"
    assert any(entry["agrees"] is False for entry in found["numeric"])


def test_log_of_product_needs_positivity():
    found = equal("log(x*y)", "log(x) + log(y)")
    # where both sides are real (x, y > 0) they agree: no counterexample, but the domains differ
    assert found["verdict"] == "undecided" and found["counterexample"] is None
    assert all(entry["agrees"] is not False for entry in found["numeric"])
    assert equal("log(x*y)", "log(x) + log(y)", assume=["x > 0", "y > 0"])["verdict"] == "holds"


def test_equivalence_transforms():
    assert equivalence(parse_expression("log(2*pi)"), parse_expression("log(2) + log(pi)")).proved
    refuted = equivalence(parse_expression("x + 1"), parse_expression("x"))
    assert refuted.refuted and not refuted.proved


def test_limit_cases_are_symbolic_objects():
    result = limit_by_cases(parse_expression("exp(-y/sigma)"), sp.Symbol("sigma", real=True, positive=True),
                            sp.Integer(0), "+")
    assert result.split
    assert {case.conditions: case.shown_limit for case in result.cases} == {
        ("y = 0",): 1, ("y > 0",): 0, ("y < 0",): sp.oo}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=4, max_size=4))
def test_settle_never_claims_divergence_for_a_converged_tail(tail):
    """A sequence whose last step is 0 is 'finite' whatever came before."""
    import mpmath as mp

    values = [mp.mpf(v) for v in tail[:3]] + [mp.mpf(tail[2])]
    estimate, value = settle(values)
    assert estimate == "finite" and value == mp.mpf(tail[2])


def test_shipped_examples():
    assert example_names() == ["em_m_step", "general_n_collapse", "single_collapse_correct",
                               "single_collapse_planted_error"]
    general = check_steps(example_path("general_n_collapse").read_text(), timeout=None)["report"]
    assert general["verdict"] == "holds" and len(general["conclusions"]) == 3
    good = check_steps(example_path("single_collapse_correct").read_text(), timeout=None)["report"]
    assert good["verdict"] == "holds" and good["counterexample"] is None
    checked = [line for line in good["lines"] if line["verdict"] not in ("comment", "assumption", "definition")]
    assert len(checked) == 5 and all(line["verdict"] == "equal" for line in checked)
    assert all(line["evidence"] == "symbolic" for line in checked)
    bad = check_steps(example_path("single_collapse_planted_error").read_text(), timeout=None)["report"]
    marks = {line["line"]: line["verdict"] for line in bad["lines"]}
    assert bad["verdict"] == "fails" and marks[10] == "fails" and marks[14] == "fails"
    assert marks[8] == marks[12] == "equal" and marks[7] == "definition"
    assert marks[3] == "assumption" and marks[1] == "comment"
    assert bad["counterexample"]["line"] == 10
    point = bad["counterexample"]["point"]
    d, sigma = float(point["d"]), float(point["sigma"])
    previous = -2 * math.log(sigma) - math.log(2 * math.pi) - d**2 / (2 * sigma**2)
    assert math.isclose(float(bad["counterexample"]["lhs"]), previous, rel_tol=1e-12)
    assert "line 8" in next(line["reason"] for line in bad["lines"] if line["line"] == 10)


def test_steps_assumptions_apply_below_and_chain_skips_comments():
    text = "x*y\n# comment\nassume: mu_j = x_n\n= y*x\nlimit(N(x_n, mu_j, s), s, 0+) = oo\n= x*y + 0\n"
    found = check_steps(text, timeout=None)["report"]
    assert [line["verdict"] for line in found["lines"]] == [
        "definition", "comment", "assumption", "equal", "equal", "equal"]
    assert found["lines"][5]["reason"].startswith("compared with line 4")


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("x\n= y +\n", 2, "ends too early"),
    ("limit(x, x, 0, *) = 0", 1, "'*'"),
    ("limit(x, x) = 0", 1, "limit(...) takes EXPR, VAR, POINT"),
    ("limit(x, x, 0+, +) = 0", 1, "direction once"),
    ("limit(x, x, 0+)", 1, "a limit line reads"),
    ("assume: x >\nx", 1, "NAME > 0"),
    ("assume: s = 0\nlimit(x, s, 0+) = 0", 2, "equality assumption"),
    ("x\n= 2x\n= x", 2, "write * for products"),
    ("x\n= x[1.5]\n= x", 2, "x_n or x_{n}"),
])
def test_a_bad_line_is_unreadable_and_the_rest_is_checked(text, line, needle):
    found = check_steps(text, timeout=None)["report"]
    entry = found["lines"][line - 1]
    assert entry["verdict"] == "unreadable" and needle in entry["reason"], entry
    assert "invalid syntax" not in entry["reason"] and "Python" not in entry["reason"]
    assert found["verdict"] in ("undecided", "fails", "nothing checked")


def test_unreadable_lines_name_the_column():
    found = check_steps("x + 1\n= 1 + x $ 2\n= x + 1", timeout=None)["report"]
    assert [line["verdict"] for line in found["lines"]] == ["definition", "unreadable", "equal"]
    assert found["lines"][1]["column"] == 9 and "'$'" in found["lines"][1]["reason"]
    assert "the last readable line above (line 2 could not be read)" in found["lines"][2]["reason"]


@pytest.mark.parametrize(("text", "needle"), [
    ("# only comments\n\n", "no step"),
    ("x\n" * 400, "at most"),
])
def test_bad_steps_files(text, needle):
    with pytest.raises(GmmMathError) as info:
        plan_steps(text)
    assert needle in str(info.value)


def test_same_seed_same_report():
    first = check_equal("log(N(x, mu, sigma))", "logN(x, mu, sigma)", timeout=None, seed=7)
    again = check_equal("log(N(x, mu, sigma))", "logN(x, mu, sigma)", timeout=None, seed=7)
    other = check_equal("log(N(x, mu, sigma))", "logN(x, mu, sigma)", timeout=None, seed=8)
    assert first == again and first != other


def test_numeric_agreement_without_a_proof_is_said_so():
    result = check_equal("log(exp(x) + exp(-x))", "x + log(1 + exp(-2*x))", timeout=None)
    found = result["report"]
    assert found["verdict"] == "holds" and "not reduced to 0" in found["symbolic"]
    assert "numeric evidence, not a proof" in result["summary"]
    # float64 route at the sampled points
    for entry in found["numeric"]:
        x = float(entry["at"]["x"])
        assert math.isclose(math.log(math.exp(x) + math.exp(-x)), x + math.log1p(math.exp(-2 * x)))
        assert math.isclose(float(entry["lhs"]), float(entry["rhs"]), rel_tol=1e-12)


def test_a_sign_in_sympys_answer_is_split_into_cases_too():
    """SymPy answers oo*sign(x_n**2); the point x_n = 0 is where the claim oo breaks."""
    found = limit("x_n**2/sigma", "sigma", "0+", claim="oo")
    assert {case["condition"]: case["limit"] for case in found["cases"]} == {"x_n = 0": "0", "x_n > 0": "oo",
                                                                             "x_n < 0": "oo"}
    assert found["verdict"] == "fails" and found["counterexample"]["condition"] == "x_n = 0"
    assert float(found["counterexample"]["point"]["x_n"]) == 0
