"""Sigma as text, exactly into mpmath, and the sweep FROM:TO:COUNT (numerics/sigma_text.py)."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mpmath import mp

from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.sigma_text import MAX_SIGMAS, parse_sweep, sigma_from_text

from numerics_helpers import FAST, close


# --- parsing -------------------------------------------------------------------------------------------

def test_parse_sweep_is_exact():
    assert parse_sweep("0:-300:31") == [f"1e{-10 * i}" for i in range(31)]
    texts = parse_sweep("0:-1000000:200")
    assert len(texts) == 200 and texts[0] == "1e0" and texts[-1] == "1e-1000000"
    assert texts[1] == "10^(-1000000/199)"
    assert parse_sweep("-2.5:-2.5:1") == ["10^(-5/2)"]
    assert parse_sweep(" 1 : 3 : 3 ") == ["1e1", "1e2", "1e3"]


@FAST
@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6), st.integers(2, 50))
def test_sweep_exponents_are_evenly_spaced(start, stop, count):
    texts = parse_sweep(f"{start}:{stop}:{count}")
    logs = [sigma_from_text(t, 30)[1] for t in texts]
    assert logs[0] == start and logs[-1] == stop
    step = mp.mpf(stop - start) / (count - 1)
    assert all(abs(b - a - step) < 1e-20 for a, b in zip(logs, logs[1:]))


@pytest.mark.parametrize("text", ["0:-3", "0:-3:", "a:b:3", "0:-3:2.5", "0:-3:-2", "1e5:0:3", "::", "0:-3:3:4",
                                  "0:-3:\u00b2", "0:-3:\u0663", "\u0660:-3:3"])
def test_malformed_sweeps(text):
    with pytest.raises(GmmMathError, match="^sweep") as err:
        parse_sweep(text)
    assert err.value.parameters == ("sweep",)


@pytest.mark.parametrize("text", ["0:-3:0", f"0:-3:{MAX_SIGMAS + 1}", "0:-2000000000000000:3"])
def test_sweep_out_of_range(text):
    with pytest.raises(GmmMathError, match="^sweep") as err:
        parse_sweep(text)
    assert err.value.parameters == ("sweep",)


@pytest.mark.parametrize("text, log10", [
    ("1e-300", -300), ("1e-1000000", -1000000), ("100", 2), ("0.001", -3), ("10^(-7/2)", Fraction(-7, 2)),
    ("10^-2.5", Fraction(-5, 2)), ("10**3", 3), ("1.000e5", 5), ("+1e-3", -3),
])
def test_sigma_texts_have_exact_log10(text, log10):
    sigma, exponent = sigma_from_text(text, 40)
    assert exponent == mp.mpf(log10.numerator) / log10.denominator if isinstance(log10, Fraction) else exponent == log10
    with mp.workdps(50):
        assert close(mpmath.log10(sigma), exponent, 40)


def test_sigma_with_a_long_mantissa_keeps_its_digits():
    sigma, exponent = sigma_from_text("3.1622776601683793319988935444327185337195551393252168e-1000000", 50)
    with mp.workdps(60):
        assert close(exponent, mp.mpf(-1000000) + mpmath.log10(mp.mpf("3.1622776601683793319988935444327185337195551393252168")), 55)


def test_sigma_with_more_digits_than_python_converts_at_once():
    digits = "3" + "1" * 9000
    sigma, exponent = sigma_from_text(f"{digits[0]}.{digits[1:]}e-20", 10000)
    with mp.workdps(10010):
        expected = (3 + (1 - mp.mpf(10) ** -9000) / 9) * mp.mpf(10) ** -20
        assert abs(sigma / expected - 1) < mp.mpf(10) ** -9000
        assert close(exponent, mpmath.log10(expected), 9000)


@pytest.mark.parametrize("text, value", [("00012.50e3", 12500), (".5", "0.5"), ("5.", 5), ("0.000000100", "1e-7")])
def test_decimal_sigma_forms(text, value):
    with mp.workdps(40):
        assert sigma_from_text(text, 30)[0] == mp.mpf(value)


@pytest.mark.parametrize("text, needle", [
    ("0", "not defined at sigma = 0"), ("-1e-5", "> 0"), ("0.000", "> 0"), ("abc", "not a number"),
    ("inf", "not a number"), ("nan", "not a number"), ("1e-2000000000000000", "out of range"),
    ("10^(1/0)", "denominator"), ("", "not a number"), ("1e", "not a number"), ("10^(3", "not a number"),
    ("\u0661e-5", "not a number"),
])
def test_bad_sigma_texts(text, needle):
    with pytest.raises(GmmMathError, match=needle.replace("(", r"\(")):
        sigma_from_text(text, 30)
