"""Numeric evidence for ``gmm-math check``, in mpmath: spot checks and limit sequences.

SymPy expressions are evaluated by walking their tree with a dispatch table of
mpmath functions (no ``lambdify``, no generated code). Unknown node types make a
point "undefined" rather than guessing.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath as mp
import sympy as sp

from gmm_math.derivations.check.assumptions import Covariance, WeightSum
from gmm_math.derivations.check.names import COUNTS, INDEX_LETTERS, is_weight
from gmm_math.derivations.printing.text import spelled

SPOT_POINTS = 8
SPOT_DPS = 30
LIMIT_DPS = 60
LIMIT_STEPS = tuple(range(1, 17))  # the variable approaches its point as 10^-k, k = 1..16
LIMIT_POINTS = 3
_SETTLED = mp.mpf("1e-9")
_AGREE = mp.mpf("1e-6")

Value = mp.mpf | mp.mpc


class Undefined(ArithmeticError):
    """The expression has no finite or infinite value at this point (or holds an unsupported function)."""


class NotEvaluated(Undefined):
    """This route cannot evaluate the expression here (an unknown symbol or node, a sum too long): says
    nothing about where the expression is real."""


def _rational(expr: sp.Rational, _: Callable) -> Value:
    return mp.mpf(int(expr.p)) / int(expr.q)


def _power(expr: sp.Pow, value: Callable) -> Value:
    base, exponent = value(expr.base), expr.exp
    if exponent == sp.S.Half:
        return mp.sqrt(base)
    if exponent.is_Integer:
        return mp.power(base, int(exponent))
    return mp.power(base, value(exponent))


_HANDLERS: dict[type, Callable[[sp.Expr, Callable[[sp.Expr], Value]], Value]] = {
    sp.Rational: _rational,
    sp.Float: lambda expr, _: mp.mpf(str(expr)),
    sp.Add: lambda expr, value: mp.fsum(value(arg) for arg in expr.args),
    sp.Mul: lambda expr, value: mp.fprod(value(arg) for arg in expr.args),
    sp.Pow: _power,
    sp.exp: lambda expr, value: mp.exp(value(expr.args[0])),
    sp.log: lambda expr, value: mp.log(value(expr.args[0])),
    sp.Abs: lambda expr, value: abs(value(expr.args[0])),
    sp.sign: lambda expr, value: mp.sign(value(expr.args[0])),
    type(sp.pi): lambda expr, _: +mp.pi,
    type(sp.E): lambda expr, _: +mp.e,
    type(sp.I): lambda expr, _: mp.mpc(0, 1),
    type(sp.oo): lambda expr, _: mp.inf,
    type(-sp.oo): lambda expr, _: -mp.inf,
}


MAX_TERMS = 1000  # terms one evaluated sum or product may have


def _bound(expr: sp.Expr, value: Callable[[sp.Expr], Value]) -> int:
    number = value(expr)
    if not isinstance(number, mp.mpf) or number != mp.floor(number):
        raise NotEvaluated("a sum bound is not an integer")
    return int(number)


def _big(expr: sp.Expr, value: Callable[[sp.Expr], Value], values: dict) -> Value:
    """A Sum or Product over an integer range: the index is bound in ``values`` while each term is evaluated.

    SymPy merges nested sums into one with several ranges (innermost first): they are taken one inside
    the other, the outermost range last.
    """
    if len(expr.limits) > 1:
        inner = type(expr)(expr.function, *expr.limits[:-1])
        outer_sum = type(expr)(sp.Dummy("term"), expr.limits[-1])
        return _big(outer_sum, lambda node: value(inner) if node == outer_sum.function else value(node), values)
    (index, low, high), = expr.limits
    first, last = _bound(low, value), _bound(high, value)
    if last - first + 1 > MAX_TERMS:
        raise NotEvaluated("too many terms")
    outer = values.get(index, _UNSET)
    terms = []
    try:
        for number in range(first, last + 1):
            values[index] = mp.mpf(number)
            terms.append(value(expr.function))
    finally:
        if outer is _UNSET:
            values.pop(index, None)
        else:
            values[index] = outer
    return mp.fsum(terms) if isinstance(expr, sp.Sum) else mp.fprod(terms)


_UNSET = object()


def data_key(node: sp.Expr, values: Mapping) -> str | None:
    """The name of a data value: ``x[3]``, ``x_3`` and ``x_n`` with n = 3 are all ``"x_3"``.

    A subscript of digits and index letters names one value per index: ``r_nk`` with n = 2, k = 1,
    ``r_2k`` with k = 1 and ``r[n, k]`` are all ``"r_2,1"``. An index letter is read from the
    integer symbol of that name in ``values`` (a sum's index while its terms are evaluated, or a
    free index drawn by :func:`instances`); None when some index has no value.
    """
    if isinstance(node, sp.Indexed):
        base = str(node.base.label)
        numbers = [index if index.is_Integer else _index_value(index, values) for index in node.indices]
    elif node.is_Symbol and "_" in node.name:
        base, _, sub = node.name.partition("_")
        parts = subscript_parts(sub)
        if parts is None:
            return None
        numbers = [int(part) if part.isdigit() else _index_value(sp.Symbol(part), values) for part in parts]
    else:
        return None
    if any(number is None for number in numbers):
        return None
    return f"{base}_{','.join(str(int(number)) for number in numbers)}"


def subscript_parts(sub: str) -> list[str] | None:
    """``"3"`` -> ["3"], ``"n"`` -> ["n"], ``"nk"`` -> ["n", "k"], ``"1k"`` -> ["1", "k"]: one part per index."""
    if not sub or not _SUBSCRIPT.fullmatch(sub):
        return None
    return re.findall(r"\d+|[A-Za-z]", sub)


_SUBSCRIPT = re.compile(r"[A-Za-z0-9_]+")


def _index_value(index: sp.Expr, values: Mapping) -> Any:
    """The value of an index: its own entry, or that of the integer symbol of the same name."""
    if index in values:
        return values[index]
    for symbol, number in list(values.items()):
        if isinstance(symbol, sp.Symbol) and symbol.name == str(index) and symbol.is_integer:
            return number
    return None


def mp_value(expr: sp.Expr, values: Mapping[sp.Symbol, Value], dps: int) -> Value:
    """Evaluate ``expr`` at ``values`` with mpmath at ``dps`` digits.

    Raises
    ------
    Undefined
        On division by zero, nan, an unknown symbol or an unsupported node type.
    """
    with mp.workdps(dps):
        return _evaluate(expr, values)


def _evaluate(expr: sp.Expr, values: Mapping[sp.Symbol, Value]) -> Value:
    def value(node: sp.Expr) -> Value:
        if node.is_Symbol or isinstance(node, sp.Indexed):
            if node in values:
                return values[node]
            key = data_key(node, values)
            if key is not None and (key in values or isinstance(values, Sample)):
                return values[key] if key in values else values.generate(key, node)
            if isinstance(values, Sample) and node.is_Symbol:
                return values.generate(node, node)
            raise NotEvaluated(f"no value for {node}")
        if isinstance(node, sp.Sum | sp.Product):
            return _big(node, value, values)
        for klass in type(node).__mro__:
            handler = _HANDLERS.get(klass)
            if handler is not None:
                return handler(node, value)
        raise NotEvaluated(f"cannot evaluate {type(node).__name__}")

    try:
        result = value(expr)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError) as err:
        raise Undefined(type(err).__name__) from None
    if mp.isnan(result):
        raise Undefined("nan")
    if isinstance(result, mp.mpc):
        if result.imag != 0:
            raise Undefined("not a real number")
        result = result.real
    return result


def show(value: Value | Fraction | None) -> str | None:
    """Text for a value: 15 significant digits, oo / -oo for infinities."""
    if value is None:
        return None
    if isinstance(value, mp.mpc):
        return "not real"
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else mp.nstr(mp.mpf(value.numerator) / value.denominator, 15)
    if isinstance(value, mp.mpf) and mp.isinf(value):
        return "oo" if value > 0 else "-oo"
    return mp.nstr(value, 15)


SCALE_EXPONENTS = (-6, 2)  # "log" scales draw mantissa * 10^e with e uniform in this range: 1e-6 .. 1e3
_VARIANCE_BASES = frozenset({"Sigma"})  # covariances: positive like sigma, though unsigned in the parser
RESPONSIBILITY_BASES = frozenset({"r", "gamma"})  # r_nk, gamma_nk: in [0, 1], summing to 1 over k


def _base_name(symbol: Any) -> str:
    name = str(getattr(symbol, "name", None) or getattr(symbol, "label", symbol))
    return name.partition("_")[0]


def magnitude(rng: random.Random, scale: int | str | None = None) -> Fraction:
    """A positive value: three decimals in (0.1, 3) (``scale`` None), mantissa * 10^scale
    (an integer ``scale``), or at a random decade of 1e-6 .. 1e3 (``scale`` "log")."""
    if scale is None:
        return Fraction(rng.randint(100, 3000), 1000)
    exponent = rng.randint(*SCALE_EXPONENTS) if scale == "log" else int(scale)
    return Fraction(rng.randint(1000, 9999), 1000) * Fraction(10) ** exponent


def sample_value(symbol: sp.Symbol, rng: random.Random, scale: int | str | None = None,
                 pool: Sequence[Fraction] = ()) -> Fraction:
    """A random nonzero value respecting what the symbol means.

    Counts and indices: an integer 1..8. Weights (pi_k) and responsibilities (r_nk): in (0, 1). Positive names (sigma, s, any
    symbol assumed > 0, covariances Sigma_k): :func:`magnitude` at ``scale``; likewise with a sign
    for symbols assumed <= 0, >= 0 or != 0. Other names (data, means): three decimals in (-3, 3),
    or one of ``pool`` when given (so that x = mu occurs).
    """
    if symbol.is_integer and symbol.is_positive:  # a count or an index
        return Fraction(rng.randint(1, 8))
    base = _base_name(symbol)
    if is_weight(base) or base in RESPONSIBILITY_BASES and "_" in getattr(symbol, "name", ""):
        return weight_value(rng)  # a weight, or a responsibility r_nk on its own: in (0, 1)
    if symbol.is_nonnegative or base in _VARIANCE_BASES:
        return magnitude(rng, scale)
    if symbol.is_nonpositive:
        return -magnitude(rng, scale)
    if symbol.is_nonzero:
        value = magnitude(rng, scale)
        return value if rng.random() < 0.5 else -value
    if pool:
        return rng.choice(list(pool))
    value = magnitude(rng)
    return value if rng.random() < 0.5 else -value


def weight_value(rng: random.Random) -> Fraction:
    """A random mixture weight in (0, 1)."""
    return Fraction(rng.randint(50, 950), 1000)


def positive_definite(size: int, rng: random.Random) -> list[list[Fraction]]:
    """A random symmetric positive definite matrix L L^T (L lower triangular, diagonal in [0.5, 1.5]), exact."""
    lower = [[Fraction(rng.randint(500, 1500), 1000) if i == j else
              Fraction(rng.randint(-1000, 1000), 1000) if j < i else Fraction(0)
              for j in range(size)] for i in range(size)]
    return [[sum((lower[i][t] * lower[j][t] for t in range(size)), Fraction(0)) for j in range(size)]
            for i in range(size)]


def simplex_value(count: int, rng: random.Random) -> list[Fraction]:
    """``count`` random weights in (0, 1] that sum to exactly 1 (normalized random draws, Dirichlet-like)."""
    draws = [Fraction(rng.randint(50, 950)) for _ in range(count)]
    total = sum(draws)
    return [draw / total for draw in draws]


class Sample(dict):
    """Values of one numeric instance; data values (``x_3``, ``sigma_2``) are drawn when first needed.

    Keys are SymPy symbols or data names (see :func:`data_key`); ``generate`` draws a value that
    respects what the name means (see :func:`sample_value`): sigma_k > 0, weights pi_k in (0, 1),
    responsibilities r_nk in [0, 1] summing to 1 over k = 1..``components``, other data in (-3, 3)
    or all one shared value when ``coincide``. ``scale`` is the scale of positive names (see :func:`magnitude`).
    ``exact`` keeps the drawn Fractions, to show the point.
    """

    def __init__(self, rng: random.Random, fixed: Mapping[Any, Fraction], dps: int, *,
                 scale: int | str | None = None, coincide: bool = False,
                 components: int | None = None, weights: Sequence[Any] = ()) -> None:
        super().__init__()
        self.rng, self.dps, self.exact, self.weights = rng, dps, dict(fixed), tuple(weights)
        self.scale, self.coincide, self.components = scale, coincide, components
        self.shared: Fraction | None = None  # the one value of all unsigned data when they coincide
        for key, number in fixed.items():
            self[key] = _to_mpf(number, dps)

    def at(self, dps: int) -> Sample:
        """The same instance (every value drawn so far, the same ways to draw more) at ``dps`` digits."""
        again = Sample(self.rng, self.exact, dps, scale=self.scale, coincide=self.coincide,
                       components=self.components, weights=self.weights)
        again.shared = self.shared
        return again

    def generate(self, key: Any, node: sp.Expr) -> Value:
        if self._draw_constrained(key, node):
            return self[key]
        symbol = node.base if isinstance(node, sp.Indexed) else node
        name = _base_name(symbol)
        if is_weight(name):
            number = weight_value(self.rng)
        elif name in RESPONSIBILITY_BASES and isinstance(key, str) and key.count(",") == 1:
            return self._responsibilities(key)
        else:
            if self.coincide and self.shared is None:
                self.shared = magnitude(self.rng) * self.rng.choice((1, -1))
            number = sample_value(symbol, self.rng, self.scale, () if self.shared is None else (self.shared,))
        self.exact[key] = number
        self[key] = _to_mpf(number, self.dps)
        return self[key]

    def _draw_constrained(self, key: Any, node: sp.Expr) -> bool:
        """Draw, at once, every value of a constraint that holds ``key``: the weights of a stated sum
        (they sum to exactly 1), or the entries of a covariance (a positive definite matrix)."""
        for fact in self.weights:
            if isinstance(fact, WeightSum):
                count = next((int(number) for symbol, number in self.exact.items()
                              if getattr(symbol, "name", None) == fact.count), None)
                members: list[Any] = list(fact.members(count))
                drawn = simplex_value(len(members), self.rng) if key in members else []
            elif isinstance(fact, Covariance):
                keys = [[self._key(entry) for entry in row] for row in fact.rows]
                members = [item for row in keys for item in row]
                drawn = [number for row in positive_definite(len(keys), self.rng) for number in row] \
                    if key in members else []
            else:
                continue
            if drawn:
                for member, number in zip(members, drawn, strict=True):
                    self.exact[member] = number
                    self[member] = _to_mpf(number, self.dps)
                return True
        return False

    def _key(self, symbol: sp.Symbol) -> Any:
        found = data_key(symbol, self)
        return symbol if found is None else found

    def _responsibilities(self, key: str) -> Value:
        """r_{n,1..K} drawn together: positive and summing to 1 (one value in (0, 1) when K is unknown)."""
        base, _, indices = key.partition("_")
        row, column = (int(part) for part in indices.split(","))
        count = self.components if self.components and column <= self.components else None
        if count is None:
            numbers = {key: weight_value(self.rng)}
        else:
            raw = [self.rng.randint(50, 950) for _ in range(count)]
            numbers = {f"{base}_{row},{k}": Fraction(weight, sum(raw)) for k, weight in enumerate(raw, 1)}
        for name, number in numbers.items():
            if name not in self.exact:
                self.exact[name] = number
                self[name] = _to_mpf(number, self.dps)
        return self[key]

    def shown(self) -> dict[str, str | None]:
        """The point in the student's names (as they spelled them: :func:`spelled`), sorted."""
        return {spelled(str(getattr(key, "name", key))): show(number) for key, number in
                sorted(self.exact.items(), key=lambda item: str(getattr(item[0], "name", item[0])))}


