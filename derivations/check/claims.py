"""Symbolic side of ``gmm-math check``: limits split into cases, equivalence, steps files.

Everything here is SymPy and returns objects; the numeric evidence (mpmath) and
the time limit live in :mod:`gmm_math.numerics.check.runner`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import sympy as sp

from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.check.assumptions import WeightSum, states_weight_constraint
from gmm_math.derivations.check.calculus import replace_names
from gmm_math.derivations.check.conditions import sets_zero
from gmm_math.derivations.check.document import GREEK_NAMES, RELATION, plain_names, top_level
from gmm_math.derivations.check.functions import BIG_OPERATORS, FUNCTIONS
from gmm_math.derivations.check.grammar import is_tree, parse_text, source
from gmm_math.derivations.check.parser import Context
from gmm_math.derivations.check.safety import check_text
from gmm_math.derivations.printing import student_text as show_expr

MAX_CASE_DEPTH = 3
MAX_CASES = 12
MAX_STEP_LINES = 300
DIRECTIONS = ("+", "-", "+-")
_SIGN_MESSAGE = re.compile(r"Result depends on the sign of (.+)", re.DOTALL)
_POINT_FORM = 'a point such as 0+, 0-, 0 (two-sided), 1.5, oo or -oo'
_POINT = re.compile(r"[+-]?([0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|oo)[+-]?")


# ----------------------------------------------------------------------------------------------
# limits


@dataclass(frozen=True)
class LimitCase:
    """The limit under one set of conditions.

    Attributes
    ----------
    conditions : the conditions, e.g. ``("x_n = mu_j",)``; empty when unconditional
    side : "+" (from above) or "-" (from below)
    expr, var, point : the expression, variable and point with the conditions imposed
    limit : the limit (in case symbols), or None when SymPy could not decide
    restore : case symbol -> expression in the original symbols (to display results)
    values : original symbol -> expression in case symbols (to display sample points)
    reason : why ``limit`` is None
    fixed : the quantities the conditions set to a value (``x_n = mu_j``: x_n), in the original symbols
    """

    conditions: tuple[str, ...]
    side: str
    expr: sp.Expr
    var: sp.Symbol
    point: sp.Expr
    limit: sp.Expr | None
    restore: Mapping[sp.Symbol, sp.Expr] = field(default_factory=dict)
    values: Mapping[sp.Symbol, sp.Expr] = field(default_factory=dict)
    reason: str | None = None
    fixed: tuple[sp.Expr, ...] = ()

    @property
    def shown_limit(self) -> sp.Expr | None:
        """The limit in the original symbols."""
        return None if self.limit is None else self.limit.xreplace(self.restore)


@dataclass(frozen=True)
class LimitResult:
    """All cases of a limit; one unconditional case when SymPy decided directly."""

    cases: tuple[LimitCase, ...]
    note: str

    @property
    def split(self) -> bool:
        return len(self.cases) > 1 or bool(self.cases[0].conditions)


def parse_point(text: str) -> tuple[str, str]:
    """Split ``"0+"`` into the point text and a direction ("+", "-" or "+-" for two-sided).

    >>> parse_point("0+"), parse_point("-oo"), parse_point("1")
    (('0', '+'), ('-oo', '+'), ('1', '+-'))
    """
    body = check_text(text, "limit point").strip().replace(" ", "")
    for written, side in (("^{+}", "+"), ("^{-}", "-"), ("^+", "+"), ("^-", "-")):  # 0^+ as in LaTeX
        body = body.replace(written, side)
    body = body.replace("\\infty", "oo")
    if not _POINT.fullmatch(body):
        raise GmmMathError(f"the limit point {body[:30]!r} is not {_POINT_FORM}, optionally followed by + or - "
                           f"for a one-sided limit", parameter="to")
    if body.endswith(("+", "-")) and len(body) > 1:
        return body[:-1].strip(), body[-1]
    if body.lstrip("+-").strip() == "oo":
        return body, "+"
    return body, "+-"


def domain_direction(var: sp.Symbol, point: sp.Expr, direction: str) -> str:
    """The direction allowed by the variable's sign: a positive sigma can only reach 0 from above.

    A two-sided limit of a positive (negative) variable at 0 is its limit from above (below);
    approaching from the other side is refused.
    """
    if point != 0 or (not var.is_positive and not var.is_negative):
        return direction
    inside = "+" if var.is_positive else "-"
    if direction == "+-":
        return inside
    if direction != inside:
        kind = "positive" if var.is_positive else "negative"
        raise GmmMathError(f"{show_expr(var)} is {kind}, so it cannot approach 0 from "
                           f"{'below' if inside == '+' else 'above'} (assume {show_expr(var)} != 0 to let it take "
                           f"both signs)")
    return direction


def _unevaluated(value: sp.Expr) -> bool:
    return value.has(sp.Limit) or value.has(sp.nan)


def _one_limit(expr: sp.Expr, var: sp.Symbol, point: sp.Expr, side: str) -> sp.Expr:
    return sp.limit(expr, var, point, side)


def limit_by_cases(expr: sp.Expr, var: sp.Symbol, point: sp.Expr, direction: str) -> LimitResult:
    """The one- or two-sided limit, split into sign cases where SymPy needs them.

    SymPy's Gruntz algorithm raises ``NotImplementedError("Result depends on the
    sign of ...")`` when the answer depends on the sign of a quantity built from
    the other symbols. That quantity is split into ``= 0``, ``> 0`` and ``< 0``
    (cases SymPy already knows to be impossible are left out) and the limit is
    taken again in each case, up to :data:`MAX_CASE_DEPTH` nested splits.
    """
    if direction not in DIRECTIONS:
        raise GmmMathError(f"direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
    sides = ("+", "-") if direction == "+-" and point.is_finite is not False else (direction[0],)
    expr, restore = _named_sums(expr, var)
    cases: list[LimitCase] = []
    for side in sides:
        base = LimitCase((), side, expr, var, point, None, restore)
        cases.extend(_split(base, 0, cases))
    limits = {case.shown_limit for case in cases}
    if len(sides) == 2 and len(cases) == 2 and None not in limits and len(limits) == 1:
        return LimitResult((LimitCase((), "+-", expr, var, point, cases[0].limit),), "SymPy limit")
    if len(sides) == 2:
        cases = [_with_side(case) for case in cases]
    note = "SymPy limit" if len(cases) == 1 and not cases[0].conditions else "SymPy limit, by cases"
    return LimitResult(tuple(cases), note)


def _named_sums(expr: sp.Expr, var: sp.Symbol) -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
    """Sums and products that do not involve ``var``, each as one symbol with the sign of its terms.

    SymPy cannot take a limit through a general-N sum, but it can through a symbol; a sum of
    squares is a nonnegative symbol, so the cases "= 0" and "> 0" are split like any other sign.
    Returns the expression and the map back (symbol -> sum).
    """
    found = [node for node in expr.atoms(sp.Sum, sp.Product) if var not in node.free_symbols]
    outer = [node for node in found if not any(other != node and other.has(node) for other in found)]
    taken = {symbol.name for symbol in expr.free_symbols}
    restore: dict[sp.Symbol, sp.Expr] = {}
    for node in sorted(outer, key=sp.default_sort_key):
        sign = _term_sign(node)
        if sign is None:
            continue
        symbol = _fresh(show_expr(node), taken, **{sign: True})
        taken.add(symbol.name)
        restore[symbol] = node
    return expr.xreplace({node: symbol for symbol, node in restore.items()}), restore


def _term_sign(node: sp.Expr) -> str | None:
    """"positive" / "nonnegative" for a sum or product of terms of that sign, else None.

    A sum of nonnegative terms is nonnegative over any range (an empty sum is 0); it is positive
    when its terms are and its range 1..N is not empty. A product of positive terms is positive.
    """
    if len(node.limits) != 1:
        return None
    term, (_, low, high) = node.function, node.limits[0]
    sign = definite_sign(term)
    if isinstance(node, sp.Product):
        return "positive" if sign == "positive" else None
    if sign == "positive" and not (low == 1 and high.is_positive):
        return "nonnegative"
    return sign if sign in ("positive", "nonnegative") else None


def _with_side(case: LimitCase) -> LimitCase:
    approach = f"{show_expr(case.var)} -> {show_expr(case.point)}{case.side}"
    return replace(case, conditions=(approach, *case.conditions))


def _split(case: LimitCase, depth: int, done: list[LimitCase]) -> list[LimitCase]:
    """The limit in ``case``; split further when SymPy needs a sign (it raises) or answers with one."""
    try:
        value = _one_limit(case.expr, case.var, case.point, case.side)
    except NotImplementedError as err:
        found = _by_cases(case, _sign_quantity(str(err), case), depth, done)
        reason = "SymPy cannot take a limit through a sum or product over a general N" \
            if case.expr.has(sp.Sum, sp.Product) else "SymPy cannot take this limit"
        return found or [_undecided(case, reason)]
    except (ValueError, TypeError, ArithmeticError, RecursionError, AttributeError):
        return [_undecided(case, "SymPy failed while taking this limit")]
    if _unevaluated(value):
        return [_undecided(case, "SymPy returned the limit unevaluated")]
    value = _decided_signs(value)
    found = _by_cases(case, _sign_in_result(value, case), depth, done)  # e.g. oo*sign(x_n**2)
    return found or [replace(case, limit=value, reason=None)]


def _by_cases(case: LimitCase, quantity: sp.Expr | None, depth: int, done: list[LimitCase]) -> list[LimitCase]:
    """The limit in each sign case of ``quantity`` ([] when no split is possible or allowed)."""
    if quantity is None or depth >= MAX_CASE_DEPTH or len(done) >= MAX_CASES:
        return []
    found: list[LimitCase] = []
    for sub in _impose_signs(case, quantity):
        found.extend(_split(sub, depth + 1, done + found))
    return found


def definite_sign(quantity: sp.Expr) -> str | None:
    """"positive", "nonnegative", "negative", "nonpositive" or None, for all real values of the symbols.

    Beyond SymPy's own assumptions: a polynomial of degree 2 is decided by completing the square
    (its minimum over the reals, exactly), e.g. x_1**2 - 2*x_1*x_2 + x_2**2 + 1 is positive.
    """
    for fact in ("positive", "nonnegative", "negative", "nonpositive"):
        if getattr(quantity, f"is_{fact}"):
            return fact
    for sign, flipped in ((1, {"positive": "positive", "nonnegative": "nonnegative"}),
                          (-1, {"positive": "negative", "nonnegative": "nonpositive"})):
        found = _quadratic_lower_bound(sign * quantity)
        if found in flipped:
            return flipped[found]
    return None


def _quadratic_lower_bound(quantity: sp.Expr) -> str | None:
    """'positive' / 'nonnegative' when a real quadratic polynomial is bounded below by a positive / zero minimum."""
    symbols = sorted(quantity.free_symbols, key=sp.default_sort_key)
    if not symbols or len(symbols) > 6 or not all(symbol.is_real for symbol in symbols):
        return None
    try:
        poly = sp.Poly(sp.expand(quantity), *symbols)
    except (sp.PolynomialError, sp.GeneratorsNeeded, ValueError, TypeError):
        return None
    if poly.total_degree() != 2 or not all(coefficient.is_Rational for coefficient in poly.coeffs()):
        return None
    expr = poly.as_expr()
    hessian = sp.hessian(expr, symbols)
    if not hessian.is_positive_semidefinite:
        return None
    gradient = sp.Matrix([sp.diff(expr, symbol) for symbol in symbols])
    try:
        solution, free = hessian.gauss_jordan_solve(-gradient.subs({symbol: 0 for symbol in symbols}))
    except ValueError:  # no stationary point: unbounded below along a flat direction
        return None
    point = {symbol: value.subs({parameter: 0 for parameter in free}) for symbol, value in zip(symbols, solution)}
    minimum = expr.subs(point)
    if minimum.is_positive:
        return "positive"
    return "nonnegative" if minimum.is_zero else None


def _decided_signs(value: sp.Expr) -> sp.Expr:
    """sign(q) -> 1 or -1 where the sign of q is decided for all real values (see :func:`definite_sign`)."""
    known = {}
    for atom in value.atoms(sp.sign):
        sign = definite_sign(atom.args[0])
        if sign in ("positive", "negative"):
            known[atom] = sp.S.One if sign == "positive" else sp.S.NegativeOne
    return value.xreplace(known) if known else value


def _sign_in_result(value: sp.Expr, case: LimitCase) -> sp.Expr | None:
    """A quantity of unknown sign inside sign(...) in a limit SymPy returned, if any."""
    for atom in sorted(value.atoms(sp.sign), key=sp.default_sort_key):
        quantity = _reduce(sp.factor(atom.args[0]))
        if quantity is not None and case.var not in quantity.free_symbols:
            return quantity
    return None


def _undecided(case: LimitCase, reason: str) -> LimitCase:
    return replace(case, limit=None, reason=reason)


class _KnownSymbols(Context):
    """Parses SymPy's own printed output back, with the symbols already in use (and ``sign``)."""

    functions = {**Context.functions, "sign": (frozenset({1}), sp.sign)}

    def __init__(self, symbols: Mapping[str, sp.Symbol]) -> None:
        super().__init__(language="ascii")
        self._known = dict(symbols)

    def symbol(self, name: str) -> sp.Symbol:
        if name not in self._known:
            raise GmmMathError(f"unknown symbol {name}")
        return self._known[name]


