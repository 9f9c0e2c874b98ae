"""The builder from a grammar tree to SymPy, checking number sizes, sum nesting and matrix shapes on the way."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy as sp

from gmm_math.derivations.check.calculus import derivative, index_letters, replace_names
from gmm_math.derivations.check.functions import BIG_OPERATORS, GIVEN
from gmm_math.derivations.check.grammar import is_one, is_tree, source
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
from gmm_math.derivations.check.names import (
    CONSTANTS,
    COUNTS,
    DIMENSION_LETTER,
    IDENTITY,
    IDENTITY_NAMES,
    INDEX_LETTERS,
    base_assumptions,
    INDEX_RANGES,
    normal_name,
    split_subscript,
)
from gmm_math.derivations.check.safety import (
    MAX_EXPONENT,
    MAX_INT_DIGITS,
    MAX_NUMBER_BITS,
    MAX_SUM_NESTING,
    EXPECTED,
    quoted,
)
from gmm_math.derivations.core.data import parse_number
from gmm_math.derivations.core.errors import GmmMathError


MAX_DERIVATIVE_NESTING = 3


def quadratic_forms(expr: sp.Expr, text: str, what: str) -> sp.Expr:
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


class Builder:
    """Turns a grammar tree into SymPy, checking number sizes on the way; ``scope`` holds bound indices.

    ``context`` is the :class:`~gmm_math.derivations.check.parser.Context` whose symbols, matrices and
    hints the built expression shares.
    """

    def __init__(self, context: Any, text: str, what: str) -> None:
        self.context, self.text, self.what = context, text, what
        self.scope: list[str] = []
        self.derivatives = 0  # derivatives around the node being built (a derivative's size grows with its order)

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
        if name in CONSTANTS:
            return CONSTANTS[name]
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
        letters = index_letters(sub)
        if letters is not None and len(letters) == 2 and DIMENSION_LETTER not in letters \
                and any(letter in self.scope for letter in letters):
            # r_nk inside a sum over n: one value per n (and k), r[n, k]
            return sp.IndexedBase(base, **base_assumptions(base))[
                tuple(self.context.index_symbol(letter) for letter in letters)]
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
        quotient = derivative_quotient(node)
        if quotient is not None:  # d(EXPR)/d(mu_k)
            return self._derivative(quotient[0], quotient[1])
        left, right = self._operands(node)
        return left / right

    def _derivative_op(self, node: Any) -> sp.Expr:
        """d/dNAME followed by (EXPR), a call or a prefix function: the derivative of what follows."""
        import lark

        marker, *rest = node.children
        name, _, power = str(marker)[3:].partition("^")  # d/dsigma_k^2: by a variance
        variable = lark.Tree("name", [lark.Token("NAME", name)])
        if len(rest) == 1:
            body = rest[0]
        else:
            body = lark.Tree("apply" if is_tree(rest[1], "operand") else "call", rest)
        if power:
            return self._by_power(body, variable, sp.Integer(int(power)))
        return self._derivative(body, variable)

    def _by_power(self, body: Any, name_node: Any, exponent: sp.Expr) -> sp.Expr:
        """d/d(s^p) = (d/ds) / (p s^(p - 1)): the derivative by a variance sigma_k^2."""
        if not (exponent.is_Rational and exponent > 0):
            raise self.fail("a derivative is taken by a name or by a positive power of one, e.g. sigma_k^2")
        return self._derivative(body, name_node) / (exponent * self.build(name_node) ** (exponent - 1))

    def _diff(self, arguments: Any) -> sp.Expr:
        children = list(arguments.children) if is_tree(arguments, "arguments") else []
        by_power = len(children) == 2 and is_tree(children[1], "pow") and is_tree(children[1].children[0], "name")
        if len(children) != 2 or not (is_tree(children[1], "name") or by_power):
            raise self.fail("diff takes an expression and the name it is differentiated by: diff(EXPR, mu_k) "
                            "(or by a variance, diff(EXPR, sigma_k^2))")
        if by_power:
            name_node, _, exponent_node = children[1].children
            return self._by_power(children[0], name_node, self.build(exponent_node))
        return self._derivative(children[0], children[1])

    def _derivative(self, body_node: Any, variable_node: Any) -> sp.Expr:
        if self.derivatives >= MAX_DERIVATIVE_NESTING:
            raise self.fail(f"derivatives nest at most {MAX_DERIVATIVE_NESTING} deep")
        variable = self.build(variable_node)
        self.derivatives += 1
        try:
            body = replace_names(self.build(body_node), self.context.names)
        finally:
            self.derivatives -= 1
        if is_matrix(body) or is_matrix(variable) or body.has(Diagonal, IDENTITY):
            raise self.fail("derivatives are taken of numbers (a scalar expression), by a name")
        if not isinstance(variable, sp.Symbol | sp.Indexed) or variable.is_integer or variable in CONSTANTS.values():
            raise self.fail(f"one differentiates by a quantity (a name such as sigma or mu_k), not by "
                            f"{quoted(source(variable_node, self.text))}")
        try:
            return derivative(self.context.substitute(body), variable, self.context.symbol,
                              self.context.index_symbol)
        except GmmMathError as err:
            raise self.fail(str(err)) from None

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
        if name == "diff":
            return self._diff(arguments)
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
            product = f"; for a product write {name[:40]}*(...) or {name[:40]} (...)" if "_" in name else ""
            raise self.fail(f"{name[:40]}(...) is not an accepted function "
                            f"(accepted: {', '.join([*functions, *BIG_OPERATORS])}){product}")
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
        if name not in GIVEN:
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
        return GIVEN[name](*args)

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
            if not is_one(low):
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
            raise self.fail("the entries around '...' must run from _1 to _D, e.g. diag(sigma_1^2, ..., sigma_D^2)")
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
        return self._sum_over(name, index, low, high, body, exclusion)

    def _item(self, node: Any) -> sp.Expr:
        """``x[m]`` (as SymPy prints an indexed quantity) is ``x_m``; ``x[n, d]`` is ``x_nd``."""
        import lark

        base, *indices = (str(child) for child in node.children)
        if not all(len(index) == 1 or index.isdigit() and len(index) <= 3 for index in indices):
            raise self.fail(f"write {base}_n or {base}_{{n}} for an indexed quantity ({base}[n] takes one index "
                            f"letter or a small number)")
        return self._name(lark.Tree("name", [f"{base}_{''.join(indices)}"]))

    def _big_script(self, node: Any) -> sp.Expr:
        """``sum_n BODY``, ``sum_{j}``, ``sum_{n=1}^N BODY``: the range is the index letter's unless written."""
        script, body = str(node.children[0]), node.children[1]
        name, _, bounds = script.partition("_")
        bounds = bounds.strip("{}")
        index, _, written = bounds.partition("=")
        index = index.strip()
        if written:
            low_text, _, high_text = written.partition("^")
            low, high = self._script_value(low_text), self._script_value(high_text)
        elif index in INDEX_RANGES:
            low, high = sp.Integer(1), self.context.symbol(INDEX_RANGES[index])
        else:
            raise self.fail(f"the index of {name}_{index} must be one of the letters "
                            f"{', '.join(sorted(INDEX_RANGES))} (i, m, n run to N; j, k, l to K; d to D)")
        return self._sum_over(name, index, low, high, body, [])

    def _script_value(self, text: str) -> sp.Expr:
        text = text.strip().strip("{}").strip()
        if text.isdigit() and len(text.lstrip("0")) > MAX_INT_DIGITS:
            raise self.fail(f"the number {text[:20]}... has more than {MAX_INT_DIGITS} digits")
        try:
            return sp.Integer(int(text)) if text.isdigit() else self.context.symbol(text)
        except GmmMathError as err:
            raise self.fail(str(err)) from None

    def _sum_over(self, name: str, index: str, low: Any, high: Any, body: Any, exclusion: list) -> sp.Expr:
        if index not in INDEX_LETTERS and index != DIMENSION_LETTER:
            raise self.fail(f"the index of {name} must be one of the letters {', '.join(sorted(INDEX_LETTERS))} "
                            f"(or d, over the D components of a vector), got {index[:20]!r}")
        if index in self.scope:
            raise self.fail(f"the index {index} is already used by an enclosing sum or product")
        if len(self.scope) >= MAX_SUM_NESTING:
            raise self.fail(f"sums and products nest at most {MAX_SUM_NESTING} deep")
        symbol = self.context.index_symbol(index)
        low_value, high_value = (value if isinstance(value, sp.Basic) else self.build(value) for value in (low, high))
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

    _HANDLERS: dict[str, Callable[[Builder, Any], sp.Expr]] = {
        "number": _number, "name": _name, "add": _add, "sub": _sub, "mul": _mul, "div": _div, "neg": _neg,
        "pos": _pos, "pow": _pow, "operand": _operand, "transpose": _transpose, "bars": _bars, "norm": _norm,
        "tuple": _tuple, "apply": _apply, "call": _call, "bracket": _bracket, "big_script": _big_script, "item": _item,
        "juxt": _mul, "derivative_op": _derivative_op,
    }


def derivative_quotient(node: Any) -> tuple[Any, Any] | None:
    """``d(EXPR)/d(NAME)`` (a div node of two calls of d): the body and the variable's node, else None."""
    left, right = (child for child in node.children if hasattr(child, "data"))
    if not (is_tree(left, "call") and is_tree(right, "call")) or str(left.children[0]) != "d" \
            or str(right.children[0]) != "d":
        return None
    bodies, variables = left.children[1], right.children[1]
    if not (is_tree(bodies, "arguments") and is_tree(variables, "arguments")) or len(bodies.children) != 1 \
            or len(variables.children) != 1 or not is_tree(variables.children[0], "name"):
        return None
    return bodies.children[0], variables.children[0]
