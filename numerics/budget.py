"""Work budgets: refuse, before starting, a high-precision job that would run for many minutes.

The cost of one row of :func:`gmm_math.numerics.sweep.evaluate_table` (a sigma value: the single
Gaussian, the mixture and their rates) grows with the number of rows and, faster than linearly, with
the mpmath digits. The budget is on the product ``rows x dps`` ("digit-rows"):
``PRECISION_BUDGET`` = 2,000,000 admits every default and, for example, 2000 rows at 1000 digits
(about 16 s of CPU: 0.008 s a row) or 200 rows at 10,000 digits (about 66 s of CPU on one core: 0.33 s
a row, measured for ``evaluate --sweep 0:-400:40 --dps 10000``; over 90 s on a loaded machine); 2000
rows at 10,000 digits (over 10 minutes) is refused. The cost of a row grows about as dps^1.6, so the
budget is generous at a thousand digits and reaches about a minute only at the top of the --dps range.
``plot-em-map`` counts its evaluations of the EM map as rows (``numerics.em_map.cobweb_rows``).
"""

from __future__ import annotations

from gmm_math.derivations.core.errors import GmmMathError

PRECISION_BUDGET = 2_000_000  # rows x dps


def precision_work(rows: int, dps: int) -> int:
    """The work measure ``rows x dps`` of a table of ``rows`` sigma values at ``dps`` digits."""
    return int(rows) * int(dps)


def check_precision_budget(rows: int, dps: int, budget: int | None = None) -> int:
    """Raise GmmMathError when ``rows x dps`` exceeds ``budget`` (default ``PRECISION_BUDGET``); return the work.

    >>> check_precision_budget(402, 50)
    20100
    >>> check_precision_budget(2000, 10000)
    Traceback (most recent call last):
    ...
    gmm_math.derivations.core.errors.GmmMathError: 2000 rows x 10000 digits = 20000000 digit-rows is over the budget of 2000000 (rows x dps); use fewer rows or digits
    """
    budget = PRECISION_BUDGET if budget is None else budget
    work = precision_work(rows, dps)
    if work > budget:
        raise GmmMathError(f"{rows} rows x {dps} digits = {work} digit-rows is over the budget of {budget} "
                           "(rows x dps); use fewer rows or digits", parameter=("rows", "dps"))
    return work
