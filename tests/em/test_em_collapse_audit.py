"""The audit of `em`'s collapse reports, as regression tests: no false collapse, none missed, weights in log space."""

from __future__ import annotations

import json

import mpmath as mp
import numpy as np
import pytest
from typer.testing import CliRunner

from gmm_math.cli.main import app
from gmm_math.numerics.datasets import seed_blobs
from gmm_math.numerics.em.fit import fit

runner = CliRunner()
X = seed_blobs()
AUDIT = "--dataset seed-blobs --init seed-style --remedy none".split()


def _em_json(*args: str) -> dict:
    result = runner.invoke(app, ["em", *AUDIT, *args, "-q", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _log10_weight_mpmath(record, component: int) -> float:
    """log10 of (1/N) sum_n r_nk at the parameters of ``record``, from scratch in mpmath (60 digits)."""
    with mp.workdps(60):
        total = mp.mpf(0)
        logs = []
        for x in X:
            terms = []
            for w, mu, cov in zip(record.weights, record.means, record.covariances):
                d = mp.matrix([float(v) for v in x - mu])
                S = mp.matrix(cov.tolist())
                terms.append(mp.log(w) - mp.log(2 * mp.pi) - mp.log(mp.det(S)) / 2 - (d.T * mp.inverse(S) * d)[0] / 2)
            peak = max(terms)
            logs.append(terms[component] - (peak + mp.log(mp.fsum(mp.exp(t - peak) for t in terms))))
        peak = max(logs)
        total = peak + mp.log(mp.fsum(mp.exp(v - peak) for v in logs))
        return float((total - mp.log(len(X))) / mp.log(10))


def test_a_no_collapse_at_iteration_1_where_the_exact_m_step_denies_it():
    """Was: component 1 'collapsed holding no point' at iteration 1, weight 4.44e-18 (10 eps / N)."""
    payload = _em_json("-k", "4", "--seed", "29")
    assert all(c["iteration"] != 1 for c in payload["collapses"])
    assert all(c["weight"] != pytest.approx(4.440892098500626e-18, rel=1e-3) for c in payload["collapses"])
    result = fit(X, 4, init="seed-style", remedy="none", seed=29)
    first = result.history[1]  # the exact M-step keeps component 1 a proper Gaussian over several points
    assert first.min_eigenvalues[0] > 1e-12 * 143 and first.weights[0] > 0


def test_b_spherical_no_false_collapse_at_iteration_1():
    payload = _em_json("-k", "6", "--seed", "25", "--covariance", "spherical")
    assert payload["collapses"] and all(c["iteration"] == 2 for c in payload["collapses"])
    assert all(c["support_rank"] < 3 for c in payload["collapses"])


def test_c_simultaneous_collapses_are_all_reported():
    """Component 4 collapses onto point 111 in the same step as component 1 (onto point 95): both reported."""
    payload = _em_json("-k", "6", "--seed", "2")
    found = {(c["component"], c["point_index"], c["iteration"]) for c in payload["collapses"]}
    assert {(0, 95, 2), (3, 111, 2)} <= found
    text = runner.invoke(app, ["em", *AUDIT, "-k", "6", "--seed", "2", "-q"]).stdout
    assert "component 1 collapsed onto point 95" in text and "component 4 collapsed onto point 111" in text


@pytest.mark.slow
@pytest.mark.parametrize("k, seed, covariance", [(4, 29, "full"), (6, 2, "full")])
def test_reported_weights_are_right_in_log_space(k, seed, covariance):
    """Every reported weight agrees with a from-scratch mpmath E-step at the previous parameters (not a float64 floor)."""
    result = fit(X, k, init="seed-style", remedy="none", seed=seed, covariance=covariance)
    for c in result.collapses:
        before = result.history[c.iteration - 1]
        expected = _log10_weight_mpmath(before, c.component)
        # a starving component's M-step moments are exact in log space; its weight there as well
        assert c.log10_weight == pytest.approx(expected, abs=1e-8), (c.component, c.log10_weight, expected)


def test_an_underflowing_weight_is_given_by_its_power_of_ten():
    from gmm_math.cli.em.report import power_of_ten, weight_phrase
    from gmm_math.numerics.em.fit import Collapse

    tiny = Collapse(0, 3, 5, (0.0, 1.0), 0.0, 1e-300, 1, 0.0, 0, 1, 1, log10_weight=-197306.62)
    assert weight_phrase(tiny, 500) == "2.4e-197307 (computed in log space; it underflows float64)"
    assert power_of_ten(np.log10(1.3e-37)) == "1.3e-37"