def _sign_quantity(message: str, case: LimitCase) -> sp.Expr | None:
    """The quantity whose sign SymPy needs, read back from its message (our own safe parser)."""
    match = _SIGN_MESSAGE.search(message)
    symbols = {symbol.name: symbol for symbol in case.expr.free_symbols | case.point.free_symbols}
    parsed = None
    if match:
        try:
            parsed = _KnownSymbols(symbols).parse(match.group(1).strip(), "SymPy message")
        except GmmMathError:
            parsed = None
    if parsed is not None:
        inner = sorted(parsed.atoms(sp.sign), key=sp.default_sort_key)
        quantity = _reduce(inner[0].args[0] if inner else parsed)
        if quantity is not None and case.var not in quantity.free_symbols:
            return quantity
    unknown = [symbol for symbol in sorted(case.expr.free_symbols - {case.var}, key=sp.default_sort_key)
               if symbol.is_positive is None and symbol.is_negative is None]
    return unknown[0] if unknown else None


def _reduce(quantity: sp.Expr) -> sp.Expr | None:
    """Strip what does not change the sign question: even powers, Abs, factors of known sign."""
    for _ in range(20):
        if quantity.is_Pow and quantity.exp.is_even:
            quantity = quantity.base
        elif isinstance(quantity, sp.Abs):
            quantity = quantity.args[0]
        elif quantity.is_Mul:
            unknown = [factor for factor in quantity.args if not factor.is_positive and not factor.is_negative]
            if not unknown:
                return None
            quantity = sorted(unknown, key=sp.default_sort_key)[0]
        else:
            break
    return None if quantity.is_number else quantity


