"""The assumptions language (``assume:`` lines, ``--assume``): signs, substitutions, weight sums, relations.

``NAME > 0``, ``>= 0``, ``< 0``, ``<= 0``, ``!= 0`` (also with ``0`` on the left), ``NAME = EXPR``
(a substitution), ``pi_1 + pi_2 = 1`` or ``sum(pi_k, k=1..K) = 1`` (weights summing to 1) and any
other relation the numeric route respects; several may be joined by commas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy as sp

from gmm_math.derivations.check.grammar import is_one, is_tree, parse_text, source
from gmm_math.derivations.check.names import (COUNTS, INDEX_RANGES, check_name, is_weight, normal_name,
                                              split_subscript)
from gmm_math.derivations.check.safety import MAX_ASSUMPTIONS, Unreadable
from gmm_math.derivations.core.errors import GmmMathError

_ASSUME_FORM = ('NAME > 0, NAME >= 0, NAME < 0, NAME <= 0, NAME != 0, NAME = EXPR, or a relation the numeric '
                'route respects (e.g. "x_n > 0", "mu_j = x_n", "N >= 2", "0 < pi_1 < 1", "x_1 != x_2")')

# Sign sets: which of the signs -1, 0, +1 a symbol may take.
_RELATION_SIGNS: dict[str, frozenset[int]] = {
    ">": frozenset({1}), "<": frozenset({-1}), ">=": frozenset({0, 1}), "<=": frozenset({-1, 0}),
    "!=": frozenset({-1, 1}),
}
MIRRORED = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "!=": "!=", "=": "=", "==": "="}
SIGN_ASSUMPTIONS: dict[frozenset[int], dict[str, bool]] = {
    frozenset({1}): {"positive": True},
    frozenset({-1}): {"negative": True},
    frozenset({0, 1}): {"nonnegative": True},
    frozenset({-1, 0}): {"nonpositive": True},
    frozenset({-1, 1}): {"nonzero": True},
    frozenset({-1, 0, 1}): {},
}


@dataclass(frozen=True)
class Covariance:
    """Symbols that form a symmetric matrix (rows of symbols) whose instances are positive definite."""

    rows: tuple[tuple[sp.Symbol, ...], ...]


@dataclass(frozen=True)
class Assumptions:
    """Sign assumptions and substitutions, as parsed from assumption strings.

    Attributes
    ----------
    signs : mapping name -> frozenset of allowed signs (subset of {-1, 0, 1})
    substitutions : tuple of (name, expression text), applied in order
    texts : the assumption strings as given
    weight_sums : the stated "weights sum to 1" facts
    relations : tuple of (left text, relation, right text): other relations (``N >= 2``,
        ``pi_1 < 1``, ``x_1 != x_2``), respected by the numeric route and by limit cases
    """

    signs: Mapping[str, frozenset[int]] = field(default_factory=dict)
    substitutions: tuple[tuple[str, str], ...] = ()
    texts: tuple[str, ...] = ()
    weight_sums: tuple[WeightSum, ...] = ()
    relations: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class WeightSum:
    """A stated fact "these weights sum to 1": ``pi_1 + pi_2 = 1`` or ``sum(pi_k, k=1..K) = 1``.

    Attributes
    ----------
    base : the family, e.g. "pi"
    names : the weights named one by one (fixed K); empty for a symbolic count
    count : the name of the symbolic count K (``sum(pi_k, k=1..K)``), else None
    """

    base: str
    names: tuple[str, ...] = ()
    count: str | None = None

    def members(self, count: int | None = None) -> tuple[str, ...]:
        """The weights' data names; for a symbolic count, those of pi_1..pi_count."""
        if self.names:
            return self.names
        return tuple(f"{self.base}_{number}" for number in range(1, (count or 0) + 1))


def read_assumptions(texts: Iterable[str], language: str = "auto") -> Assumptions:
    """Parse assumption strings such as ``"x_n > 0"``, ``"sigma != 0"``, ``"mu_j = x_n"``.

    Raises
    ------
    GmmMathError
        For any other form, or contradicting sign assumptions.
    """
    texts = tuple(texts)
    if len(texts) > MAX_ASSUMPTIONS:
        raise GmmMathError(f"{len(texts)} assumptions given; at most {MAX_ASSUMPTIONS} are accepted")
    signs: dict[str, frozenset[int]] = {}
    substitutions: list[tuple[str, str]] = []
    weight_sums: list[WeightSum] = []
    relations: list[tuple[str, str, str]] = []
    for text in texts:
        try:
            tree, text = parse_text(text, "assumption", "relations", language)
        except Unreadable as err:
            raise Unreadable(f"{err}; an assumption reads {_ASSUME_FORM}", err.column) from None
        for chain in tree.children:
            found = _weight_sum(chain, text)
            if found is not None:
                _add_weight_sum(found, weight_sums)
                continue
            parts = chain.children
            for start in range(0, len(parts) - 2, 2):  # 0 < pi_1 < 1 is 0 < pi_1 and pi_1 < 1
                _add_relation(parts[start:start + 3], text, signs, substitutions, relations)
    return Assumptions(signs, tuple(substitutions), texts, tuple(weight_sums), tuple(relations))


