"""Rendering an :class:`~gmm_math.numerics.sweep.EvaluationTable`: text (rich, 80 columns), JSON, CSV.

Text shortens the mpmath values to ``TEXT_DIGITS`` significant digits; JSON and CSV carry every one of
the ``--dps`` digits as decimal strings (mpmath ``nstr``), float64 values as numbers (null / empty when
non-finite) and the flags as a list (JSON) or joined by ``;`` (CSV).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

TEXT_DIGITS = 7
FLOAT_DIGITS = 6
ROW_KEYS = (
    "sigma", "log10_sigma", "log_likelihood_single", "log_likelihood_mixture", "float64_single",
    "float64_mixture", "float64_naive_single", "float64_naive_mixture", "float64_flags", "slope_mixture",
    "sigma2_loglik_single",
)
MPMATH_KEYS = ("sigma", "log10_sigma", "log_likelihood_single", "log_likelihood_mixture", "slope_mixture",
               "sigma2_loglik_single")
FLOAT64_COLUMNS = (  # (route, column header) in table order
    ("single", "single\nlog space"), ("mixture", "mixture\nlog space"),
    ("naive_single", "single\nnaive"), ("naive_mixture", "mixture\nnaive"),
)
FLAG_CODES = {"underflow": "U", "overflow": "O", "nan": "N", "inexact": "X"}
NON_FINITE = {"underflow": "-inf", "overflow": "+inf", "nan": "nan"}


def row_record(row, dps: int) -> dict:
    """One row as JSON-ready values: mpmath as ``dps``-digit strings, float64 as float or None."""
    import mpmath

    record = {key: getattr(row, key) for key in ROW_KEYS}
    for key in MPMATH_KEYS:
        record[key] = mpmath.nstr(record[key], dps)
    record["float64_flags"] = list(row.float64_flags)
    return record


def table_record(table) -> dict:
    """The JSON document of ``evaluate --format json``."""
    import mpmath

    dps = table.dps
    return {
        "dps": dps, "n": table.n, "dim": table.dim, "S": str(table.S),
        "sigma_star": mpmath.nstr(table.sigma_star, dps),
        "limits": {case: str(limit) for case, limit in table.limits.items()},
        "rows": [row_record(row, dps) for row in table.rows],
    }


def render_json(table) -> None:
    from gmm_math.cli.schema import json_text

    sys.stdout.write(json_text(table_record(table)) + "\n")


def render_csv(table) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(ROW_KEYS)
    for row in table.rows:
        record = row_record(row, table.dps)
        record["float64_flags"] = ";".join(record["float64_flags"])
        writer.writerow(["" if record[key] is None else record[key] for key in ROW_KEYS])


def render_text(table) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    for line in header_lines(table):
        console.print(line, markup=False)
    console.print(mpmath_table(table))
    console.print(float64_table(table))
    for line in flag_legend(table):
        console.print(line, markup=False)


def short(value, digits: int = TEXT_DIGITS) -> str:
    import mpmath

    return mpmath.nstr(value, digits)


def header_lines(table) -> list[str]:
    """What the numbers are about, every value computed: S, N, D, sigma*, the symbolic limits, the rate limits."""
    rates = table.rate_limits
    lines = [
        f"N = {table.n}, D = {table.dim}, x_n = point {table.point} (r = {table.multiplicity} point(s) there), "
        f"K = {table.components}, mpmath {table.dps} digits",
        f"S = sum_m ||x_m - x_n||^2 = {table.S}",
    ]
    if table.S:
        lines += [f"single-Gaussian optimum: sigma*^2 = S/(N D) = {table.S / (table.n * table.dim)}, "
                  f"sigma* = {short(table.sigma_star)}",
                  f"  log L(sigma*) = {short(table.loglik_at_sigma_star)}"]
    else:
        lines.append("S = 0: every point equals x_n, the single Gaussian has no optimum")
    if table.limits:
        lines.append("as sigma -> 0+, from gmm_math.derivations (SymPy):")
        lines += [f"  {case:<7}  log L -> {str(table.limits[case]):<4} leading term {table.leading[case]}"
                  for case in ("single", "mixture")]
    lines += [f"the rate columns tend to: sigma^2 log L (single) -> -S/2 = {rates['sigma2_loglik_single']},",
              f"  d log L/d log sigma (mixture) -> -r D = {rates['slope_mixture']}"]
    return lines


def mpmath_table(table):
    from rich.table import Table

    grid = Table(title=f"mpmath, {table.dps} digits (shown: {TEXT_DIGITS}; all with --format json|csv)",
                 title_justify="left", pad_edge=False, box=None, show_edge=False)
    for header in ("log10\nsigma", "log L\nsingle", "log L\nmixture", "d log L/d log\nsigma mixture",
                   "sigma^2 log L\nsingle"):
        grid.add_column(header, justify="right", overflow="fold")
    for row in table.rows:
        grid.add_row(short(row.log10_sigma, 8), short(row.log_likelihood_single), short(row.log_likelihood_mixture),
                     short(row.slope_mixture), short(row.sigma2_loglik_single))
    return grid


def float64_table(table):
    from rich.table import Table
    from rich.text import Text

    grid = Table(title="float64: log space and naive (product, then log)", title_justify="left",
                 pad_edge=False, box=None, show_edge=False)
    grid.add_column("log10\nsigma", justify="right", overflow="fold")
    for _, header in FLOAT64_COLUMNS:
        grid.add_column(header, justify="right", overflow="fold")
    for row in table.rows:
        flags = dict(flag.split(":", 1) for flag in row.float64_flags)
        sigma_mark = "*" if "sigma" in flags else ""
        cells = [Text(short(row.log10_sigma, 8) + sigma_mark)]
        for route, _ in FLOAT64_COLUMNS:
            cells.append(float64_cell(getattr(row, f"float64_{route}"), flags.get(route)))
        grid.add_row(*cells)
    return grid


def float64_cell(value: float | None, flag: str | None):
    """A float64 value (or the non-finite value its flag names) with the flag's code, red when flagged."""
    from rich.text import Text

    text = NON_FINITE[flag] if value is None else f"{value:.{FLOAT_DIGITS}g}"
    if flag is None:
        return Text(text)
    return Text(f"{text} {FLAG_CODES[flag]}", style="red")


