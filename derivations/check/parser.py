"""The checking language: a lark grammar (``grammar.lark``) and a builder from its tree to SymPy.

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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

import sympy as sp

from gmm_math.derivations.check.matrices import (
    MAX_SIZE,
    Diagonal,
    covariance_pattern,
    determinant,
    diagonal_log_density,
    explicit,
    is_matrix,
    matrix_log_density,
)
from gmm_math.derivations.core.data import parse_number
from gmm_math.derivations.core.errors import GmmMathError

MAX_LENGTH = 2000
MAX_DEPTH = 100
MAX_NODES = 600
MAX_NAME_LENGTH = 32
MAX_INT_DIGITS = 40
MAX_EXPONENT = 1000
MAX_NUMBER_BITS = 8000
MAX_ASSUMPTIONS = 50
MAX_SUM_NESTING = 3

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*")
_POSITIVE_NAME = re.compile(r"(sigma|s|pi)(_\w+|\d+)?")
_POSITIVE_BASES = frozenset({"sigma", "s", "pi"})
_WEIGHT_BASES = frozenset({"pi"})
COUNTS = frozenset({"N", "K", "D", "M"})
INDEX_LETTERS = frozenset("ijklmn")
_CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E, "oo": sp.oo}
_RESERVED = {
    "e": "write E for Euler's number or exp(...)",
    "inf": "write oo for infinity",
    "infinity": "write oo for infinity",
    "Infinity": "write oo for infinity",
    "nan": "NaN is not a value (expected a number, oo, -oo or a name)",
    "zoo": "write oo or -oo (complex infinity is not accepted)",
}
IDENTITY_NAMES = frozenset({"I", "I_D"})
# the D x D identity matrix, as a marker: c*IDENTITY is an isotropic covariance (see _Builder._isotropic)
IDENTITY = sp.Symbol("I_D", positive=True)
DIMENSION_LETTER = "d"  # the index of a vector's components: diag(sigma_d^2, d=1..D), sum(..., d=1..D)
EXPECTED = ("an expression built from numbers, names, + - * / ^ and exp, log, sqrt, Abs, N, logN, sum, prod, "
            "e.g. log(N(x_n | mu, sigma^2))")
_ASSUME_FORM = ('NAME > 0, NAME >= 0, NAME < 0, NAME <= 0, NAME != 0, NAME = EXPR, or a relation the numeric '
                'route respects (e.g. "x_n > 0", "mu_j = x_n", "N >= 2", "0 < pi_1 < 1", "x_1 != x_2")')

# Sign sets: which of the signs -1, 0, +1 a symbol may take.
_RELATION_SIGNS: dict[str, frozenset[int]] = {
    ">": frozenset({1}), "<": frozenset({-1}), ">=": frozenset({0, 1}), "<=": frozenset({-1, 0}),
    "!=": frozenset({-1, 1}),
}
MIRRORED = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "!=": "!=", "=": "=", "==": "="}
_SIGN_ASSUMPTIONS: dict[frozenset[int], dict[str, bool]] = {
    frozenset({1}): {"positive": True},
    frozenset({-1}): {"negative": True},
    frozenset({0, 1}): {"nonnegative": True},
    frozenset({-1, 0}): {"nonpositive": True},
    frozenset({-1, 1}): {"nonzero": True},
    frozenset({-1, 0, 1}): {},
}

# what a token is, in the words of an error message
_TOKEN_WORDS = {
    "NAME": "the name", "NUMBER": "the number", "PREFIX": "the function", "LPAR": "'('", "RPAR": "')'",
    "COMMA": "','", "REL": "the relation", "POW": "the power", "PLUS": "'+'", "MINUS": "'-'",
    "STAR": "'*'", "SLASH": "'/'", "VBAR": "'|'", "$END": "the end",
}


def gaussian(x: sp.Expr, mu: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    """The normal density with standard deviation ``sigma``."""
    return sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)


def log_gaussian(x: sp.Expr, mu: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    """Its logarithm, written out."""
    return -sp.log(sigma) - sp.log(2 * sp.pi) / 2 - (x - mu) ** 2 / (2 * sigma**2)


def _variance_gaussian(x: sp.Expr, mu: sp.Expr, variance: sp.Expr) -> sp.Expr:
    return sp.exp(-(x - mu) ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)


def _variance_log_gaussian(x: sp.Expr, mu: sp.Expr, variance: sp.Expr) -> sp.Expr:
    return -sp.log(variance) / 2 - sp.log(2 * sp.pi) / 2 - (x - mu) ** 2 / (2 * variance)


# name -> (allowed argument counts, builder); N and logN with a bar are handled by _given
FUNCTIONS: dict[str, tuple[frozenset[int], Callable[..., sp.Expr]]] = {
    "exp": (frozenset({1}), sp.exp),
    "log": (frozenset({1, 2}), sp.log),
    "ln": (frozenset({1}), sp.log),
    "sqrt": (frozenset({1}), sp.sqrt),
    "Abs": (frozenset({1}), sp.Abs),
    "N": (frozenset({3}), gaussian),
    "logN": (frozenset({3}), log_gaussian),
}
_GIVEN: dict[str, Callable[..., sp.Expr]] = {"N": _variance_gaussian, "logN": _variance_log_gaussian}
BIG_OPERATORS: dict[str, type] = {"sum": sp.Sum, "Sum": sp.Sum, "prod": sp.Product, "Product": sp.Product}
SPECIAL = frozenset({"limit", "det", "diag"})


# ----------------------------------------------------------------------------------------------
# raw text and the grammar


def check_text(text: object, what: str = "expression") -> str:
    """Raw-text checks before any parsing: type, length, NUL bytes, non-ASCII and control characters."""
    if not isinstance(text, str):
        raise GmmMathError(f"the {what} must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise GmmMathError(f"the {what} has {len(text)} characters; at most {MAX_LENGTH} are accepted")
    if "\x00" in text:
        raise GmmMathError(f"the {what} contains a NUL byte at position {text.index(chr(0))}")
    for position, char in enumerate(text):
        if not char.isascii():
            name = unicodedata.name(char, "unnamed character")
            raise GmmMathError(
                f"the {what} contains the non-ASCII character U+{ord(char):04X} ({name}) at position "
                f"{position}; write Greek letters spelled out (sigma, mu, pi) and ASCII operators (-, *)"
            )
        if ord(char) < 32 and char != "\t" or ord(char) == 127:
            raise GmmMathError(f"the {what} contains the control character U+{ord(char):04X} "
                               f"at position {position}")
    if not text.strip():
        raise GmmMathError(f"the {what} is empty (expected {EXPECTED})")
    return text


@cache
def _lark() -> Any:
    import lark

    grammar = resources.files("gmm_math.derivations.check").joinpath("grammar.lark").read_text()
    return lark.Lark(grammar, parser="lalr", start=["start", "line", "relations"], propagate_positions=True,
                     maybe_placeholders=False)


def warm(texts: Iterable[str | None] = (), language: str = "auto") -> None:
    """Build the grammars' tables now (no user text is parsed), so that forked workers inherit them."""
    _lark()
    if language == "latex" or any(text is not None and is_latex(text) for text in texts):
        from gmm_math.derivations.check.latex import _lark as latex_tables

        latex_tables()


