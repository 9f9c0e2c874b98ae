"""derive em-step: the EM variance map near a collapse, checked against an independent mpmath iteration
of the exact map and against the EM code of numerics (float64)."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel, example_data
from gmm_math.derivations.em_step import GAMMA, MU1, S, em_step_collapse, m_step_updates, map_constants
from gmm_math.derivations.symbols import N_SYM, X, m
from gmm_math.numerics.em.frozen import FrozenEm, free_fit, frozen_iterates
from gmm_math.numerics.em_map_check import predicted_collapse
from gmm_math.numerics.em_map import EmMap, cobweb, doubly_log, fixed_points, iterations_below, log_s_of, orbit

DIGITS = 30
BASIN = "0,1,2,3,10"  # data with a basin boundary (the reference figure's)


def direct_f(model: CollapseModel, s):
    """f(s) straight from its definition, in mpmath at the current precision (no log space, no shortcuts)."""
    x_n = mp.mpf(model.centre[0].numerator) / model.centre[0].denominator

    def normal(x, mean, var):
        return mpmath.exp(-(x - mean) ** 2 / (2 * var)) / mpmath.sqrt(2 * mp.pi * var)

    def q(v):
        return mp.mpf(v.numerator) / v.denominator

    top = bottom = mp.zero
    for (x,) in model.data.rows:
        x = q(x)
        own = q(model.weights[0]) * normal(x, x_n, s)
        rest = sum(q(w) * normal(x, q(mu[0]), q(v)) for w, mu, v in zip(model.weights[1:], model.means,
                                                                         model.variances))
        gamma = own / (own + rest)
        top += gamma * (x - x_n) ** 2
        bottom += gamma
    return top / bottom


def model_of(text: str | None = None, **kw) -> CollapseModel:
    data = example_data() if text is None else Dataset.from_text(text)
    return CollapseModel.mixture(data, 0, **kw)


def agree(a, b, digits: int = DIGITS) -> bool:
    return abs(a - b) <= mp.mpf(10) ** (-digits) * max(abs(a), abs(b))


# --- the M-step, derived --------------------------------------------------------------------------

def test_m_step_updates_maximise_q():
    """SymPy's stationary points, evaluated on numbers, are where an independent numeric Q is stationary."""
    u = m_step_updates()
    rng = np.random.default_rng(3)
    xs, gs = rng.normal(size=5), rng.uniform(0.1, 1, size=5)
    subs = {N_SYM: 5}
    values = lambda e: float(e.subs(subs).doit().subs({X[i]: xs[i - 1] for i in range(1, 6)})
                             .subs({GAMMA[i]: gs[i - 1] for i in range(1, 6)}))
    mu = values(u["mu"])
    s = values(u["s"].subs(MU1, mu))
    q = lambda mean, var: float(np.sum(gs * (-np.log(2 * np.pi * var) / 2 - (xs - mean) ** 2 / (2 * var))))
    h = 1e-6
    assert abs(q(mu + h, s) - q(mu - h, s)) / (2 * h) < 1e-6
    assert abs(q(mu, s + h) - q(mu, s - h)) / (2 * h) < 1e-6
    assert q(mu, s) > max(q(mu + 0.1, s), q(mu, s * 1.1), q(mu, s / 1.1))
    assert np.isclose(mu, np.sum(gs * xs) / gs.sum()) and np.isclose(s, np.sum(gs * (xs - mu) ** 2) / gs.sum())
    assert str(u["pi"]) == "N_1/N"


def test_freeing_the_mean_subtracts_its_squared_shift():
    d = em_step_collapse()
    (step,) = [s for s in d.steps if s.title == "Freeing mu_1"]
    difference = [e for e in step.exprs if str(e.lhs) == "s' - f(s)"][0].rhs
    assert sp.simplify(difference + (sp.Symbol("mu_1'") - X[sp.Symbol("n", integer=True)]) ** 2) == 0


# --- C and delta against an independent evaluation of f ---------------------------------------------

