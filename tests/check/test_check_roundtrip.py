"""What the tool prints, it reads back (issue 21): every formula of every `derive` output, through `check`."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmm_math.derivations.check.parser import parse_expression
from gmm_math.derivations.check.unicode import from_unicode
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.check.runner import check_equal, check_steps
from roundtrip_helpers import DERIVE_COMMANDS, derive_json, formulas, is_limit, not_read, one_line_formulas, sides


def _read_back(latex: str, printed: str) -> list[str]:
    """What goes wrong reading one formula back in its two printed forms (empty: nothing).

    The tool's own output is trusted text, so the checks run in this process (no worker, no time limit).
    """
    problems = []
    try:
        found = [check_steps(form, timeout=None)["report"]["lines"][0] for form in (latex, printed)]
    except StopIteration:  # SymPy's simplify fails inside (issue 20, "computation failed"): not a reading problem
        return [f"{latex!r}: SymPy failed"] if _unreadable_alone(latex, printed) else []
    for form, line in zip((latex, printed), found, strict=True):
        if line["verdict"] == "unreadable":
            problems.append(f"{form!r} is unreadable: {line['reason']}")
    if problems or is_limit(latex) or is_limit(printed):
        if not problems and found[0]["verdict"] != found[1]["verdict"]:
            problems.append(f"{latex!r} and {printed!r} get different verdicts")
        return problems
    for left, right in zip(sides(latex), sides(printed), strict=False):
        try:
            verdict = check_equal(left, right, timeout=None)["report"]["verdict"]
        except GmmMathError:
            continue  # a side that is no expression of its own (p(s), a named function): read as a line above
        except StopIteration:
            continue  # SymPy's simplify fails inside (issue 20, "computation failed"): read, but not decided
        if verdict != "holds":
            problems.append(f"{left!r} and {right!r} are read as different expressions ({verdict})")
    return problems


def _unreadable_alone(*forms: str) -> bool:
    """Is a form refused by the reader itself (parsing and building, no comparison)?"""
    from gmm_math.derivations.check.claims import read_line
    from gmm_math.derivations.check.document import read_document
    from gmm_math.derivations.check.parser import Context

    for form in forms:
        try:
            read_line(read_document(form).rows[0].text.strip(), Context())
        except GmmMathError:
            return True
    return False


@pytest.mark.parametrize("command", DERIVE_COMMANDS, ids=" ".join)
def test_every_formula_derive_prints_is_read_back_as_the_same_expression(cli, command):
    report = derive_json(cli, command)
    pairs = [(latex, printed) for latex, printed in formulas(report) if not not_read(latex, printed)]
    assert pairs, "derive printed no formula the checker is meant to read"
    problems = [problem for latex, printed in pairs for problem in _read_back(latex, printed)]
    assert not problems, problems


@pytest.mark.parametrize("command", [("single",), ("mixture",)], ids=" ".join)
def test_the_text_output_one_liners_are_read_back(cli, command):
    text = cli("derive", *command).stdout
    lines = one_line_formulas(text)
    assert lines, text[-400:]
    for line in lines:
        left, _, right = line.partition(" \u2192 ")
        assert parse_expression(left) is not None and parse_expression(right) is not None, line


_PRINTED = st.sampled_from(["σ", "μₖ", "𝒩(xₙ | μ, σ²)", "−log(σ)", "½ log(2·π)", "√(2π) σ", "∞", "−∞", "σₖ²", "xₙ − μₖ",
                            "2πσ²", "∑ₙ γₙₖ", "∏ₙ xₙ", "π₁", "σ⁻²", "x³", "N·log(2·π)", "1 × σ"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PRINTED, min_size=1, max_size=4), st.sampled_from([" + ", " − ", " · ", "/"]))
def test_unicode_as_printed_reads_as_its_ascii_spelling(parts, operator):
    """A Unicode formula and its ASCII respelling are the same expression, or both refused alike."""
    text = operator.join(f"({part})" for part in parts)
    try:
        unicode_value = parse_expression(text)
    except GmmMathError as err:
        with pytest.raises(GmmMathError):
            parse_expression(from_unicode(text))
        assert "\n" not in str(err)
        return
    assert parse_expression(from_unicode(text)) == unicode_value
