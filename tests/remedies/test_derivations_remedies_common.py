"""derivations/remedies/common.py: the split of log L along the collapse."""

from __future__ import annotations


import mpmath
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.derivations.remedies.common import collapse_split
from gmm_math.numerics.loglik import log_likelihood

from remedy_helpers import SIGMA


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-8, 8), min_size=2, max_size=7), st.integers(0, 6), st.sampled_from([1e-2, 1e-5, 1e-40]))
def test_collapse_split_is_a_lower_bound(values, point, sigma):
    """Every remainder log(1 + ...) is >= 0, so log L >= core + C at every sigma."""
    data = Dataset.from_text(",".join(map(str, values)))
    point = point % data.n
    model = CollapseModel.mixture(data, point, 2)
    split = collapse_split(model)
    lower = sp.N(split.growing.subs(SIGMA, sp.Float(sigma, 40)), 40)
    with mpmath.workdps(40):
        assert log_likelihood(model, sigma, 40) >= mpmath.mpf(str(lower)) - mpmath.mpf(10) ** -30