def _fresh(name: str, taken: set[str], **assumptions: bool) -> sp.Symbol:
    candidate, index = name, 1
    while candidate in taken:
        candidate, index = f"{name}{index}", index + 1
    return sp.Symbol(candidate, real=True, **assumptions)


def _impose_signs(case: LimitCase, quantity: sp.Expr) -> list[LimitCase]:
    """The sub-cases quantity = 0, > 0, < 0, each imposed by solving for a symbol it is linear in.

    The label x of indexed data x[m] and integer symbols (counts, indices) are never split on.
    """
    labels = {indexed.base.label for indexed in (case.expr.atoms(sp.Indexed) | quantity.atoms(sp.Indexed))}
    for symbol in sorted(quantity.free_symbols - {case.var} - labels, key=sp.default_sort_key):
        if not symbol.is_Symbol or symbol.is_integer:
            continue
        coefficient = sp.diff(quantity, symbol)
        rest = sp.expand(quantity - coefficient * symbol)
        if coefficient == 0 or coefficient.has(symbol) or rest.has(symbol):
            continue
        taken = {s.name for s in case.expr.free_symbols | quantity.free_symbols | set(case.restore)}
        sub_cases = []
        for relation, assumption in (("=", None), (">", "positive"), ("<", "negative")):
            if not _possible(quantity, relation):
                continue
            target = sp.S.Zero if assumption is None else _fresh(f"d_{symbol.name}", taken, **{assumption: True})
            solution = (target - rest) / coefficient
            restore = {**case.restore}
            if assumption is not None:
                restore[target] = quantity.xreplace(case.restore)
            fixed = None if relation != "=" else (symbol if coefficient.is_positive or coefficient.is_negative
                                                  else quantity).xreplace(case.restore)
            sub_cases.append(_substituted(case, symbol, solution, restore,
                                          _condition(symbol, relation, coefficient, rest, quantity, case), fixed))
        return sub_cases
    return []


