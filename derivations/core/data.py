"""Data sets as exact rationals, parsed from decimal text without SymPy.

Every value is a :class:`fractions.Fraction`, so ``"0.1"`` is exactly 1/10.
The symbolic layer turns them into SymPy ``Rational`` and the numeric layer
into mpmath numbers at any precision; nothing passes through float.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from math import lcm
from pathlib import Path

from gmm_math.derivations.core.errors import GmmMathError

MAX_POINTS = 100_000
MAX_DIM = 50
MAX_TEXT = 10_000_000
SHOWN_ROWS, SHOWN_TEXT = 4, 120  # rows and characters of them a Dataset's repr shows
# re.ASCII: a bare "\d" also takes Arabic-Indic or full-width digits, which numpy's CSV route refuses
NUMBER = re.compile(r"[+-]?(?:\d{1,80}(?:\.\d{0,80})?|\.\d{1,80})(?:[eE][+-]?\d{1,4})?", re.ASCII)
MAX_EXPONENT = 300
STDIN = "-"  # the file name that means standard input, as for Unix tools
_BOUND = 10**MAX_EXPONENT  # one int, compared in integer arithmetic (cheaper than Fraction comparisons)
_FORM = 'a number list such as "0,1,3" (1-D) or "0,0;1,1;3,2" (rows separated by ";")'


def read_text_file(path: str | Path, max_bytes: int, what: str = "data file") -> str:
    """The UTF-8 text of ``path`` (CRLF and CR newlines made LF), reading at most ``max_bytes + 1`` bytes.

    The read itself is bounded, so a pipe or a device such as /dev/zero cannot exhaust memory. ``what``
    names the file in the GmmMathError raised when it is missing, unreadable, too large or not UTF-8.
    ``"-"`` reads standard input.
    """
    path = Path(path)
    try:
        if str(path) == STDIN:
            raw = _read_stdin(max_bytes + 1)
        else:
            with path.open("rb") as handle:
                raw = handle.read(max_bytes + 1)
        if len(raw) > max_bytes:
            raise GmmMathError(f"{what} {str(path)!r} is larger than {max_bytes} bytes")
        return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise GmmMathError(f"cannot read {what} {str(path)!r}: not UTF-8 text") from None
    except OSError as err:
        raise GmmMathError(f"cannot read {what} {str(path)!r}: {err.strerror or type(err).__name__}") from None


def _read_stdin(limit: int) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream without bytes underneath (an embedding host)
        return (sys.stdin.read(limit) if sys.stdin is not None else "").encode("utf-8")
    return stream.read(limit)


def display_name(path: str | Path) -> str:
    """How a data file is named in messages: its file name, or "standard input" for ``-``."""
    return "standard input" if str(path) == STDIN else Path(path).name


def parse_number(text: str, what: str = "value") -> Fraction:
    """Parse one finite decimal number exactly.

    >>> parse_number("0.1")
    Fraction(1, 10)
    >>> parse_number("-2e-3")
    Fraction(-1, 500)
    """
    token = text.strip()
    if not NUMBER.fullmatch(token):
        raise GmmMathError(
            f"{what} {token!r} is not a finite decimal number (expected e.g. 3, -0.5, 1e-3)"
        )
    value = Fraction(token)
    size, den = abs(value.numerator), value.denominator
    if size and not (den <= size * _BOUND and size <= den * _BOUND):
        raise GmmMathError(f"{what} {token!r} is outside 1e-{MAX_EXPONENT}..1e{MAX_EXPONENT} in magnitude")
    return value


def parse_number_list(text: str, parameter: str) -> tuple[Fraction, ...]:
    """Parse ``"w1,w2,..."`` into exact numbers; errors name ``parameter`` (e.g. ``"weights"``).

    >>> parse_number_list("0.25, 0.75", "weights")
    (Fraction(1, 4), Fraction(3, 4))
    """
    if not text.strip():
        raise GmmMathError(f"{parameter} is empty (expected comma-separated numbers, e.g. 0.5,0.5)",
                           parameter=parameter)
    try:
        return tuple(parse_number(item, f"{parameter} entry") for item in text.split(","))
    except GmmMathError as err:
        raise GmmMathError(str(err), parameter=parameter) from None


@dataclass(frozen=True, repr=False)
class Dataset:
    """N points in D dimensions, every coordinate an exact :class:`~fractions.Fraction`.

    Validated at construction: at least one point, every row of the same length.

    >>> Dataset.from_text("0,1,3").shape
    (3, 1)
    >>> Dataset.from_text("0,0;1,1.5;3,2;4,4;5,5;6,6")
    <Dataset N=6 D=2: 0,0; 1,3/2; 3,2; 4,4; ...>
    """

    rows: tuple[tuple[Fraction, ...], ...]

    def __repr__(self) -> str:
        """One line: the shape and the first rows, exactly."""
        shown = "; ".join(",".join(str(v) for v in row) for row in self.rows[:SHOWN_ROWS])
        more = "; ..." if self.n > SHOWN_ROWS else ""
        text = f"{shown}{more}" if len(shown) <= SHOWN_TEXT else f"{shown[:SHOWN_TEXT]}..."
        return f"<Dataset N={self.n} D={self.dim}: {text}>"

    def __post_init__(self) -> None:
        if not self.rows:
            raise GmmMathError(f"the data set is empty (expected {_FORM})")
        if len(self.rows) > MAX_POINTS:
            raise GmmMathError(f"the data set has {len(self.rows)} points; at most {MAX_POINTS} are accepted")
        dim = len(self.rows[0])
        if not 1 <= dim <= MAX_DIM:
            raise GmmMathError(f"points must have 1 to {MAX_DIM} coordinates, got {dim}")
        for index, row in enumerate(self.rows):
            if len(row) != dim:
                raise GmmMathError(
                    f"row {index} has {len(row)} coordinates but row 0 has {dim} (ragged data; expected {_FORM})"
                )

    @property
    def n(self) -> int:
        return len(self.rows)

    @property
    def dim(self) -> int:
        return len(self.rows[0])

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n, self.dim)

    @classmethod
    def from_text(cls, text: str) -> "Dataset":
        """Parse ``"0,1,3"`` (1-D, one point per value) or ``"0,0;1,1"`` (rows split by ``;``).

        A single point in D > 1 needs the row separator: ``"1,2;"``.
        """
        if len(text) > MAX_TEXT:
            raise GmmMathError(f"data text is longer than {MAX_TEXT} characters")
        if not text.strip():
            raise GmmMathError(f"the data set is empty (expected {_FORM})")
        if ";" in text:
            rows = [_parse_row(part, i) for i, part in enumerate(text.split(";")) if part.strip()]
        else:
            rows = [(parse_number(item, "data value"),) for item in text.split(",")]
        return cls(tuple(rows))

    @classmethod
    def from_csv(cls, path: str | Path) -> "Dataset":
        """Read a CSV file with one point per row; blank lines, ``#`` comments and one header row are skipped."""
        path = Path(path)
        text = read_text_file(path, MAX_TEXT)
        lines = [(i + 1, line) for i, line in enumerate(text.splitlines())
                 if line.strip() and not line.lstrip().startswith("#")]
        if lines and not any(NUMBER.fullmatch(f.strip()) for f in lines[0][1].split(",")):
            lines = lines[1:]  # a header row of column names
        name = display_name(path)
        rows = [_parse_row(line, number - 1, f"line {number} of {name}") for number, line in lines]
        for (number, _), row in zip(lines, rows):
            if len(row) != len(rows[0]):
                raise GmmMathError(f"line {number} of {name} has {len(row)} values but the first point has "
                                   f"{len(rows[0])} (ragged data; expected one point per row)")
        return cls(tuple(rows))

    @cached_property
    def counts(self) -> dict[tuple[Fraction, ...], int]:
        """Distinct rows -> multiplicity r, in first-seen order (computed once per data set)."""
        return {self.rows[first]: count for first, count in self.group_index.values()}

    @cached_property
    def group_index(self) -> dict[tuple[int, ...], tuple[int, int]]:
        """Distinct rows (as the integers of :attr:`scaled`) -> (index of the first such row, multiplicity)."""
        index: dict[tuple[int, ...], list[int]] = {}
        for i, row in enumerate(self.scaled[0]):  # integer tuples hash far faster than Fraction tuples
            entry = index.get(row)
            if entry is None:
                index[row] = [i, 1]
            else:
                entry[1] += 1
        return {row: (first, count) for row, (first, count) in index.items()}

    @property
    def groups(self) -> tuple[tuple[tuple[Fraction, ...], int], ...]:
        """The distinct rows with their multiplicities, shape (M,), in first-seen order.

        >>> Dataset.from_text("0,1,0").groups
        (((Fraction(0, 1),), 2), ((Fraction(1, 1),), 1))
        """
        return tuple(self.counts.items())

    @cached_property
    def scaled(self) -> tuple[tuple[tuple[int, ...], ...], int]:
        """The data as integers over one common denominator: ``(rows as int tuples, denominator)``.

        Exact, and sums of squares in plain integer arithmetic are far cheaper than with Fractions.

        >>> Dataset.from_text("0.5,1,-0.25").scaled
        (((2,), (4,), (-1,)), 4)
        """
        scale = lcm(*{v.denominator for row in self.rows for v in row})
        return tuple(tuple(v.numerator * (scale // v.denominator) for v in row) for row in self.rows), scale

    def squared_distances(self, point: int) -> tuple[Fraction, ...]:
        """Exact squared Euclidean distance of every point to point ``point``, shape (N,)."""
        rows, scale = self.scaled
        centre = rows[point]
        return tuple(Fraction(sum((a - c) ** 2 for a, c in zip(row, centre)), scale * scale) for row in rows)

    def total_squared_distance(self, centre: tuple[Fraction, ...]) -> Fraction:
        """sum_m ||x_m - centre||^2 exactly, for any centre (integer arithmetic over a common denominator)."""
        rows, scale = self.scaled
        big = lcm(scale, *(c.denominator for c in centre))
        factor = big // scale
        c_int = [c.numerator * (big // c.denominator) for c in centre]
        return Fraction(sum(sum((a * factor - c) ** 2 for a, c in zip(row, c_int)) for row in rows), big * big)

    def distinct_squared_distances(self, centre: tuple[Fraction, ...]) -> tuple[tuple[int, ...], int]:
        """||x_m - centre||^2 for every distinct row (the order of :attr:`group_index`), exactly.

        Returns the integer numerators, shape (M,), and their common denominator.

        >>> Dataset.from_text("0,1,0,3").distinct_squared_distances((Fraction(1, 2),))
        ((1, 1, 25), 4)
        """
        _, scale = self.scaled
        big = lcm(scale, *(c.denominator for c in centre))
        factor = big // scale
        c_int = [c.numerator * (big // c.denominator) for c in centre]
        if len(c_int) == 1:  # 1-D: no generator per row
            (c,) = c_int
            return tuple((row[0] * factor - c) ** 2 for row in self.group_index), big * big
        return tuple(sum((a * factor - c) ** 2 for a, c in zip(row, c_int)) for row in self.group_index), big * big

    def multiplicity(self, point: int) -> int:
        """How many points coincide with point ``point`` (itself included)."""
        return self.group_index[self.scaled[0][point]][1]

    def mean(self) -> tuple[Fraction, ...]:
        rows, scale = self.scaled
        return tuple(Fraction(sum(col), self.n * scale) for col in zip(*rows))

    def mean_variance(self) -> Fraction:
        """Population variance averaged over the coordinates, trace(cov)/D."""
        return self.total_squared_distance(self.mean()) / (self.n * self.dim)

    def check_point(self, point: int) -> int:
        if not 0 <= point < self.n:
            raise GmmMathError(f"point {point} is out of range: the data have {self.n} points (0-based, 0..{self.n - 1})",
                               parameter="point")
        return point


def distinct_rows(data: Dataset) -> dict[tuple, int]:
    """Distinct rows of ``data`` with their counts, in first-seen order.

    >>> distinct_rows(Dataset.from_text("1,2,1"))
    {(Fraction(1, 1),): 2, (Fraction(2, 1),): 1}
    """
    return data.counts


def _parse_row(text: str, index: int, where: str | None = None) -> tuple[Fraction, ...]:
    where = where or f"row {index}"
    fields = text.split(",")
    if any(not f.strip() for f in fields):
        raise GmmMathError(f"{where} has an empty field (expected comma-separated numbers)")
    return tuple(parse_number(f, f"{where}: value") for f in fields)


def load_dataset(text: str | None, path: str | Path | None) -> Dataset | None:
    """The data from ``text`` or a CSV file at ``path`` (not both); None when neither is given."""
    if text is not None and path is not None:
        raise GmmMathError("give data or data_file, not both", parameter=("data", "data_file"))
    if text is not None:
        return Dataset.from_text(text)
    if path is not None:
        return Dataset.from_csv(path)
    return None
