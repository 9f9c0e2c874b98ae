"""Conditions, consequences and restatements (issue 20 Part 3): roles by text, checks by substitution and solving."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gmm_math.derivations.check.conditions import derivative_variable, marker, plan_roles
from gmm_math.numerics.check.runner import check_steps


@dataclass(frozen=True)
class _Step:
    line: int
    body: str
    kind: str = "step"


@pytest.mark.parametrize(("text", "kind", "rest"), [
    ("=> mu_k = 1", "consequence", "mu_k = 1"), (r"\Rightarrow \mu_k = 1", "consequence", r"\mu_k = 1"),
    (r"\implies x = 1", "consequence", "x = 1"), (r"&\therefore x = 1", "consequence", "x = 1"),
    ("so x = 1", "consequence", "x = 1"), ("hence x = 1", "consequence", "x = 1"),
    ("solve: x = 1", "consequence", "x = 1"), ("<=> x = 1", "equivalent", "x = 1"),
    (r"\iff x = 1", "equivalent", "x = 1"), ("x = 1", None, None), ("solution = 1", None, None),
    ("= 0", None, None),
])
def test_markers(text, kind, rest):
    assert marker(text) == (None if kind is None else (kind, rest))


@pytest.mark.parametrize(("text", "name"), [
    ("d/dmu_k log L = 0", "mu_k"), ("diff(log N(x | mu, s_k^2), s_k^2) = 1", "s_k"), ("d(log L)/d(pi_k) = 2", "pi_k"),
    (r"\frac{\partial \ln p(X \mid \pi)}{\partial \mu_k} = 0", "mu_k"), (r"\partial_{\mu_k} L = 0", "mu_k"),
    (r"\frac{d}{d\sigma} L = 0", "sigma"), ("x = 1", None),
])
def test_the_variable_differentiated_by(text, name):
    assert derivative_variable(text) == name


def test_roles():
    steps = [_Step(1, "d/dmu_k L = A"), _Step(2, "A = 0"), _Step(3, "B = 0"), _Step(4, "d/dx L = C = 0"),
             _Step(5, "=> x = 1"), _Step(6, "d/dy L"), _Step(7, "= 0")]
    roles = plan_roles(steps)
    assert [roles[line].kind for line in sorted(roles)] == ["condition", "derivative_condition", "consequence",
                                                            "condition"]
    assert 3 not in roles and 1 not in roles  # an equation = 0 not right after a derivative is an ordinary step
    assert roles[4].body == "d/dx L = C"
    assert [condition.text for condition in roles[5].conditions] == ["A = 0", "d/dx L = C = 0"]
    assert roles[5].unknowns == ("mu_k", "x")
    assert roles[7].kind == "condition"


def test_an_equation_to_zero_that_a_consequence_follows_is_a_condition():
    roles = plan_roles([_Step(1, "x - 2 = 0"), _Step(2, "=> x = 2"), _Step(3, "y - 1 = 0"), _Step(4, "z = 1")])
    assert roles[1].kind == "condition" and roles[2].kind == "consequence" and 3 not in roles
    assert [condition.text for condition in roles[2].conditions] == ["x - 2 = 0"]


def test_an_equation_to_zero_that_a_conclusion_of_its_name_follows_is_a_condition():
    # NAME = ... without a marker, for a name in the EXPR = 0 line above: a conclusion (issue 20 Part 1),
    # which the runner checks as the solution; the conclusion itself is no role (the runner finds it)
    roles = plan_roles([_Step(1, "y - 1 = 0"), _Step(2, "y = 1"), _Step(3, r"\mu_{k} - 1 = 0"), _Step(4, r"\mu_k = 1")])
    assert roles[1].kind == "condition" and roles[3].kind == "condition" and 2 not in roles and 4 not in roles
    assert _verdicts("y - 1 = 0\ny = 1\n") == ["condition", "implied"]
    assert _verdicts("y - 1 = 0\ny = 2\n") == ["condition", "fails"]


MU = ("let: N_k = sum(r_nk, n=1..N)\n"
      "d/dmu_k sum(r_nk*(x_n - mu_k)^2, n=1..N) = -2*sum(r_nk*(x_n - mu_k), n=1..N)\n"
      "-2*sum(r_nk*(x_n - mu_k), n=1..N) = 0\n")


def _verdicts(text: str) -> list[str]:
    return [line["verdict"] for line in check_steps(text, timeout=None)["report"]["lines"]]


def test_a_condition_is_not_an_identity():
    assert _verdicts(MU) == ["definition", "equal", "condition"]


def test_a_derivative_line_ending_in_zero_sets_the_condition():
    text = "let: N_k = sum(r_nk, n=1..N)\nd/dmu_k sum(r_nk*(x_n - mu_k)^2, n=1..N) = 0\n=> mu_k = " \
           "sum(r_nk*x_n, n=1..N)/N_k\n"
    assert _verdicts(text) == ["definition", "condition", "implied"]


def test_the_solution_is_checked_and_a_wrong_one_refused_with_its_instance():
    good = check_steps(MU + "=> mu_k = sum(r_nk*x_n, n=1..N)/N_k\n", timeout=None)["report"]["lines"][-1]
    assert good["verdict"] == "implied" and "linear in mu_k" in good["reason"]
    bad = check_steps(MU + "=> mu_k = sum(r_nk*x_n, n=1..N)/N\n", timeout=None)["report"]["lines"][-1]
    assert bad["verdict"] == "fails" and bad["evidence"] == "numeric"
    assert "the conditions give mu_1 = " in bad["reason"] and "r_1,1 = " in bad["reason"]


def test_an_equivalent_restatement_is_checked_both_ways():
    assert _verdicts(MU + "<=> mu_k*N_k = sum(r_nk*x_n, n=1..N)\n")[-1] == "equal"
    assert _verdicts(MU + "<=> mu_k = 0\n")[-1] == "fails"


def test_a_consequence_without_conditions_must_hold_everywhere():
    """With no condition in force a consequence is an ordinary step: checked, never waved through."""
    assert _verdicts("x = 1\n=> x^2 = 1\n")[-1] == "equal"  # x names 1 here
    assert _verdicts("=> x^2 = 1\n")[-1] == "fails"
    assert _verdicts("\\therefore 1 - 1/8 = 7/8\n")[-1] == "equal"


def test_the_lagrange_multiplier_of_the_weights():
    text = ("let: N_k = sum(gamma_nk, n=1..N)\n"
            "d/dpi_k (sum(sum(gamma_nj*log(pi_j), j=1..K), n=1..N) + lambda*(sum(pi_j, j=1..K) - 1)) "
            "= N_k/pi_k + lambda\nN_k/pi_k + lambda = 0\nassume: sum(pi_k, k=1..K) = 1\n")
    assert _verdicts(text + "=> lambda = -N\n")[-1] == "implied"
    assert _verdicts(text + "=> lambda = N\n")[-1] == "fails"
    assert _verdicts(text + "=> pi_k = N_k/K\n")[-1] == "fails"


def test_the_m_step_example_through_the_cli(cli):
    import json

    found = cli("check", "steps", "--example", "em_m_step", "--format", "json")
    assert found.exit_code == 0, found.stderr
    verdicts = [line["verdict"] for line in json.loads(found.stdout)["lines"]]
    assert verdicts.count("condition") == 3 and verdicts.count("implied") == 4 and "fails" not in verdicts


def test_a_condition_line_is_rendered_with_its_mark_and_its_reason(cli, tmp_path):
    path = tmp_path / "mean.txt"
    path.write_text("sum(r_nk*(x_n - mu_k), n=1..N) = 0\nmu_k = sum(r_nk*x_n, n=1..N)/N\n")
    result = cli("check", "steps", str(path))
    assert result.exit_code == 1
    first, second = result.stdout.splitlines()[1:3]
    assert first.split()[1] == "condition" and "(a condition, an equation set to 0 to be solved" in first
    assert second.split()[1] == "FAILS" and "<- mu_k is an unknown of the condition above" in second
    text = cli("check", "steps", "--example", "em_m_step")
    assert text.exit_code == 0 and " condition  " in text.stdout and "verdict: holds" in text.stdout


def test_a_refutation_is_the_same_under_any_hash_seed(tmp_path):
    import os
    import subprocess
    import sys

    path = tmp_path / "slip.txt"
    path.write_text(MU + "=> mu_k = sum(r_nk*x_n, n=1..N)/N\n")
    outputs = {subprocess.run([sys.executable, "-m", "gmm_math.cli", "check", "steps", str(path)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert len(outputs) == 1 and "the conditions give mu_1 = " in outputs.pop()