def _possible(quantity: sp.Expr, relation: str) -> bool:
    known = {"=": quantity.is_zero is False, ">": quantity.is_nonpositive, "<": quantity.is_nonnegative}
    return not known[relation]


def _condition(symbol: sp.Symbol, relation: str, coefficient: sp.Expr, rest: sp.Expr, quantity: sp.Expr,
               case: LimitCase) -> str:
    """Readable condition: 'x_n = mu_j', 'x_n > mu_j', ... (in the original symbols)."""
    bound = show_expr(sp.simplify(-rest / coefficient).xreplace(case.restore))
    shown = show_expr(symbol.xreplace(case.restore))
    if relation == "=" or coefficient.is_positive:
        return f"{shown} {relation} {bound}"
    if coefficient.is_negative:
        return f"{shown} {'<' if relation == '>' else '>'} {bound}"
    return f"{show_expr(quantity.xreplace(case.restore))} {relation} 0"


def _substituted(case: LimitCase, symbol: sp.Symbol, solution: sp.Expr, restore: dict,
                 condition: str, fixed: sp.Expr | None = None) -> LimitCase:
    swap = {symbol: solution}
    values = {original: value.xreplace(swap) for original, value in case.values.items()}
    values.setdefault(symbol, solution)
    return LimitCase((*case.conditions, condition), case.side, case.expr.xreplace(swap), case.var,
                     case.point.xreplace(swap), None, restore, values,
                     fixed=case.fixed if fixed is None else (*case.fixed, fixed))


# ----------------------------------------------------------------------------------------------
# equality


@dataclass(frozen=True)
class Equivalence:
    """Result of the symbolic equivalence attempt.

    Attributes
    ----------
    proved : True when some transformation reduced LHS - RHS to 0
    method : the transformation that did it, or the last one tried
    residual : LHS - RHS after the last transformation
    """

    proved: bool
    method: str
    residual: sp.Expr

    @property
    def refuted(self) -> bool:
        """LHS - RHS reduced to a nonzero number: not equal anywhere."""
        return not self.proved and self.residual.is_number and self.residual.is_zero is False

    def describe(self) -> str:
        if self.method == "identical":
            return "LHS and RHS are identical"
        if self.proved:
            return f"{self.method}(LHS - RHS) = 0"
        if self.refuted:
            return f"{self.method}(LHS - RHS) = {show_expr(self.residual)} (not 0)"
        return f"{self.method}(LHS - RHS) = {show_expr(self.residual)} (not reduced to 0)"


def _expand_log(expr: sp.Expr) -> sp.Expr:
    return sp.expand_log(sp.expand(expr), force=False)


def _split_sum(total: sp.Sum) -> sp.Expr:
    """Sum(c*f + g) -> c*Sum(f) + Sum(g) for c free of the index; Sum(c) -> (number of terms)*c."""
    if len(total.limits) != 1:
        return total
    (index, low, high), = total.limits
    result = sp.S.Zero
    for term in sp.Add.make_args(sp.expand(_expand_log(total.function))):
        constant, rest = term.as_independent(index, as_Add=False)
        result += constant * ((high - low + 1) if rest == 1 else sp.Sum(rest, (index, low, high)))
    return result


def _log_of_product(node: sp.log) -> sp.Expr:
    product = node.args[0]
    return sp.Sum(sp.log(product.function), *product.limits)


def normal_sums(expr: sp.Expr) -> sp.Expr:
    """log(Product(f)) -> Sum(log f) (f > 0), then sums split into constant multiples of simple sums."""
    expr = expr.replace(lambda node: isinstance(node, sp.log) and isinstance(node.args[0], sp.Product)
                        and node.args[0].function.is_positive, _log_of_product)
    expr = expr.replace(lambda node: isinstance(node, sp.Sum), _split_sum)
    return sp.expand(_expand_log(expr))


