"""The exact affine rank of rows of rationals, by fraction-free integer elimination (no SymPy, no float).

One rank for every layer: ``derive degenerate`` (exact data), ``em`` and ``diagnose`` (float data, whose
values are exact dyadic rationals; :mod:`gmm_math.numerics.rank` adds the numerical rank beside it) use
this function, so they cannot contradict each other.

>>> exact_affine_rank([(0, 0), (1, 1), (3, 3)])
1
>>> exact_affine_rank([(0, 0), (1, 0), (0, 1)])
2
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from math import gcd, lcm

Number = int | float | Fraction


def _integer_rows(rows: Sequence[Sequence[Number]]) -> list[list[int]]:
    """The rows times one common denominator: integers with the same affine rank (a float is an exact dyadic
    rational, so float rows need no Fraction per value)."""
    ratios = [[(value if isinstance(value, (int, float, Fraction)) else Fraction(value)).as_integer_ratio()
               for value in row] for row in rows]
    denominator = lcm(*(den for row in ratios for _, den in row))
    return [[num * (denominator // den) for num, den in row] for row in ratios]


def _reduce(vector: list[int], basis: list[tuple[int, list[int]]]) -> list[int]:
    """``vector`` with every basis pivot eliminated, in integers (divided by its gcd to stay small)."""
    for pivot, row in basis:
        if vector[pivot]:
            a, b = row[pivot], vector[pivot]
            vector = [a * v - b * r for v, r in zip(vector, row)]
            common = 0
            for v in vector:
                common = gcd(common, v)
            if common > 1:
                vector = [v // common for v in vector]
    return vector


def exact_affine_rank(rows: Sequence[Sequence[Number]], order: Iterable[int] | None = None) -> int:
    """Dimension of the affine hull of ``rows`` (M rows of D ints or Fractions), exactly; -1 for no rows.

    ``order`` lists row indices to try first (a numerical guess at independent rows): the elimination stops
    as soon as D independent differences are found, so data of full rank cost O(D^3) when the guess is good,
    and O(M D^2) integer operations at worst.
    """
    if len(rows) == 0:
        return -1
    ints = _integer_rows(rows)
    dim = len(ints[0])
    first = list(order) if order is not None else []
    origin = ints[first[0] if first else 0]
    basis: list[tuple[int, list[int]]] = []
    seen = set()
    for index in [*first, *range(len(ints))]:
        if index in seen:
            continue
        seen.add(index)
        vector = _reduce([a - o for a, o in zip(ints[index], origin)], basis)
        pivot = next((j for j, v in enumerate(vector) if v), None)
        if pivot is not None:
            basis.append((pivot, vector))
            if len(basis) == dim:
                break
    return len(basis)


def null_relation(rows: Sequence[Sequence[Number]]) -> tuple[Fraction, ...] | None:
    """A nonzero vector a with ``a . (x_m - x_0) = 0`` for every row (the data's flat direction), or None.

    Normalised so that its last nonzero entry is 1; only for data of affine rank below D.
    """
    ints = _integer_rows(rows)
    dim = len(ints[0])
    origin = ints[0]
    basis: list[tuple[int, list[int]]] = []
    for row in ints[1:]:
        vector = _reduce([a - o for a, o in zip(row, origin)], basis)
        pivot = next((j for j, v in enumerate(vector) if v), None)
        if pivot is not None:
            basis.append((pivot, vector))
    if len(basis) == dim:
        return None
    vector = _null_vectors([row for _, row in basis], dim)[0]
    last = next(v for v in reversed(vector) if v)
    return tuple(v / last for v in vector)


def null_relations(rows: Sequence[Sequence[Number]]) -> tuple[tuple[Fraction, ...], ...]:
    """A basis of the vectors a with ``a . (x_m - x_0) = 0`` for every row: the equations of their affine hull.

    One vector per free column of the reduced echelon form of the differences (D minus the affine rank of
    them), each with 1 at its free column and 0 at the other free columns; empty for rows of full rank.

    >>> null_relations([(0, 3), (1, 3), (5, 3)])
    ((Fraction(0, 1), Fraction(1, 1)),)
    """
    ints = _integer_rows(rows)
    dim = len(ints[0])
    basis = [row for row in ([a - o for a, o in zip(r, ints[0])] for r in ints[1:]) if any(row)]
    return _null_vectors(basis, dim)


def _null_vectors(rows: list[list[int]], dim: int) -> tuple[tuple[Fraction, ...], ...]:
    """A rational basis of the null space of the integer rows, one vector per free column, by Gauss-Jordan."""
    matrix = [[Fraction(v) for v in row] for row in rows]
    pivots = []
    r = 0
    for column in range(dim):
        found = next((i for i in range(r, len(matrix)) if matrix[i][column]), None)
        if found is None:
            continue
        matrix[r], matrix[found] = matrix[found], matrix[r]
        head = matrix[r][column]
        matrix[r] = [v / head for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][column]:
                factor = matrix[i][column]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r])]
        pivots.append(column)
        r += 1
    out = []
    for free in (j for j in range(dim) if j not in pivots):
        vector = [Fraction(0)] * dim
        vector[free] = Fraction(1)
        for i, column in enumerate(pivots):
            vector[column] = -matrix[i][free]
        out.append(tuple(vector))
    return tuple(out)
