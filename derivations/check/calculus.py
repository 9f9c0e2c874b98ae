"""Derivatives as students write them, with indexed differentiation (PRML 9.17).

Outside a sum ``mu_k`` is the symbol ``mu_k``; inside a sum over ``j`` the same family is the
indexed ``mu[j]``. To differentiate by ``mu_k`` every ``mu_k`` becomes ``mu[k]`` (k a free index),
SymPy differentiates (``d mu[j] / d mu[k]`` is the Kronecker delta), each sum over ``j`` of a term
holding ``delta(j, k)`` keeps only its ``j = k`` term, and the indexed quantities whose indices
are no longer bound by a sum become symbols again (``pi[k]`` -> ``pi_k``): see :func:`canonical`.

Definitions of indexed families (``let: gamma_nk = ...``) are expanded at every index they are
used with (:func:`expand_definitions`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sympy as sp

from gmm_math.derivations.check.names import DIMENSION_LETTER, INDEX_LETTERS, base_assumptions, split_subscript
from gmm_math.derivations.core.errors import GmmMathError

_LETTERS = INDEX_LETTERS | {DIMENSION_LETTER}


def index_letters(sub: str | None) -> list[str] | None:
    """``"k"`` -> ["k"], ``"nk"`` -> ["n", "k"]: a subscript of one or two index letters, else None."""
    if sub is None or not 1 <= len(sub) <= 2 or not all(letter in _LETTERS for letter in sub):
        return None
    return list(sub)


def derivative(body: sp.Expr, variable: sp.Expr, symbol: Callable[[str], sp.Symbol],
               index_symbol: Callable[[str], sp.Symbol]) -> sp.Expr:
    """d body / d variable, by indexed differentiation where the variable carries an index letter.

    Parameters
    ----------
    body : the expression differentiated
    variable : a symbol (``sigma``, ``mu_k``) or an indexed quantity of an enclosing sum (``mu[k]``)
    symbol, index_symbol : the context's makers of symbols and of index symbols (shared assumptions)
    """
    if isinstance(variable, sp.Indexed):
        return collapse_deltas(sp.diff(body, variable))
    if not isinstance(variable, sp.Symbol) or variable.is_integer:
        raise GmmMathError(f"one differentiates by a quantity (a name such as sigma or mu_k), not by {variable}")
    base, sub = split_subscript(variable.name)
    letters = index_letters(sub)
    family = sp.IndexedBase(base, **base_assumptions(base))
    if sub is not None and sub.isdigit():  # s_1: the first component, also where a sum over d holds s[d]
        target = family[sp.Integer(int(sub))]
        return canonical(collapse_deltas(sp.diff(body.xreplace({variable: target}), target)), symbol)
    if letters is None:
        return collapse_deltas(sp.diff(body, variable))
    if DIMENSION_LETTER in letters:
        raise GmmMathError(f"differentiating by {variable.name} (a component d of a vector) is not supported; "
                           f"differentiate by a numbered component such as {base}_1")
    target = family[tuple(index_symbol(letter) for letter in letters)]
    lifted = _rebound(body, target.indices, index_symbol).xreplace({variable: target})
    return canonical(collapse_deltas(sp.diff(lifted, target)), symbol)


_SPARE_LETTERS = "jlimpqrstuvw"  # dummy letters a sum's index is renamed to (its range is written in the sum)


def _rebound(body: sp.Expr, indices: tuple[sp.Expr, ...], index_symbol: Callable[[str], sp.Symbol]) -> sp.Expr:
    """``body`` with each sum or product over an index of the variable given another dummy letter: in PRML's
    d/dpi_k of lambda (sum_k pi_k - 1) the k of the sum is bound, not the k of pi_k (so the derivative is lambda)."""
    clashing = [node for node in body.atoms(sp.Sum, sp.Product) if any(limit[0] in indices for limit in node.limits)]
    if not clashing:
        return body
    used = {atom.name for atom in body.atoms(sp.Symbol)} | {str(index) for index in indices}
    spare = iter(letter for letter in _SPARE_LETTERS if letter not in used)

    def renamed(node: sp.Expr) -> sp.Expr:
        swaps = {limit[0]: index_symbol(next(spare, "u")) for limit in node.limits if limit[0] in indices}
        return node.xreplace(swaps)

    return body.replace(lambda node: isinstance(node, (sp.Sum, sp.Product)) and any(
        limit[0] in indices for limit in node.limits), renamed)


def collapse_deltas(expr: sp.Expr) -> sp.Expr:
    """Sum(f * delta(j, k), (j, a, b)) -> f at j = k (k in the range, as a free index is), bottom-up."""
    def visit(node: sp.Expr) -> sp.Expr:
        if not node.args or not node.has(sp.KroneckerDelta):
            return node
        if isinstance(node, sp.Sum):  # SymPy merges nested sums into one with several limits, innermost first
            collapsed = visit(node.function)
            for limit in node.limits:
                collapsed = _collapse_sum(collapsed, limit)
            return collapsed
        return node.func(*(visit(arg) for arg in node.args)) if not isinstance(node, sp.Indexed) else node
    return visit(expr)


def _collapse_sum(function: sp.Expr, limit: tuple[sp.Expr, sp.Expr, sp.Expr]) -> sp.Expr:
    index = limit[0]
    kept: list[sp.Expr] = []
    picked: list[sp.Expr] = []
    for term in sp.Add.make_args(sp.expand(function, deep=False)):
        delta = next((factor for factor in sp.Mul.make_args(term)
                      if isinstance(factor, sp.KroneckerDelta) and index in factor.free_symbols), None)
        if delta is None:
            kept.append(term)
            continue
        other = delta.args[1] if delta.args[0] == index else delta.args[0]
        if other.has(index):
            kept.append(term)
            continue
        picked.append((term / delta).xreplace({index: other}))
    rest = sp.Sum(sp.Add(*kept), limit) if kept else sp.S.Zero
    return rest + sp.Add(*picked)


def canonical(expr: sp.Expr, symbol: Callable[[str], sp.Symbol]) -> sp.Expr:
    """An indexed quantity is ``base[i]`` exactly where its indices are bound by an enclosing sum.

    ``pi[k]`` with k free becomes the symbol ``pi_k`` (as the student writes it outside a sum);
    indices that are numbers or free letters are written into the name (``mu[2]`` -> ``mu_2``).
    """
    def visit(node: sp.Expr, bound: frozenset[sp.Symbol]) -> sp.Expr:
        if isinstance(node, sp.Indexed):
            if any(index in bound for index in node.indices) or len(node.indices) > 2:
                return node
            if not all(index.is_Integer or (index.is_Symbol and index.name in _LETTERS) for index in node.indices):
                return node
            return symbol(f"{node.base.label}_{''.join(str(index) for index in node.indices)}")
        if isinstance(node, sp.Sum | sp.Product):
            inner = bound | {limit[0] for limit in node.limits}
            limits = [(index, visit(low, bound), visit(high, bound)) for index, low, high in node.limits]
            return node.func(visit(node.function, inner), *limits)
        if not node.args or node.is_Atom:
            return node
        return node.func(*(visit(arg, bound) for arg in node.args))
    return visit(expr, frozenset())


def lift(expr: sp.Expr, mapping: Mapping[str, sp.Expr], index_symbol: Callable[[str], sp.Symbol],
         symbol: Callable[[str], sp.Symbol]) -> sp.Expr:
    """A definition written at its own index letters, taken at other indices (``gamma_nk`` at n = m).

    Every symbol whose subscript holds a mapped letter (``x_n``, ``mu_k``, ``r_nk``) and every free
    index symbol is moved to the new indices; the result is made :func:`canonical` by the caller.
    """
    replacements: dict[sp.Expr, sp.Expr] = {}
    for free in expr.free_symbols:
        if not isinstance(free, sp.Symbol):
            continue
        if free.name in mapping and free.is_integer:
            replacements[free] = mapping[free.name]
            continue
        base, sub = split_subscript(free.name)
        letters = index_letters(sub)
        if letters is None or not any(letter in mapping for letter in letters):
            continue
        indices = tuple(mapping.get(letter, index_symbol(letter)) for letter in letters)
        replacements[free] = sp.IndexedBase(base, **base_assumptions(base))[indices]
    return expr.xreplace(replacements)


def expand_definitions(expr: sp.Expr, built: Mapping[sp.Symbol, sp.Expr],
                       symbol: Callable[[str], sp.Symbol], index_symbol: Callable[[str], sp.Symbol]) -> sp.Expr:
    """Replace defined names by their values: ``gamma_nk`` and, inside sums, ``gamma[n, k]`` (any indices)."""
    result = expr.xreplace(dict(built))
    families: dict[str, tuple[list[str], sp.Expr]] = {}
    for name, value in built.items():
        base, sub = split_subscript(name.name)
        letters = index_letters(sub)
        if letters is not None:
            families[base] = (letters, value)
    if not families:
        return result

    def replace(node: sp.Indexed) -> sp.Expr:
        letters, value = families[str(node.base.label)]
        if len(letters) != len(node.indices):
            return node
        return lift(value, dict(zip(letters, node.indices, strict=True)), index_symbol, symbol)

    for _ in range(len(families) + 1):  # a definition may use another (N_k = sum(gamma_nk, n=1..N))
        replaced = canonical(result.replace(
            lambda node: isinstance(node, sp.Indexed) and str(node.base.label) in families, replace), symbol)
        replaced = replaced.xreplace(dict(built))
        if replaced == result:
            break
        result = replaced
    return result


def _families(built: Mapping[sp.Symbol, sp.Expr]) -> set[str]:
    return {split_subscript(name.name)[0] for name in built if index_letters(split_subscript(name.name)[1])}


def uses_families(lhs: sp.Expr, rhs: sp.Expr, built: Mapping[sp.Symbol, sp.Expr]) -> bool:
    """Does either side hold a defined family at a bound index (``gamma[n, k]`` inside a sum over n)?"""
    families = _families(built)
    return bool(families) and any(isinstance(node, sp.Indexed) and str(node.base.label) in families
                                  for side in (lhs, rhs) for node in sp.preorder_traversal(side))


def replace_names(expr: sp.Expr, names: Mapping[sp.Expr, sp.Expr]) -> sp.Expr:
    """``expr`` with the named quantities of earlier lines replaced (``log(L)`` before ``L``)."""
    if not names:
        return expr
    logs = {key: value for key, value in names.items() if isinstance(key, sp.log)}
    return expr.xreplace(logs).xreplace({key: value for key, value in names.items() if key not in logs})


def same_dummies(expr: sp.Expr) -> sp.Expr:
    """Every sum's index renamed by its range (``sum(pi_j, j=1..K)`` and ``sum(pi_k, k=1..K)`` become one
    expression), so that SymPy sees a sum divided by itself: for the symbolic route only. An inner sum
    whose term uses an enclosing index of the same range gets a name of its own."""
    def visit(node: sp.Expr, depth: int) -> sp.Expr:
        if isinstance(node, sp.Sum | sp.Product):
            body = node.function
            limits = []
            for offset, (index, low, high) in enumerate(node.limits):
                dummy = sp.Symbol(f"dummy_{high}", integer=True, positive=True)
                if dummy in body.free_symbols:  # an enclosing sum's index, used inside: keep them apart
                    dummy = sp.Symbol(f"dummy{depth + offset}_{high}", integer=True, positive=True)
                body = body.xreplace({index: dummy})
                limits.append((dummy, low, high))
            return node.func(visit(body, depth + len(limits)), *limits)
        if not node.args or node.is_Atom or isinstance(node, sp.Indexed):
            return node
        return node.func(*(visit(arg, depth) for arg in node.args))
    return visit(expr, 0)