def is_matrix_value(value: object) -> bool:
    """An explicit matrix or vector, a diagonal matrix diag(...), or c*I_D (a value a name may be given)."""
    from gmm_math.derivations.check.matrices import as_diagonal, is_matrix

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


@dataclass(frozen=True)
class Covariance:
    """Symbols that form a symmetric matrix (rows of symbols) whose instances are positive definite."""

    rows: tuple[tuple[sp.Symbol, ...], ...]


class Unreadable(GmmMathError):
    """A text outside the language; ``column`` (1-based) says where, when known."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


def _latex_to_ascii(text: str) -> str:
    try:
        from gmm_math.derivations.check.latex import latex_to_ascii  # written by the LaTeX front end
    except ImportError:
        raise Unreadable("LaTeX input (a backslash) is not accepted yet; write the ASCII form, "
                         "e.g. N(x | mu, sigma^2) for \\mathcal{N}(x \\mid \\mu, \\sigma^2)",
                         None) from None
    return latex_to_ascii(text)


def quoted(text: str) -> str:
    """A text quoted for a message: LaTeX input as typed (its translation keeps it as ``typed``), never its repr."""
    typed = getattr(text, "typed", None)
    return f"'{typed.strip()[:60]}'" if typed is not None else repr(text.strip()[:60])


def is_latex(text: str) -> bool:
    """LaTeX is recognised by a backslash, a braced exponent ``^{``, an alignment ``&`` or a ``$``."""
    return "\\" in text or "^{" in text or "&" in text or "$" in text


LANGUAGES = ("auto", "ascii", "latex")


def parse_tree(text: str, what: str = "expression", start: str = "start", language: str = "auto") -> Any:
    """Parse ``text`` with the grammar (rule ``start``: "start", "line" or "relations") and bound the tree."""
    return parse_text(text, what, start, language)[0]


def parse_text(text: str, what: str = "expression", start: str = "start",
               language: str = "auto") -> tuple[Any, str]:
    """:func:`parse_tree`, and the ASCII text the tree's positions refer to (LaTeX is translated first).

    ``language`` is "ascii", "latex" or "auto" (LaTeX when :func:`is_latex` says so).
    """
    import lark

    if language not in LANGUAGES:
        raise GmmMathError(f"the input language {language!r} is not one of {', '.join(LANGUAGES)}",
                           parameter="language")
    check_text(text, what)
    if language == "latex" or language == "auto" and is_latex(text):
        text = check_text(_latex_to_ascii(text), what)
    try:
        tree = _lark().parse(text, start=start)
    except lark.exceptions.UnexpectedInput as err:
        raise Unreadable(f"the {what} {quoted(text)}: {_explain(err, text)}",
                         getattr(err, "column", None)) from None
    _check_size(tree, what)
    return tree, text


def _explain(err: Any, text: str) -> str:
    """A parse error in the student's terms (never Python's)."""
    import lark

    column = getattr(err, "column", None)
    at = f" at column {column}" if isinstance(column, int) and column > 0 else ""
    if isinstance(err, lark.exceptions.UnexpectedCharacters):
        char = text[err.pos_in_stream] if 0 <= err.pos_in_stream < len(text) else "?"
        hint = _CHARACTER_HINTS.get(char, f"accepted are {EXPECTED}")
        return f"the character {char!r}{at} is not part of the language; {hint}"
    token = getattr(err, "token", None)
    kind = getattr(token, "type", "$END")
    if kind == "$END":
        opened = text.count("(") - text.count(")")
        hint = f"{opened} '(' never closed" if opened > 0 else "something is missing at the end"
        return f"the text ends too early ({hint}); expected {EXPECTED}"
    value = str(token)
    words = _TOKEN_WORDS.get(kind, "the symbol")
    words = words if words.startswith("'") else f"{words} {value!r}"
    before = text[:token.start_pos].rstrip()
    if kind in ("NAME", "NUMBER", "LPAR", "PREFIX") and before and (before[-1].isalnum() or before[-1] in ")|_"):
        return f"{words}{at} follows another factor; write * for products (e.g. 2*x, not 2x)"
    if kind in ("LSQB", "RSQB"):
        return f"{words}{at} is not expected here; {_CHARACTER_HINTS[value]}"
    if kind == "RPAR":
        return f"{words}{at} closes nothing or comes too early; expected {EXPECTED}"
    if kind == "REL" and value == ">" and before.endswith("-"):
        return (f"'->'{at} is not a relation; write a limit as limit(EXPR, sigma, 0, +) = VALUE "
                f"(or \\lim_{{\\sigma \\to 0^+}} EXPR = VALUE)")
    if kind == "REL":
        return f"{words}{at} is not allowed here (relations separate whole expressions, e.g. a = b <= c)"
    return f"{words}{at} is not expected here; expected {EXPECTED}"


_CHARACTER_HINTS = {
    "[": "write x_n or x_{n} for an indexed quantity, [a, b] for a vector, [[a, b], [b, c]] for a matrix",
    "]": "write x_n or x_{n} for an indexed quantity, [a, b] for a vector, [[a, b], [b, c]] for a matrix",
    "%": "there is no remainder operator",
    "&": "there is no '&' outside a LaTeX align block",
    "'": "strings are not values",
    '"': "strings are not values",
    ".": "write numbers as 0.5, not .5, and ranges as n=1..N",
    "{": "braces are accepted only in subscripts, e.g. x_{n}",
    "_": "a name starts with a letter, e.g. x_n",
    "@": "there is no matrix operator; write * for products",
    "~": "there is no '~' operator",
    "!": "write != for 'not equal'",
    "\\": "a backslash starts LaTeX, which is read when the input language is latex or auto",
}


def _check_size(tree: Any, what: str) -> None:
    """Bound node count and depth without recursion."""
    stack = [(tree, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise Unreadable(f"the {what} has more than {MAX_NODES} parts; split it into smaller steps")
        if depth > MAX_DEPTH:
            raise Unreadable(f"the {what} is nested more than {MAX_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in getattr(node, "children", ()))


def source(tree: Any, text: str) -> str:
    """The text a subtree was parsed from."""
    meta = getattr(tree, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return text[meta.start_pos:meta.end_pos]
    return str(tree)


def is_tree(node: Any, *kinds: str) -> bool:
    return hasattr(node, "data") and str(node.data) in kinds


# ----------------------------------------------------------------------------------------------
# names


def normal_name(name: str) -> str:
    """``x_{n}`` -> ``x_n``."""
    return name.replace("{", "").replace("}", "")


def _default_sign(name: str) -> frozenset[int]:
    return frozenset({1}) if _POSITIVE_NAME.fullmatch(name) else frozenset({-1, 0, 1})


def check_name(name: str) -> str:
    """Validate a symbol name (letters, digits, single underscores)."""
    name = normal_name(name) if isinstance(name, str) else name
    if not isinstance(name, str) or not _NAME.fullmatch(name) or len(name) > MAX_NAME_LENGTH:
        raise GmmMathError(f"{str(name)[:40]!r} is not an accepted name (expected letters, digits and single "
                           f"underscores, starting with a letter, at most {MAX_NAME_LENGTH} characters, "
                           f"e.g. x_n, mu_k, sigma)")
    if name in _CONSTANTS:
        raise GmmMathError(f"{name!r} is a constant, not a variable")
    if name in _RESERVED:
        raise GmmMathError(f"the name {name!r} is not accepted: {_RESERVED[name]}")
    if (name in FUNCTIONS or name in BIG_OPERATORS or name in SPECIAL) and name not in COUNTS:
        raise GmmMathError(f"{name!r} is a function; call it as {name}(...)")
    return name


def split_subscript(name: str) -> tuple[str, str | None]:
    """``"x_n"`` -> ``("x", "n")``; ``"sigma"`` -> ``("sigma", None)``."""
    base, _, sub = name.partition("_")
    return base, (sub or None)


def base_assumptions(base: str) -> dict[str, bool]:
    """Assumptions of an indexed family: sigma_k, s_k and weights pi_k are positive."""
    return {"real": True, "positive": True} if base in _POSITIVE_BASES else {"real": True}


def is_weight(base: str) -> bool:
    return base in _WEIGHT_BASES


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


def parse_assumptions(texts: Iterable[str], language: str = "auto") -> Assumptions:
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
    result = Assumptions(signs, tuple(substitutions), texts, tuple(weight_sums), tuple(relations))
    Context(result, language)  # builds every substitution: bad expressions and cycles are reported now
    return result


MAX_WEIGHTS = 20  # weights one stated sum may name one by one


def _is_one(node: Any) -> bool:
    return is_tree(node, "number") and Fraction(str(node.children[0])) == 1


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
    left, right = (parts[0], parts[2]) if _is_one(parts[2]) else (parts[2], parts[0])
    if not _is_one(right):
        return None
    if is_tree(left, "call") and str(left.children[0]) in ("sum", "Sum"):
        return _symbolic_weight_sum(left, text)
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
    if not is_tree(index, "name") or str(index.children[0]) != weight[1] or not _is_one(low):
        raise GmmMathError(form)
    if is_tree(high, "number"):
        count = Fraction(str(high.children[0]))
        if count.denominator != 1 or not 1 <= count <= MAX_WEIGHTS:
            raise GmmMathError(f"{form} with K a count or a whole number from 1 to {MAX_WEIGHTS}")
        return WeightSum(weight[0], tuple(f"{weight[0]}_{number}" for number in range(1, int(count) + 1)))
    if not is_tree(high, "name") or str(high.children[0]) not in COUNTS:
        raise GmmMathError(f"{form} with K one of the counts {', '.join(sorted(COUNTS))} or a number")
    return WeightSum(weight[0], count=str(high.children[0]))


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
        from gmm_math.derivations.check.matrices import covariance_pattern, is_matrix

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
                allowed = self.assumptions.signs.get(name, _default_sign(name))
                facts = {"real": True, **_SIGN_ASSUMPTIONS.get(allowed, {})}
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
        from gmm_math.derivations.check.matrices import diagonal_forms, is_matrix

        try:
            expr = _Builder(self, text, what).build(tree)
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
            raise GmmMathError(f"the {what} cannot be built: {type(err).__name__}{shown}") from None
        if isinstance(expr, sp.Expr) and expr.has(IDENTITY):
            expr = _quadratic_forms(expr, text, what)
        if not isinstance(expr, sp.Expr) or isinstance(expr, sp.Tuple):
            raise GmmMathError(f"the {what} {quoted(text)} is not a single expression")
        if expr.has(sp.zoo, sp.nan):
            raise GmmMathError(f"the {what} {quoted(text)} is undefined (a division by zero?)")
        if expr.has(sp.I):
            raise GmmMathError(f"the {what} {quoted(text)} is undefined over the reals "
                               f"(it takes a square root or logarithm of a negative number)")
        return self.substitute(expr) if substitute else expr


def _quadratic_forms(expr: sp.Expr, text: str, what: str) -> sp.Expr:
    """v^T (c I_D)^k v = c^k ||v||^2: the marker may remain only as a power factor of a product."""
    def scalar(term: sp.Expr) -> sp.Expr:
        if not term.has(IDENTITY):
            return term
        if term.is_Mul and all(not factor.has(IDENTITY) or factor == IDENTITY or
                               (factor.is_Pow and factor.base == IDENTITY) for factor in term.args):
            return term.xreplace({IDENTITY: sp.S.One})
        if term == IDENTITY:
            raise GmmMathError(f"the {what} {quoted(text)} is a matrix (c*I_D), not a number")
        raise GmmMathError(f"the {what} {quoted(text)}: I_D is accepted in N(x | mu, c*I_D), det(c*I_D), "
                           f"|c*I_D| and quadratic forms (x - mu)^T*(c*I_D)^(-1)*(x - mu)")
    return sp.Add(*(scalar(term) for term in sp.Add.make_args(sp.expand(expr)))) if expr.is_Add \
        else scalar(expr)


def _short(value: object, limit: int = 24) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _number_bits(value: sp.Rational) -> int:
    return int(value.p).bit_length() + int(value.q).bit_length()


class _Builder:
    """Turns a grammar tree into SymPy, checking number sizes on the way; ``scope`` holds bound indices."""

    def __init__(self, context: Context, text: str, what: str) -> None:
        self.context, self.text, self.what = context, text, what
        self.scope: list[str] = []

    def fail(self, message: str) -> GmmMathError:
        return GmmMathError(f"the {self.what} {quoted(self.text)}: {message}")

    def build(self, node: Any) -> sp.Expr:
        handler = self._HANDLERS.get(str(getattr(node, "data", "")))
        if handler is None:
            raise self.fail(f"{_short(source(node, self.text), 30)!r} is not accepted here; expected {EXPECTED}")
        value = handler(self, node)
        if isinstance(value, sp.Rational) and _number_bits(value) > MAX_NUMBER_BITS:
            raise self.fail(f"a number with more than {MAX_NUMBER_BITS} bits arises")
        return value

    def _operands(self, node: Any) -> list[sp.Expr]:
        return [self.build(child) for child in node.children if hasattr(child, "data")]

    def _number(self, node: Any) -> sp.Expr:
        literal = str(node.children[0])
        digits = literal.split(".")[0].split("e")[0].split("E")[0].lstrip("0")
        if len(digits) > MAX_INT_DIGITS:
            raise self.fail(f"the number {literal[:20]}... has more than {MAX_INT_DIGITS} digits")
        try:
            value = parse_number(literal, "number")
        except GmmMathError as err:
            raise self.fail(str(err)) from None
        return sp.Rational(value.numerator, value.denominator)

    def _name(self, node: Any) -> sp.Expr:
        name = normal_name(str(node.children[0]))
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name in IDENTITY_NAMES:
            self.context.symbol("D")
            return IDENTITY
        if name in self.context.matrices:
            return self.context.matrices[name]
        base, sub = split_subscript(name)
        if sub is not None and sub in self.scope:
            return self.context.indexed(base, self.context.index_symbol(sub))
        component = self._component(base, sub)
        if component is not None:
            return component
        try:
            return self.context.symbol(name)
        except GmmMathError as err:
            raise self.fail(str(err)) from None

    def _component(self, base: str, sub: str | None) -> sp.Expr | None:
        """x_n_d or x_{nd} inside a sum over d: the d-th component of the data point x_n, x[n, d]."""
        if sub is None or DIMENSION_LETTER not in self.scope:
            return None
        parts = sub.split("_") if "_" in sub else list(sub) if len(sub) == 2 else []
        if len(parts) != 2 or parts[1] != DIMENSION_LETTER:
            return None
        first = parts[0]
        if first.isdigit():
            index: sp.Expr = sp.Integer(int(first))
        elif first in self.scope or first in INDEX_LETTERS:
            index = self.context.index_symbol(first)
        else:
            return None
        family = sp.IndexedBase(base, **base_assumptions(base))
        return family[index, self.context.index_symbol(DIMENSION_LETTER)]

    def _add(self, node: Any) -> sp.Expr:
        left, right = self._operands(node)
        return left + right

    def _sub(self, node: Any) -> sp.Expr:
        left, right = self._operands(node)
        return left - right

    def _mul(self, node: Any) -> sp.Expr:
        left, right = self._operands(node)
        return left * right

    def _div(self, node: Any) -> sp.Expr:
        left, right = self._operands(node)
        return left / right

    def _neg(self, node: Any) -> sp.Expr:
        return -self._operands(node)[0]

    def _pos(self, node: Any) -> sp.Expr:
        return self._operands(node)[0]

    def _pow(self, node: Any) -> sp.Expr:
        base, exponent = self._operands(node)
        return self._power(base, exponent)

    def _operand(self, node: Any) -> sp.Expr:
        parts = self._operands(node)
        return parts[0] if len(parts) == 1 else self._power(*parts)

    def _power(self, base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
        if is_matrix(exponent) or (isinstance(exponent, sp.Basic) and exponent.has(Diagonal)):
            raise self.fail("an exponent must be a number, not a matrix")
        if is_matrix(base):
            if not exponent.is_Integer or abs(exponent) > MAX_SIZE or base.shape[0] != base.shape[1]:
                raise self.fail("a square matrix takes a whole power from -4 to 4 (M^(-1) is its inverse)")
            if exponent < 0 and base.det() == 0:
                raise self.fail("the matrix has determinant 0: it has no inverse")
            return base**exponent
        if base.has(Diagonal) and not exponent.is_Integer:
            raise self.fail("a diagonal matrix takes a whole power (diag(...)^(-1) is its inverse)")
        if exponent.is_Rational:
            if abs(exponent) > MAX_EXPONENT or int(exponent.q) > MAX_EXPONENT:
                raise self.fail(f"the exponent {_short(exponent)} is too large (at most {MAX_EXPONENT} in size)")
            if base.is_Rational and _number_bits(base) * abs(Fraction(int(exponent.p), int(exponent.q))) \
                    > MAX_NUMBER_BITS:
                raise self.fail(f"the power {_short(base)}^{_short(exponent)} is too large to compute")
        elif exponent.is_number and (exponent.has(sp.oo) or exponent.has(sp.zoo)):
            raise self.fail("an infinite exponent is not accepted")
        elif exponent.is_number and base.is_number and not exponent.is_Rational:
            raise self.fail("a number raised to an irrational power is not accepted; write exp(...)")
        return base**exponent

    def _transpose(self, node: Any) -> sp.Expr:
        value = self._operands(node)[0]
        # scalars are their own transpose, and so is a diagonal matrix
        return value.T if is_matrix(value) else value

    def _bars(self, node: Any) -> sp.Expr:
        inner = self._operands(node)[0]
        if is_matrix(inner) and inner.shape[1] == 1:
            return self._norm_of(inner)  # |v| of a vector is its length
        if is_matrix(inner) or inner.has(IDENTITY) or inner.has(Diagonal):
            return self._function("det", [inner])  # |Sigma|: the determinant
        return sp.Abs(inner)  # |x|; the determinant of a scalar is the scalar

    def _norm(self, node: Any) -> sp.Expr:
        inner = self._operands(node)[0]
        return self._norm_of(inner) if is_matrix(inner) else sp.Abs(inner)

    def _norm_of(self, vector: Any) -> sp.Expr:
        if vector.shape[1] != 1:
            raise self.fail(f"||...|| is the length of a vector; this is a {vector.shape[0]} x {vector.shape[1]} "
                            f"matrix (write det(...) or |...| for a determinant)")
        return sp.sqrt(sum(entry**2 for entry in vector))

    def _bracket(self, node: Any) -> Any:
        if any(is_tree(child, "bracket") and any(is_tree(inner, "bracket") for inner in child.children)
               for child in node.children):
            raise self.fail("a matrix is written [[a, b], [c, d]] (rows of numbers or expressions; brackets "
                            "nest two deep at most)")
        items = self._operands(node)
        if all(is_matrix(item) and item.shape[1] == 1 for item in items):
            rows = [list(item) for item in items]  # [[a, b], [c, d]]: each inner list is a row
        elif any(is_matrix(item) for item in items):
            raise self.fail("a matrix is written [[a, b], [c, d]] (rows of numbers or expressions)")
        else:
            rows = [[item] for item in items]  # [a, b]: a column vector
        try:
            return explicit(rows)
        except GmmMathError as err:
            raise self.fail(str(err)) from None

    def _tuple(self, node: Any) -> sp.Expr:
        raise self.fail("a tuple (a, b) is accepted only as the range of Sum/Product, e.g. Sum(f, (n, 1, N))")

    def _apply(self, node: Any) -> sp.Expr:
        name = str(node.children[0])
        return self._function(name, [self.build(node.children[1])])

    def _call(self, node: Any) -> sp.Expr:
        name, arguments = normal_name(str(node.children[0])), node.children[1]
        if name in BIG_OPERATORS:
            return self._big(name, arguments)
        if name == "diag":
            return self._diag(arguments)
        if name == "limit":
            raise self.fail("limit(...) is accepted only as a whole step line: limit(EXPR, sigma, 0, +) = VALUE")
        if is_tree(arguments, "given"):
            return self._given(name, arguments)
        for argument in arguments.children:
            if is_tree(argument, "ellipsis"):
                raise self.fail("'...' is accepted only in diag(e_1, ..., e_D)")
            if is_tree(argument, "range", "exclude", "sided", "side"):
                raise self.fail(f"{name}(...) takes plain arguments; ranges like n=1..N belong to sum and prod")
        return self._function(name, [self.build(argument) for argument in arguments.children])

    def _function(self, name: str, args: list[sp.Expr]) -> sp.Expr:
        if name == "det":
            if len(args) != 1:
                raise self.fail("det takes one argument")
            if is_matrix(args[0]):
                if args[0].shape[0] != args[0].shape[1]:
                    raise self.fail(f"det needs a square matrix, got {args[0].shape[0]} x {args[0].shape[1]}")
                return args[0].det()
            if args[0].has(Diagonal):
                try:
                    return determinant(args[0])
                except GmmMathError as err:
                    raise self.fail(str(err)) from None
            if args[0].has(IDENTITY):
                return self._isotropic(args[0]) ** self.context.symbol("D")  # det(c*I_D) = c^D
            return args[0]  # the determinant of a scalar (1 x 1 matrix)
        if any(is_matrix(arg) or arg.has(Diagonal) for arg in args):
            raise self.fail(f"{name}(...) of a matrix is not accepted; write det(...) or |...| for its determinant")
        if any(arg.has(IDENTITY) for arg in args):
            raise self.fail(f"{name}(...) of a matrix c*I_D is not accepted; write det(...) or |...| for its "
                            f"determinant")
        functions = self.context.functions
        if name in self.context.named_functions and name not in functions:
            return self.context.symbol(name)  # L(sigma) after a line that named L(sigma): the named quantity
        if name not in functions:
            raise self.fail(f"{name[:40]}(...) is not an accepted function "
                            f"(accepted: {', '.join([*functions, *BIG_OPERATORS])})")
        counts, function = functions[name]
        if len(args) not in counts:
            expected = " or ".join(str(count) for count in sorted(counts))
            raise self.fail(f"{name} takes {expected} argument(s), got {len(args)}")
        if name in ("N", "logN"):
            self._hint_comma_form(name, args)
        return function(*args)

    def _hint_comma_form(self, name: str, args: list[sp.Expr]) -> None:
        sd = args[2]
        if sd.is_Pow and sd.exp == 2:
            self.context.hints.append(
                f"{name}(x, mu, {sd}) is read with standard deviation {sd} (the comma form); "
                f"write {name}(x | mu, {sd}) for variance {sd}, as in PRML")

    def _given(self, name: str, arguments: Any) -> sp.Expr:
        if name not in _GIVEN:
            raise self.fail(f"'|' inside {name}(...) is accepted only in N(x | mu, sigma^2) and logN(x | mu, sigma^2)")
        args = [self.build(child) for child in arguments.children]
        if len(args) != 3:
            raise self.fail(f"{name}(x | mu, sigma^2) takes a point, a bar '|', a mean and a variance")
        variance = args[2]
        if is_matrix(variance) or variance.has(Diagonal):
            return self._matrix_density(name, *args)
        if any(is_matrix(arg) for arg in args[:2]):
            raise self.fail(f"{name}(x | mu, S) with vectors x, mu needs a matrix covariance S")
        if variance.has(IDENTITY):
            return self._isotropic_density(name, args[0], args[1], self._isotropic(variance))
        if variance.is_Symbol and variance.is_positive and not variance.name.lower().startswith(("var", "v")):
            self.context.hints.append(
                f"{name}(x | mu, {variance}) is read with variance {variance}, as in PRML; write "
                f"{name}(x | mu, {variance}^2) or {name}(x, mu, {variance}) for a standard deviation {variance}")
        return _GIVEN[name](*args)

    def _matrix_density(self, name: str, x: Any, mu: Any, covariance: Any) -> sp.Expr:
        """N(x | mu, S) for a diagonal S = diag(...) (symbolic D) or an explicit S (D <= 4)."""
        try:
            if is_matrix(covariance):
                pattern = covariance_pattern(covariance)
                if pattern is not None and pattern not in self.context.covariances:
                    self.context.covariances.append(pattern)
                log_density = matrix_log_density(x, mu, covariance, self.context.symbol)
            else:
                if is_matrix(x) or is_matrix(mu):
                    raise GmmMathError("with a diagonal covariance diag(...) the point and the mean are written "
                                       "as names (x, x_n, mu_k), whose components are x_d, mu_d")
                log_density = diagonal_log_density(x, mu, covariance, self.context.index_symbol)
        except GmmMathError as err:
            raise self.fail(str(err)) from None
        return log_density if name == "logN" else sp.exp(log_density)

    def _diag(self, arguments: Any) -> sp.Expr:
        """diag(e_d, d=1..D) or diag(e_1, ..., e_D): a diagonal matrix (explicit when D is a number <= 4)."""
        children = list(arguments.children) if is_tree(arguments, "arguments") else []
        form = "write diag(sigma_d^2, d=1..D) or diag(sigma_1^2, ..., sigma_D^2)"
        if len(children) == 2 and is_tree(children[1], "range") and str(children[1].children[1]) == "=":
            index_node, low, high = children[1].children[0], children[1].children[2], children[1].children[3]
            if not is_tree(index_node, "name") or str(index_node.children[0]) != DIMENSION_LETTER:
                raise self.fail(f"the index of diag is the letter d: {form}")
            if not _is_one(low):
                raise self.fail(f"the range of diag starts at 1: {form}")
            count = self.build(high)
            index = self.context.index_symbol(DIMENSION_LETTER)
            if DIMENSION_LETTER in self.scope:
                raise self.fail("diag(...) cannot be nested in another diag or a sum over d")
            self.scope.append(DIMENSION_LETTER)
            try:
                entry = self.build(children[0])
            finally:
                self.scope.pop()
            return self._diagonal(entry, index, count)
        if len(children) == 3 and is_tree(children[1], "ellipsis"):
            return self._diag_ellipsis(children[0], children[2], form)
        if children and not any(is_tree(child, "range", "ellipsis", "exclude", "sided", "side")
                                for child in children):
            entries = [self.build(child) for child in children]
            return self._explicit_diagonal(entries)
        raise self.fail(form)

    def _diagonal(self, entry: sp.Expr, index: sp.Symbol, count: sp.Expr) -> Any:
        if is_matrix(entry) or entry.has(Diagonal) or entry.has(IDENTITY):
            raise self.fail("the entries of diag(...) are numbers or expressions, not matrices")
        if count.is_Integer:
            if not 1 <= count <= MAX_SIZE:
                raise self.fail(f"matrices are accepted up to {MAX_SIZE} x {MAX_SIZE} (D at most {MAX_SIZE}); "
                                f"got diag(...) of size {_short(count)} (use a count such as D for a symbolic size)")
            return self._explicit_diagonal([entry.xreplace({index: sp.Integer(number)}).replace(
                lambda node: isinstance(node, sp.Indexed) and node.indices == (sp.Integer(number),),
                lambda node: self.context.symbol(f"{node.base.label}_{number}"))
                for number in range(1, int(count) + 1)])
        if not (count.is_Symbol and count.name in COUNTS):
            raise self.fail(f"the size of diag(...) is a count ({', '.join(sorted(COUNTS))}) or a number from 1 "
                            f"to {MAX_SIZE}")
        return Diagonal(entry, index, count)

    def _explicit_diagonal(self, entries: list[sp.Expr]) -> Any:
        if len(entries) > MAX_SIZE:
            raise self.fail(f"matrices are accepted up to {MAX_SIZE} x {MAX_SIZE} (D at most {MAX_SIZE}); "
                            f"this diag(...) has {len(entries)} entries (use diag(e_d, d=1..D) for a symbolic D)")
        if any(is_matrix(entry) or entry.has(Diagonal) for entry in entries):
            raise self.fail("the entries of diag(...) are numbers or expressions, not matrices")
        return sp.ImmutableMatrix(sp.diag(*entries))

    def _diag_ellipsis(self, first_node: Any, last_node: Any, form: str) -> Any:
        """diag(sigma_1^2, ..., sigma_D^2): the first entry names index 1, the last index D."""
        first, last = self.build(first_node), self.build(last_node)
        index = self.context.index_symbol(DIMENSION_LETTER)
        ones = [symbol for symbol in first.free_symbols if split_subscript(symbol.name)[1] == "1"]
        ends = [symbol for symbol in last.free_symbols if split_subscript(symbol.name)[1] is not None]
        counts = {split_subscript(symbol.name)[1] for symbol in ends}
        if not ones or len(counts) != 1:
            raise self.fail(f"the entries around '...' must run from _1 to _D, e.g. diag(sigma_1^2, ..., sigma_D^2)")
        top = counts.pop()
        general = {symbol: self.context.indexed(split_subscript(symbol.name)[0], index) for symbol in ones}
        entry = first.xreplace(general)
        if last.xreplace({symbol: self.context.indexed(split_subscript(symbol.name)[0], index)
                          for symbol in ends}) != entry:
            raise self.fail(f"the first and last entries around '...' must differ only in the index: {form}")
        count = sp.Integer(int(top)) if top.isdigit() else self.context.symbol(top)
        return self._diagonal(entry, index, count)

    def _isotropic(self, matrix: sp.Expr) -> sp.Expr:
        """c for c*I_D (also c*I_D + e*I_D); anything else that holds I_D is refused."""
        expanded = sp.expand(matrix)
        coefficient = expanded.coeff(IDENTITY, 1)
        if coefficient == 0 or sp.expand(expanded - coefficient * IDENTITY) != 0 or coefficient.has(IDENTITY):
            raise self.fail("a matrix is accepted only as c*I_D (an isotropic covariance), e.g. sigma^2*I_D")
        return sp.factor(coefficient)

    def _isotropic_density(self, name: str, x: sp.Expr, mu: sp.Expr, variance: sp.Expr) -> sp.Expr:
        """The D-dimensional density with covariance variance*I_D; ||x - mu||^2 is written (x - mu)**2.

        Isotropic expressions depend on x and mu only through ||x - mu||^2, so checking them with a
        scalar square covers every value the squared norm can take.
        """
        dimension = self.context.symbol("D")
        log_density = -dimension * sp.log(2 * sp.pi * variance) / 2 - (x - mu) ** 2 / (2 * variance)
        return log_density if name == "logN" else sp.exp(log_density)

    def _big(self, name: str, arguments: Any) -> sp.Expr:
        children = list(arguments.children) if is_tree(arguments, "arguments") else []
        if len(children) not in (2, 3):
            raise self.fail(f"write {name}(f, n=1..N), {name}(f, m=1..N, m != n) or {name}(f, (n, 1, N))")
        body, bounds, *exclusion = children
        if is_tree(bounds, "range") and is_tree(bounds.children[0], "name") and str(bounds.children[1]) == "=":
            index, low, high = str(bounds.children[0].children[0]), bounds.children[2], bounds.children[3]
        elif is_tree(bounds, "tuple") and len(bounds.children) == 3 and is_tree(bounds.children[0], "name"):
            index, low, high = str(bounds.children[0].children[0]), bounds.children[1], bounds.children[2]
        else:
            raise self.fail(f"the range of {name} reads n=1..N or (n, 1, N)")
        if index not in INDEX_LETTERS and index != DIMENSION_LETTER:
            raise self.fail(f"the index of {name} must be one of the letters {', '.join(sorted(INDEX_LETTERS))} "
                            f"(or d, over the D components of a vector), got {index[:20]!r}")
        if index in self.scope:
            raise self.fail(f"the index {index} is already used by an enclosing sum or product")
        if len(self.scope) >= MAX_SUM_NESTING:
            raise self.fail(f"sums and products nest at most {MAX_SUM_NESTING} deep")
        symbol = self.context.index_symbol(index)
        low_value, high_value = self.build(low), self.build(high)
        self.scope.append(index)
        try:
            term = self.build(body)
        finally:
            self.scope.pop()
        operator = BIG_OPERATORS[name]
        result = operator(term, (symbol, low_value, high_value))
        if not exclusion:
            return result
        left, right = self._exclusion(exclusion[0], index, name)
        left_name = str(left.children[0]) if is_tree(left, "name") else ""
        if left_name != index or not is_tree(right, "name") or str(right.children[0]) not in INDEX_LETTERS \
                or str(right.children[0]) == index:
            other_letter = "n" if index != "n" else "m"
            raise self.fail(f"the exclusion of {name} reads {index} != {other_letter} (another index letter); to "
                            f"leave out a fixed term, subtract it: {name}(f, {index}=1..N) - (the term at {index} = 3)")
        other = self.context.symbol(str(right.children[0]))
        left_out = self._term_at(term, symbol, other)
        return result - left_out if operator is sp.Sum else result / left_out

    def _exclusion(self, node: Any, index: str, name: str) -> tuple[Any, Any]:
        if not is_tree(node, "exclude") or str(node.children[1]) != "!=":
            raise self.fail(f"the third argument of {name} is an exclusion such as {index} != n")
        return node.children[0], node.children[2]

    def _term_at(self, term: sp.Expr, index: sp.Symbol, other: sp.Symbol) -> sp.Expr:
        """The term of a sum at index = other: x[m] -> x_n (a plain subscripted name, as written outside)."""
        replaced = term.replace(
            lambda node: isinstance(node, sp.Indexed) and node.indices == (index,),
            lambda node: self.context.symbol(f"{node.base.label}_{other.name}"))
        return replaced.xreplace({index: other})

    _HANDLERS: dict[str, Callable[[_Builder, Any], sp.Expr]] = {
        "number": _number, "name": _name, "add": _add, "sub": _sub, "mul": _mul, "div": _div, "neg": _neg,
        "pos": _pos, "pow": _pow, "operand": _operand, "transpose": _transpose, "bars": _bars, "norm": _norm,
        "tuple": _tuple, "apply": _apply, "call": _call, "bracket": _bracket,
    }


def parse_expression(text: str, assumptions: Iterable[str] = ()) -> sp.Expr:
    """Parse one expression under the given assumption strings (convenience wrapper).

    >>> parse_expression("logN(x, mu, sigma)")
    -log(sigma) - log(2*pi)/2 - (-mu + x)**2/(2*sigma**2)
    >>> parse_expression("-x^2")
    -x**2
    """
    return Context(parse_assumptions(assumptions)).parse(text)
