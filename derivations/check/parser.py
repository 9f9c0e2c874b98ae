"""A safe expression language for checking derivations, parsed with an ``ast`` whitelist.

User text is never given to ``eval``, ``exec``, ``sympify`` or ``parse_expr``.
It is parsed by :func:`ast.parse` (mode ``"eval"``) after raw-text checks,
every node is checked against a whitelist and a size budget, and SymPy objects
are built directly from the checked tree.

The language: numbers (``3``, ``0.25``, ``1e-5``, all exact rationals), names
(``x_n``, ``x1``, ``mu_k``, ``sigma``), the constants ``pi``, ``E`` and ``oo``,
``+ - * / **`` and parentheses, and the functions ``exp``, ``log``, ``sqrt``,
``Abs``, ``N(x, mu, sigma)`` (normal density, standard deviation ``sigma``) and
``logN(x, mu, sigma)`` (its logarithm). Greek letters are spelled out.
Every symbol is real; ``sigma``, ``s`` and their subscripted forms
(``sigma_j``, ``s2``) are positive unless an assumption says otherwise.

Assumptions (``--assume`` / ``assume:`` lines): ``NAME > 0``, ``NAME >= 0``,
``NAME < 0``, ``NAME <= 0``, ``NAME != 0`` (also with ``0`` on the left) and
``NAME = EXPR`` (a substitution, e.g. ``mu_j = x_n``); several may be joined by
commas.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

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

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_POSITIVE_NAME = re.compile(r"(sigma|s)(_\w+|\d+)?")
_SINGLE_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")
_CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E, "oo": sp.oo}
_RESERVED = {
    "e": "write E for Euler's number or exp(...)",
    "inf": "write oo for infinity",
    "infinity": "write oo for infinity",
    "Infinity": "write oo for infinity",
    "ln": "write log(...) for the natural logarithm",
    "nan": "NaN is not a value (expected a number, oo, -oo or a name)",
    "zoo": "write oo or -oo (complex infinity is not accepted)",
}
_EXPECTED = ("an expression built from numbers, names, + - * / ** and exp, log, sqrt, Abs, N, logN, "
             "e.g. log(N(x_n, mu, sigma))")
_ASSUME_FORM = ('NAME > 0, NAME >= 0, NAME < 0, NAME <= 0, NAME != 0 or NAME = EXPR '
                '(e.g. "x_n > 0", "mu_j = x_n"; for x != y write "x = y + d" and "d != 0")')

# Sign sets: which of the signs -1, 0, +1 a symbol may take.
_RELATION_SIGNS: dict[type, frozenset[int]] = {
    ast.Gt: frozenset({1}),
    ast.Lt: frozenset({-1}),
    ast.GtE: frozenset({0, 1}),
    ast.LtE: frozenset({-1, 0}),
    ast.NotEq: frozenset({-1, 1}),
}
_MIRRORED: dict[type, type] = {ast.Gt: ast.Lt, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.LtE: ast.GtE,
                               ast.NotEq: ast.NotEq, ast.Eq: ast.Eq}
_SIGN_ASSUMPTIONS: dict[frozenset[int], dict[str, bool]] = {
    frozenset({1}): {"positive": True},
    frozenset({-1}): {"negative": True},
    frozenset({0, 1}): {"nonnegative": True},
    frozenset({-1, 0}): {"nonpositive": True},
    frozenset({-1, 1}): {"nonzero": True},
    frozenset({-1, 0, 1}): {},
}


def _gaussian(x: sp.Expr, mu: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    return sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)


def _log_gaussian(x: sp.Expr, mu: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    return -sp.log(sigma) - sp.log(2 * sp.pi) / 2 - (x - mu) ** 2 / (2 * sigma**2)


# name -> (allowed argument counts, builder)
FUNCTIONS: dict[str, tuple[frozenset[int], Callable[..., sp.Expr]]] = {
    "exp": (frozenset({1}), sp.exp),
    "log": (frozenset({1, 2}), sp.log),
    "sqrt": (frozenset({1}), sp.sqrt),
    "Abs": (frozenset({1}), sp.Abs),
    "N": (frozenset({3}), _gaussian),
    "logN": (frozenset({3}), _log_gaussian),
}

_BINARY: dict[type, Callable[[sp.Expr, sp.Expr], sp.Expr]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_UNARY: dict[type, Callable[[sp.Expr], sp.Expr]] = {
    ast.USub: lambda a: -a,
    ast.UAdd: lambda a: a,
}

# Friendly names for rejected node types; anything else is reported by its class name.
_REJECTED: dict[type, str] = {
    ast.Attribute: "attribute access (.)",
    ast.Subscript: "subscripts ([...])",
    ast.Lambda: "lambda expressions",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "f-strings",
    ast.Starred: "starred arguments (*)",
    ast.NamedExpr: "assignment expressions (:=)",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if-expressions",
    ast.Tuple: "tuples (a comma outside a function call)",
    ast.List: "lists",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slices",
}
_REJECTED_OPERATORS: dict[type, str] = {
    ast.BitXor: "^ (write ** for powers)",
    ast.FloorDiv: "// (write / for division)",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Not: "not",
}


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
        raise GmmMathError(f"the {what} is empty (expected {_EXPECTED})")
    return text


def _parse_tree(text: str, what: str) -> ast.expr:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        reason = re.sub(r"\s*\(detected at line \d+\)", "", err.msg or "syntax error").strip()
        hint = " (write 2*x for products)" if "invalid decimal literal" in reason else ""
        raise GmmMathError(f"the {what} {text.strip()[:60]!r} is not valid: {reason}{hint}; "
                           f"expected {_EXPECTED}") from None
    except (RecursionError, MemoryError, ValueError):
        raise GmmMathError(f"the {what} is nested too deeply or too large to parse") from None
    _check_size(tree.body, what)
    return tree.body


def _check_size(root: ast.AST, what: str) -> None:
    """Bound node count and depth without recursion."""
    stack = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise GmmMathError(f"the {what} has more than {MAX_NODES} parts; split it into smaller steps")
        if depth > MAX_DEPTH:
            raise GmmMathError(f"the {what} is nested more than {MAX_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _default_sign(name: str) -> frozenset[int]:
    return frozenset({1}) if _POSITIVE_NAME.fullmatch(name) else frozenset({-1, 0, 1})


def check_name(name: str) -> str:
    """Validate a symbol name (letters, digits, underscores; no dunders)."""
    if not _NAME.fullmatch(name) or "__" in name or len(name) > MAX_NAME_LENGTH:
        raise GmmMathError(f"{name[:40]!r} is not an accepted name (expected letters, digits and single "
                           f"underscores, starting with a letter, at most {MAX_NAME_LENGTH} characters, "
                           f"e.g. x_n, mu_k, sigma)")
    if name in _CONSTANTS:
        raise GmmMathError(f"{name!r} is a constant, not a variable")
    if name in _RESERVED:
        raise GmmMathError(f"the name {name!r} is not accepted: {_RESERVED[name]}")
    if name in FUNCTIONS:
        raise GmmMathError(f"{name!r} is a function; call it as {name}(...)")
    return name


@dataclass(frozen=True)
class Assumptions:
    """Sign assumptions and substitutions, as parsed from assumption strings.

    Attributes
    ----------
    signs : mapping name -> frozenset of allowed signs (subset of {-1, 0, 1})
    substitutions : tuple of (name, expression text), applied in order
    texts : the assumption strings as given
    """

    signs: Mapping[str, frozenset[int]] = field(default_factory=dict)
    substitutions: tuple[tuple[str, str], ...] = ()
    texts: tuple[str, ...] = ()


def parse_assumptions(texts: Iterable[str]) -> Assumptions:
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
    for text in texts:
        source, relations = _relations(text)
        for relation in relations:
            _add_relation(relation, source, signs, substitutions)
    result = Assumptions(signs, tuple(substitutions), texts)
    Context(result)  # builds every substitution: bad expressions and cycles are reported now
    return result


def _relations(text: str) -> tuple[str, list[ast.Compare]]:
    check_text(text, "assumption")
    source = _SINGLE_EQUALS.sub("==", text.strip())
    try:
        tree = ast.parse(source, mode="eval").body
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        raise GmmMathError(f"the assumption {text.strip()[:60]!r} is not valid; expected {_ASSUME_FORM}") from None
    _check_size(tree, "assumption")
    items = tree.elts if isinstance(tree, ast.Tuple) else [tree]
    for item in items:
        if not (isinstance(item, ast.Compare) and len(item.ops) == 1):
            raise GmmMathError(f"the assumption {text.strip()[:60]!r} is not of the form {_ASSUME_FORM}")
    return source, items


def _is_zero(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value == 0


def _add_relation(relation: ast.Compare, source: str, signs: dict[str, frozenset[int]],
                  substitutions: list[tuple[str, str]]) -> None:
    text = source
    left, op, right = relation.left, type(relation.ops[0]), relation.comparators[0]
    if not isinstance(left, ast.Name) and isinstance(right, ast.Name):
        left, op, right = right, _MIRRORED.get(op, op), left
    if not isinstance(left, ast.Name):
        raise GmmMathError(f"the assumption {text.strip()[:60]!r} must have a name on one side; "
                           f"expected {_ASSUME_FORM}")
    name = check_name(left.id)
    if op is ast.Eq:
        rhs = ast.get_source_segment(source, right) or ast.unparse(right)
        if any(existing == name for existing, _ in substitutions):
            raise GmmMathError(f"{name} is given two values by the assumptions")
        substitutions.append((name, rhs))
        return
    if op not in _RELATION_SIGNS or not _is_zero(right):
        raise GmmMathError(f"the assumption {text.strip()[:60]!r} is not of the form {_ASSUME_FORM}")
    allowed = signs.get(name, frozenset({-1, 0, 1})) & _RELATION_SIGNS[op]
    if not allowed:
        raise GmmMathError(f"the assumptions about {name} contradict each other")
    if allowed == frozenset({0}):  # x >= 0 and x <= 0
        substitutions.append((name, "0"))
    signs[name] = allowed


class Context:
    """Symbols with their assumptions, and the substitutions; parses expressions consistently.

    Two expressions parsed by the same context share their symbols.
    """

    functions = FUNCTIONS

    def __init__(self, assumptions: Assumptions | None = None) -> None:
        self.assumptions = assumptions or Assumptions()
        self._symbols: dict[str, sp.Symbol] = {}
        self.substitutions: dict[sp.Symbol, sp.Expr] = {}
        for name, text in self.assumptions.substitutions:
            value = self.parse(text, "assumed value", substitute=False)
            self.substitutions[self.symbol(name)] = value
        self._check_cycles()

    def symbol(self, name: str) -> sp.Symbol:
        """The real symbol called ``name`` with its sign assumption."""
        if name not in self._symbols:
            check_name(name)
            allowed = self.assumptions.signs.get(name, _default_sign(name))
            self._symbols[name] = sp.Symbol(name, real=True, **_SIGN_ASSUMPTIONS.get(allowed, {}))
        return self._symbols[name]

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

    def parse(self, text: str, what: str = "expression", substitute: bool = True) -> sp.Expr:
        """Parse ``text`` into a SymPy expression.

        Raises
        ------
        GmmMathError
            For anything outside the language or over a size bound.
        """
        tree = _parse_tree(check_text(text, what), what)
        try:
            expr = _Builder(self, text, what).build(tree)
        except GmmMathError:
            raise
        except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError) as err:
            raise GmmMathError(f"the {what} cannot be built: {type(err).__name__}") from None
        if expr.has(sp.zoo, sp.nan):
            raise GmmMathError(f"the {what} {text.strip()[:60]!r} is undefined (a division by zero?)")
        return self.substitute(expr) if substitute else expr


def _short(value: object, limit: int = 24) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _number_bits(value: sp.Rational) -> int:
    return int(value.p).bit_length() + int(value.q).bit_length()


class _Builder:
    """Turns a whitelisted ``ast`` tree into SymPy, checking number sizes on the way."""

    def __init__(self, context: Context, text: str, what: str) -> None:
        self.context, self.text, self.what = context, text.strip(), what

    def fail(self, message: str) -> GmmMathError:
        return GmmMathError(f"the {self.what} {self.text[:60]!r}: {message}")

    def build(self, node: ast.AST) -> sp.Expr:
        handler = self._HANDLERS.get(type(node))
        if handler is None:
            what = _REJECTED.get(type(node)) or _REJECTED_OPERATORS.get(type(getattr(node, "op", None)))
            raise self.fail(f"{what or type(node).__name__} not allowed; expected {_EXPECTED}")
        value = handler(self, node)
        if isinstance(value, sp.Rational) and _number_bits(value) > MAX_NUMBER_BITS:
            raise self.fail(f"a number with more than {MAX_NUMBER_BITS} bits arises")
        return value

    def _constant(self, node: ast.Constant) -> sp.Expr:
        if type(node.value) not in (int, float):
            raise self.fail(f"the literal {ast.unparse(node)[:20]} is not a number; expected {_EXPECTED}")
        literal = ast.get_source_segment(self.text, node) or ast.unparse(node)
        digits = literal.split(".")[0].split("e")[0].split("E")[0].lstrip("0")
        if len(digits) > MAX_INT_DIGITS:
            raise self.fail(f"the number {literal[:20]}... has more than {MAX_INT_DIGITS} digits")
        try:
            value = parse_number(literal, "number")
        except GmmMathError as err:
            raise self.fail(str(err)) from None
        return sp.Rational(value.numerator, value.denominator)

    def _name(self, node: ast.Name) -> sp.Expr:
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        return self.context.symbol(node.id)

    def _unary(self, node: ast.UnaryOp) -> sp.Expr:
        operation = _UNARY.get(type(node.op))
        if operation is None:
            raise self.fail(f"the operator {_REJECTED_OPERATORS.get(type(node.op), '?')} is not allowed")
        return operation(self.build(node.operand))

    def _binary(self, node: ast.BinOp) -> sp.Expr:
        if isinstance(node.op, ast.Pow):
            return self._power(self.build(node.left), self.build(node.right))
        operation = _BINARY.get(type(node.op))
        if operation is None:
            raise self.fail(f"the operator {_REJECTED_OPERATORS.get(type(node.op), '?')} is not allowed")
        return operation(self.build(node.left), self.build(node.right))

    def _power(self, base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
        if exponent.is_Rational:
            if abs(exponent) > MAX_EXPONENT or int(exponent.q) > MAX_EXPONENT:
                raise self.fail(f"the exponent {_short(exponent)} is too large (at most {MAX_EXPONENT} in size)")
            if base.is_Rational and _number_bits(base) * abs(Fraction(int(exponent.p), int(exponent.q))) \
                    > MAX_NUMBER_BITS:
                raise self.fail(f"the power {_short(base)}**{_short(exponent)} is too large to compute")
        elif exponent.is_number and (exponent.has(sp.oo) or exponent.has(sp.zoo)):
            raise self.fail("an infinite exponent is not accepted")
        return base**exponent

    def _call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only the functions exp, log, sqrt, Abs, N, logN may be called")
        name, functions = node.func.id, self.context.functions
        if name not in functions:
            raise self.fail(f"{name[:40]}(...) is not an accepted function "
                            f"(accepted: {', '.join(functions)})")
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.fail(f"{name}(...) takes plain positional arguments only")
        counts, function = functions[name]
        if len(node.args) not in counts:
            expected = " or ".join(str(count) for count in sorted(counts))
            raise self.fail(f"{name} takes {expected} argument(s), got {len(node.args)}")
        return function(*(self.build(arg) for arg in node.args))

    _HANDLERS: dict[type, Callable[[_Builder, ast.AST], sp.Expr]] = {
        ast.Constant: _constant,
        ast.Name: _name,
        ast.UnaryOp: _unary,
        ast.BinOp: _binary,
        ast.Call: _call,
    }


def parse_expression(text: str, assumptions: Iterable[str] = ()) -> sp.Expr:
    """Parse one expression under the given assumption strings (convenience wrapper).

    >>> parse_expression("logN(x, mu, sigma)")
    -log(sigma) - log(2*pi)/2 - (-mu + x)**2/(2*sigma**2)
    """
    return Context(parse_assumptions(assumptions)).parse(text)
