"""A CSV table for ``diagnose``: numbers (N, D), column names from the header, and each row's line number.

Bad input is refused in one line naming the line and the column: a cell that is not a number, NaN or
infinity, a ragged row, an empty file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gmm_math.derivations.core.data import NUMBER, display_name, read_text_file
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.points import MAX_BYTES, MAX_POINTS
from gmm_math.numerics.points import _is_numeric_row as is_numeric_row  # one rule for a header row

_NON_FINITE = ("nan", "inf", "infinity")


@dataclass(frozen=True)
class Table:
    """Data with the names a user knows them by.

    Attributes
    ----------
    X : ndarray, shape (N, D)
    names : tuple of str
        Column names (the CSV header; ``column 1``.. without one).
    lines : ndarray of int, shape (N,)
        The file line of each row (1-based); ``None`` for data given as an array.
    """

    X: np.ndarray
    names: tuple[str, ...]
    lines: np.ndarray | None = None

    @classmethod
    def of_array(cls, X: np.ndarray, names: tuple[str, ...] | None = None) -> "Table":
        X = np.asarray(X, dtype=np.float64)
        X = X[:, None] if X.ndim == 1 else X
        bad = ~np.isfinite(X)
        if bad.any():
            row, column = (int(v) for v in np.argwhere(bad)[0])
            raise GmmMathError(f"row {row}, column {column + 1}: NaN or infinity (expected finite numbers)")
        return cls(X, names or tuple(f"column {j + 1}" for j in range(X.shape[1])), None)

    def row_label(self, index: int) -> str:
        """'row 120 (line 122)': rows numbered from 0 as ``em`` numbers points, the file line beside."""
        return f"row {index}" + ("" if self.lines is None else f" (line {int(self.lines[index])})")


def _is_number(field: str) -> bool:
    return bool(NUMBER.fullmatch(field.strip()))


def _cell_error(number: int, column: str, field: str, name: str) -> str:
    value = field.strip()
    if value.lower().lstrip("+-") in _NON_FINITE:
        return f"line {number} of {name}, column {column!r}: {value!r} is not a finite number"
    return f"line {number} of {name}, column {column!r}: {value!r} is not a number"


def load_table(path: str | Path) -> Table:
    """Read a CSV (``-`` is standard input): an optional header row, ``#`` comments and blank lines skipped."""
    name = display_name(path)
    text = read_text_file(path, MAX_BYTES)
    numbered = [(i, line.split("#", 1)[0]) for i, line in enumerate(text.splitlines(), start=1)]
    numbered = [(i, line) for i, line in numbered if line.strip()]
    if not numbered:
        raise GmmMathError(f"data file {name} is empty: no header and no rows")
    first = numbered[0][1].split(",")
    header = not is_numeric_row(numbered[0][1])
    names = tuple(f.strip() for f in first) if header else tuple(f"column {j + 1}" for j in range(len(first)))
    rows = numbered[1:] if header else numbered
    if not rows:
        raise GmmMathError(f"data file {name} has a header ({', '.join(names)}) but no rows")
    if len(rows) > MAX_POINTS:
        raise GmmMathError(f"data file {name} has {len(rows)} rows; at most {MAX_POINTS} are accepted")
    try:
        X = np.loadtxt([line for _, line in rows], delimiter=",", ndmin=2, dtype=np.float64)
        bad = ~np.isfinite(X)
        ok = X.shape[1] == len(names) and not bad.any()
    except (ValueError, IndexError):
        ok = False
    if not ok:
        raise GmmMathError(_first_bad_cell(rows, names, name))
    return Table(X, names, np.array([i for i, _ in rows]))


def _first_bad_cell(rows: list[tuple[int, str]], names: tuple[str, ...], name: str) -> str:
    """The first line and column numpy could not read (only on the error path)."""
    for number, line in rows:
        fields = line.split(",")
        if len(fields) != len(names):
            return (f"line {number} of {name} has {len(fields)} values but the header has {len(names)} columns "
                    "(ragged rows)")
        for column, field in zip(names, fields):
            if not _is_number(field):
                return _cell_error(number, column, field, name)
    return f"data file {name} is not CSV numbers"
