"""Sigma as text, straight into mpmath (never through float), and a sweep ``FROM:TO:COUNT``.

Accepted sigma texts:

- a decimal number: ``"0.5"``, ``"1e-300"``, ``"2.5e-1000000"`` (mantissas of any length up to
  ``MAX_SIGMA_TEXT`` characters; digits beyond the working precision are dropped);
- a power of ten with a rational or decimal exponent: ``"10^(-1000000/199)"``, ``"10^-2.5"``,
  ``"10**3"`` (what :func:`parse_sweep` produces for exponents that are not whole).

|log10 sigma| is at most ``MAX_LOG10``; sigma <= 0 is refused with the reason (the density is not
defined at sigma = 0).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import mpmath
from mpmath import mp

from gmm_math.derivations.core.errors import GmmMathError

MAX_SIGMAS = 2000  # rows per table: a --sweep COUNT and the --sigma values together
MAX_LOG10 = 10**15  # |log10 sigma| at most this
MAX_SIGMA_TEXT = 20_000  # characters of one sigma value (room for 10000-digit mantissas)
SWEEP_FORM = "FROM:TO:COUNT in log10 sigma, e.g. 0:-300:31 (COUNT evenly spaced exponents, both ends included)"

# re.ASCII: "\d" alone would also take other scripts' digits (and str.isdigit takes superscripts)
_DECIMAL = re.compile(r"(?P<sign>[+-]?)(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d{1,30}))?", re.ASCII)
_POWER = re.compile(r"10\s*(?:\^|\*\*)\s*(?P<open>\(?)\s*(?P<num>[+-]?\d{1,20}(?:\.\d{1,40})?)"
                    r"\s*(?:/\s*(?P<den>\d{1,20}))?\s*(?P<close>\)?)", re.ASCII)
_EXPONENT = re.compile(r"[+-]?\d{1,16}(?:\.\d{1,20})?", re.ASCII)
_COUNT = re.compile(r"\d+", re.ASCII)


def parse_sweep(text: str) -> list[str]:
    """``"FROM:TO:COUNT"`` (log10 sigma) -> COUNT sigma texts, exact: no float on the way.

    FROM and TO are decimals with |value| <= 1e15; 1 <= COUNT <= ``MAX_SIGMAS`` (COUNT = 1 gives FROM).
    Whole exponents come out as ``"1e-300"``, others as ``"10^(p/q)"`` with the exact rational exponent.

    >>> parse_sweep("0:-300:4")
    ['1e0', '1e-100', '1e-200', '1e-300']
    >>> parse_sweep("0:-1:3")
    ['1e0', '10^(-1/2)', '1e-1']
    """
    parts = str(text).strip().split(":")
    if len(parts) != 3 or not all(_EXPONENT.fullmatch(p.strip()) for p in parts[:2]) \
            or not _COUNT.fullmatch(parts[2].strip()):
        raise GmmMathError(f"sweep {text!r} is malformed: expected {SWEEP_FORM}", parameter="sweep")
    start, stop = (Fraction(p.strip()) for p in parts[:2])
    count = int(parts[2].strip()[:12])
    if not 1 <= count <= MAX_SIGMAS:
        raise GmmMathError(f"sweep COUNT must be between 1 and {MAX_SIGMAS}, got {parts[2].strip()}",
                           parameter="sweep")
    if max(abs(start), abs(stop)) > MAX_LOG10:
        raise GmmMathError(f"sweep FROM and TO must lie within -{MAX_LOG10}..{MAX_LOG10} (log10 sigma)",
                           parameter="sweep")
    return [power_text(x) for x in exponent_grid(start, stop, count)]


def exponent_grid(start: Fraction, stop: Fraction, count: int) -> list[Fraction]:
    """``count`` exact exponents from ``start`` to ``stop``, evenly spaced, both ends included.

    >>> exponent_grid(Fraction(0), Fraction(-1), 3)
    [Fraction(0, 1), Fraction(-1, 2), Fraction(-1, 1)]
    """
    step = (stop - start) / (count - 1) if count > 1 else Fraction(0)
    return [start + i * step for i in range(count)]


def power_text(exponent: Fraction) -> str:
    """sigma = 10**exponent as exact text: ``"1e-300"`` for whole exponents, else ``"10^(p/q)"``.

    >>> power_text(Fraction(-300)), power_text(Fraction(-5, 2))
    ('1e-300', '10^(-5/2)')
    """
    if exponent.denominator == 1:
        return f"1e{exponent.numerator}"
    return f"10^({exponent.numerator}/{exponent.denominator})"


def decimal_exponent(value: float) -> Fraction:
    """A float log10 sigma (e.g. a figure's axis end) as the exact decimal it prints as, to 12 places.

    >>> decimal_exponent(-1e-05), decimal_exponent(0.1)
    (Fraction(-1, 100000), Fraction(1, 10))
    """
    return Fraction(Decimal(repr(float(value))).quantize(Decimal("1e-12")))


def sigma_grid(start: float, stop: float, count: int) -> list[str]:
    """``count`` sigma texts with log10 sigma evenly spaced from ``start`` to ``stop``: a figure's sigma axis.

    The same exact route as :func:`parse_sweep`: the ends are read as decimals, the exponents are
    exact fractions, and every curve of a figure reads its sigma from these texts with
    :func:`sigma_from_text`.

    >>> sigma_grid(1.0, -400.0, 402)[:2]
    ['1e1', '1e0']
    >>> sigma_grid(0.5, -1e-05, 3)
    ['10^(1/2)', '10^(49999/200000)', '10^(-1/100000)']
    """
    return [power_text(x) for x in exponent_grid(decimal_exponent(start), decimal_exponent(stop), count)]


def sigma_from_text(text: str, dps: int):
    """``(sigma, log10 sigma)`` as mpf from a sigma text (see the module docstring), at ``dps + 10`` digits.

    log10 sigma is exact for powers of ten. Raises GmmMathError for malformed text, sigma <= 0
    (the density is not defined at sigma = 0) and |log10 sigma| > 1e15.

    >>> s, e = sigma_from_text("10^(-5/2)", 30)
    >>> mpmath.nstr(s, 10), e
    ('0.00316227766', mpf('-2.5'))
    """
    raw = str(text).strip()
    if len(raw) > MAX_SIGMA_TEXT:
        raise GmmMathError(f"sigma text is longer than {MAX_SIGMA_TEXT} characters")
    wp = dps + 10
    with mp.workdps(wp):
        power = _POWER.fullmatch(raw)
        if power and bool(power["open"]) == bool(power["close"]):
            return _from_power(power, raw, wp)
        decimal = _DECIMAL.fullmatch(raw)
        if not decimal or not (decimal["int"] or decimal["frac"]):
            raise GmmMathError(f"sigma {raw!r} is not a number (expected e.g. 0.5, 1e-1000000 or 10^(-5/2))",
                               parameter="sigma")
        return _from_decimal(decimal, raw, wp)


def _from_power(match: re.Match, raw: str, wp: int):
    exponent = Fraction(match["num"]) / int(match["den"] or 1) if match["den"] != "0" else None
    if exponent is None:
        raise GmmMathError(f"sigma {raw!r}: the exponent's denominator is 0")
    _check_log10(exponent, raw)
    log10 = mp.mpf(exponent.numerator) / exponent.denominator
    with mp.workdps(wp + len(str(abs(exponent.numerator) // exponent.denominator)) + 5):
        sigma = mpmath.power(10, mp.mpf(exponent.numerator) / exponent.denominator)
    return +sigma, log10


def _from_decimal(match: re.Match, raw: str, wp: int):
    digits = (match["int"] or "") + (match["frac"] or "")
    significant = digits.lstrip("0")
    if match["sign"] == "-" or not significant:
        raise nonpositive_sigma(raw)
    shift = int(match["exp"] or 0) - len(match["frac"] or "")  # sigma = int(digits) * 10^shift
    top = shift + len(significant) - 1  # sigma = d.ddd * 10^top
    _check_log10(Fraction(top), raw)
    if significant.rstrip("0") == "1":  # a power of ten: log10 is exact
        log10 = mp.mpf(top)
    kept = significant[:wp + 20]  # later digits are below the working precision
    mantissa = _int_from_digits(kept)
    shift += len(significant) - len(kept)
    with mp.workdps(wp + len(str(abs(shift))) + 10):
        sigma = mp.mpf(mantissa) * mp.mpf(10) ** shift
        if significant.rstrip("0") != "1":
            log10 = mpmath.log10(mp.mpf(mantissa)) + shift
    return +sigma, +log10


def _int_from_digits(digits: str) -> int:
    """int(digits) in chunks: Python refuses to convert more than 4300 digits at once."""
    value = 0
    for start in range(0, len(digits), 4000):
        chunk = digits[start:start + 4000]
        value = value * 10 ** len(chunk) + int(chunk)
    return value


def _check_log10(value: Fraction, raw: str) -> None:
    if abs(value) > MAX_LOG10:
        raise GmmMathError(f"sigma {raw[:40]!r} is out of range: |log10 sigma| must be at most {MAX_LOG10}")


def parse_sigma(text) -> "mpmath.mpf":
    """sigma from text or number at the current precision; must be a finite positive number.

    Text goes through the one sigma parser, :func:`sigma_from_text`.
    """
    if isinstance(text, str):
        return sigma_from_text(text, mp.dps)[0]
    try:
        sigma = mp.mpf(text)
    except (ValueError, TypeError):
        raise GmmMathError(f"sigma {text!r} is not a number (expected e.g. 1e-100)", parameter="sigma") from None
    if not mpmath.isfinite(sigma) or sigma <= 0:
        raise nonpositive_sigma(text)
    return sigma


def nonpositive_sigma(text) -> GmmMathError:
    """The error for a sigma that is not a finite positive number, explaining why."""
    return GmmMathError(
        f"sigma must be a finite number > 0, got {str(text)[:40]}: the density is not defined at sigma = 0; "
        "the limit sigma -> 0+ is what the derivations compute", parameter="sigma"
    )