def _to_mpf(number: Fraction, dps: int) -> mp.mpf:
    with mp.workdps(dps):
        return mp.mpf(number.numerator) / number.denominator


def sample_point(symbols: Sequence[sp.Symbol], rng: random.Random) -> dict[sp.Symbol, Fraction]:
    return {symbol: sample_value(symbol, rng) for symbol in symbols}


def to_mp(point: Mapping[sp.Symbol, Fraction], dps: int) -> dict[sp.Symbol, mp.mpf]:
    with mp.workdps(dps):
        return {symbol: mp.mpf(value.numerator) / value.denominator for symbol, value in point.items()}


def close(a: Value, b: Value, dps: int, precise: tuple[Value, Value] | None = None) -> bool:
    """Equal up to half the working digits, relative to the larger magnitude; infinities must match.

    The comparison is relative, so 1e-35 and 1e-36 differ and so do 1e-40 and 0. A rounding
    residue (``(x+1)^2 - x^2 - 2x - 1`` is about 1e-30 at 30 digits) is told from a true small
    difference by ``precise``, the two values again at twice the digits: a residue shrinks by
    about 10^dps there, a true difference stays.
    """
    infinite = [isinstance(v, mp.mpf) and mp.isinf(v) for v in (a, b)]
    if any(infinite):
        return a == b
    with mp.workdps(dps):
        gap = abs(a - b)
        if gap <= mp.mpf(10) ** (-(dps // 2)) * max(abs(a), abs(b)):
            return True
        if precise is None:
            return False
        (c, d) = precise
        if any(isinstance(v, mp.mpf) and mp.isinf(v) for v in precise):
            return False
    with mp.workdps(2 * dps):
        return bool(abs(c - d) <= gap * mp.mpf(10) ** (-(2 * dps // 3)))


@dataclass(frozen=True)
class SpotCheck:
    """Both sides at one random point; ``agrees`` is None where either side is undefined."""

    point: dict[sp.Symbol, Fraction]
    lhs: Value | None
    rhs: Value | None
    agrees: bool | None


def spot_check(lhs: sp.Expr, rhs: sp.Expr, symbols: Sequence[sp.Symbol], rng: random.Random,
               points: int = SPOT_POINTS, dps: int = SPOT_DPS) -> list[SpotCheck]:
    """Compare ``lhs`` and ``rhs`` at random points; a difference is confirmed at twice the precision."""
    checks = []
    for _ in range(points):
        point = sample_point(symbols, rng)
        checks.append(_compare_at(lhs, rhs, point, dps))
    return checks


def _compare_at(lhs: sp.Expr, rhs: sp.Expr, point: dict[sp.Symbol, Fraction], dps: int) -> SpotCheck:
    try:
        left = mp_value(lhs, to_mp(point, dps), dps)
        right = mp_value(rhs, to_mp(point, dps), dps)
    except Undefined:
        return SpotCheck(point, None, None, None)
    if close(left, right, dps):
        return SpotCheck(point, left, right, True)
    try:
        precise = 2 * dps
        again = mp_value(lhs, to_mp(point, precise), precise), mp_value(rhs, to_mp(point, precise), precise)
    except Undefined:
        return SpotCheck(point, None, None, None)
    return SpotCheck(point, *again, close(left, right, dps, again))


@dataclass(frozen=True)
class LimitEvidence:
    """The expression along var -> point, at one sample point of the other symbols.

    Attributes
    ----------
    point : values of the other symbols
    approach : (value of the variable, value of the expression or None), k = 1..16
    estimate : "finite", "+oo", "-oo" or "unclear", with ``value`` for "finite"
    target : the symbolic limit at the point (None when undefined)
    agrees : True/False when the sequence settles, None when it does not
    """

    point: dict[sp.Symbol, Fraction]
    approach: list[tuple[Value, Value | None]]
    estimate: str
    value: Value | None
    target: Value | None
    agrees: bool | None


def approach_values(expr: sp.Expr, var: sp.Symbol, point: sp.Expr, side: str,
                    values: Mapping[sp.Symbol, Value], dps: int = LIMIT_DPS) -> list[tuple[Value, Value | None]]:
    """``expr`` at var = point +- 10^-k (or +-10^k at infinity), k = 1..16, in mpmath."""
    with mp.workdps(dps):
        try:
            where = mp_value(point, values, dps)
        except Undefined:
            return []
        sequence = []
        for k in LIMIT_STEPS:
            if mp.isinf(where):
                at = mp.mpf(10) ** k * (1 if where > 0 else -1)
            else:
                at = where + (mp.mpf(10) ** -k) * (1 if side == "+" else -1)
            try:
                sequence.append((at, mp_value(expr, {**values, var: at}, dps)))
            except Undefined:
                sequence.append((at, None))
        return sequence


def settle(values: Sequence[Value | None]) -> tuple[str, Value | None]:
    """Where a sequence is going: ("finite", v), ("+oo", None), ("-oo", None) or ("unclear", None).

    Finite: the last step moved by less than 1e-9 (relative). Infinite: the last four values
    are monotone and the steps do not shrink (so 1/sigma and log(1/sigma) both count).
    """
    tail = list(values[-4:])
    if len(tail) < 4 or any(v is None or not isinstance(v, mp.mpf) for v in tail):
        return "unclear", None
    if mp.isinf(tail[-1]):
        return ("+oo" if tail[-1] > 0 else "-oo"), None
    if any(mp.isinf(v) for v in tail):
        return "unclear", None
    steps = [b - a for a, b in zip(tail, tail[1:], strict=False)]
    if abs(steps[-1]) <= _SETTLED * max(1, abs(tail[-1])):
        return "finite", tail[-1]
    for sign, label in ((1, "+oo"), (-1, "-oo")):
        signed = [sign * step for step in steps]
        if all(step > 0 for step in signed) and signed[2] >= 0.9 * signed[1] >= 0.81 * signed[0]:
            return label, None
    return "unclear", None


def agreement(estimate: str, value: Value | None, target: Value | None) -> bool | None:
    """Does the numeric estimate match the symbolic limit? None when either is unknown."""
    if estimate == "unclear" or target is None or not isinstance(target, mp.mpf):
        return None
    if mp.isinf(target):
        return estimate == ("+oo" if target > 0 else "-oo")
    if estimate != "finite":
        return False
    return bool(abs(value - target) <= _AGREE * max(1, abs(target)))


def limit_evidence(expr: sp.Expr, var: sp.Symbol, point: sp.Expr, side: str, limit: sp.Expr | None,
                   rng: random.Random, points: int = LIMIT_POINTS,
                   extra: Iterable[sp.Symbol] = ()) -> list[LimitEvidence]:
    """Follow ``expr`` toward the limit at a few random values of the other symbols (and ``extra``)."""
    involved = expr.free_symbols | point.free_symbols | set(extra)
    if limit is not None:
        involved |= limit.free_symbols
    others = sorted(involved - {var}, key=sp.default_sort_key)
    evidence = []
    for _ in range(points if others else 1):
        sample = sample_point(others, rng)
        values = to_mp(sample, LIMIT_DPS)
        approach = approach_values(expr, var, point, side, values)
        estimate, value = settle([v for _, v in approach])
        try:
            target = None if limit is None else mp_value(limit, values, LIMIT_DPS)
        except Undefined:
            target = None
        evidence.append(LimitEvidence(sample, approach, estimate, value, target,
                                      agreement(estimate, value, target)))
    return evidence


# ----------------------------------------------------------------------------------------------
# instances: general N and relations

COUNT_VALUES = (1, 2, 3, 5, 8)  # the values N takes in the numeric route
DATA_SETS = 2  # random data sets for each N
OTHER_COUNTS = (1, 2, 3)  # K, D, M are drawn from these
_COMPARE: dict[str, Callable[[Value, Value], bool]] = {
    "<=": lambda a, b: a <= b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b, ">": lambda a, b: a > b,
    "!=": lambda a, b: a != b,
}


def respects(relations: Sequence[tuple[sp.Expr, str, sp.Expr]], values: Mapping, dps: int = 30) -> bool:
    """Do ``values`` satisfy every assumed relation (left, relation, right), e.g. ``N >= 2``, ``x_1 != x_2``?"""
    for left, relation, right in relations:
        try:
            a, b = mp_value(left, values, dps), mp_value(right, values, dps)
        except Undefined:
            return False
        if not _COMPARE[relation](a, b):
            return False
    return True


def is_general(exprs: Iterable[sp.Expr]) -> bool:
    """Do the expressions involve counts (N, K, D, M), indexed data or sums/products?"""
    return any(expr.has(sp.Sum, sp.Product, sp.Indexed) or any(symbol.name in COUNTS for symbol in expr.free_symbols)
               for expr in exprs)


# Instances beside the ordinary ones: (scale of the positive names, do the data coincide). Bounds
# such as N(x | mu, sigma^2) <= 1 fail only where sigma is small and x = mu; these find them at any seed.
EXTREME_INSTANCES: tuple[tuple[int | str, bool], ...] = (
    (-6, True), (-3, True), (-1, True), (-6, False), (2, False), ("log", False), ("log", True))
DEFAULT_INDEX_TOP = 3  # a free index with no count and no numbered name to go by runs over 1..3
DATA_LETTERS = frozenset("imn")  # free indices over the data, 1..N; the others (j, k, l) over 1..K


def instances(exprs: Sequence[sp.Expr], rng: random.Random, dps: int = SPOT_DPS,
              weights: Sequence[Any] = ()) -> tuple[list[Sample], str]:
    """The numeric instances to compare at, and a sentence saying what they are.

    General expressions: N = 1, 2, 3, 5, 8 (other counts drawn from 1..3) with :data:`DATA_SETS`
    random data sets each; otherwise :data:`SPOT_POINTS` random points. Then the
    :data:`EXTREME_INSTANCES`: positive names (sigma, eps, variances) at 1e-6, 1e-3, 0.1, 100 or at
    random decades of 1e-6 .. 1e3, some with all unsigned data equal (x = mu).

    A free index (``n`` in ``x_n`` outside a sum, ``j`` in ``mu_j``) is drawn in every instance, so
    that ``x_n`` is the data value ``x[n]`` a sum uses: i, m, n run over 1..N and j, k, l over
    1..K when the count is free; otherwise up to the largest number seen with them (``mu_2`` next
    to ``mu_j``: j in 1..2; a sum ``k=1..2``: 2), or 1..3 when none is.
    """
    free = sorted(set().union(*(expr.free_symbols for expr in exprs)), key=sp.default_sort_key)
    general = is_general(exprs)
    counts = [symbol for symbol in free if symbol.name in COUNTS]
    letters, tops = _free_indices(exprs)
    indices = [next((symbol for symbol in free if symbol.name == letter), None)
               or sp.Symbol(letter, integer=True, positive=True) for letter in sorted(letters)]
    plan: list[tuple[int, int | str | None, bool]] = (
        [(count, None, False) for count in COUNT_VALUES for _ in range(DATA_SETS)] if general
        else [(COUNT_VALUES[0], None, False)] * SPOT_POINTS)
    plan += [(COUNT_VALUES[number % len(COUNT_VALUES)], scale, pool)
             for number, (scale, pool) in enumerate(EXTREME_INSTANCES)]
    samples = []
    for count, scale, pool in plan:
        fixed: dict[Any, Fraction] = {}
        for symbol in counts:
            fixed[symbol] = Fraction(count if symbol.name == "N" else rng.choice(OTHER_COUNTS))
        named = {symbol.name: int(value) for symbol, value in fixed.items()}
        top = {"N": named.get("N", tops["N"]), "K": named.get("K", tops["K"])}
        for symbol in indices:
            fixed[symbol] = Fraction(rng.randint(1, top["N" if symbol.name in DATA_LETTERS else "K"]))
        samples.append(Sample(rng, fixed, dps, scale=scale, coincide=pool, components=top["K"], weights=weights))
    extra = f"{len(EXTREME_INSTANCES)} at extremes (positive names 1e-6 .. 1e3, some with all data equal)"
    said = _weights_said(weights)
    if not general:
        return samples, f"{SPOT_POINTS} random points + {extra}, {dps} digits (mpmath){said}"
    shown = "N = " + ", ".join(str(value) for value in COUNT_VALUES) if any(
        symbol.name == "N" for symbol in counts) else f"{len(COUNT_VALUES)} instances"
    return samples, f"{shown}, {DATA_SETS} random data sets each + {extra}, {dps} digits (mpmath){said}"


def _weights_said(weights: Sequence[Any]) -> str:
    return "".join(f"; weights {fact.base}_k drawn in (0, 1) summing to 1" if isinstance(fact, WeightSum) else
                   f"; {len(fact.rows)} x {len(fact.rows)} covariance drawn positive definite" for fact in weights)


def _free_indices(exprs: Sequence[sp.Expr]) -> tuple[set[str], dict[str, int]]:
    """The index letters left free (not bound by a sum around them), and the top of each range
    ("N" for i, m, n; "K" for j, k, l) when its count is not free: see :func:`instances`."""
    letters: set[str] = set()
    bases: dict[str, set[str]] = {"N": set(), "K": set()}
    numbered: dict[str, int] = {}
    tops: dict[str, set[int]] = {"N": set(), "K": set()}

    def kind(letter: str) -> str:
        return "N" if letter in DATA_LETTERS else "K"

    def visit(node: sp.Basic, bound: frozenset[str]) -> None:
        if isinstance(node, sp.Sum | sp.Product):
            inner = bound | {str(limit[0]) for limit in node.limits}
            for index, low, high in node.limits:
                if high.is_Integer and str(index) in INDEX_LETTERS:
                    tops[kind(str(index))].add(int(high))
                visit(low, bound)
                visit(high, bound)
            visit(node.function, inner)
            return
        if isinstance(node, sp.Indexed):
            for index in node.indices:
                if index.is_Symbol and str(index) in INDEX_LETTERS:
                    bases[kind(str(index))].add(str(node.base.label))
                visit(index, bound)
            return
        if isinstance(node, sp.Symbol):
            if node.name in INDEX_LETTERS and node.name not in bound:
                letters.add(node.name)
            base, _, sub = node.name.partition("_")
            parts = subscript_parts(sub) or []
            if parts and all(part.isdigit() for part in parts):
                numbered[base] = max(numbered.get(base, 0), *(int(part) for part in parts))
            for part in parts:
                if part in INDEX_LETTERS:
                    bases[kind(part)].add(base)
                    if part not in bound:
                        letters.add(part)
            return
        for arg in node.args:
            visit(arg, bound)

    for expr in exprs:
        visit(expr, frozenset())
    found = {which: max(tops[which] | {numbered[base] for base in bases[which] if base in numbered}, default=0)
             for which in ("N", "K")}
    return letters, {which: top or DEFAULT_INDEX_TOP for which, top in found.items()}


@dataclass(frozen=True)
class RelationCheck:
    """Both sides at one instance; ``holds`` is None where either side is undefined or a strict
    relation cannot be told from equality at this precision. ``defined`` says which sides are real."""

    point: dict[str, str | None]
    lhs: Value | None
    rhs: Value | None
    holds: bool | None
    defined: tuple[bool, bool] = (True, True)
    limited: bool = False  # a side could not be evaluated here (a limit of this route, not of its domain)


def _both(lhs: sp.Expr, rhs: sp.Expr, sample: Sample) -> tuple[Value, Value]:
    return mp_value(lhs, sample, sample.dps), mp_value(rhs, sample, sample.dps)


def _one_side(expr: sp.Expr, sample: Sample) -> tuple[Value | None, Undefined | None]:
    try:
        return mp_value(expr, sample, sample.dps), None
    except Undefined as err:
        return None, err


def relation_check(lhs: sp.Expr, rhs: sp.Expr, relation: str, sample: Sample) -> RelationCheck:
    """Does ``lhs RELATION rhs`` hold at this instance? A failure is confirmed at twice the precision
    (which also tells a rounding residue from a true difference, see :func:`close`).

    Only a point where both sides are real can refute: where a side is undefined over the
    reals, ``holds`` is None (the sides' domains are compared by :func:`domain_probe`).
    """
    (left, left_error), (right, right_error) = _one_side(lhs, sample), _one_side(rhs, sample)
    if left_error is not None or right_error is not None:
        limited = any(isinstance(error, NotEvaluated) for error in (left_error, right_error))
        return RelationCheck(sample.shown(), left, right, None, (left_error is None, right_error is None), limited)
    holds = _holds(left, right, relation, sample.dps)
    if holds is not True:
        try:
            again = _both(lhs, rhs, sample.at(2 * sample.dps))
        except Undefined:
            return RelationCheck(sample.shown(), None, None, None, (False, False))
        holds = _holds(left, right, relation, sample.dps, again)
        left, right = again
    return RelationCheck(sample.shown(), left, right, holds)


PROBE_SYMBOLS = 3  # symbols of unknown sign whose sign regions the domain probe visits
PROBE_POINTS = 4  # points in each sign region


@dataclass(frozen=True)
class DomainProbe:
    """Where each side is defined, by sign region of the symbols of unknown sign.

    Attributes
    ----------
    symbols : the names whose signs were varied (at most :data:`PROBE_SYMBOLS`)
    left, right : the sign patterns (tuples of +1/-1, one per symbol) where that side was real at
        every probed point
    checks : the probed instances (a point where both sides are real is compared there)
    points : how many points were probed
    """

    symbols: tuple[str, ...]
    left: frozenset[tuple[int, ...]]
    right: frozenset[tuple[int, ...]]
    checks: tuple[RelationCheck, ...]
    points: int

    def needs(self, side: str) -> str | None:
        """The sign condition a side needs to be defined ('x > 0 and y < 0'), when its domain is one such region."""
        fixed = self._fixed_signs(side)
        return None if fixed is None else " and ".join(f"{name} {'>' if sign > 0 else '<'} 0" for name, sign in fixed)

    def _fixed_signs(self, side: str) -> list[tuple[str, int]] | None:
        patterns = self.left if side == "left" else self.right
        every = _patterns(len(self.symbols))
        position = 0 if side == "left" else 1
        if not any(check.defined[position] for check in self.checks) or not patterns or patterns == every:
            return None
        fixed = [(name, sign) for position, name in enumerate(self.symbols)
                 if len({pattern[position] for pattern in patterns}) == 1
                 for sign in {pattern[position] for pattern in patterns}]
        wanted = {pattern for pattern in every if all(pattern[self.symbols.index(name)] == sign
                                                      for name, sign in fixed)}
        return fixed if fixed and wanted == patterns else None

    def describe(self, side: str) -> str:
        """'needs x > 0', 'is defined for every x', 'is never defined over the reals', ..."""
        patterns = self.left if side == "left" else self.right
        every = _patterns(len(self.symbols))
        position = 0 if side == "left" else 1
        if not any(check.defined[position] for check in self.checks):
            return "is never defined over the reals at the probed points"
        if not patterns:
            return "is defined only at some of the probed points"
        if patterns == every:
            return f"is defined for every sign of {', '.join(self.symbols)}" if self.symbols else "is defined"
        needs = self.needs(side)
        if needs is not None:
            return f"needs {needs}"
        return f"is defined only in some sign regions of {', '.join(self.symbols)}"


def _patterns(count: int) -> frozenset[tuple[int, ...]]:
    patterns = [()]
    for _ in range(count):
        patterns = [(*pattern, sign) for pattern in patterns for sign in (1, -1)]
    return frozenset(patterns)


def domain_probe(lhs: sp.Expr, rhs: sp.Expr, relation: str, base: Sample) -> DomainProbe:
    """Visit every sign region of the symbols of unknown sign (counts and indices fixed as in
    ``base``) and record where each side is real; a point where both are real is compared."""
    free = sorted(lhs.free_symbols | rhs.free_symbols, key=sp.default_sort_key)
    varied = [symbol for symbol in free if symbol.is_positive is None and symbol.is_negative is None
              and not symbol.is_integer][:PROBE_SYMBOLS]
    fixed = {key: number for key, number in base.exact.items() if getattr(key, "is_integer", False)}
    left: set[tuple[int, ...]] = set()
    right: set[tuple[int, ...]] = set()
    checks = []
    for pattern in sorted(_patterns(len(varied)), reverse=True):
        found = []
        for _ in range(PROBE_POINTS):
            point = dict(fixed)
            for symbol, sign in zip(varied, pattern, strict=True):
                point[symbol] = sign * Fraction(base.rng.randint(100, 3000), 1000)
            found.append(relation_check(lhs, rhs, relation, Sample(base.rng, point, base.dps, weights=base.weights)))
        checks.extend(found)
        if all(check.defined[0] for check in found):
            left.add(pattern)
        if all(check.defined[1] for check in found):
            right.add(pattern)
    return DomainProbe(tuple(spelled(symbol.name) for symbol in varied), frozenset(left), frozenset(right),
                       tuple(checks), len(checks))


def _holds(left: Value, right: Value, relation: str, dps: int,
           precise: tuple[Value, Value] | None = None) -> bool | None:
    equal = close(left, right, dps, precise)
    if relation == "=":
        return equal
    if equal:
        return None if relation in ("<", ">") else True
    left, right = precise or (left, right)
    return bool(_COMPARE[relation](left, right))


def mp_inf() -> mp.mpf:
    """+infinity in mpmath (so that callers need not import mpmath)."""
    return mp.inf


def mp_is_inf(value: Value) -> bool:
    return isinstance(value, mp.mpf) and bool(mp.isinf(value))


# ----------------------------------------------------------------------------------------------
# numbers at the precision written (a hook of the comparison: `= 0.9994`, `\approx 0.818`)

_DECIMAL = re.compile(r"\s*[+-]?\s*[0-9]+\.[0-9]+(?:[eE][-+]?[0-9]+)?\s*")
ROUNDING_DPS = 40


@dataclass(frozen=True)
class Rounded:
    """A decimal as written, compared with the exact value rounded to the digits it has.

    Attributes
    ----------
    holds : is the written decimal the exact value rounded to ``digits`` significant digits?
    written : the decimal as written
    digits : its significant digits
    rounded : the exact value rounded to as many digits (what a correct line would say)
    exact : the exact value to more digits
    """

    holds: bool
    written: str
    digits: int
    rounded: str
    exact: str

    def describe(self) -> str:
        if self.holds:
            return (f"{self.written} is the exact value {self.exact} rounded to {self.digits} significant "
                    f"digit{'s' if self.digits > 1 else ''}")
        return (f"the exact value {self.exact} rounded to {self.digits} significant digit"
                f"{'s' if self.digits > 1 else ''} is {self.rounded}, not {self.written}")


def is_decimal(text: str) -> bool:
    """Is the text one decimal number with a point (``0.9994``, ``-1.25e-3``)?"""
    return bool(_DECIMAL.fullmatch(text))


def rounded_comparison(value: sp.Expr, written: str) -> Rounded | None:
    """The exact ``value`` (a number, no symbols) against a decimal ``written`` with d significant digits.

    None when this is not that case (symbols remain, the value is not a finite real number).
    """
    from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

    if not is_decimal(written) or not isinstance(value, sp.Expr) or value.free_symbols:
        return None
    try:
        exact = sp.N(value, ROUNDING_DPS)
    except (ArithmeticError, ValueError, TypeError, RecursionError):
        return None
    if not exact.is_real or not exact.is_finite or not exact.is_Number:
        return None
    try:
        decimal = Decimal(written.replace(" ", ""))
        precise = Decimal(str(exact))
    except InvalidOperation:
        return None
    mantissa = int("".join(map(str, decimal.as_tuple().digits)))
    digits = len(str(mantissa)) if mantissa else 1  # 0.0050 has 2 significant digits, 12.0 has 3
    quantum = Decimal(1).scaleb(decimal.as_tuple().exponent)
    candidates = {precise.quantize(quantum, rounding=mode) for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN)}
    holds = decimal in candidates
    rounded = precise.quantize(quantum, rounding=ROUND_HALF_UP)
    shown_exact = f"{precise:.{max(digits + 4, 8)}g}"
    return Rounded(holds, written.strip(), digits, str(rounded), shown_exact)