@pytest.mark.parametrize("text, kw", [
    (None, {}),
    ("0,1,-1,5", {}),
    ("0,0,1,3", {"means": (Fraction(4, 3),), "scales": (Fraction(1),)}),
    ("2,0.5,3,7", {"components": 3}),
])
def test_constant_c_matches_f_over_its_asymptotic_form(text, kw):
    data = example_data() if text is None else Dataset.from_text(text)
    d = em_step_collapse(data=None if text is None else data, **kw)
    model = d.model
    consts = map_constants(d)
    delta = consts["delta"]
    rows = [r[0] - model.centre[0] for r in model.data.rows]
    assert delta == min(abs(v) for v in rows if v != 0)
    with mp.workdps(80):
        s = mp.mpf(10) ** -90 * mp.mpf(delta.p) ** 2 / mp.mpf(delta.q) ** 2
        form = s ** mp.mpf(-0.5) * mpmath.exp(-mp.mpf(delta.p) ** 2 / mp.mpf(delta.q) ** 2 / (2 * s))
        ratio = direct_f(model, s) / form  # = C (1 + O(sqrt(s)))
        assert agree(ratio, mp.mpf(sp.N(consts["C"], 60)), DIGITS)
        # the log-space evaluation of the package agrees with the direct one (compared as logarithms:
        # f(s) ~ exp(-5e89) here, so its logarithm is what either holds to 60 digits)
        em = EmMap.from_model(model, 60)
        assert agree(em.log_f(mpmath.log(s)), mpmath.log(direct_f(model, s)), 50)


def test_c_carries_one_over_r():
    """Two points at x_n, the other components the same: C halves, and pi_1' -> r/N."""
    kw = {"means": (Fraction(4, 3),), "scales": (Fraction(1),)}
    one = map_constants(em_step_collapse(data=Dataset.from_text("0,1,3"), **kw))["C"]
    two = map_constants(em_step_collapse(data=Dataset.from_text("0,0,1,3"), **kw))["C"]
    assert sp.simplify(two / one) == sp.Rational(1, 2)


def test_mean_shift_constant_vanishes_for_symmetric_neighbours():
    d = em_step_collapse(data=Dataset.from_text("0,1,-1"), means=(Fraction(0),), scales=(Fraction(2),))
    assert map_constants(d)["C_mu"] == 0
    assert map_constants(d)["C"] > 0


def test_collapse_is_super_geometric():
    d = em_step_collapse()
    (step,) = [s for s in d.steps if s.title == "The collapse attracts"]
    assert [e.rhs for e in step.exprs] == [0, 0]


def test_log_likelihood_limit_and_rate():
    d = em_step_collapse(data=Dataset.from_text("0,0,1,3"))
    assert d.limit_log_likelihood == sp.oo
    assert d.leading_term == -2 * sp.log(d.sigma)


# --- fixed points and iteration counts ---------------------------------------------------------------

def test_no_fixed_point_for_the_example():
    em = EmMap.from_model(model_of(), 50)
    fixed = fixed_points(em)
    assert fixed.points == () and fixed.peak_ratio < 1 and fixed.bound < 1
    # an independent dense check of f(s) < s on a grid in log s
    with mp.workdps(30):
        for e in np.linspace(-6, 1.5, 300):
            s = mp.mpf(10) ** mp.mpf(float(e))
            assert direct_f(em_model := model_of(), s) < s, (e, em_model)


def test_basin_boundary_and_regular_fixed_point():
    model = model_of(BASIN)
    em = EmMap.from_model(model, 50)
    fixed = fixed_points(em)
    assert len(fixed.points) == 2
    boundary, regular = fixed.points
    assert not boundary.attracting and regular.attracting
    assert fixed.boundary == boundary and fixed.regular == regular
    with mp.workdps(60):
        for p in fixed.points:
            # f(s*) = s* with the direct formula; and an independent root from a nearby start agrees
            assert agree(direct_f(model, p.s), p.s, 40)
            root = mpmath.findroot(lambda v: direct_f(model, v) - v, p.s * (1 + mp.mpf("1e-3")), solver="secant")
            assert agree(root, p.s, DIGITS)
            slope = mpmath.diff(lambda v: direct_f(model, v), p.s)
            assert agree(slope, p.slope, 20)


