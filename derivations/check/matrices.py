"""Matrices in the checking language: diagonal covariances with a symbolic D, small explicit matrices.

Two kinds of matrix value exist while a text is built, and neither leaves the parser:

- ``Diagonal(entry, d, D)``, written ``diag(sigma_d^2, d=1..D)`` or ``diag(sigma_1^2, ..., sigma_D^2)``:
  a D x D diagonal matrix whose d-th entry is ``entry``. Its determinant is the product over d,
  its inverse is ``diag(1/entry)``, ``v^T diag(e) w`` is ``sum(v_d*w_d*e_d, d=1..D)`` and
  ``N(x | mu, diag(e))`` is the product of D one-dimensional densities.
- explicit matrices and vectors (``[[a, b], [b, c]]``, ``[x_1, x_2]``; at most :data:`MAX_SIZE`
  rows and columns), as SymPy immutable matrices.

Inside a quadratic form or N(...) with a diagonal covariance, the names x, y, z, mu, m, v, w (and
their subscripted forms x_n, mu_k) are D-vectors: their d-th components are x[d], x[n, d], mu[k, d].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.matrices import MatrixBase

from gmm_math.derivations.check.names import IDENTITY, base_assumptions, split_subscript
from gmm_math.derivations.core.errors import GmmMathError

MAX_SIZE = 4
VECTOR_BASES = frozenset({"x", "y", "z", "mu", "m", "v", "w"})


class Diagonal(sp.Function):
    """A diagonal matrix marker: ``Diagonal(entry, d, D)`` (never returned by the parser)."""

    nargs = 3
    is_commutative = True


def is_matrix(value: object) -> bool:
    return isinstance(value, MatrixBase)


def explicit(rows: list[list[sp.Expr]]) -> sp.ImmutableMatrix:
    """A matrix from its rows (a vector [a, b] is a column), bounded by :data:`MAX_SIZE`."""
    height, width = len(rows), max(len(row) for row in rows)
    if height > MAX_SIZE or width > MAX_SIZE:
        shown = f"this vector (or row) has {height} entries" if width == 1 else f"this one is {height} x {width}"
        raise GmmMathError(f"matrices and vectors are accepted up to {MAX_SIZE} x {MAX_SIZE} (D at most "
                           f"{MAX_SIZE}); {shown}")
    if any(len(row) != width for row in rows):
        raise GmmMathError("the rows of a matrix must have the same length")
    if any(is_matrix(entry) or (isinstance(entry, sp.Basic) and entry.has(Diagonal)) for row in rows
           for entry in row):
        raise GmmMathError("the entries of a matrix must be numbers or expressions, not matrices")
    return sp.ImmutableMatrix(rows)


def as_diagonal(expr: sp.Expr) -> tuple[sp.Expr, sp.Symbol, sp.Expr] | None:
    """(entry, d, D) when ``expr`` is c*diag(e)^k (or a sum of such terms and c*I_D), else None."""
    if isinstance(expr, Diagonal):
        return expr.args[0], expr.args[1], expr.args[2]
    if expr.is_Pow and isinstance(expr.base, Diagonal) and expr.exp.is_Integer:
        entry, index, count = expr.base.args
        return entry**expr.exp, index, count
    if expr.is_Mul:
        matrices = [factor for factor in expr.args if factor.has(Diagonal) or factor.has(IDENTITY)]
        if len(matrices) != 1:
            return None
        found = as_diagonal(matrices[0])
        scalar = sp.Mul(*(factor for factor in expr.args if factor is not matrices[0]))
        return None if found is None else (scalar * found[0], found[1], found[2])
    if expr.is_Add:
        parts = []
        for term in expr.args:
            if not term.has(Diagonal):
                coefficient = sp.expand(term).coeff(IDENTITY, 1)
                if coefficient == 0 or coefficient.has(IDENTITY) or sp.expand(term - coefficient * IDENTITY) != 0:
                    return None
                parts.append((coefficient, None, None))
                continue
            found = as_diagonal(term)
            if found is None:
                return None
            parts.append(found)
        shapes = {(index, count) for _, index, count in parts if index is not None}
        if len(shapes) != 1:
            return None
        (index, count), = shapes
        return sp.Add(*(entry for entry, _, _ in parts)), index, count
    return None


def determinant(expr: sp.Expr) -> sp.Expr:
    """det(diag(e)) = prod(e_d, d=1..D)."""
    entry, index, count = _diagonal(expr)
    return sp.Product(entry, (index, 1, count))


def _diagonal(expr: sp.Expr) -> tuple[sp.Expr, sp.Symbol, sp.Expr]:
    found = as_diagonal(expr)
    if found is None:
        raise GmmMathError("a diagonal matrix is accepted as c*diag(...), diag(...)^k, diag(...) + c*I_D")
    return found


def component(expr: sp.Expr, index: sp.Symbol, symbol: Callable[[str], sp.Symbol]) -> sp.Expr:
    """The d-th component of a vector expression: x -> x[d], x_n -> x[n, d], x[n] -> x[n, d], mu_1 -> mu[1, d]."""
    def vector(node: sp.Expr) -> sp.Expr | None:
        if isinstance(node, sp.Indexed) and str(node.base.label) in VECTOR_BASES:
            return sp.IndexedBase(str(node.base.label), **base_assumptions(str(node.base.label)))[
                (*node.indices, index)]
        if node.is_Symbol:
            base, sub = split_subscript(node.name)
            if base not in VECTOR_BASES or (sub is not None and "_" in sub):
                return None
            family = sp.IndexedBase(base, **base_assumptions(base))
            if sub is None:
                return family[index]
            return family[sp.Integer(int(sub)) if sub.isdigit() else symbol(sub), index]
        return None

    return expr.replace(lambda node: vector(node) is not None, vector)


def _is_vector_factor(factor: sp.Expr) -> bool:
    return any(split_subscript(symbol.name)[0] in VECTOR_BASES for symbol in factor.free_symbols
               if symbol.is_Symbol) or any(str(node.base.label) in VECTOR_BASES for node in factor.atoms(sp.Indexed))


def diagonal_forms(expr: sp.Expr, symbol: Callable[[str], sp.Symbol]) -> sp.Expr:
    """Rewrite every v^T diag(e)^k w (a product of one diagonal matrix and two vector factors) as a sum over d.

    Raises
    ------
    GmmMathError
        Where a diagonal matrix remains in any other position (it is a matrix, not a number).
    """
    if not expr.has(Diagonal):
        return expr
    if expr.is_Add:
        return sp.Add(*(diagonal_forms(term, symbol) for term in expr.args))
    if expr.is_Mul:
        matrices = [factor for factor in expr.args if factor.has(Diagonal)]
        if len(matrices) == 1 and as_diagonal(matrices[0]) is not None:
            entry, index, count = as_diagonal(matrices[0])
            others = [factor for factor in expr.args if factor is not matrices[0]]
            vectors = [factor for factor in others if _is_vector_factor(factor)]
            scalars = [factor for factor in others if not _is_vector_factor(factor)]
            product = sp.Mul(*vectors)
            if _degree(product) != 2:
                raise GmmMathError("a diagonal matrix diag(...) must stand between two vectors, as in "
                                   "(x - mu)^T*diag(...)^(-1)*(x - mu), or inside det(...), |...| or N(x | mu, ...)")
            return sp.Mul(*scalars) * sp.Sum(component(product, index, symbol) * entry, (index, 1, count))
        return sp.Mul(*(diagonal_forms(factor, symbol) for factor in expr.args))
    if expr.is_Pow and not isinstance(expr.base, Diagonal):
        return diagonal_forms(expr.base, symbol) ** expr.exp
    if isinstance(expr, sp.Function) and not isinstance(expr, Diagonal):
        return expr.func(*(diagonal_forms(arg, symbol) for arg in expr.args))
    raise GmmMathError("the expression is a matrix diag(...), not a number; write det(...) or |...| for its "
                       "determinant, or put it between two vectors")


def _degree(product: sp.Expr) -> int | None:
    symbols = [node for node in product.free_symbols | product.atoms(sp.Indexed) if _is_vector_factor(node)]
    if not symbols:
        return None
    try:
        polynomial = sp.Poly(product, *symbols)
    except sp.PolynomialError:
        return None
    degrees = {sum(monomial) for monomial in polynomial.monoms()}
    return degrees.pop() if len(degrees) == 1 else None


def diagonal_log_density(x: sp.Expr, mu: sp.Expr, covariance: sp.Expr,
                         symbol: Callable[[str], sp.Symbol]) -> sp.Expr:
    """log N(x | mu, diag(e)) = -D/2 log(2 pi) - 1/2 sum(log e_d) - 1/2 sum((x_d - mu_d)^2/e_d)."""
    entry, index, count = _diagonal(covariance)
    gap = component(x - mu, index, symbol)
    return (-count * sp.log(2 * sp.pi) / 2 - sp.Sum(sp.log(entry), (index, 1, count)) / 2
            - sp.Sum(gap**2 / entry, (index, 1, count)) / 2)


def as_vector(expr: sp.Expr, size: int, symbol: Callable[[str], sp.Symbol]) -> Any:
    """x -> [x_1, ..., x_D] and x_n - mu_k -> [x_n_1 - mu_k_1, ...] for a number D (the names of vectors only)."""
    if not any(_is_vector_factor(node) for node in expr.free_symbols | expr.atoms(sp.Indexed)):
        return expr

    def named(node: sp.Indexed) -> sp.Expr:
        parts = [str(node.base.label), *(str(index) for index in node.indices)]
        return symbol("_".join(parts)) if all(index.is_Integer or index.is_Symbol for index in node.indices) \
            else node

    entries = []
    for number in range(1, size + 1):
        entry = component(expr, sp.Integer(number), symbol)
        entries.append(entry.replace(lambda node: isinstance(node, sp.Indexed)
                                     and str(node.base.label) in VECTOR_BASES, named))
    return sp.ImmutableMatrix(entries)


def matrix_log_density(x: Any, mu: Any, covariance: sp.ImmutableMatrix,
                       symbol: Callable[[str], sp.Symbol]) -> sp.Expr:
    """log N(x | mu, S) for an explicit S (D x D) and explicit D-vectors x, mu."""
    size = covariance.shape[0]
    if covariance.shape != (size, size):
        raise GmmMathError(f"the covariance must be a square matrix, got {covariance.shape[0]} x "
                           f"{covariance.shape[1]}")
    x, mu = (value if is_matrix(value) else as_vector(value, size, symbol) for value in (x, mu))
    for name, value in (("point", x), ("mean", mu)):
        if not is_matrix(value) or value.shape != (size, 1):
            raise GmmMathError(f"with a {size} x {size} covariance the {name} must be a vector of {size} entries, "
                               f"e.g. [x_1, x_2] (or a name assumed equal to one)")
    gap = x - mu
    form = (gap.T * covariance.inv() * gap)[0, 0]
    return -sp.Integer(size) * sp.log(2 * sp.pi) / 2 - sp.log(covariance.det()) / 2 - form / 2


def covariance_pattern(matrix: sp.ImmutableMatrix) -> tuple[tuple[sp.Symbol, ...], ...] | None:
    """The entries of a symmetric matrix of distinct symbols ([[a, b], [b, c]]), whose random
    instances should be positive definite; None for any other matrix."""
    size = matrix.shape[0]
    if matrix.shape != (size, size) or not all(entry.is_Symbol for entry in matrix):
        return None
    upper = [matrix[i, j] for i in range(size) for j in range(i, size)]
    if len(set(upper)) != len(upper) or any(matrix[i, j] != matrix[j, i] for i in range(size) for j in range(i)):
        return None
    return tuple(tuple(matrix[i, j] for j in range(size)) for i in range(size))


def is_matrix_value(value: object) -> bool:
    """An explicit matrix or vector, a diagonal matrix diag(...), or c*I_D (a value a name may be given)."""
    if is_matrix(value):
        return True
    return isinstance(value, sp.Expr) and (value.has(Diagonal) and as_diagonal(value) is not None
                                           or _is_isotropic(value))


def _is_isotropic(value: sp.Expr) -> bool:
    if not value.has(IDENTITY):
        return False
    expanded = sp.expand(value)
    coefficient = expanded.coeff(IDENTITY, 1)
    return coefficient != 0 and not coefficient.has(IDENTITY) and sp.expand(expanded - coefficient * IDENTITY) == 0

