"""The checker's typed results: enums and dataclasses from the decision to the JSON, the text and the notebook."""

from __future__ import annotations

import json

from gmm_math.numerics.check import check_claim, check_steps
from gmm_math.numerics.check.results import (
    CheckReport,
    CheckResult,
    Counterexample,
    Evidence,
    Kind,
    LineVerdict,
    Summary,
    Verdict,
)


def test_summary_drops_only_an_opening_word_that_repeats_the_verdict():
    said = Summary("LHS and RHS are identical", "equal")
    assert str(said) == "equal: LHS and RHS are identical"
    assert said.after("holds") == "equal: LHS and RHS are identical" and said.after("equal") == said.text
    assert str(Summary("line 3 fails")) == "line 3 fails" and Summary("x").extended(None) == Summary("x")


def test_steps_result_is_typed_and_its_json_view_is_the_contract():
    found = check_steps("x + x\n2*x\n3*x\n", timeout=None)
    assert found.verdict is Verdict.FAILS and found.report.kind is Kind.STEPS
    assert [line.verdict for line in found.report.lines] == [LineVerdict.DEFINITION, LineVerdict.EQUAL,
                                                             LineVerdict.FAILS]
    assert found.report.lines[1].evidence is Evidence.SYMBOLIC
    assert isinstance(found.report.counterexample, Counterexample) and found.report.counterexample.line == 3
    view = json.loads(json.dumps(found.report.as_dict()))
    assert list(view) == ["verdict", "kind", "symbolic", "numeric", "cases", "counterexample", "lines", "evidence",
                          "tried", "hints", "conclusions", "domains"]
    assert view["verdict"] == "fails" and view["counterexample"]["line"] == 3
    assert list(view["counterexample"]) == ["line", "point", "lhs", "rhs"]
    assert found["report"] == found.report.as_dict() and found["summary"] == str(found.summary)


def test_reprs_are_one_line_with_counts_and_verdict():
    steps = check_steps("x + x\n2*x\n3*x\n", timeout=None)
    assert repr(steps) == "CheckResult(steps: fails, 3 lines: 1 equal, 1 fails, 1 definition)"
    claim = check_claim("log(sigma)", "sigma", "0+", claim="-oo", timeout=None)
    assert repr(claim) == "CheckResult(limit: holds - limit = -oo, as claimed)"
    assert "\n" not in repr(steps) + repr(claim)


def test_notebook_html_shows_the_headline_and_every_line():
    found = check_steps("x + x\n2*x\n3*x\n", timeout=None)
    html = found._repr_html_()
    assert found.headline in html and html.count("<tr>") == 4  # the header and three lines


def test_a_limit_counterexample_serialises_in_the_contract_order():
    found = check_claim("N(x_n, mu_j, sigma_j)", "sigma_j", "0+", claim="oo", timeout=None)
    assert found.verdict is Verdict.FAILS and found.report.counterexample.of_limit
    assert list(found.report.as_dict()["counterexample"]) == ["condition", "point", "limit", "claim"]
    assert [case.condition for case in found.report.cases] == [
        case["condition"] for case in found["report"]["cases"]]


def test_a_result_without_lines_reprs_its_summary():
    result = CheckResult(CheckReport(Kind.EQUAL, Verdict.UNDECIDED), Summary("time limit reached", "undecided"))
    assert repr(result) == "CheckResult(equal: undecided - time limit reached)"
    assert result.headline == "verdict: undecided - time limit reached"