_TRANSFORMS: tuple[tuple[str, Callable[[sp.Expr], sp.Expr]], ...] = (
    ("expand", sp.expand),
    ("sums", normal_sums),
    ("expand_log", _expand_log),
    ("simplify(expand_log)", lambda expr: sp.simplify(_expand_log(expr))),
    ("simplify", sp.simplify),
)


def _is_weight_total(node: sp.Expr, facts: Sequence[WeightSum]) -> bool:
    if not isinstance(node, sp.Sum) or len(node.limits) != 1:
        return False
    (index, low, high), = node.limits
    term = node.function
    return low == 1 and isinstance(term, sp.Indexed) and term.indices == (index,) and any(
        fact.count is not None and str(term.base.label) == fact.base and getattr(high, "name", None) == fact.count
        for fact in facts)


def use_weight_sums(expr: sp.Expr, facts: Sequence[WeightSum]) -> sp.Expr:
    """sum(pi_k, k=1..K) -> 1 where the weights are stated to sum to 1 (sums split first)."""
    if not any(fact.count is not None for fact in facts):
        return expr
    split = normal_sums(expr)
    return sp.expand(split.replace(lambda node: _is_weight_total(node, facts), lambda node: sp.S.One))


def equivalence(lhs: sp.Expr, rhs: sp.Expr, facts: Sequence[WeightSum] = ()) -> Equivalence:
    """Try to reduce ``lhs - rhs`` to 0: expand, expand_log (with the symbols' assumptions), simplify;
    with ``facts`` (weights summing to 1 over a symbolic K) also the sums rewritten by them."""
    if lhs == rhs:
        return Equivalence(True, "identical", sp.S.Zero)
    if lhs.has(sp.oo, -sp.oo, sp.zoo) or rhs.has(sp.oo, -sp.oo, sp.zoo):
        return Equivalence(False, "compare", lhs - rhs)
    difference = lhs - rhs
    residual = difference
    transforms = _TRANSFORMS
    if any(fact.count is not None for fact in facts):
        with_facts = ("use_weight_sums", lambda expr: use_weight_sums(expr, facts))
        transforms = (*_TRANSFORMS[:2], with_facts,
                      ("simplify(use_weight_sums)",
                       lambda expr: sp.simplify(use_weight_sums(expr, facts))), *_TRANSFORMS[2:])
    for method, transform in transforms:
        residual = transform(difference)
        if residual == 0:
            return Equivalence(True, method, residual)
    return Equivalence(False, transforms[-1][0], residual)


def same_value(value: sp.Expr, claim: sp.Expr) -> bool | None:
    """Whether a limit equals a claimed value: True, False, or None (symbolically undecided)."""
    if value == claim:
        return True
    if value.is_infinite or claim.is_infinite or value.has(sp.zoo, sp.nan) or claim.has(sp.zoo, sp.nan):
        return False if (value.is_infinite or claim.is_infinite) else None
    result = equivalence(value, claim)
    return True if result.proved else (False if result.refuted else None)


# ----------------------------------------------------------------------------------------------
# steps files

_LIMIT_START = re.compile(r"(&?=\s*)?(limit\s*\(|\\lim(?![a-z]))")
_LATEX_FRAME = re.compile(r"\\(begin|end)\{(align|equation|gather|multline)\*?\}|\\\[|\\\]|\$\$")
# a line that may name its left side (the worker decides): NAME =, NAME(ARGS) =, log NAME(ARGS) =, \ln L &= ...
_MAY_NAME = re.compile(r"\s*(\\?(log|ln)\s*\(?\s*)?\\?[A-Za-z][A-Za-z0-9_{}]*\s*(\([^()=]*\))?\s*\)?\s*&?\s*=(?!=)")
MAX_NAMES = 16
_EQUAL_START = re.compile(r"&?\s*=(?!=)")
_LET = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9_{}]*)\s*(?P<op><=|>=|!=|=|<|>)\s*(?P<rest>.*)", re.DOTALL)
RELATIONS = ("=", "<=", ">=", "<", ">")
MAX_EARLIER = 8  # step lines above a line that it may be compared with (the nearest readable one)
MAX_CONDITIONS = 8  # conditions (EXPR = 0 lines) a conclusion is looked up in


@dataclass(frozen=True)
class StepLine:
    """One line of a steps file, classified by its text alone (parsing happens in the worker).

    Attributes
    ----------
    line : 1-based line number
    text : the line as written
    kind : "comment", "assumption", "definition", "constraint" (a stated constraint on the weights, an
        assumption written without ``assume:``), "limit" or "step"
    body : the text after the ``assume:``/``let:`` prefix (or the whole line)
    previous : for step lines, the number of the previous step line (None: none)
    earlier : for step lines, the step lines above (number, text), nearest first: a continuation or a
        bare expression is compared with the nearest one that can be read
    assumptions : assumption strings in force on this line (``let: S > 0`` facts included)
    definitions : (name, expression text) of the ``let: S = ...`` lines, this one included
    adds : for assumption and definition lines, which of the two tuples this line extended
    names : for each earlier step line that may name its left side (``log L(sigma) = ...``), its text
        and the ``= ...`` lines that continue it; later lines mean the named expression where they
        write the name (in the chain's last form, the simplest for SymPy)
    conditions : the texts of the step lines ``EXPR = 0`` above (conditions in force): ``NAME = ...``
        naming one of their unknowns is a conclusion, never a definition
    name_conditions : for each entry of ``names``, how many of ``conditions`` were in force at its line
    later : (name, line) of the ``let: NAME = ...`` lines below this step line whose name it uses and no
        definition above gives ("where we have defined N_k = ...", PRML 9.18 after 9.17): those definitions are
        in ``definitions`` too, read as a marker reads them
    """

    line: int
    text: str
    kind: str
    body: str = ""
    previous: int | None = None
    earlier: tuple[tuple[int, str], ...] = ()
    assumptions: tuple[str, ...] = ()
    definitions: tuple[tuple[str, str], ...] = ()
    adds: str | None = None
    names: tuple[tuple[str, ...], ...] = ()
    conditions: tuple[str, ...] = ()
    name_conditions: tuple[int, ...] = ()
    later: tuple[tuple[str, int], ...] = ()


