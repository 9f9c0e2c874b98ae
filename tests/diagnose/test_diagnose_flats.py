"""Item 2 of issue 22: small affine subspaces holding many rows, found exactly, named in the user's terms."""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_math.cli.diagnose.render import as_payload, render_text
from gmm_math.derivations.core.rank import exact_affine_rank, null_relations
from gmm_math.numerics.diagnose.flats import FLAT_SHARE, find_flats
from gmm_math.numerics.diagnose.report import diagnose
from gmm_math.numerics.diagnose.table import Table

RNG = np.random.default_rng(3)
GENERAL = RNG.normal(size=(200, 3))


def test_points_on_a_line_in_3d_among_general_points():
    line = np.array([[t, 2.0, -1.0] for t in range(20)])
    X = np.vstack([GENERAL[:120], line, GENERAL[120:]])
    flats = find_flats(X)
    assert [(f.dim, f.count, f.runs, f.exact) for f in flats] == [(1, 20, ((120, 139),), True)]
    assert flats[0].relations == (((0, 1, 0), 2), ((0, 0, 1), -1))
    report = diagnose(Table.of_array(X, ("x", "y", "z")), components=2, remedies=False)
    text = render_text(report)
    assert "20 of 220 rows lie on the line y = 2, z = -1 (exactly" in text and "rows 120-139" in text
    assert as_payload(report)["flats"][0]["equations"] == [{"coefficients": {"y": 1.0}, "constant": 2.0},
                                                           {"coefficients": {"z": 1.0}, "constant": -1.0}]


def test_a_tilted_plane_in_3d_among_general_points():
    u = RNG.integers(-50, 50, size=(60, 2)).astype(float)
    plane = np.column_stack([u, u[:, 0] + 2 * u[:, 1] + 5])  # z = x + 2 y + 5, exactly in float64
    X = np.vstack([GENERAL, plane])
    (flat,) = find_flats(X)
    assert (flat.dim, flat.count, flat.runs, flat.exact) == (2, 60, ((200, 259),), True)
    (coefficients, constant), = flat.relations
    assert all(float(np.dot([float(a) for a in coefficients], p)) == float(constant) for p in plane)
    assert exact_affine_rank([tuple(Fraction(v) for v in p) for p in plane]) == 2


def test_a_line_not_exact_in_float64_is_reported_as_numerical():
    t = np.linspace(0.0, 1.0, 30)
    line = np.column_stack([t, 0.1 * t + 0.3, 3.0 - 0.7 * t])
    flats = find_flats(np.vstack([GENERAL, line]))
    assert [(f.dim, f.count) for f in flats] == [(1, 30)]
    assert flats[0].exact == (exact_affine_rank([tuple(Fraction(v) for v in p) for p in line]) == 1)


def test_the_near_constant_column_is_a_line():
    X = np.column_stack([RNG.normal(20, 5, size=400), np.full(400, 3.0)])
    X[100:120, 1] += 0.001
    flat, other = find_flats(X)  # the 20 rows at 3.001 are a line too: 5% of the rows
    assert (flat.dim, flat.count, flat.runs) == (1, 380, ((0, 99), (120, 399)))
    assert flat.relations == (((0, 1), 3),)
    assert (other.dim, other.count, other.runs, other.relations) == (1, 20, ((100, 119),), (((0, 1), 3.001),))


def test_nothing_is_reported_for_data_in_general_position():
    assert find_flats(GENERAL) == ()
    assert find_flats(RNG.normal(size=(5000, 5))) == ()


def test_a_flat_below_the_share_is_not_reported():
    line = np.array([[t, 2.0, -1.0] for t in range(8)])  # 8 rows: at least D + 1 but below FLAT_SHARE x 408
    assert 8 < FLAT_SHARE * 408
    assert find_flats(np.vstack([GENERAL, GENERAL + 10, line])) == ()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(*[st.integers(-20, 20)] * 3), min_size=2, max_size=8))
def test_null_relations_hold_on_every_row_and_count_the_missing_dimensions(points):
    relations = null_relations(points)
    assert len(relations) == 3 - exact_affine_rank(points)
    for a in relations:
        values = {sum(Fraction(x) * c for x, c in zip(p, a)) for p in points}
        assert len(values) == 1


def test_the_search_cost_does_not_follow_the_row_count():
    X = RNG.normal(size=(100_000, 5))
    start = time.perf_counter()
    assert find_flats(X) == ()
    assert time.perf_counter() - start < 5.0
    X[:, 4] = 3.0  # now 95% of the rows lie on the hyperplane column 5 = 3, confirmed exactly over all of them
    X[:5000, 4] += RNG.normal(size=5000)
    start = time.perf_counter()
    (flat,) = find_flats(X)
    assert (flat.dim, flat.count, flat.exact, flat.relations) == (4, 95_000, True, (((0, 0, 0, 0, 1), 3),))
    assert time.perf_counter() - start < 5.0


def test_exact_means_exact_in_rationals():
    line = np.array([[t, 0.1 * t] for t in range(1, 12)])  # 0.1 t rounds: on the line only numerically
    exact = exact_affine_rank([tuple(Fraction(v) for v in p) for p in line]) == 1
    assert not exact
    (flat,) = find_flats(np.vstack([RNG.normal(size=(20, 2)) + 50, line]))
    assert (flat.count, flat.exact) == (11, exact)