def independent_orbit(model, s0, below, steps=50):
    """s_t by direct mpmath iteration of f until s < below."""
    out = [mp.mpf(s0)]
    while out[-1] >= below and len(out) <= steps:
        out.append(direct_f(model, out[-1]))
    return out


@pytest.mark.parametrize("text, s0, below", [(None, "0.1", "1e-300"), (None, "1", "1e-300"), (BASIN, "0.05", "1e-300"),
                                             (None, "0.1", "1e-100000")])
def test_iterations_match_an_independent_iteration(text, s0, below):
    model = model_of(text)
    em = EmMap.from_model(model, 50)
    with mp.workdps(60):
        reference = independent_orbit(model, mp.mpf(s0), mp.mpf(below))
        path = orbit(em, mpmath.log(mp.mpf(s0)), mpmath.log(mp.mpf(below)))
        assert path.fate == "below" and path.steps == len(reference) - 1
        assert iterations_below(em, mpmath.log(mp.mpf(s0)), mpmath.log(mp.mpf(below))) == path.steps
        for ours, theirs in zip(path.log_s, reference):
            assert agree(ours, mpmath.log(theirs), DIGITS)


def test_start_above_the_boundary_escapes():
    em = EmMap.from_model(model_of(BASIN), 50)
    regular = fixed_points(em).regular
    path = orbit(em, mpmath.log(mp.mpf("0.2")), mpmath.log(mp.mpf("1e-300")))
    assert path.fate == "converged"
    assert agree(path.log_s[-1], regular.log_s, 20)
    assert iterations_below(em, mpmath.log(mp.mpf("0.2")), mpmath.log(mp.mpf("1e-300"))) is None


def test_log_space_reaches_far_below_any_float():
    em = EmMap.from_model(model_of(), 50)
    path = orbit(em, mp.mpf(0))
    assert path.fate == "out of range"
    with mp.workdps(30):
        log10 = [v / mpmath.log(10) for v in path.log_s]
    assert -28 < log10[-3] < -26 and -3e26 < log10[-2] < -1e26 and log10[-1] < -mp.mpf(10) ** (10**26)


# --- the EM code ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, s0", [(None, 1.0), (BASIN, 0.05), (BASIN, 0.3), ("0,0,1,3", 0.5)])
def test_frozen_em_code_gives_the_map(text, s0):
    model = model_of(text)
    em = EmMap.from_model(model, 50)
    frozen = FrozenEm(model)
    with mp.workdps(60):
        path = orbit(em, mpmath.log(mp.mpf(s0)), mpmath.log(mp.mpf("1e-300")), max_iter=40)
        exact = [mpmath.exp(v) for v in path.log_s if mpmath.exp(v) >= mp.mpf("1e-300")]
        for a, b in zip(exact, exact[1:]):  # one step: float64 precision
            assert abs(frozen.step(float(a)) - b) / b < 1e-13
        ours = frozen_iterates(model, s0, len(exact) - 1)
        for t, (a, b) in enumerate(zip(ours, exact)):  # the whole path: amplified by the map's slope only
            assert abs(a - b) / b < 1e-13 * 10 ** (t / 2 + 1)