def _later_definitions(lines: Sequence[str]) -> list[tuple[int, str, str]]:
    """The ``let: NAME = EXPR`` lines of a file: (line, name, expression text), the first for each name."""
    found: dict[str, tuple[int, str, str]] = {}
    for number, raw in enumerate(lines, start=1):
        body = raw.strip()
        match = _LET.fullmatch(body.split(":", 1)[1].strip()) if body.lower().startswith("let:") else None
        if match and match.group("op") == "=" and match.group("name") not in found:
            found[match.group("name")] = (number, match.group("name"), match.group("rest").strip())
    return list(found.values())


def _hoisted(number: int, body: str, definitions: tuple[tuple[str, str], ...],
             lets: Sequence[tuple[int, str, str]]) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, int], ...]]:
    """The definitions below line ``number`` that its body uses and none above gives, with their lines."""
    defined = {name for name, _ in definitions}
    below = [(line, name, rest) for line, name, rest in lets
             if line > number and name not in defined and name in plain_names(body)]
    return tuple((name, rest) for _, name, rest in below), tuple((name, line) for line, name, _ in below)


def plan_steps(text: str) -> list[StepLine]:
    """Classify every line of a steps file by its text (no expression is parsed here).

    ``#`` lines and blank lines are comments, ``assume: ...`` adds assumptions for the lines
    below, ``let: S = EXPR`` defines a name and ``let: S > 0`` states a fact about it,
    ``limit(EXPR, VAR, POINT, DIR) = VALUE`` is a limit claim, a line that only constrains the weights
    (``sum(pi_k, k=1..K) = 1``, ``0 <= pi_k <= 1``) is an assumption as stated, any other line is a step:
    a relation chain, a continuation ``= EXPR`` / ``<= EXPR`` of the previous step line, a bare
    expression (continuing the chain above as ``= EXPR`` would), or ``NAME = EXPR`` naming an
    expression (a conclusion when NAME is an unknown of a condition ``EXPR = 0`` above).
    """
    if not isinstance(text, str):
        raise GmmMathError("the steps file must be text")
    lines = text.splitlines()
    if len(lines) > MAX_STEP_LINES:
        raise GmmMathError(f"the steps file has {len(lines)} lines; at most {MAX_STEP_LINES} are accepted")
    assumptions: tuple[str, ...] = ()
    definitions: tuple[tuple[str, str], ...] = ()
    names: tuple[tuple[str, ...], ...] = ()
    name_conditions: tuple[int, ...] = ()
    conditions: tuple[str, ...] = ()
    earlier: tuple[tuple[int, str], ...] = ()
    plan: list[StepLine] = []
    lets = _later_definitions(lines)
    for number, raw in enumerate(lines, start=1):
        raw = raw.rstrip("\r")
        body = raw.strip()
        lowered = body.lower()
        if not body or body.startswith(("#", "%")) or _LATEX_FRAME.fullmatch(body):
            plan.append(StepLine(number, raw, "comment"))
        elif lowered.startswith(("assume:", "let:")):
            rest = body.split(":", 1)[1].strip()
            match = _LET.fullmatch(rest) if lowered.startswith("let:") else None
            if match and match.group("op") == "=":
                definitions, adds = (*definitions, (match.group("name"), match.group("rest").strip())), "definitions"
            else:
                assumptions, adds = (*assumptions, rest), "assumptions"
            kind = "definition" if lowered.startswith("let:") else "assumption"
            plan.append(StepLine(number, raw, kind, rest, assumptions=assumptions, definitions=definitions,
                                 adds=adds))
        elif states_weight_constraint(body):  # PRML (9.9) on a line of its own: stated, held in force below
            restated = body in assumptions  # the same constraint restated in a later section is the same fact
            assumptions = assumptions if restated else (*assumptions, body)
            plan.append(StepLine(number, raw, "constraint", body, assumptions=assumptions, definitions=definitions,
                                 adds=None if restated else "assumptions"))
        elif _LIMIT_START.match(body):
            below, later = _hoisted(number, body, definitions, lets)
            plan.append(StepLine(number, raw, "limit", body.lstrip("&=").strip(), assumptions=assumptions,
                                 definitions=(*definitions, *below), names=names, conditions=conditions,
                                 name_conditions=name_conditions, later=later))
        else:
            below, later = _hoisted(number, body, definitions, lets)
            plan.append(StepLine(number, raw, "step", body, earlier[0][0] if earlier else None, earlier,
                                 assumptions, (*definitions, *below), names=names, conditions=conditions,
                                 name_conditions=name_conditions, later=later))
            if _MAY_NAME.match(body) and len(names) < MAX_NAMES:
                names, name_conditions = (*names, (body,)), (*name_conditions, len(conditions))
            elif names and earlier and names[-1][-1] == earlier[0][1] and _EQUAL_START.match(body):
                names = (*names[:-1], (*names[-1], body))  # "= ..." continues the chain of the last named line
            if sets_zero(body) and len(conditions) < MAX_CONDITIONS:
                conditions = (*conditions, _stated_zero(body, earlier[0][1] if earlier else None))
            earlier = ((number, body), *earlier)[:MAX_EARLIER]
    if all(step.kind == "comment" for step in plan):  # assumptions alone (PRML 9.8-9.9) are shown: nothing checked
        raise GmmMathError("the steps file has no step or limit lines (expected one step per line, "
                           "e.g. log(N(x, mu, sigma)) then = logN(x, mu, sigma))")
    return plan


