"""A limit SymPy computes exactly but whose numbers settle only at a log rate (issue 23): the claim is refuted
on the symbolic limit when the numbers head toward it, and never when they do not."""

from __future__ import annotations

from gmm_math.numerics.check import check_claim
from gmm_math.numerics.check.evidence import LimitEvidence
from gmm_math.numerics.check.runner import _heads_to_the_symbolic_limit

SLOW = "limit(log(pi_1*N(x_n | x_n, sigma^2) + pi_2*N(x_n | mu_2, s_2))/log(sigma), sigma, 0, +)"


def test_a_wrong_claim_is_refuted_though_the_numbers_settle_slowly():
    found = check_claim(f"{SLOW} = -2", timeout=None)
    assert found.verdict.value == "fails"
    assert found.report.counterexample.limit == "-1" and found.report.counterexample.claim == "-2"


def test_the_right_claim_still_holds():
    assert check_claim(f"{SLOW} = -1", timeout=None).verdict.value == "holds"


def _evidence(values, target):
    return LimitEvidence({}, [(10.0 ** -k, v) for k, v in enumerate(values, 1)], "unclear", None, target, None)


def test_only_a_sequence_heading_to_the_symbolic_limit_is_a_witness():
    toward = _evidence([-0.28, -0.6, -0.8, -0.9, -0.93, -0.955], -1.0)
    assert _heads_to_the_symbolic_limit(toward, -2.0)
    assert not _heads_to_the_symbolic_limit(toward, -0.97)  # nearer the claim than SymPy's limit: no refutation
    wandering = _evidence([-0.28, -0.9, -0.6, -0.95, -0.7, -0.96], -1.0)
    assert not _heads_to_the_symbolic_limit(wandering, -2.0)
    assert not _heads_to_the_symbolic_limit(_evidence([-0.9, -0.95], -1.0), -2.0)  # too short to say
