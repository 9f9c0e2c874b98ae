"""Honest verdicts of ``check steps`` and ``check em-step`` (issue 20, Part 1).

Bare expression lines are compared with the expression above; a file in which nothing is compared
is "nothing checked" (exit 3), never "holds"; ``NAME = ...`` for an unknown of a condition above is
a conclusion, never a silent definition: checked as the condition's solution, else "not checked"; a step after an unreadable line is compared
with the last readable one, saying so; no internal exception text reaches the user.
"""

from __future__ import annotations

import json

import pytest

from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.check.results import Evidence, LineResult, LineVerdict, Verdict
from gmm_math.numerics.check.runner import _settle_line, check_steps
from gmm_math.numerics.check.time_limit import Outcome, Status

# the file: each line a rewriting of the one above, the planted error on line 5
PLANTED = """\
assume: sigma > 0
logN(1, 0, sigma) + logN(3, 0, sigma) + logN(0, 0, sigma)
-3*log(sigma) - 3*log(2*pi)/2 - (1 + 9 + 0)/(2*sigma**2)
-3*log(sigma) - 3*log(2*pi)/2 - 10/(2*sigma**2)
-3*log(sigma) - 3*log(2*pi)/2 - 10/sigma**2
"""


def _verdicts(found) -> list[str]:
    return [line.verdict.value for line in found.report.lines]


def test_bare_expression_lines_are_compared_and_the_planted_error_is_found_on_its_line():
    found = check_steps(PLANTED, timeout=None)
    assert _verdicts(found) == ["assumption", "definition", "equal", "equal", "fails"]
    assert found.verdict is Verdict.FAILS
    assert found.report.counterexample.line == 5
    assert found.report.lines[4].reason.startswith("compared with line 4: ")
    assert "line 5 fails (3 lines compared, 2 hold)" in str(found.summary)


def test_the_same_file_without_the_error_holds():
    found = check_steps(PLANTED.replace("- 10/sigma**2", "- 5/sigma**2"), timeout=None)
    assert _verdicts(found) == ["assumption", "definition", "equal", "equal", "equal"]
    assert found.verdict is Verdict.HOLDS
    assert found.report.conclusions[0].from_line == 2 and found.report.conclusions[0].to_line == 5


def test_a_bare_line_continues_the_chain_across_comments_prose_assume_and_let_lines():
    text = "log(x^2*y)\n# expand\nassume: x > 0, y > 0\nlet: S = 2\n\nS*log(x) + log(y)\n"
    found = check_steps(text, timeout=None)
    assert _verdicts(found) == ["definition", "comment", "assumption", "definition", "comment", "equal"]
    assert found.report.lines[5].reason.startswith("compared with line 1: ")


def test_a_chain_starts_at_a_named_left_side_that_names_something_new():
    text = "assume: sigma > 0\nL(sigma) = -log(sigma) - 1/(2*sigma^2)\n-log(sigma) - sigma^(-2)/2\n"
    found = check_steps(text, timeout=None)
    assert _verdicts(found) == ["assumption", "definition", "equal"]
    assert found.report.lines[2].reason.startswith("compared with line 2: ")
    assert found.verdict is Verdict.HOLDS


def test_every_failing_line_is_listed_and_counted():
    text = "x + x\n2*x\n3*x\n3*x\n4*x\n"
    found = check_steps(text, timeout=None)
    assert _verdicts(found) == ["definition", "equal", "fails", "equal", "fails"]
    assert str(found.summary).startswith("lines 3, 5 fail (4 lines compared, 2 hold)")


@pytest.mark.parametrize("text, why", [
    ("log(x^2)\n", "no step line has a line above it"),
    ("# a comment\nL = log(x)\nassume: x > 0\n", "no step line has a line above it"),
    ("2x + 1\n= 3y + 1\n", "no line could be read"),
    # constraints and definitions alone (PRML 9.8-9.9 in a display): each line shown, nothing compared
    ("The weights satisfy\n\\[ 0 \\le \\pi_k \\le 1, \\qquad \\sum_{k=1}^{K} \\pi_k = 1 \\]\n",
     "the file only states assumptions and definitions"),
    ("assume: sigma > 0\nlet: S = x^2\n", "the file only states assumptions and definitions"),
])
def test_a_file_with_nothing_compared_is_nothing_checked(text, why):
    found = check_steps(text, timeout=None)
    assert found.verdict is Verdict.NOTHING_CHECKED
    assert why in str(found.summary) and "write each step under the line it rewrites" in str(found.summary)
    assert found.report.as_dict()["verdict"] == "nothing checked"


def test_a_file_of_prose_alone_is_refused_as_having_no_step():
    """Prose is a comment (issue 21), so a file of sentences has no step to check: refused, never "holds"."""
    with pytest.raises(GmmMathError, match="no step or limit lines"):
        check_steps("the derivative is zero\nso we are done\n", timeout=None)


