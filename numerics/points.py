"""Float data for the numeric EM: validation and fast CSV loading with numpy.

The exact :class:`~gmm_math.derivations.core.data.Dataset` stops at 100,000 points;
EM runs on up to a million, so CSV files are read here with numpy's parser.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gmm_math.derivations.core.data import MAX_DIM, NUMBER, Dataset, check_field_counts, display_name, read_text_file
from gmm_math.derivations.core.errors import GmmMathError

MAX_POINTS = 1_000_000
MAX_BYTES = 200_000_000
_FORM = "one point per line, coordinates separated by commas (an optional header row and # comments)"


def validate_points(X: object) -> np.ndarray:
    """Check data for EM: a finite (N, D) float array with 2 <= N <= 1e6 and 1 <= D <= 50.

    A 1-D array is read as N one-dimensional points.

    Returns
    -------
    ndarray, shape (N, D), float64
    """
    try:
        array = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise GmmMathError("the data must be numbers of shape (N, D) with rows of equal length") from None
    array = array[:, None] if array.ndim == 1 else array
    if array.ndim != 2:
        raise GmmMathError(f"the data must have shape (N, D), got {array.ndim} dimensions")
    n, dim = array.shape
    if n < 2:
        raise GmmMathError(f"the data have {n} point(s); a mixture needs at least 2")
    if n > MAX_POINTS or not 1 <= dim <= MAX_DIM:
        raise GmmMathError(f"the data have shape ({n}, {dim}); at most {MAX_POINTS} points of 1 to {MAX_DIM} "
                           "coordinates are accepted")
    bad = ~np.isfinite(array)
    if bad.any():
        row = int(np.argmax(bad.any(axis=1)))
        raise GmmMathError(f"row {row} of the data holds NaN or infinity (expected finite numbers)")
    if np.all(array == array[0]):
        raise GmmMathError("all data points are equal: there is no spread to fit a mixture to")
    return array


def points_from_text(text: str) -> np.ndarray:
    """Inline data text ("0,1,3" or "0,0;1,1") parsed exactly, then as floats, shape (N, D)."""
    rows = Dataset.from_text(text).rows
    return validate_points(np.array([[float(v) for v in row] for row in rows]))


_NON_FINITE = ("nan", "inf", "infinity")


def _is_value(field: str) -> bool:
    """A number, or a non-finite one (refused later, with its line, by validate_points)."""
    field = field.strip()
    return bool(NUMBER.fullmatch(field)) or field.lower().lstrip("+-") in _NON_FINITE


def _is_numeric_row(line: str) -> bool:
    """A data row, not a header: every field a value (``1,nan`` is a bad data row, not column names)."""
    return all(_is_value(field) for field in line.split(","))


def load_points_csv(path: str | Path) -> np.ndarray:
    """Read a CSV of up to 1e6 points with numpy; blank lines, ``#`` comments and one header row skipped.

    Returns
    -------
    ndarray, shape (N, D), float64
    """
    path = Path(path)
    text = read_text_file(path, MAX_BYTES)
    numbered = [(number, line.split("#", 1)[0]) for number, line in enumerate(text.splitlines(), start=1)]
    numbered = [(number, line) for number, line in numbered if line.strip()]
    if numbered and not _is_numeric_row(numbered[0][1]):
        numbered = numbered[1:]  # a header row of column names
    if not numbered:
        raise GmmMathError(f"data file {str(path)!r} holds no data ({_FORM})")
    check_field_counts(numbered, display_name(path))
    if len(numbered) > MAX_POINTS:
        raise GmmMathError(f"data file {str(path)!r} has {len(numbered)} points; at most {MAX_POINTS} are accepted")
    try:
        array = np.loadtxt([line for _, line in numbered], delimiter=",", ndmin=2, dtype=np.float64)
    except (ValueError, IndexError):
        raise GmmMathError(_first_bad_line(numbered, display_name(path))) from None
    _check_underflow(array, numbered, display_name(path))
    return validate_points(array)


def _check_underflow(array: np.ndarray, numbered: list[tuple[int, str]], name: str) -> None:
    """Refuse a value float64 cannot hold: nonzero but below its smallest normal number (2.2e-308), read as 0
    or as a subnormal with few digits, so that scaled data are not taken for "all points equal"."""
    tiny = np.finfo(np.float64).tiny
    suspect = (np.abs(array) < tiny).any(axis=1)
    for row in np.flatnonzero(suspect):
        number, line = numbered[row]
        for field, value in zip(line.split(","), array[row]):
            if abs(value) < tiny and any(c in "123456789" for c in field.strip().split("e")[0].split("E")[0]):
                raise GmmMathError(f"line {number} of {name}: {field.strip()!r} underflows float64 (nonzero values "
                                   f"must be at least {tiny:.3g} in magnitude); rescale the data")


def _first_bad_line(numbered: list[tuple[int, str]], name: str) -> str:
    """Name the first line numpy refused (only run on the error path)."""
    width = len(numbered[0][1].split(","))
    for number, line in numbered:
        fields = line.split(",")
        if len(fields) != width:
            return (f"line {number} of {name} has {len(fields)} values but the first data line has {width} "
                    f"(ragged rows; expected {_FORM})")
        if not all(_is_value(f) for f in fields):
            return f"line {number} of {name} has a value that is not a number (expected {_FORM})"
    return f"data file {name} is not valid CSV numbers (expected {_FORM})"
