"""Work budgets: refuse, before starting, a high-precision job that would run for more than about a minute.

The cost of one row of :func:`gmm_math.numerics.sweep.evaluate_table` (a sigma value: the single
Gaussian, the mixture and their rates) grows with the mpmath digits about as dps^1.7, not linearly:
measured on one core (``evaluate_table`` on the example data, ``time.process_time``), 0.0064 s a row at
1,000 digits, 0.039 s at 3,000 and 0.33 s at 10,000 (``evaluate --sweep 0:-400:40 --dps 10000``; over
twice that on a loaded machine). A budget on ``rows x dps`` was therefore generous at a thousand digits
and let ``evaluate --dps 10000 --sweep 0:-400:200`` run for 66 s of CPU (94 s on a loaded machine). The
budget is now on the estimated CPU time, ``rows x row_seconds(dps)``, at most ``TIME_BUDGET`` seconds;
a refusal says the estimate. ``plot-limit`` counts its curve points as rows, ``plot-em-map`` its
evaluations of the EM map (``numerics.em_map.cobweb_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass

from gmm_math.derivations.core.errors import GmmMathError

TIME_BUDGET = 60.0  # seconds of CPU on one core: about a minute
REFERENCE_DPS = 10_000
REFERENCE_ROW_SECONDS = 0.33  # one row at REFERENCE_DPS, measured (module docstring)
COST_EXPONENT = 1.7  # 1,000 -> 3,000 -> 10,000 digits: 0.0064, 0.039, 0.33 s a row (exponents 1.66, 1.75)
ROW_OVERHEAD_SECONDS = 0.001  # a row at tens of digits: Python and mpmath's per-call cost


def row_seconds(dps: int) -> float:
    """Estimated CPU seconds of one row at ``dps`` digits.

    >>> round(row_seconds(10_000), 3), round(row_seconds(1_000), 4)
    (0.331, 0.0076)
    """
    return ROW_OVERHEAD_SECONDS + REFERENCE_ROW_SECONDS * (int(dps) / REFERENCE_DPS) ** COST_EXPONENT


@dataclass(frozen=True)
class WorkEstimate:
    """The estimated CPU time of ``rows`` sigma values at ``dps`` digits against ``budget`` seconds."""

    rows: int
    dps: int
    seconds: float
    budget: float

    @property
    def per_row(self) -> float:
        return row_seconds(self.dps)

    @property
    def over(self) -> bool:
        return self.seconds > self.budget


def estimate_work(rows: int, dps: int, budget: float | None = None) -> WorkEstimate:
    """:class:`WorkEstimate` of ``rows`` rows at ``dps`` digits (budget: ``TIME_BUDGET`` unless given)."""
    return WorkEstimate(int(rows), int(dps), int(rows) * row_seconds(dps), TIME_BUDGET if budget is None else budget)


def check_precision_budget(rows: int, dps: int, budget: float | None = None) -> WorkEstimate:
    """Raise GmmMathError when the estimated CPU time of ``rows`` rows at ``dps`` digits exceeds ``budget``.

    >>> round(check_precision_budget(402, 50).seconds, 2)
    0.42
    >>> check_precision_budget(200, 10000)
    Traceback (most recent call last):
    ...
    gmm_math.derivations.core.errors.GmmMathError: 200 rows x 10000 digits would take about 66 s of CPU (0.33 s a row), over the budget of 60 s; use fewer rows or digits
    """
    work = estimate_work(rows, dps, budget)
    if work.over:
        raise GmmMathError(f"{rows} rows x {dps} digits would take about {work.seconds:.0f} s of CPU "
                           f"({work.per_row:.2g} s a row), over the budget of {work.budget:g} s; use fewer rows or "
                           "digits", parameter=("rows", "dps"))
    return work
