"""Consequences of conditions, checked symbolically and by solving at numeric instances (issue 20 Part 3).

A consequence must hold wherever the conditions in force hold. Two routes:

* symbolic: a consequence ``x = RHS`` (``x^2 = RHS``) that names an unknown is substituted into each
  condition that holds x, which must then reduce to 0 (and when the condition is linear in x, this is
  its only solution); any other consequence is checked with a condition solved for an unknown it is
  linear in (``lambda`` from a stationarity condition) substituted.
* numeric: at instances (N, K in 2..3, data drawn as the numeric route draws them, responsibilities
  rows summing to 1), every condition is written out for every value of its free indices, the
  system is solved for the unknowns (exactly by SymPy when it is rational, else by mpmath's
  ``findroot``), and the consequence is evaluated at each solution.

Definitions from the E-step (those whose value holds an unknown, such as ``gamma_nk``) are held
fixed while solving, as PRML does; other definitions (``N_k = sum(gamma_nk, n=1..N)``) are expanded.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath as mp
import sympy as sp

from gmm_math.derivations.check.calculus import expand_definitions, index_letters, lift, replace_names
from gmm_math.derivations.check.claims import normal_sums, read_line, show_expr, use_weight_sums
from gmm_math.derivations.check.conditions import MULTIPLIERS, Condition, Role
from gmm_math.derivations.check.names import COUNTS, INDEX_LETTERS, base_assumptions, normal_name, split_subscript
from gmm_math.derivations.check.parser import Context
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.printing.text import spelled
from gmm_math.numerics.check.evidence import Sample, Undefined, data_key, mp_value, show
from gmm_math.numerics.check.results import Evidence, LineVerdict

# (N, K) of the numeric instances; N != K, so that a slip of K for N (pi_k = N_k/K) shows
# (instances whose conditions have no admissible solution, e.g. a stationary weight below 0, are skipped)
INSTANCES = ((3, 2), (5, 2), (4, 3), (2, 3), (5, 3), (4, 2), (3, 3), (5, 2))
ENOUGH = 2  # instances solved and checked
SOLVE_DPS = 30
MAX_UNKNOWNS = 12
# the unknowns of conditions stated without a derivative above: the mixture's parameters
PARAMETERS = ("mu", "sigma", "pi")


@dataclass(frozen=True)
class Equation:
    """``lhs RELATION rhs`` read from a line; ``text`` is it as the student typed it (its ASCII reading)."""

    lhs: sp.Expr
    relation: str
    rhs: sp.Expr
    text: str = ""

    @property
    def shown(self) -> str:
        """The equation as typed, else as the student would write it (names as they spelled them)."""
        return self.text or f"{show_expr(self.lhs)} {self.relation} {show_expr(self.rhs)}"

    def expanded(self, expand: Callable[[sp.Expr], sp.Expr]) -> Equation:
        """Both sides with ``expand`` applied; still shown as typed."""
        return Equation(expand(self.lhs), self.relation, expand(self.rhs), self.text)

    @property
    def zero(self) -> sp.Expr:
        return self.lhs - self.rhs


@dataclass(frozen=True)
class Finding:
    """What the check of a consequence found: IMPLIED or EQUAL (both ways), FAILS or UNDECIDED, why, and on
    what evidence; ``solved`` is False when the conditions could not be solved at all (nothing was checked)."""

    verdict: LineVerdict
    reason: str
    evidence: Evidence | None = None
    solved: bool = True


def read_equation(text: str, previous: str | None, context: Context, names: Mapping) -> Equation:
    """The equation a line states: its last relation (a named left side ``x = ...`` included); a
    continuation ``= EXPR`` relates the last expression of ``previous`` to EXPR."""
    line = read_line(text, context)
    exprs = [replace_names(expr, dict(names)) for expr in line.exprs]
    if line.continues is not None:
        if previous is None:
            raise GmmMathError("a line starting with '=' continues the step above, but there is none")
        before = read_line(previous, context)
        last = replace_names(before.exprs[-1], dict(names))
        if len(exprs) == 1:
            return Equation(last, line.continues, exprs[-1], f"{before.texts[-1]} {line.continues} {line.texts[-1]}")
    if line.relations:
        return Equation(exprs[-2], line.relations[-1], exprs[-1],
                        f"{line.texts[-2]} {line.relations[-1]} {line.texts[-1]}")
    if line.named is not None:
        return Equation(line.named, "=", exprs[0], f"{line.name} = {line.texts[0]}")
    raise GmmMathError("a consequence is an equation or inequality, e.g. => mu_k = sum(gamma_nk*x_n, n=1..N)/N_k")


def _base(node: sp.Expr) -> str | None:
    if isinstance(node, sp.Indexed):
        return str(node.base.label)
    if isinstance(node, sp.Symbol):
        return split_subscript(node.name)[0] if not node.is_integer else None
    return None


def _mentions(expr: sp.Expr, bases: set[str]) -> bool:
    return any(_base(node) in bases for node in sp.preorder_traversal(expr) if isinstance(node, sp.Symbol | sp.Indexed))


def unknown_bases(role: Role, consequence: Equation) -> set[str]:
    """The families solved for: the names differentiated by, the multipliers, the name a consequence solves for."""
    bases = {split_subscript(normal_name(name))[0] for name in role.unknowns} or set(PARAMETERS)  # \epsilon: eps
    bases |= set(MULTIPLIERS)
    target = _target(consequence)
    if target is not None:
        bases.add(split_subscript(target[0].name)[0])
    return bases


def _target(equation: Equation) -> tuple[sp.Symbol, sp.Expr] | None:
    """(x, the exponent) for a consequence ``x = ...`` or ``x^p = ...`` that names a quantity."""
    lhs = equation.lhs
    if equation.relation != "=":
        return None
    if isinstance(lhs, sp.Symbol) and not lhs.is_integer:
        return lhs, sp.S.One
    if lhs.is_Pow and isinstance(lhs.base, sp.Symbol) and lhs.exp.is_Rational and lhs.exp > 0:
        return lhs.base, lhs.exp
    return None


def _split_definitions(built: Mapping[sp.Symbol, sp.Expr], bases: set[str],
                       conditions: Sequence[sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
    """The definitions expanded: all but the E-step ones (whose value holds an unknown) that the
    conditions are written with: those are held fixed while solving, as PRML does."""
    used = {_base(node) for condition in conditions for node in sp.preorder_traversal(condition)
            if isinstance(node, sp.Symbol | sp.Indexed)}
    return {name: value for name, value in built.items()
            if not (_mentions(value, bases) and split_subscript(name.name)[0] in used)}


# ----------------------------------------------------------------------------------------------
# symbolic


def _reduces(expr: sp.Expr, facts: Sequence[Any]) -> bool:
    """Does ``expr`` reduce to 0 by expanding and splitting sums (the cheap transformations)?"""
    if expr == 0:
        return True
    try:
        split = normal_sums(expr)
        return sp.expand(expr) == 0 or split == 0 or sp.expand(sp.numer(sp.together(split))) == 0 \
            or bool(facts) and use_weight_sums(expr, facts) == 0
    except (ValueError, TypeError, ArithmeticError, RecursionError, AttributeError, NotImplementedError):
        return False


def symbolic(conditions: Sequence[Equation], consequence: Equation, bases: set[str], facts: Sequence[Any],
             expand: Callable[[sp.Expr], sp.Expr]) -> Finding | None:
    """A proof that the consequence follows (substitution), or None."""
    if consequence.relation != "=":
        return None
    target = _target(consequence)
    if target is not None and split_subscript(target[0].name)[0] in bases:
        unknown, power = target
        value = expand(consequence.rhs) ** (1 / power)
        for condition in conditions:
            zero = expand(condition.zero)
            if not zero.has(unknown):
                continue
            if _reduces(zero.xreplace({unknown: value}), facts):
                slope = sp.diff(zero, unknown)
                unique = power == 1 and not slope.has(unknown) and slope != 0
                said = (f"; the condition is linear in {show_expr(unknown)}, so this is its only solution (where "
                        f"its coefficient {show_expr(slope)} is not 0)" if unique else "")
                return Finding(LineVerdict.IMPLIED, f"follows from the condition {condition.shown}: substituting "
                                                    f"{consequence.shown} into it makes it 0{said}", Evidence.SYMBOLIC)
    claim = expand(consequence.zero)
    for condition in conditions:
        zero = expand(condition.zero)
        for unknown in sorted(_unknown_symbols(zero, bases), key=sp.default_sort_key):
            slope = sp.diff(zero, unknown)
            if slope.has(unknown) or slope == 0 or not claim.has(unknown):
                continue
            solved = unknown - zero / slope
            if _reduces(claim.xreplace({unknown: sp.expand(solved)}), facts):
                return Finding(LineVerdict.IMPLIED, f"follows from the condition {condition.shown} solved for "
                                                    f"{show_expr(unknown)} (linear in it)", Evidence.SYMBOLIC)
    return None


def _unknown_symbols(expr: sp.Expr, bases: set[str]) -> set[sp.Symbol]:
    return {symbol for symbol in expr.free_symbols if isinstance(symbol, sp.Symbol) and _base(symbol) in bases}


# ----------------------------------------------------------------------------------------------
# numeric: solve the conditions at instances


def free_letters(expr: sp.Expr) -> set[str]:
    """The index letters left free in ``expr`` (``k`` in ``mu_k`` outside a sum, ``k`` itself)."""
    letters: set[str] = set()
    for symbol in expr.free_symbols:
        if not isinstance(symbol, sp.Symbol):
            continue
        if symbol.is_integer and symbol.name in INDEX_LETTERS:
            letters.add(symbol.name)
            continue
        found = index_letters(split_subscript(symbol.name)[1])
        letters.update(letter for letter in found or () if letter in INDEX_LETTERS)
    return letters


class _Instance:
    """One instance: counts, drawn data, and the unknowns as plain symbols."""

    def __init__(self, context: Context, counts: Mapping[str, int], bases: set[str], rng: random.Random) -> None:
        self.context, self.counts, self.bases = context, dict(counts), bases
        self.sample = Sample(rng, {}, SOLVE_DPS, components=counts["K"])
        self.unknowns: dict[str, sp.Symbol] = {}

    def free_indices(self, expr: sp.Expr) -> list[dict[str, sp.Integer]]:
        """Each value of the free indices of ``expr`` (``{"k": 1}``, ``{"k": 2}``), in :meth:`write_out`'s order."""
        letters = sorted(free_letters(expr))
        tops = [self.counts["N"] if letter in "imn" else self.counts["K"] for letter in letters]
        return [{letter: sp.Integer(value) for letter, value in zip(letters, values, strict=True)}
                for values in _product(tops)]

    def write_out(self, expr: sp.Expr) -> list[sp.Expr]:
        """``expr`` for every value of its free indices, sums written out, data replaced by numbers."""
        results = []
        for mapping in self.free_indices(expr):
            lifted = lift(expr, mapping, self.context.index_symbol, self.context.symbol)
            counted = lifted.xreplace({self.context.symbol(name): sp.Integer(self.counts[name])
                                       for name in ("N", "K") if name in self.counts})
            written = counted.doit()
            leaves = sorted(_leaves(written), key=sp.default_sort_key)  # drawn in one order: same seed, same values
            results.append(written.xreplace({node: self._leaf(node) for node in leaves}))
        return results

    def _leaf(self, node: sp.Expr) -> sp.Expr:
        key = data_key(node, {}) if not (isinstance(node, sp.Symbol) and "_" not in node.name) else None
        name = key if key is not None else node.name if isinstance(node, sp.Symbol) else str(node)
        if _base(node) in self.bases:
            if name not in self.unknowns:
                self.unknowns[name] = sp.Symbol(f"u_{name}".replace(",", "_"),
                                                **base_assumptions(str(_base(node))))
            return self.unknowns[name]
        if node.is_Symbol and node.name in COUNTS:
            value = self.counts.get(node.name, 2)
            return sp.Integer(value)
        drawn = key if key is not None else node
        if drawn not in self.sample.exact:
            self.sample.generate(drawn, node)
        number = self.sample.exact[drawn]
        return sp.Rational(number.numerator, number.denominator)

    @property
    def solved_for(self) -> dict[sp.Symbol, str]:
        """The name (``lam``, ``pi_1``) each unknown stands for."""
        return {symbol: name for name, symbol in self.unknowns.items()}

    def shown(self) -> str:
        data = ", ".join(f"{name} = {value}" for name, value in self.sample.shown().items())
        counts = ", ".join(f"{name} = {value}" for name, value in self.counts.items())
        return f"{counts}, {data}" if data else counts