def test_nothing_checked_exits_3_in_the_cli(cli, tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("log(x^2)\n")
    result = cli("check", "steps", str(path))
    assert result.exit_code == 3
    assert "verdict: nothing checked - no line was compared" in result.stdout
    found = json.loads(cli("check", "steps", str(path), "--format", "json").stdout)
    assert found["verdict"] == "nothing checked"


MU_SLIP = """\
sum(r_nk*(x_n - mu_k), n=1..N) = 0
mu_k = sum(r_nk*x_n, n=1..N)/N
"""


def test_a_conclusion_is_never_a_silent_definition_it_is_solved_for_and_the_slip_refused():
    found = check_steps(MU_SLIP, timeout=None)
    assert _verdicts(found) == ["condition", "fails"]
    line = found.report.lines[1]
    assert line.reason.startswith("mu_k is an unknown of the condition above, so this line is a conclusion, "
                                   "checked as its solution: does not follow")
    assert "the conditions give mu_1 = " in line.reason and line.evidence is Evidence.NUMERIC
    assert "line 2 fails" in str(found.summary) and found.verdict is Verdict.FAILS


def test_the_right_conclusion_from_a_condition_is_checked_as_its_solution():
    found = check_steps(MU_SLIP.replace("/N\n", "/sum(r_nk, n=1..N)\n"), timeout=None)
    assert _verdicts(found) == ["condition", "implied"]
    assert "linear in mu_k, so this is its only solution" in found.report.lines[1].reason
    assert found.verdict is Verdict.HOLDS


def test_a_conclusion_that_cannot_be_solved_for_is_not_checked_and_the_file_is_not_holds():
    # K conditions in K + 1 unknowns (no constraint on the weights is stated): pi_k is not determined
    text = ("let: N_k = sum(gamma_nk, n=1..N)\n"
            "N_k/pi_k + lam = 0\n"
            "pi_k = N_k/K\n")
    found = check_steps(text, timeout=None)
    line = found.report.lines[2]
    assert line.verdict is LineVerdict.NOT_CHECKED
    assert "pi_k is an unknown of the condition" in line.reason and "not a definition" in line.reason
    assert "could not be solved" in line.reason
    assert "line 3 not checked" in str(found.summary)
    assert found.verdict is not Verdict.HOLDS


def test_a_conclusion_is_not_used_as_a_definition_below():
    text = "sum(r_nk*(x_n - mu_k), n=1..N) = 0\nmu_k = 5\nmu_k + 1\n6\n"
    found = check_steps(text, timeout=None)
    assert found.report.lines[1].verdict is LineVerdict.FAILS  # checked as the solution, and refused
    # line 4 is compared with line 3 (mu_k + 1 = 6 is not an identity): mu_k was not defined as 5
    assert found.report.lines[3].verdict is LineVerdict.FAILS


def test_a_name_that_is_no_unknown_of_a_condition_still_names():
    text = ("assume: sigma > 0\nmu - 1 = 0\nS = sum(x_n^2, n=1..N)\nT = S/sigma^2\n"
            "T = sum(x_n^2, n=1..N)/sigma^2\n")
    found = check_steps(text, timeout=None)
    assert _verdicts(found)[2:] == ["definition", "definition", "equal"]


def test_a_step_after_an_unreadable_line_is_compared_with_the_last_readable_line():
    text = "assume: x > 0\nlog(x^2)\n2log(x)\n2*log(x)\n"  # line 3: '2log' is not read as a product
    found = check_steps(text, timeout=None)
    assert _verdicts(found) == ["assumption", "definition", "unreadable", "equal"]
    assert found.report.lines[3].reason.startswith(
        "compared with line 2, the last readable line above (line 3 could not be read): ")
    planted = check_steps(text.replace("2*log(x)", "3*log(x)"), timeout=None)
    assert planted.report.lines[3].verdict is LineVerdict.FAILS


def test_a_continuation_after_an_unreadable_line_is_compared_with_the_last_readable_line():
    text = "assume: x > 0\nlog(x^2)\n= 2log(x)\n= 2*log(x)\n"
    found = check_steps(text, timeout=None)
    assert _verdicts(found)[3] == "equal"
    assert "the last readable line above (line 3 could not be read)" in found.report.lines[3].reason


def test_no_internal_exception_text_reaches_the_user():
    found = _settle_line(Outcome(Status.ERROR, "StopIteration: "), 10.0)
    assert isinstance(found, LineResult) and found.verdict is LineVerdict.UNDECIDED
    assert "StopIteration" not in found.reason and "internal error" in found.reason


def test_em_step_with_nothing_claimed_is_nothing_checked(cli):
    result = cli("check", "em-step")
    assert result.exit_code == 3
    assert "verdict: nothing checked - nothing claimed" in result.stdout
    assert "--claim-weights" in result.stdout
    found = json.loads(cli("check", "em-step", "--format", "json").stdout)
    assert found["verdict"] == "nothing checked" and found["entries"] == []


def test_em_step_lists_every_refuted_number(cli):
    result = cli("check", "em-step", "--claim-weights", "0.1,0.9", "--claim-means", "0.5,2.3")
    assert result.exit_code == 1
    headline = result.stdout.strip().splitlines()[-1]
    assert headline.startswith("verdict: fails - ") and "weight 1" in headline and "weight 2" in headline