def flag_legend(table) -> list[str]:
    from gmm_math.numerics.sweep import FLOAT64_RELATIVE

    tolerance = f"{FLOAT64_RELATIVE:g}".replace("e-0", "e-")  # 1e-9, not 1e-09
    flagged = [flag for row in table.rows for flag in row.float64_flags]
    if not flagged:
        return [f"float64 agrees with mpmath to {tolerance} relative in every cell."]
    return [
        "flags: U underflow (float64 log L = -inf: L lost to 0), O overflow (+inf),",
        f"       N nan, X inexact (finite, off from mpmath by more than {tolerance} relative);",
        "       * sigma itself is 0.0, subnormal or inf in float64.",
    ]


@contextmanager
def long_integer_digits() -> Iterator[None]:
    """Lift Python's 4300-digit int->str limit while rendering, and restore it afterwards.

    mpmath formats a value through ``str`` of its (up to ``--dps``-digit) integer mantissa; the
    limit guards against untrusted huge integers, and ours are bounded by the ``--dps`` range.
    """
    getter = getattr(sys, "get_int_max_str_digits", None)
    if getter is None:  # Python without the limit
        yield
        return
    previous = getter()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(previous)


def _unlimited(render: Callable[[object], None]) -> Callable[[object], None]:
    def run(table) -> None:
        with long_integer_digits():
            render(table)

    run.__doc__ = render.__doc__
    return run


RENDERERS = {name: _unlimited(render) for name, render in
             {"text": render_text, "json": render_json, "csv": render_csv}.items()}