def _product(tops: Sequence[int]) -> list[tuple[int, ...]]:
    combos: list[tuple[int, ...]] = [()]
    for top in tops:
        combos = [(*combo, value) for combo in combos for value in range(1, top + 1)]
    return combos


def _leaves(expr: sp.Expr) -> set[sp.Expr]:
    """The indexed quantities and symbols of ``expr`` (not the labels inside an indexed quantity)."""
    found: set[sp.Expr] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, sp.Indexed) or isinstance(node, sp.Symbol) and (not node.is_integer
                                                                           or node.name in COUNTS):
            found.add(node)
        elif not isinstance(node, sp.Indexed):
            stack.extend(node.args)
    return found


def _solutions(equations: list[sp.Expr], unknowns: list[sp.Symbol],
               first: list[sp.Expr]) -> list[dict[sp.Symbol, sp.Expr]]:
    """Solutions of the stated conditions ``first`` (else of all ``equations``): SymPy's when they are
    rational in the unknowns, else findroot's (when they are as many as the unknowns)."""
    system = first or equations  # the stated conditions define the solutions; consequences drawn may be wrong
    rational = all(all(power.exp.is_Integer for power in equation.atoms(sp.Pow)) for equation in system) \
        and not any(equation.has(sp.exp, sp.log) for equation in system)
    if rational:
        try:
            found = sp.solve(system, unknowns, dict=True)
        except (NotImplementedError, ValueError, TypeError, ArithmeticError):
            found = []
        kept = [solution for solution in found if set(solution) >= set(unknowns) and all(
            _admissible(unknown, solution[unknown]) for unknown in unknowns)]
        if kept or found:
            return kept
    return _findroot(system, unknowns)