MAX_WEIGHTS = 20  # weights one stated sum may name one by one


def _weight_name(node: Any) -> tuple[str, str] | None:
    """("pi", "2") for the name pi_2 (a weight), else None."""
    if not is_tree(node, "name"):
        return None
    base, sub = split_subscript(normal_name(str(node.children[0])))
    return (base, sub) if is_weight(base) and sub is not None else None


def _terms(node: Any) -> list[Any]:
    stack, found = [node], []
    while stack and len(found) <= MAX_WEIGHTS:
        item = stack.pop()
        if is_tree(item, "add"):
            stack.extend(child for child in reversed(item.children) if hasattr(child, "data"))
        else:
            found.append(item)
    return found


def _weight_sum(chain: Any, text: str) -> WeightSum | None:
    """``pi_1 + pi_2 = 1`` or ``sum(pi_k, k=1..K) = 1`` (either side), else None."""
    parts = chain.children
    if len(parts) != 3 or str(parts[1]) not in ("=", "=="):
        return None
    left, right = (parts[0], parts[2]) if is_one(parts[2]) else (parts[2], parts[0])
    if not is_one(right):
        return None
    if is_tree(left, "call") and str(left.children[0]) in ("sum", "Sum"):
        return _symbolic_weight_sum(left, text)
    if is_tree(left, "big_script"):
        return _scripted_weight_sum(left)
    terms = _terms(left)
    names = [_weight_name(term) for term in terms]
    if len(terms) < 2 or len(terms) > MAX_WEIGHTS or None in names:
        return None
    bases = {base for base, _ in names}
    if len(bases) != 1 or len({sub for _, sub in names}) != len(names):
        raise GmmMathError(f"the assumption {text.strip()[:60]!r}: a sum of weights names distinct weights of "
                           f"one family, e.g. pi_1 + pi_2 + pi_3 = 1")
    return WeightSum(bases.pop(), tuple(f"{base}_{sub}" for base, sub in names))


def _symbolic_weight_sum(call: Any, text: str) -> WeightSum | None:
    arguments = call.children[1]
    children = list(arguments.children) if is_tree(arguments, "arguments") else []
    form = f"the assumption {text.strip()[:60]!r}: weights summing to 1 read sum(pi_k, k=1..K) = 1"
    if len(children) != 2:
        return None
    body, bounds = children
    weight = _weight_name(body)
    if weight is None:
        return None
    if is_tree(bounds, "range") and str(bounds.children[1]) == "=":
        index, low, high = bounds.children[0], bounds.children[2], bounds.children[3]
    elif is_tree(bounds, "tuple") and len(bounds.children) == 3:
        index, low, high = bounds.children
    else:
        raise GmmMathError(form)
    if not is_tree(index, "name") or str(index.children[0]) != weight[1] or not is_one(low):
        raise GmmMathError(form)
    if is_tree(high, "number"):
        count = Fraction(str(high.children[0]))
        if count.denominator != 1 or not 1 <= count <= MAX_WEIGHTS:
            raise GmmMathError(f"{form} with K a count or a whole number from 1 to {MAX_WEIGHTS}")
        return WeightSum(weight[0], tuple(f"{weight[0]}_{number}" for number in range(1, int(count) + 1)))
    if not is_tree(high, "name") or str(high.children[0]) not in COUNTS:
        raise GmmMathError(f"{form} with K one of the counts {', '.join(sorted(COUNTS))} or a number")
    return WeightSum(weight[0], count=str(high.children[0]))


_SUM_SCRIPT = re.compile(r"sum_\{?\s*(?P<index>[a-z])\s*(?:=\s*(?P<low>\w+)\s*\}?\s*\^\s*\{?\s*(?P<high>\w+)\s*)?\}?")


def _scripted_weight_sum(node: Any) -> WeightSum | None:
    """``sum_k pi_k`` or ``sum_{k=1}^K pi_k`` (LaTeX's ``\\sum_{k=1}^{K} \\pi_k``) equal to 1, else None."""
    script, body = str(node.children[0]), node.children[1]
    scripts = _SUM_SCRIPT.fullmatch(script)
    weight = _weight_name(body)
    if scripts is None or weight is None or weight[1] != scripts.group("index"):
        return None
    high = scripts.group("high") or INDEX_RANGES.get(scripts.group("index"), "")
    if scripts.group("low") not in (None, "1"):
        return None
    if high.isdigit() and 1 <= int(high) <= MAX_WEIGHTS:
        return WeightSum(weight[0], tuple(f"{weight[0]}_{number}" for number in range(1, int(high) + 1)))
    return WeightSum(weight[0], count=high) if high in COUNTS else None


