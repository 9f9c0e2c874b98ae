"""derivations/remedies/reset.py: the float64 thresholds and the unchanged objective."""

from __future__ import annotations


import numpy as np
import pytest

from gmm_math.derivations.remedies.reset import float64_thresholds, reset_collapse
from gmm_math.numerics.loglik import log_likelihood
from gmm_math.numerics.objectives import log_objective

from remedy_helpers import DATA_2D


@pytest.mark.parametrize("dim", [1, 3])
def test_reset_thresholds_are_where_float64_breaks(dim):
    model = reset_collapse(dim=dim).model
    thresholds = {k: float(v) for k, v in float64_thresholds(model).items()}

    def peak(s):  # pi_1 N(x_n | x_n, s^2 I) in float64, one factor at a time
        value = np.float64(float(model.weights[0])) * np.float64(2 * np.pi) ** (-dim / 2)
        for _ in range(dim):
            value = value / np.float64(s)
        return value

    with np.errstate(over="ignore", under="ignore"):
        assert np.isfinite(peak(thresholds["overflow"] * 1.01)) and np.isinf(peak(thresholds["overflow"] * 0.99))
        q = float(dim)  # the nearest other example point (1, ..., 1) is at squared distance D from x_n = 0
        assert np.exp(-q / (2 * (thresholds["underflow"] * 1.01) ** 2)) > 0
        assert np.exp(-q / (2 * (thresholds["underflow"] * 0.99) ** 2)) == 0


def test_reset_leaves_the_mixture_objective_unchanged():
    derivation = reset_collapse(data=DATA_2D)
    for sigma in ("0.5", "1e-50"):
        assert log_objective(derivation, sigma, 30) == log_likelihood(derivation.model, sigma, 30)