def _admissible(unknown: sp.Symbol, value: sp.Expr) -> bool:
    if not value.is_number or value.is_real is False:
        return False
    return not (unknown.is_positive and not value.is_positive)


def _findroot(equations: list[sp.Expr], unknowns: list[sp.Symbol]) -> list[dict[sp.Symbol, sp.Expr]]:
    if len(equations) != len(unknowns):
        return []

    def system(*values: Any) -> list[Any]:
        point = dict(zip(unknowns, values, strict=True))
        return [mp_value(equation, point, SOLVE_DPS) for equation in equations]

    positives = max(1, sum(1 for unknown in unknowns if unknown.is_positive))
    starts = [[mp.mpf(1) / positives if unknown.is_positive else mp.mpf(guess) for unknown in unknowns]
              for guess in (-1, 0, 1, -4)]
    with mp.workdps(SOLVE_DPS):
        for start in starts:
            try:
                root = mp.findroot(system, start, tol=mp.mpf(10) ** -(SOLVE_DPS - 8))
            except (ValueError, ZeroDivisionError, Undefined, ArithmeticError):
                continue
            values = [root] if len(unknowns) == 1 else list(root)
            solution = {unknown: sp.Float(mp.nstr(value, SOLVE_DPS), SOLVE_DPS)
                        for unknown, value in zip(unknowns, values, strict=True)}
            if all(_admissible(unknown, solution[unknown]) for unknown in unknowns):
                return [solution]
    return []


