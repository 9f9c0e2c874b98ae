"""Helpers shared by the numerics tests (not a test module)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import settings
from hypothesis import strategies as st
from mpmath import mp

from gmm_math.derivations.core.data import Dataset


FAST = settings(max_examples=25, deadline=None)


def close(a, b, digits: int) -> bool:
    """a and b agree to ``digits`` significant digits (relative to |b|, absolute near 0)."""
    return abs(mp.mpf(a) - mp.mpf(b)) <= mp.mpf(10) ** (-digits) * max(1, abs(mp.mpf(b)))


coordinate = st.fractions(min_value=-20, max_value=20, max_denominator=8)


@st.composite
def models(draw, max_points: int = 8):
    dim = draw(st.integers(1, 2))
    rows = draw(st.lists(st.tuples(*[coordinate] * dim), min_size=2, max_size=max_points, unique=True))
    point = draw(st.integers(0, len(rows) - 1))
    rows += [rows[point]] * draw(st.integers(0, 2))  # r = 1..3 points at x_n
    components = draw(st.integers(2, 4))
    raw = draw(st.lists(st.integers(1, 5), min_size=components, max_size=components))
    weights = tuple(Fraction(w, sum(raw)) for w in raw)
    return Dataset(tuple(rows)), point, components, weights
