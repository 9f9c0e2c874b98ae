"""The number type of the bulk sums over data points, as a small table of operations.

The derivations compute their few bulk values (a constant summed over 10^4 distinct points) with the
standard library's :mod:`decimal`, correctly rounded at a chosen precision inside a local context
(:func:`decimal_digits`); the numeric layer passes its own :class:`Arithmetic` (mpmath) to the same code.
Pure Python: every layer may import this module.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Callable


@dataclass(frozen=True)
class Arithmetic:
    """The operations a bulk evaluation needs, at the precision current when they are called.

    Attributes
    ----------
    ratio : callable
        (numerator, denominator) ints -> the number p / q.
    log, exp, log1p : callable
    fsum : callable
        sum of an iterable of numbers.
    pi : callable
        () -> pi.
    affine : callable
        (const, coefficient, ints) -> ``[const - coefficient * v for v in ints]``, the bulk step of
        :meth:`~gmm_math.derivations.core.model.OtherComponents.log_densities` (an arithmetic may do it faster).
    """

    ratio: Callable
    log: Callable
    exp: Callable
    log1p: Callable
    fsum: Callable
    pi: Callable
    affine: Callable = lambda const, coefficient, values: [const - coefficient * v for v in values]  # noqa: E731


def decimal_digits(digits: int) -> decimal.localcontext:
    """A local :mod:`decimal` context with ``digits`` significant digits and the widest exponent range.

    >>> with decimal_digits(5):
    ...     Decimal(2).ln()
    Decimal('0.69315')
    """
    return decimal.localcontext(prec=digits, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


@lru_cache(maxsize=16)
def _pi_to(digits: int) -> Decimal:
    with decimal.localcontext(prec=digits + 5):  # the series of the decimal module's documentation
        lasts, t, s, n, na, d, da = 0, Decimal(3), Decimal(3), 1, 0, 0, 24
        while s != lasts:
            lasts = s
            n, na = n + na, na + 8
            d, da = d + da, da + 32
            t = (t * n) / d
            s += t
    return s


def decimal_pi() -> Decimal:
    """pi rounded to the current decimal precision.

    >>> with decimal_digits(20):
    ...     decimal_pi()
    Decimal('3.1415926535897932385')
    """
    return +_pi_to(decimal.getcontext().prec)


def _decimal_sum(values) -> Decimal:
    return sum(values, Decimal(0))


DECIMAL = Arithmetic(
    ratio=lambda p, q: Decimal(p) / q, log=Decimal.ln, exp=Decimal.exp, log1p=lambda x: (1 + x).ln(),
    fsum=_decimal_sum, pi=decimal_pi,
)


def significant(value: Decimal, digits: int) -> str:
    """``value`` rounded to ``digits`` significant digits, as text.

    >>> significant(Decimal("-59861.23966704441234567"), 8)
    '-59861.240'
    """
    with decimal.localcontext(prec=digits):
        return str(+value)