def _add_weight_sum(found: WeightSum, weight_sums: list[WeightSum]) -> None:
    if any(existing.base == found.base for existing in weight_sums):
        raise GmmMathError(f"the weights {found.base}_k are said to sum to 1 twice")
    weight_sums.append(found)


def _is_zero(node: Any) -> bool:
    return is_tree(node, "number") and Fraction(str(node.children[0])) == 0


def _number_value(node: Any) -> Fraction | None:
    """The value of a number literal, or of a negated one."""
    if is_tree(node, "number"):
        return Fraction(str(node.children[0]))
    operands = [child for child in getattr(node, "children", ()) if hasattr(child, "data")]
    if is_tree(node, "neg") and len(operands) == 1 and is_tree(operands[0], "number"):
        return -Fraction(str(operands[0].children[0]))
    return None


def _implied_signs(op: str, bound: Fraction) -> frozenset[int]:
    """The signs NAME may take when NAME op bound (all three when the bound says nothing about the sign)."""
    if op in (">", ">=") and (bound > 0 or bound == 0 and op == ">"):
        return frozenset({1})
    if op in (">", ">=") and bound == 0:
        return frozenset({0, 1})
    if op in ("<", "<=") and (bound < 0 or bound == 0 and op == "<"):
        return frozenset({-1})
    if op in ("<", "<=") and bound == 0:
        return frozenset({-1, 0})
    return frozenset({-1, 0, 1})


def _add_relation(parts: Any, text: str, signs: dict[str, frozenset[int]],
                  substitutions: list[tuple[str, str]], relations: list[tuple[str, str, str]]) -> None:
    shown = text.strip()[:60]
    if len(parts) != 3:
        raise GmmMathError(f"the assumption {shown!r} is not of the form {_ASSUME_FORM}")
    left, op, right = parts[0], str(parts[1]), parts[2]
    if not is_tree(left, "name") and is_tree(right, "name"):
        left, op, right = right, MIRRORED[op], left
    bound = _number_value(right)
    general = not is_tree(left, "name") or op not in ("=", "==") and (bound is None or bound != 0)
    if general:
        if op in ("=", "=="):
            raise GmmMathError(f"the assumption {shown!r} must have a name on one side; expected {_ASSUME_FORM}")
        relations.append((source(left, text), op, source(right, text)))
        if is_tree(left, "name") and bound is not None:
            name = check_name(str(left.children[0]))
            allowed = signs.get(name, frozenset({-1, 0, 1})) & _implied_signs(op, bound)
            if not allowed:
                raise GmmMathError(f"the assumptions about {name} contradict each other")
            signs[name] = allowed
        return
    name = check_name(str(left.children[0]))
    if op in ("=", "=="):
        if any(existing == name for existing, _ in substitutions):
            raise GmmMathError(f"{name} is given two values by the assumptions")
        substitutions.append((name, source(right, text)))
        return
    if op not in _RELATION_SIGNS or not _is_zero(right):
        raise GmmMathError(f"the assumption {shown!r} is not of the form {_ASSUME_FORM}")
    allowed = signs.get(name, frozenset({-1, 0, 1})) & _RELATION_SIGNS[op]
    if not allowed:
        raise GmmMathError(f"the assumptions about {name} contradict each other")
    if allowed == frozenset({0}):  # x >= 0 and x <= 0
        substitutions.append((name, "0"))
    signs[name] = allowed


# ----------------------------------------------------------------------------------------------
# the context: symbols, substitutions, hints


_BOUNDS = ("<", "<=", ">", ">=")


def _bounds_a_weight(chain: Any) -> bool:
    """``0 <= pi_k <= 1``, ``pi_k > 0``: a chain of inequalities between one weight and the numbers 0 and 1."""
    parts = chain.children
    values, relations = parts[0::2], [str(part) for part in parts[1::2]]
    weights = [value for value in values if _weight_name(value) is not None]
    numbers = [value for value in values if is_one(value) or is_tree(value, "number")
               and Fraction(str(value.children[0])) == 0]
    return (len(weights) == 1 and len(weights) + len(numbers) == len(values) and bool(relations)
            and all(relation in _BOUNDS for relation in relations))


def states_weight_constraint(text: str) -> bool:
    """Is this line (on its own, no marker) only the constraint on mixing weights of PRML (9.8)-(9.9):
    ``sum(pi_k, k=1..K) = 1``, ``pi_1 + pi_2 = 1``, ``0 <= pi_k <= 1``? A marker reads it as stated, not derived."""
    try:
        tree, text = parse_text(text, "assumption", "relations")
        return all(_weight_sum(chain, text) is not None or _bounds_a_weight(chain) for chain in tree.children)
    except GmmMathError:
        return False
