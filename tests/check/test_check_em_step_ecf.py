"""check em-step marks as a human marker does (issue 21): error carried forward, slips named."""

from __future__ import annotations

import json

import mpmath
import pytest

from gmm_math.numerics.em.hand_step import carried_forward, check_claims, exact_iteration

START = (["0", "1", "3"], ["0.5", "0.5"], ["0", "2"], ["4", "0.25"])
STD = "standard deviation used for the variance in the exponent"
THROUGHOUT = "N instead of N_k throughout (the variance taken about the N-divided mean)"


def _as_written(step, digits: int = 4) -> dict:
    return {"responsibilities": [[mpmath.nstr(v, digits) for v in row] for row in step.responsibilities],
            "weights": [mpmath.nstr(v, digits) for v in step.weights],
            "means": [mpmath.nstr(m[0], digits) for m in step.means],
            "variances": [mpmath.nstr(c[0][0], digits) for c in step.covariances]}


def test_numbers_that_follow_from_a_wrong_e_step_are_marked_as_following():
    step = exact_iteration(*START)
    entries = check_claims(step, _as_written(step.slips[STD]))
    assert [entry.slip for entry in entries[:6]] == [STD] * 6 and not any(entry.holds for entry in entries)
    assert [entry.follows for entry in entries[6:]] == [True] * 6
    assert carried_forward(entries) == [f"entries 1\u20136 are wrong ({STD}); entries 7\u201312 follow correctly "
                                        f"from them"]


def test_a_wrong_later_number_does_not_follow():
    step = exact_iteration(*START)
    claims = _as_written(step.slips[STD])
    claims["variances"][1] = "2.5"
    entries = check_claims(step, claims)
    assert entries[-1].follows is False and entries[-2].follows is True
    assert "entry 12" not in " ".join(carried_forward(entries))


def test_a_correct_step_carries_nothing_forward():
    step = exact_iteration(*START)
    entries = check_claims(step, _as_written(step))
    assert all(entry.holds and entry.follows is None for entry in entries) and carried_forward(entries) == []


def test_n_instead_of_n_k_throughout_is_named():
    step = exact_iteration(*START)
    claims = _as_written(step.slips[THROUGHOUT])
    entries = check_claims(step, {"means": claims["means"], "variances": claims["variances"]})
    assert [entry.slip for entry in entries[2:]] == [THROUGHOUT, THROUGHOUT]


def test_the_json_has_a_schema_version_and_the_carried_forward_marks(cli, tmp_path):
    step = exact_iteration(*START)
    claims = _as_written(step.slips[STD])
    path = tmp_path / "homework.toml"
    path.write_text("data = [0, 1, 3]\nweights = [0.5, 0.5]\nmeans = [0, 2]\nvariances = [4, 0.25]\n[claims]\n"
                    + "".join(f"{key} = {json.dumps(value)}\n" for key, value in claims.items()))
    result = cli("check", "em-step", "--file", str(path), "--format", "json")
    found = json.loads(result.stdout)
    assert result.exit_code == 1 and found["schema_version"] == 2
    assert [entry["follows"] for entry in found["entries"]][6:] == [True] * 6
    assert found["carried_forward"] and "follow correctly" in found["carried_forward"][0]
    text = cli("check", "em-step", "--file", str(path)).stdout
    assert "error carried forward: entries 1\u20136 are wrong" in text


@pytest.mark.parametrize("name", [STD, THROUGHOUT])
def test_every_new_slip_reproduces_itself(name):
    step = exact_iteration(*START)
    entries = check_claims(step, _as_written(step.slips[name], 6))
    assert any(entry.slip == name for entry in entries if not entry.holds)