def test_free_fit_collapses_when_predicted():
    model = model_of()
    em = EmMap.from_model(model, 50)
    for s0 in (0.1, 0.05, 0.01):
        fit = free_fit(model, s0)
        log_floor = mpmath.log(mp.mpf(fit.floor))
        log_s = orbit(em, mpmath.log(mp.mpf(s0)), log_floor).log_s
        # fit's test, restated: below the floor, or shrunk 10-fold in each of the last two iterations
        fired = [t for t in range(1, len(log_s)) if log_s[t] < log_floor or (
            t >= 2 and log_s[t] + mpmath.log(10) <= log_s[t - 1] and log_s[t - 1] + mpmath.log(10) <= log_s[t - 2])]
        assert (fit.collapse_iteration, fit.collapsed_component) == (fired[0], 0)
        assert predicted_collapse(log_s, log_floor) == fired[0]


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=2, max_size=5, unique=True), st.floats(0.01, 3.0))
def test_random_small_data(values, s0):
    data = Dataset.from_text(",".join(map(str, [0] + [v for v in values if v != 0][:4] or [1])))
    model = CollapseModel.mixture(data, 0)
    em = EmMap.from_model(model, 40)
    frozen = FrozenEm(model)
    with mp.workdps(50):
        s = mp.mpf(s0)
        for _ in range(3):
            f = direct_f(model, s)
            assert agree(em.log_f(mpmath.log(s)), mpmath.log(f), 30)
            if f < mp.mpf("1e-300"):
                break
            assert abs(frozen.step(float(s)) - f) / f < 1e-12
            s = f


@settings(max_examples=6, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3, unique=True), st.booleans())
def test_random_c(values, twice):
    data = Dataset.from_text(",".join(map(str, [0] * (1 + twice) + values)))
    d = em_step_collapse(data=data)
    c = map_constants(d)["C"]
    delta = mp.mpf(min(values))
    with mp.workdps(70):
        s = mp.mpf(10) ** -70
        form = s ** mp.mpf(-0.5) * mpmath.exp(-delta**2 / (2 * s))
        assert agree(direct_f(d.model, s) / form, mp.mpf(sp.N(c, 60)), DIGITS)


# --- figure coordinates and bad input -----------------------------------------------------------------

def test_doubly_log_round_trip():
    for z in (-27.3, -2.4, -0.5, 0.0, 0.7, 1.3):
        assert abs(doubly_log(log_s_of(z)) - z) < 1e-12


def test_cobweb_has_a_staircase_either_side_of_the_boundary():
    web = cobweb(EmMap.from_model(model_of(BASIN), 30))
    fates = sorted(st_.fate for st_ in web.staircases)
    assert fates == ["converged", "out of range"]
    assert all(web.full[0] <= z <= web.full[1] for st_ in web.staircases for z in st_.z if z > -1000)
    assert len(web.curve_z) == len(web.curve_fz)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"data": Dataset.from_text("0,0;1,1")}, "1-D"),
    ({"data": Dataset.from_text("2,2,2")}, "equals x_n"),
    ({"point": 1}, "point"),
])
def test_bad_input(kwargs, fragment):
    with pytest.raises(GmmMathError, match=fragment):
        em_step_collapse(**kwargs)


@pytest.mark.parametrize("name", ["gmm_math.derivations.em_step", "gmm_math.numerics.em_map"])
def test_docstring_examples(name):
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


# --- the limits as instances of two lemmas (derivations/em_step._block_limit) -------------------------------

from gmm_math.derivations.em_step import _block_limit, _generic_limits, _lemmas  # noqa: E402

rationals = st.fractions(min_value=-5, max_value=5, max_denominator=6).map(sp.Rational)


@settings(max_examples=25, deadline=None)
@given(st.fractions(min_value=Fraction(1, 6), max_value=9, max_denominator=6).map(sp.Rational), rationals,
       st.fractions(min_value=0, max_value=5, max_denominator=6).map(sp.Rational))
def test_block_limit_is_sympys_limit(k, p, c):
    """k s^(-p) exp(-c/s): the lemma instance gives what SymPy's own limit at s -> 0+ gives."""
    block = k * S ** (-p) * sp.exp(-c / S)
    if c == 0 and p <= 0:
        with pytest.raises(ValueError):
            _block_limit(block, _lemmas())
        return
    assert _block_limit(block, _lemmas()) == sp.limit(block, S, 0, "+")