def _holds(value: sp.Expr, relation: str) -> bool | None:
    number = sp.N(value, SOLVE_DPS)
    if not number.is_real:
        return None
    tolerance = sp.Float(10) ** -(SOLVE_DPS - 10)
    return bool({"=": abs(number) <= tolerance, "<=": number <= tolerance, ">=": number >= -tolerance,
                 "<": number < tolerance, ">": number > -tolerance}[relation])


def numeric(conditions: Sequence[Equation], consequence: Equation, bases: set[str], context: Context,
            constraints: Sequence[sp.Expr], seed: int, primary: Sequence[Equation] = ()) -> Finding:
    """Solve the conditions at instances and evaluate the consequence at every solution.

    ``primary`` are the stated conditions (not the consequences drawn from them): when the whole
    system cannot be solved exactly, those and the constraints are solved numerically.
    """
    rng = random.Random(seed)
    checked = 0
    for count_n, count_k in INSTANCES:
        if checked >= ENOUGH:
            break
        instance = _Instance(context, {"N": count_n, "K": count_k}, bases, rng)
        try:
            stated = [item for constraint in constraints for item in instance.write_out(constraint)]
            first = [item for condition in primary for item in instance.write_out(condition.zero)]
            first = first + stated if first else []
            equations = [item for condition in conditions for item in instance.write_out(condition.zero)] + stated
            claims = instance.write_out(sp.Tuple(consequence.lhs, consequence.rhs))  # one pair per free index
            indices = instance.free_indices(sp.Tuple(consequence.lhs, consequence.rhs))
        except (Undefined, GmmMathError, ValueError, TypeError, ArithmeticError):
            continue
        equations = [equation for equation in equations if equation != 0]
        first = [item for item in first if item != 0]
        unknowns = sorted(set().union(*(item.free_symbols for item in first or equations)), key=sp.default_sort_key)
        if not unknowns or len(unknowns) > MAX_UNKNOWNS:
            continue
        solutions = _solutions(equations, unknowns, first)
        if not solutions:
            continue
        for solution in solutions:
            for pair, index in zip(claims, indices, strict=True):
                left, right = (side.xreplace(solution) for side in pair)
                if left.free_symbols or right.free_symbols:
                    break  # the claim holds an unknown the conditions do not determine
                holds = _holds(left - right, consequence.relation)
                if holds is False:
                    solved = ", ".join(f"{spelled(instance.solved_for[unknown])} = {_shown(value)}"
                                       for unknown, value in sorted(solution.items(), key=lambda item: item[0].name))
                    return Finding(LineVerdict.FAILS, f"does not follow from the conditions above: at {instance.shown()}, "
                                                      f"the conditions give {solved}, where {consequence.shown} is "
                                                      f"false{_at_index(index)} (LHS = {_shown(left)} but RHS = "
                                                      f"{_shown(right)})",
                                   Evidence.NUMERIC)
            else:
                checked += 1
    if not checked:
        return Finding(LineVerdict.UNDECIDED, "the conditions above could not be solved at any numeric instance "
                                    "(state the unknown, e.g. => mu_k = ..., or write the condition with the "
                                    "E-step quantities gamma_nk)", solved=False)
    return Finding(LineVerdict.IMPLIED, f"holds at {checked} solutions of the conditions above at numeric instances "
                              f"(N from 2 to 5, K from 2 to 3, data drawn at random; E-step quantities held fixed); SymPy "
                              f"did not prove it (numeric evidence, not a proof)", Evidence.NUMERIC)