def _stated_zero(body: str, above: str | None) -> str:
    """The condition a line ``EXPR = 0`` states; for a continuation ``= 0`` (``&= 0``), the last side of the line
    above set to 0, so that its unknowns are those of the expression it continues."""
    if above is None or not _EQUAL_START.match(body) or is_written_limit(above):
        return body
    relations = top_level(above, RELATION)
    if not relations:
        return body
    side = re.sub(r"\\\\\s*$|(?<!\\)%.*$", "", above[relations[-1].end():]).strip()
    return f"{side} = 0" if side else body


@dataclass(frozen=True)
class ReadLine:
    """A step line parsed: its expressions and the relations between them.

    Attributes
    ----------
    continues : the relation a continuation line starts with ("=", "<=", ...), else None
    name : the text of a named left side (``log(L)``, ``L(sigma)``), else None
    exprs : the expressions of the chain, in order (after the named left side)
    relations : relations between consecutive expressions (len(exprs) - 1 of them)
    texts : the source text of each expression
    named : the named left side as an expression: ``log(L)`` for ``log L(sigma)``, ``L`` for ``L(sigma)``
    """

    continues: str | None
    name: str | None
    exprs: tuple[sp.Expr, ...]
    relations: tuple[str, ...]
    texts: tuple[str, ...]
    named: sp.Expr | None = None
    marker: str | None = None  # "consequence" (=>, so, hence, \implies) or "equivalence" (<=>, \iff)


def _relation(token: object) -> str:
    value = "=" if str(token) in ("==", "~=") else str(token)  # ~= (approximately): numbers at their precision
    if value not in RELATIONS:
        raise GmmMathError(f"a step relates expressions by =, <=, >=, < or >, not {value!r}")
    return value


# a parameter (a Greek name, as in PRML): its power on the left of a line names it (sigma_k^2 = ...)
_PARAMETER = re.compile(rf"(?:{GREEK_NAMES}|lam|eps)(?:_.*)?")


def _naming(tree: object, context: Context, power: bool = True) -> bool:
    """Is this left side a bare name (optionally a call of an unknown function, optionally inside log), or
    (``power``) a power of a parameter?"""
    if is_tree(tree, "apply", "call") and str(tree.children[0]) in ("log", "ln"):
        inner = tree.children[1]
        inner = inner.children[0] if is_tree(inner, "operand", "arguments") and len(inner.children) == 1 else inner
        return _naming(inner, context, power=False)
    if is_tree(tree, "name"):
        return str(tree.children[0]) not in ("pi", "E", "oo")
    if power and is_tree(tree, "pow") and is_tree(tree.children[0], "name") and is_tree(tree.children[-1], "number"):
        return bool(_PARAMETER.fullmatch(str(tree.children[0].children[0])))  # sigma_k^2 = ...: an update
    if is_tree(tree, "call"):
        name = str(tree.children[0])
        return name not in FUNCTIONS and name not in BIG_OPERATORS and name not in ("limit", "det", "diff", "d") \
            and all(is_tree(arg, "name") or is_tree(arg, "pow") and is_tree(arg.children[0], "name")
                    for arg in tree.children[1].children)  # p(x | mu, sigma^2): powers in the conditioning list
    return False


def _named_expr(tree: object, context: Context) -> sp.Expr:
    """The expression a named left side stands for: ``log(L)`` for ``log L(sigma)``, ``L`` for ``L(sigma)``."""
    if is_tree(tree, "apply", "call") and str(tree.children[0]) in ("log", "ln"):
        inner = tree.children[1]
        inner = inner.children[0] if is_tree(inner, "operand", "arguments") and len(inner.children) == 1 else inner
        return sp.log(_named_expr(inner, context))
    if is_tree(tree, "pow"):
        return sp.Pow(context.symbol(str(tree.children[0].children[0])), context.build(tree.children[-1], "", "step"))
    return context.symbol(str(tree.children[0]))