@pytest.mark.parametrize("block", [sp.exp(1 / S), S, sp.sin(S), -S ** -1, S ** -1 + 1, sp.exp(-1 / S) * sp.log(S)])
def test_block_limit_refuses_what_no_lemma_covers(block):
    with pytest.raises(ValueError):
        _block_limit(block, _lemmas())


def test_generic_limits_agree_with_sympys_limits():
    """The four building blocks, each as SymPy's limit would give it (q > 0 any power)."""
    lim = _generic_limits()
    a, q = sp.Symbol("a", positive=True), sp.Symbol("q", positive=True)
    form = S ** sp.Rational(-1, 2) * sp.exp(-sp.Symbol("delta", positive=True) ** 2 / (2 * S))
    for key, block in {"root": S ** sp.Rational(-1, 2), "form": form, "far": sp.exp(-a / (2 * S)),
                       "form_over_power": form / S**q}.items():
        assert lim[key] == sp.limit(block, S, 0, "+"), key
    assert lim["grow"] == sp.oo and lim["decay"] == 0


# --- the fixed-point scan: float64 where it settles the signs, mpmath otherwise (numerics/em_map._scan) ------

from gmm_math.numerics.em_map import SCAN_DPS, _float_log_ratios, _scan  # noqa: E402


def _mpmath_scan(em: EmMap, grid_l):
    coarse = EmMap(em.terms, SCAN_DPS)
    with mp.workdps(SCAN_DPS):
        values = [coarse.log_ratio(v) for v in grid_l]
        return values, max(values)


def _grid(lo, hi, n=240):
    with mp.workdps(SCAN_DPS):
        return [mp.mpf(lo) + (mp.mpf(hi) - lo) * i / (n - 1) for i in range(n)]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.fractions(-8, 8, max_denominator=4), min_size=2, max_size=6, unique=True),
       st.sampled_from(["0.5,0.5", "0.1,0.9", "0.9,0.1"]))
def test_scan_gives_the_mpmath_signs_and_peak(values, weights):
    data = Dataset.from_text(",".join(str(float(v)) for v in [0] + [v for v in values if v != 0]))
    model = CollapseModel.mixture(data, 0, weights=tuple(Fraction(w) for w in weights.split(",")))
    em = EmMap.from_model(model, 30)
    grid_l = _grid(mpmath.log(em.delta2 / 30), mpmath.log(em.max_d2))
    coarse = EmMap(em.terms, SCAN_DPS)
    with mp.workdps(SCAN_DPS):
        fast, top = _scan(coarse, grid_l)
    exact, exact_top = _mpmath_scan(em, grid_l)
    assert [v > 0 for v in fast] == [v > 0 for v in exact] and [v == 0 for v in fast] == [v == 0 for v in exact]
    assert top == exact_top


def test_scan_falls_back_to_mpmath_beyond_float64():
    """s far below float64 (log s = -1000: 1/s overflows): the float pass gives up, mpmath scans."""
    em = EmMap.from_model(CollapseModel.mixture(example_data(), 0), 30)
    grid_l = _grid(-1000, -990, 5)
    assert _float_log_ratios(em.terms, grid_l) is None
    coarse = EmMap(em.terms, SCAN_DPS)
    with mp.workdps(SCAN_DPS):
        assert _scan(coarse, grid_l) == _mpmath_scan(em, grid_l)


def test_fixed_points_unchanged_on_the_basin_data():
    """The reference data's basin boundary and regular fixed point, as the mpmath-only scan found them."""
    fixed = fixed_points(EmMap.from_model(CollapseModel.mixture(Dataset.from_text(BASIN), 0), 40))
    with mp.workdps(40):
        assert mpmath.nstr(fixed.boundary.s, 30) == "0.108328369128485014148278895164"
        assert mpmath.nstr(fixed.regular.s, 30) == "2.16287896167567047965673955578"
        assert mpmath.nstr(fixed.peak_ratio, 15) == "1.63755032306089"