def _at_index(index: Mapping[str, sp.Integer]) -> str:
    """`` at k = 1``: which of a consequence's equations (one per value of its free indices) is false."""
    return " at " + ", ".join(f"{letter} = {value}" for letter, value in index.items()) if index else ""


def _shown(value: sp.Expr) -> str:
    number = sp.N(value, 15)
    return show(mp.mpf(str(number))) if number.is_real else str(number)


def constraints(context: Context, bases: set[str]) -> list[sp.Expr]:
    """The stated weight sums over a symbolic K whose weights are unknowns, as equations ``sum - 1``."""
    found = []
    for fact in context.weight_sums:
        if fact.count is not None and fact.base in bases:
            index = context.index_symbol("k")
            found.append(sp.Sum(context.indexed(fact.base, index), (index, 1, context.symbol(fact.count))) - 1)
    return found


def check_consequence(role: Role, context: Context, built: Mapping[sp.Symbol, sp.Expr], names: Mapping,
                      seed: int) -> Finding:
    """Does the consequence (``role.body``) follow from the conditions in force? (Both ways for "equivalent".)"""
    consequence = read_equation(role.body, None, context, names)
    bases = unknown_bases(role, consequence)
    read = [(condition, _read_condition(condition, context, names)) for condition in role.conditions]
    stated = [(condition, item) for condition, item in read if item is not None and item.relation == "="]
    expanded = _split_definitions(built, bases, [item.zero for condition, item in stated if condition.primary])

    def expand(expr: sp.Expr) -> sp.Expr:
        return expand_definitions(expr, expanded, context.symbol, context.index_symbol) if expanded else expr

    conditions = [item.expanded(expand) for _, item in stated]
    primary = [item.expanded(expand) for condition, item in stated if condition.primary]
    consequence = consequence.expanded(expand)
    if not conditions:
        return Finding(LineVerdict.UNDECIDED, "no condition is in force above (a condition is a line EXPR = 0 right after a "
                                    "derivative line, or an earlier consequence)", solved=False)
    facts = context.constraints
    proof = symbolic(conditions, consequence, bases, facts, lambda expr: expr)
    if proof is not None and role.kind == "consequence":
        return proof  # a proof needs no numbers (solving at instances is the slow route)
    found = numeric(conditions, consequence, bases, context, constraints(context, bases), seed, primary)
    if found.verdict is LineVerdict.FAILS and proof is not None:
        return Finding(LineVerdict.UNDECIDED, f"SymPy proved it ({proof.reason}) but the numeric solution disagrees")
    if role.kind == "equivalent" and found.verdict is not LineVerdict.FAILS:
        backwards = numeric([consequence], conditions[-1], bases, context, constraints(context, bases), seed)
        if backwards.verdict is LineVerdict.FAILS:
            return Finding(LineVerdict.FAILS, f"follows from the conditions above but does not give back the last of them: "
                                    f"{backwards.reason.removeprefix('does not follow from the conditions above: ')}",
                           Evidence.NUMERIC)
        if backwards.verdict is LineVerdict.IMPLIED and (proof is not None or found.verdict is LineVerdict.IMPLIED):
            return Finding(LineVerdict.EQUAL, "equivalent to the condition above (checked both ways)",
                           Evidence.SYMBOLIC if proof is not None and backwards.evidence is Evidence.SYMBOLIC else Evidence.NUMERIC)
    return proof if proof is not None and found.verdict is not LineVerdict.FAILS else found


def _read_condition(condition: Condition, context: Context, names: Mapping) -> Equation | None:
    try:
        return read_equation(condition.text, condition.previous, context, names)
    except GmmMathError:
        return None