def read_line(text: str, context: Context) -> ReadLine:
    """Parse a step line (in the worker): a chain, a continuation, or a named left side."""
    tree, text = parse_text(text, "step", "line", context.language)
    parts = list(tree.children)
    continues = marker = None
    if is_tree(parts[0], "marker"):  # => so hence (consequence), <=> iff (equivalence): issue 20 gives the meaning
        marker, parts = str(parts[0].children[0].type).lower(), parts[1:]
    if not hasattr(parts[0], "data"):
        continues, parts = _relation(parts[0]), parts[1:]
    trees, relations = parts[0::2], [_relation(token) for token in parts[1::2]]
    name = named = None
    if continues is None and len(trees) >= 2 and relations[0] == "=" and _naming(trees[0], context) \
            and (marker is None or not is_tree(trees[0], "pow")):
        named = _named_expr(trees[0], context)
        name, trees, relations = source(trees[0], text).strip(), trees[1:], relations[1:]
    exprs = tuple(context.build(item, text, "step") for item in trees)
    if isinstance(named, sp.Pow) and named.base in exprs[0].free_symbols:
        # sigma^2 = sigma*sigma defines nothing (its name is on both sides): an identity, read as written
        name, named, trees, relations = None, None, parts[0::2], [_relation(token) for token in parts[1::2]]
        exprs = tuple(context.build(item, text, "step") for item in trees)
    return ReadLine(continues, name, exprs, tuple(relations), tuple(source(item, text).strip() for item in trees),
                    named, marker)


def named_symbol(named: sp.Expr) -> sp.Symbol:
    """The symbol a named left side names (``L`` for ``log(L)``, ``sigma_k`` for ``sigma_k**2``)."""
    return named.args[0] if isinstance(named, (sp.log, sp.Pow)) else named


def naming(named: sp.Expr, value: sp.Expr) -> dict[sp.Expr, sp.Expr]:
    """What a line ``NAME = value`` lets later lines replace: ``log(L) -> value`` and ``L -> exp(value)``
    for a name inside log, ``L -> value`` for a bare name."""
    if isinstance(named, sp.log):
        return {named: value, named.args[0]: sp.exp(value)}
    if isinstance(named, sp.Pow):
        return {}  # sigma_k^2 = ... (an update) gives the line a meaning, but no value to sigma_k below
    return {named: value}


_COMPOSED = {("=", r): r for r in RELATIONS} | {(r, "="): r for r in RELATIONS} | {
    ("<=", "<="): "<=", ("<=", "<"): "<", ("<", "<="): "<", ("<", "<"): "<",
    (">=", ">="): ">=", (">=", ">"): ">", (">", ">="): ">", (">", ">"): ">"}


def compose(first: str | None, second: str | None) -> str | None:
    """The relation a chain concludes: a = b <= c gives a <= c; a <= b >= c concludes nothing (None)."""
    if first is None or second is None:
        return None
    return _COMPOSED.get((first, second))


def is_written_limit(text: str) -> bool:
    """Does ``text`` start with a written-out limit, ``limit(...)`` or ``\\lim_{...}``?"""
    return bool(_LIMIT_START.match(text.strip()))


def read_limit(text: str, context: Context, claim_needed: bool = True) -> dict:
    """``limit(EXPR, VAR, POINT[, DIR]) = VALUE`` parsed (in the worker) into SymPy parts.

    With ``claim_needed=False`` the ``= VALUE`` may be left out (then ``claim`` is None).
    """
    tree, text = parse_text(text, "limit line", "line", context.language)
    parts = [part for part in tree.children if hasattr(part, "data")]
    relations = [str(part) for part in tree.children if not hasattr(part, "data")]
    call = parts[0]
    bare = not claim_needed and len(parts) == 1 and not relations
    if not (is_tree(call, "call") and str(call.children[0]) == "limit") or not bare and (
            len(parts) != 2 or relations != ["="]):
        raise GmmMathError("a limit line reads limit(EXPR, VAR, POINT, +) = VALUE "
                           "(direction +, - or omitted for two-sided; POINT may be 0+ or oo)")
    args = list(call.children[1].children) if is_tree(call.children[1], "arguments") else []
    if len(args) not in (3, 4):
        raise GmmMathError("limit(...) takes EXPR, VAR, POINT and optionally a direction + or -")
    if not is_tree(args[1], "name"):
        raise GmmMathError("the second argument of limit(...) is the variable, e.g. sigma")
    point_text = source(args[2], text).replace(" ", "")
    if len(args) == 4:
        if not is_tree(args[3], "side") or point_text.endswith(("+", "-")):
            raise GmmMathError("give the direction once, as the fourth argument + or - (or as 0+)")
        point_text += str(args[3].children[0])
    return {"expr": context.build(args[0], text, "limit expression"), "var": str(args[1].children[0]),
            "to": point_text, "claim": None if bare else context.build(parts[1], text, "limit value"),
            "expr_text": source(args[0], text), "claim_text": None if bare else source(parts[1], text)}


# ----------------------------------------------------------------------------------------------
# shipped examples

EXAMPLES_FOLDER = "examples"


def example_names() -> list[str]:
    """Names of the shipped example steps files (without ``.txt``)."""
    folder = resources.files("gmm_math.derivations.check").joinpath(EXAMPLES_FOLDER)
    return sorted(item.name[:-4] for item in folder.iterdir() if item.name.endswith(".txt"))


def example_path(name: str) -> Path:
    """The path of a shipped example, e.g. ``example_path("single_collapse_correct")``."""
    names = example_names()
    if name not in names:
        raise GmmMathError(f"no example named {name!r} (available: {', '.join(names)})")
    return Path(str(resources.files("gmm_math.derivations.check").joinpath(EXAMPLES_FOLDER, f"{name}.txt")))
