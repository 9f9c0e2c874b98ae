"""Issue 23, numbers: ``derive em-step`` on or near the basin boundary, and its iterates at ``--dps``.

Which side of the boundary s_0 lies on is checked against the map itself evaluated straight from its
definition (``direct_f`` of test_em_step, no log space) at many more digits: f(s) < s just below a
repelling fixed point, f(s) > s just above it. The printed iterates are checked against an
independent iteration of ``direct_f`` and against a run at twice the digits.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from mpmath import mp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.numerics.em_map import EmMap, fixed_points
from test_em_step import direct_f

BASIN = "0,1,2,3,10"
BELOW_BY_1E_16 = "0.1083283691284850"  # the issue's start: s* rounded to 16 digits
DRIFT = ["--data=-1.1,-1.1,-3,-1.1,-3.57,-1.14", "--point", "1", "--means", "-0.58", "--scales", "1.56",
         "--s0", "0.0001346525943210650805490915410302692788861"]


def _model(text: str = BASIN, point: int = 0, **kw) -> CollapseModel:
    return CollapseModel.mixture(Dataset.from_text(text), point, **kw)


def _boundary_text(digits: int) -> str:
    em = EmMap.from_model(_model(), digits)
    with mp.workdps(digits):
        return mpmath.nstr(fixed_points(em).boundary.s, digits)


def _direct_side(s0_text: str, digits: int = 200) -> int:
    """sign(f(s_0) - s_0) from the definition of f (-1: below a repelling boundary, EM collapses)."""
    with mp.workdps(digits):
        s0 = mp.mpf(s0_text)
        return 1 if direct_f(_model(), s0) > s0 else -1


def _orbit_text(cli, *args: str) -> str:
    result = cli("derive", "em-step", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr + str(result.exception)
    import json
    steps = json.loads(result.stdout)["steps"]
    return next(s for s in steps if s["title"].startswith("EM from"))


def test_the_issues_start_is_below_the_boundary_and_collapses(cli):
    assert _direct_side(BELOW_BY_1E_16) == -1
    step = _orbit_text(cli, "--data", BASIN, "--s0", BELOW_BY_1E_16)
    assert "s_0 lies below the basin boundary" in step["text"] and "EM collapses" in step["text"]
    assert "falls below 1e-300" in step["text"]


def test_the_tools_own_printed_boundary_is_placed_on_its_true_side(cli):
    printed = _boundary_text(50)  # what `derive em-step --data 0,1,2,3,10` prints as s*_1
    side = _direct_side(printed)
    step = _orbit_text(cli, "--data", BASIN, "--s0", printed)
    word = "below" if side < 0 else "above"
    assert f"s_0 lies {word} the basin boundary" in step["text"]
    assert ("falls below 1e-300" in step["text"]) == (side < 0)
    assert ("converges to the fixed point" in step["text"]) == (side > 0)


def test_a_start_equal_to_the_boundary_beyond_the_digits_tried_is_said_so(cli):
    step = _orbit_text(cli, "--data", BASIN, "--s0", _boundary_text(400), "--dps", "40")
    assert "s_0 equals the basin boundary to 200 digits" in step["text"]
    assert "not decided" in step["text"] and "converges" not in step["text"]


def test_the_cli_never_crashes_around_the_boundary(cli):
    for digits in (12, 13, 14, 15, 16, 17, 30):
        result = cli("derive", "em-step", "--data", BASIN, "--s0", _boundary_text(digits))
        assert result.exit_code == 0, (digits, result.exception)


def _printed_log10(step) -> dict[int, mpmath.mpf]:
    out = {}
    for line in step["sympy"]:
        if line.startswith("Eq(log10(s_"):
            t, value = line[len("Eq(log10(s_"):].rstrip(")").split("), ")
            out[int(t)] = mp.mpf(value)
    return out


def test_iterates_are_computed_at_dps_not_in_float64(cli):
    """The issue's start: log10 s_20 was off by 1.3e-3 (s_0 read in float64); now every digit shown is right."""
    at_50 = _printed_log10(_orbit_text(cli, *DRIFT, "--dps", "50"))
    at_100 = _printed_log10(_orbit_text(cli, *DRIFT, "--dps", "100"))
    assert at_50 == at_100 and 20 in at_50
    model = _model("-1.1,-1.1,-3,-1.1,-3.57,-1.14", 1, means=(Fraction("-0.58"),), scales=(Fraction("1.56"),))
    with mp.workdps(120):
        s = mp.mpf(DRIFT[-1])
        direct = {0: mpmath.log10(s)}
        for t in range(1, 21):
            s = direct_f(model, s)
            direct[t] = mpmath.log10(s)
        for t, shown in at_50.items():
            assert abs(shown - direct[t]) <= mp.mpf("1e-13") * abs(direct[t]), (t, shown, direct[t])
