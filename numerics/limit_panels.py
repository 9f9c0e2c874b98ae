"""The plotted coordinates of ``plot-limit``'s two panels, computed from mpmath or float64 log-likelihoods.

The mixture panel shows log L on a linear axis; the single-Gaussian panel shows log10(-log L)
(a logarithmic axis of -log L), the log taken in mpmath so a value like -1e500 is drawn at 500.
"""

from __future__ import annotations

import math

import mpmath

FLOAT64_SMALLEST = math.ulp(0.0)  # the smallest positive subnormal float64, 5e-324
LOG10_FLOAT64_SMALLEST = math.log10(FLOAT64_SMALLEST)


def log10(value) -> float:
    """log10 of a positive mpf (or number) as a float: finite for any mpf, also 1e-1000000.

    >>> log10(mpmath.mpf("1e-1000000"))
    -1000000.0
    """
    return float(mpmath.log10(value))


def panel_value(panel: str, log_likelihood) -> float:
    """The plotted coordinate of an mpmath log L: itself (mixture) or log10(-log L) (single; nan if log L >= 0).

    >>> panel_value("single", mpmath.mpf("-1e500")), panel_value("mixture", mpmath.mpf("2.5"))
    (500.0, 2.5)
    """
    if panel == "mixture":
        return float(log_likelihood)
    return log10(-log_likelihood) if log_likelihood < 0 else float("nan")


def float64_value(panel: str, value: float | None) -> float:
    """The plotted coordinate of a float64 log L (nan where it is missing or non-finite)."""
    if value is None or not math.isfinite(value):
        return float("nan")
    if panel == "mixture":
        return value
    return math.log10(-value) if value < 0 else float("nan")
