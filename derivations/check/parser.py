"""The checking language's context (symbols, substitutions, matrices, hints) and its entry points.

User text is never given to ``eval``, ``exec``, ``sympify`` or ``parse_expr``: it is
checked raw (length, characters), parsed by a LALR(1) grammar, its tree is bounded
(nodes, depth, number sizes, exponents) and SymPy objects are built from the tree.

The language (README "Checking reasoning" has the grammar and the precedences):
numbers (exact rationals), names (``x_n``, ``x_{n}``, ``mu_k``, ``sigma_1``), the constants
``pi``, ``E``, ``oo``; ``+ - * /``, ``^`` and ``**`` (power), parentheses, ``|x|``, ``||x||``;
``exp``, ``log``/``ln``, ``sqrt``, ``Abs``; ``N(x | mu, sigma^2)`` (PRML: the second parameter
is the variance), ``N(x, mu, sigma)`` (the standard deviation), ``logN`` likewise;
``sum(f, n=1..N)``, ``sum(f, m=1..N, m != n)``, ``prod(...)``, ``Sum(f, (n, 1, N))``,
``Product(...)``. Every symbol is real; ``sigma``, ``s`` (and subscripted forms) and weights
``pi_k`` are positive; ``N``, ``K``, ``D``, ``M`` are positive integers (counts), and so are the
index letters ``i``, ``j``, ``k``, ``l``, ``m``, ``n``. Inside a sum over ``n``, ``x_n`` is the
indexed quantity ``x[n]``.

Assumptions (``assume:`` lines): ``NAME > 0``, ``>= 0``, ``< 0``, ``<= 0``, ``!= 0`` (also with
``0`` on the left) and ``NAME = EXPR`` (a substitution); several may be joined by commas.

Its ideas live apart: :mod:`.safety` (raw-text checks and size bounds), :mod:`.grammar` (text to a
bounded tree), :mod:`.names` (name rules), :mod:`.functions` (densities, sums), :mod:`.assumptions`
(the assumptions language), :mod:`.builder` (tree to SymPy), :mod:`.matrices` (vectors and covariances).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sympy as sp

from gmm_math.derivations.check.assumptions import (
    SIGN_ASSUMPTIONS,
    Assumptions,
    Covariance,
    WeightSum,
    read_assumptions,
)
from gmm_math.derivations.check.builder import Builder, quadratic_forms
from gmm_math.derivations.check.functions import FUNCTIONS
from gmm_math.derivations.check.grammar import parse_text
from gmm_math.derivations.check.matrices import (
    Diagonal,
    covariance_pattern,
    diagonal_forms,
    is_matrix,
    is_matrix_value,
)
from gmm_math.derivations.check.names import (
    COUNTS,
    DIMENSION_LETTER,
    IDENTITY,
    INDEX_LETTERS,
    base_assumptions,
    check_name,
    default_sign,
    normal_name,
)
from gmm_math.derivations.check.safety import quoted
from gmm_math.derivations.core.errors import GmmMathError


def parse_assumptions(texts: Iterable[str], language: str = "auto") -> Assumptions:
    """Parse assumption strings (``"x_n > 0"``, ``"sigma != 0"``, ``"mu_j = x_n"``) and build their values.

    Raises
    ------
    GmmMathError
        For any other form, contradicting sign assumptions, a value that cannot be built or a cycle.
    """
    result = read_assumptions(texts, language)
    Context(result, language)  # builds every substitution: bad expressions and cycles are reported now
    return result


class Context:
    """Symbols with their assumptions, and the substitutions; parses expressions consistently.

    Two expressions parsed by the same context share their symbols. ``hints`` collects notes
    for the student (e.g. which convention a density was read in).
    """

    functions = FUNCTIONS

    def __init__(self, assumptions: Assumptions | None = None, language: str = "auto") -> None:
        self.assumptions = assumptions or Assumptions()
        self.language = language
        self._symbols: dict[str, sp.Symbol] = {}
        self.substitutions: dict[sp.Symbol, sp.Expr] = {}
        self.matrices: dict[str, Any] = {}  # names given a matrix value (Sigma = diag(...), x = [x_1, x_2])
        self.covariances: list[tuple[tuple[sp.Symbol, ...], ...]] = []  # drawn positive definite
        self.hints: list[str] = []
        self.named_functions: set[str] = set()  # names of earlier lines' left sides, L in L(sigma) = ...
        self.names: dict[sp.Expr, sp.Expr] = {}  # what earlier lines named (log(L) -> value), for derivatives
        for name, text in self.assumptions.substitutions:
            value = self.parse(text, "assumed value", substitute=False, matrix=True)
            if is_matrix_value(value):
                self.define_matrix(name, value)
            else:
                self.substitutions[self.symbol(name)] = value
        for fact in self.assumptions.weight_sums:
            self._eliminate(fact)
        self._check_cycles()
        # relations the numeric route respects (N >= 2, x_1 != x_2), as (left, relation, right)
        self.relations: list[tuple[sp.Expr, str, sp.Expr]] = [
            (self.parse(left, "assumption"), relation, self.parse(right, "assumption"))
            for left, relation, right in self.assumptions.relations]

    def define_matrix(self, name: str, value: Any) -> None:
        """Give ``name`` a matrix value; a symmetric matrix of symbols is a covariance (drawn positive definite)."""
        self.matrices[normal_name(check_name(name))] = value
        pattern = covariance_pattern(value) if is_matrix(value) and value.shape[0] > 1 else None
        if pattern is not None and pattern not in self.covariances:
            self.covariances.append(pattern)

    def index_symbol(self, name: str) -> sp.Symbol:
        """A bound index: i, j, k, l, m, n, or d (a dimension; an integer only where it is bound)."""
        if name == DIMENSION_LETTER:
            return self._symbols.setdefault("#d", sp.Symbol(DIMENSION_LETTER, integer=True, positive=True))
        return self.symbol(name)

    @property
    def constraints(self) -> tuple[Any, ...]:
        """What the numeric route must respect when it draws values: weight sums and covariances."""
        return (*self.assumptions.weight_sums, *(Covariance(pattern) for pattern in self.covariances))

    @property
    def weight_sums(self) -> tuple[WeightSum, ...]:
        """The stated "weights sum to 1" facts."""
        return self.assumptions.weight_sums

    def _eliminate(self, fact: WeightSum) -> None:
        """pi_1 + ... + pi_K = 1 with K fixed: the last weight is 1 minus the others."""
        if not fact.names:
            return
        *others, last = (self.symbol(name) for name in fact.names)
        if last in self.substitutions:
            raise GmmMathError(f"{last} is given a value and also said to be a weight summing to 1")
        self.substitutions[last] = 1 - sp.Add(*others)

    def symbol(self, name: str) -> sp.Symbol:
        """The real symbol called ``name`` with its sign assumption (counts and indices are integers)."""
        name = normal_name(name)
        if name not in self._symbols:
            check_name(name)
            if name in COUNTS or name in INDEX_LETTERS:
                facts: dict[str, bool] = {"integer": True, "positive": True}
            else:
                allowed = self.assumptions.signs.get(name, default_sign(name))
                facts = {"real": True, **SIGN_ASSUMPTIONS.get(allowed, {})}
            self._symbols[name] = sp.Symbol(name, **facts)
        return self._symbols[name]

    def indexed(self, base: str, index: sp.Expr) -> sp.Expr:
        """``base[index]`` (an indexed quantity of a sum)."""
        return sp.IndexedBase(base, **base_assumptions(base))[index]

    def _check_cycles(self) -> None:
        done: set[sp.Symbol] = set()

        def visit(symbol: sp.Symbol, path: tuple[sp.Symbol, ...]) -> None:
            if symbol in path:
                raise GmmMathError(f"the assumptions define {symbol} in terms of itself")
            if symbol in done or symbol not in self.substitutions:
                return
            for inner in self.substitutions[symbol].free_symbols:
                visit(inner, (*path, symbol))
            done.add(symbol)

        for start in self.substitutions:
            visit(start, ())

    def substitute(self, expr: sp.Expr) -> sp.Expr:
        """Apply the equality assumptions (repeatedly, they may refer to each other)."""
        for _ in range(len(self.substitutions) + 1):
            replaced = expr.xreplace(self.substitutions)
            if replaced == expr:
                break
            expr = replaced
        return expr

    def parse(self, text: str, what: str = "expression", substitute: bool = True, matrix: bool = False) -> sp.Expr:
        """Parse ``text`` into a SymPy expression.

        Raises
        ------
        GmmMathError
            For anything outside the language or over a size bound (:class:`Unreadable` when
            the text does not parse).
        """
        tree, text = parse_text(text, what, "start", self.language)
        return self.build(tree.children[0], text, what, substitute, matrix)

    def build(self, tree: Any, text: str, what: str = "expression", substitute: bool = True,
              matrix: bool = False) -> sp.Expr:
        """Build a SymPy expression from a subtree of ``text`` (``matrix``: a matrix value may be the result)."""
        try:
            expr = Builder(self, text, what).build(tree)
            if matrix and is_matrix_value(expr):
                return expr
            if is_matrix(expr) and expr.shape == (1, 1):
                expr = expr[0, 0]
            elif is_matrix(expr):
                raise GmmMathError(f"the {what} {text.strip()[:60]!r} is a {expr.shape[0]} x {expr.shape[1]} "
                                   f"matrix, not a number")
            if isinstance(expr, sp.Expr) and expr.has(Diagonal):
                try:
                    expr = diagonal_forms(expr, self.index_symbol)
                except GmmMathError as err:
                    raise GmmMathError(f"the {what} {text.strip()[:60]!r}: {err}") from None
        except GmmMathError:
            raise
        except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError, AttributeError) as err:
            shown = " (a matrix and a number added, or sizes that do not fit?)" if isinstance(
                err, TypeError | ValueError) else ""
            raise GmmMathError(f"the {what} cannot be built{shown}") from None
        if isinstance(expr, sp.Expr) and expr.has(IDENTITY):
            expr = quadratic_forms(expr, text, what)
        if not isinstance(expr, sp.Expr) or isinstance(expr, sp.Tuple):
            raise GmmMathError(f"the {what} {quoted(text)} is not a single expression")
        if expr.has(sp.zoo, sp.nan):
            raise GmmMathError(f"the {what} {quoted(text)} is undefined (a division by zero?)")
        if expr.has(sp.I):
            raise GmmMathError(f"the {what} {quoted(text)} is undefined over the reals "
                               f"(it takes a square root or logarithm of a negative number)")
        return self.substitute(expr) if substitute else expr


def parse_expression(text: str, assumptions: Iterable[str] = ()) -> sp.Expr:
    """Parse one expression under the given assumption strings (convenience wrapper).

    >>> parse_expression("logN(x, mu, sigma)")
    -log(sigma) - log(2*pi)/2 - (-mu + x)**2/(2*sigma**2)
    >>> parse_expression("-x^2")
    -x**2
    """
    return Context(parse_assumptions(assumptions)).parse(text)
