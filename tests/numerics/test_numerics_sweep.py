"""numerics/sweep.py (`evaluate`'s table): the rates, the header, progress, argument checks."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from mpmath import mp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.mixture import mixture_collapse
from gmm_math.derivations.core.model import CollapseModel, example_data
from gmm_math.derivations.single import single_gaussian_collapse
from gmm_math.numerics.loglik import CollapseTerms
from gmm_math.numerics.sweep import MAX_SIGMAS, evaluate_table, parse_sweep

from numerics_helpers import FAST, close, models


@FAST
@given(models(max_points=6), st.integers(30, 3000))
def test_rates_tend_to_minus_r_d_and_minus_half_s(case, exponent):
    data, point, components, weights = case
    table = evaluate_table(data, point, sigmas=[f"1e-{exponent}"], dps=30, components=components, weights=weights,
                           symbolic=False)
    (row,) = table.rows
    r, d = data.multiplicity(point), data.dim
    half_s = sum(data.squared_distances(point)) / 2
    assert table.rate_limits == {"slope_mixture": -r * d, "sigma2_loglik_single": -half_s}
    assert abs(row.slope_mixture + r * d) <= mp.mpf(10) ** -25
    assert close(row.sigma2_loglik_single, mp.mpf(-half_s.numerator) / half_s.denominator, 25)


def test_rates_move_towards_their_limits_along_a_sweep():
    table = evaluate_table(Dataset.from_text("0,0,1,3"), 0, sigmas=parse_sweep("0:-12:7"), dps=30, symbolic=False)
    slopes = [row.slope_mixture for row in table.rows]
    gaps = [abs(row.sigma2_loglik_single + 5) for row in table.rows]
    assert abs(slopes[-1] + 2) < 1e-9 and all(b <= a for a, b in zip(gaps, gaps[1:]))


def test_header_quantities_are_computed():
    data = Dataset.from_text("0,0,1,3,7.5")
    table = evaluate_table(data, 1, sigmas=["1"], dps=40, components=3)
    assert table.S == Fraction(1 + 9 + 56.25) and (table.n, table.dim, table.multiplicity) == (5, 1, 2)
    assert close(table.sigma_star**2, mp.mpf(265) / 4 / 5, 38)
    terms = CollapseTerms.from_model(CollapseModel.mixture(data, 1, 3), 40)
    with mp.workdps(50):
        assert close(table.loglik_at_sigma_star, terms.single(table.sigma_star), 38)
        for factor in ("0.999", "1.001"):  # sigma* is the maximum of the single Gaussian's log L
            assert terms.single(table.sigma_star * mp.mpf(factor)) < table.loglik_at_sigma_star
    single = single_gaussian_collapse(data=data, point=1)
    mixture = mixture_collapse(3, data=data, point=1)
    assert table.limits == {"single": single.limit_log_likelihood, "mixture": mixture.limit_log_likelihood}
    assert table.leading == {"single": single.leading_term, "mixture": mixture.leading_term}
    assert table.limits == {"single": -sp.oo, "mixture": sp.oo}


def test_all_points_at_x_n():
    table = evaluate_table(Dataset.from_text("2,2,2"), 0, sigmas=["1e-30"], dps=20)
    assert table.S == 0 and table.sigma_star == 0 and table.loglik_at_sigma_star == mp.inf
    assert table.limits["single"] == sp.oo and abs(table.rows[0].slope_mixture + 3) < 1e-19


def test_progress_is_called_once_per_row():
    calls = []
    evaluate_table(example_data(), 0, sigmas=parse_sweep("0:-10:6"), dps=20, symbolic=False,
                   progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 6) for i in range(1, 7)]


def test_table_arguments_are_checked():
    with pytest.raises(GmmMathError, match="components"):
        evaluate_table(example_data(), 0, sigmas=["1"], components=1)
    with pytest.raises(GmmMathError, match="no sigma"):
        evaluate_table(example_data(), 0, sigmas=[])
    with pytest.raises(GmmMathError, match="too many"):
        evaluate_table(example_data(), 0, sigmas=["1"] * (MAX_SIGMAS + 1))
    with pytest.raises(GmmMathError, match="point"):
        evaluate_table(example_data(), 5, sigmas=["1"])
