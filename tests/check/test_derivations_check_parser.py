"""The checking language: what it accepts, what it refuses, and that nothing else can escape."""

from __future__ import annotations

import ast
import builtins
import contextlib
import sys
import time

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmm_math.derivations.check import grammar, safety
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.check.parser import Context, parse_assumptions, parse_expression

X, MU = sp.symbols("x mu", real=True)
SIGMA = sp.Symbol("sigma", real=True, positive=True)

# Every entry must be refused; the needle is part of the one-line message.
HOSTILE = {
    "call after a subscripted name": ('x_n(__import__("os"))', "a name starts with a letter"),
    "subscripted name before a huge nest": ("a_1(b + " * 60 + "x" + ")" * 60, "nested more than"),
    "import": ('__import__("os")', "a name starts with a letter"),
    "import and call": ('__import__("os").system("touch canary")', "column 1"),
    "open": ('open(canary, w)', "open(...) is not an accepted function"),
    "open with strings": ('open("canary", "w")', "strings are not values"),
    "exec": ('exec(x)', "exec(...) is not an accepted function"),
    "eval": ('eval(1)', "eval(...) is not an accepted function"),
    "dunder attribute": ("x.__class__.__mro__", "'.' at column 2"),
    "dunder name": ("__builtins__", "a name starts with a letter"),
    "getattr": ('getattr(x, y)', "getattr(...) is not an accepted function"),
    "lambda": ("(lambda: open('canary', 'w'))()", "':' at column 8"),
    "comprehension": ("[open('canary', 'w') for i in (1,)]", "strings are not values"),
    "comprehension without strings": ("[open(x) for i in y]", "for"),
    "huge matrix": ("[" + ",".join(["[" + ",".join(["1"] * 5) + "]"] * 5) + "]", "up to 4 x 4"),
    "huge vector": ("[" + ",".join(["x"] * 9) + "]", "up to 4 x 4"),
    "huge diag": ("diag(" + ",".join(["1"] * 9) + ")", "up to 4 x 4"),
    "vast vector": ("[" + ",".join(["x"] * 700) + "]", "parts"),
    "huge diag size": ("det(diag(s_d, d=1..99999999))", "up to 4 x 4"),
    "diag nesting": ("diag(diag(diag(1)))", "not matrices"),
    "deep diag nesting": ("diag(" * 60 + "1" + ")" * 60, "nested more than"),
    "matrix nesting": ("[[[1]]]", "a matrix is written"),
    "deep matrix nesting": ("[" * 80 + "1" + "]" * 80, "nest two deep at most"),
    "matrix power tower": ("[[1, 2], [3, 4]]^999", "whole power"),
    "singular inverse": ("det([[1, 1], [1, 1]]^(-1))", "determinant 0"),
    "matrix as a value": ("[[a, b], [b, c]]", "matrix, not a number"),
    "log of a matrix": ("log([[a, b], [b, c]])", "of a matrix is not accepted"),
    "diag as a value": ("diag(s_d, d=1..D)", "not a number"),
    "ellipsis outside diag": ("log(x, ..., y)", "only in diag"),
    "ragged matrix": ("[[1, 2], [3]]", "same length"),
    "generator": ("sum(i for i in x)", "write sum(f, n=1..N)"),
    "python word": ("x if x else 1", "never code"),
    "python word in a sum": ("sum_n x for n in y", "never code"),
    "f-string": ('f"{open(\'canary\', \'w\')}"', "strings are not values"),
    "starred": ("exp(*x)", "'*' at column 5 is not expected"),
    "double starred": ("N(**x)", "the power '**' at column 3"),
    "keyword": ("log(x, base=2)", "plain arguments"),
    "walrus": ("(y := 1) + y", "':' at column 4"),
    "subscript": ("x[0.5]", "write x_n or x_{n}"),
    "call of a call": ("open(x)(1)", "not an accepted function"),
    "unknown function": ("foo(x)", "foo(...) is not an accepted function"),
    "string": ("'canary'", "strings are not values"),
    "huge literal": ("1" * 60, "digits"),
    "power tower": ("9**9**9**9", "too large"),
    "caret tower": ("9^9^9^9", "too large"),
    "big power of a big number": ("(10**999)**999", "too large"),
    "float exponent overflow": ("1e999999", "not a finite decimal"),
    "decimal exponent too large": ("1e400", "outside"),
    "deep calls": ("exp(" * 120 + "x" + ")" * 120, "nested more than"),
    "deep unary": ("-" * 1500 + "x", "nested more than"),
    "many nodes": ("log(" + ",".join(["x"] * 700) + ")", "parts"),
    "long sum": ("+".join(f"x{i}" for i in range(300)), "nested more than"),
    "very long": ("x+" * 1200 + "x", "characters"),
    "cyrillic a": ("\u0430 + 1", "U+0430"),
    "greek varpi (not printed by the tool)": ("\u03d6", "U+03D6"),
    "fullwidth x": ("\uff58", "U+FF58"),
    "heavy minus sign": ("1 \u2796 x", "U+2796"),
    "zero width space": ("x\u200b", "U+200B"),
    "NUL byte": ("x\x00 + 1", "NUL"),
    "newline": ("x\n+1", "control character"),
    "implicit product": ("2x", "write * for products"),
    "comparison": ("x < 1", "relations separate whole expressions"),
    "ternary": ("x if x else 1", "write * for products"),
    "hex": ("0x1f", "write * for products"),
    "complex": ("1j", "write * for products"),
    "division by zero": ("1/0", "undefined"),
    "sqrt of -1": ("sqrt(-1)", "undefined over the reals"),
    "log of -1": ("log(-1)", "undefined over the reals"),
    "e ambiguous": ("e**x", "Euler"),
    "nan as a name": ("nan + x", "NaN is not a value"),
    "zoo as a name": ("zoo", "complex infinity"),
    "unclosed parenthesis": ("(x + 1", "1 '(' never closed"),
    "limit inside": ("limit(x, x, 0) + 1", "whole step line"),
    "sum with a bad index": ("sum(x_q, q=1..N)", "index of sum"),
    "sums nested too deep": ("sum(sum(sum(sum(x_i, i=1..N), j=1..N), k=1..N), l=1..N)", "nest at most"),
    "bar outside N": ("log(x | y)", "'|' inside log(...)"),
    # issue 21's constructs
    "huge sum bound": ("sum_{n=1}^{" + "9" * 60 + "} x_n", "digits"),
    "sum script with a bad index": ("sum_q x_q", "index of sum_q"),
    "sums by script nested too deep": ("sum_i sum_j sum_k sum_l x_i", "nest at most"),
    "juxtaposed python call": ("x __import__('os')", "a name starts with a letter"),
    "juxtaposed open": ("2 open(x)", "not an accepted function"),
    "keyword as a name": ("so + 1", "keyword"),
    "marker inside an expression": ("x => y", "relations separate"),
    "unicode outside the table": ("\u03c3 + \u2603", "U+2603"),
    "unicode superscript tower": ("2" + "\u00b2" * 600, "digits"),
    "unicode subscript flood": ("x" + "\u2099" * 40, "accepted name"),
    "unicode juxtaposition flood": ("\u03c3" * 300, "nested"),
    "approx inside an expression": ("x ~= 1", "relations separate whole expressions"),
}


@contextlib.contextmanager
def no_eval():
    """Fail loudly if eval/exec/sympify get text, or parse_expr runs at all, while parsing."""
    calls = []
    sympify_module = sys.modules["sympy.core.sympify"]
    real_sympify = sympify_module.sympify

    def forbidden(*args, **kwargs):
        calls.append(args)
        raise AssertionError("an evaluating function was called")

    def sympify_without_text(value, *args, **kwargs):
        if isinstance(value, str):
            forbidden(value)
        return real_sympify(value, *args, **kwargs)

    def guarded(real):
        def run(source, *args, **kwargs):  # module imports exec code objects; text is what must not run
            if isinstance(source, str | bytes):
                forbidden(source)
            return real(source, *args, **kwargs)
        return run

    parse_expression("x")  # imports lark and builds its tables first: module imports may exec code objects
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "eval", guarded(builtins.eval))
        patch.setattr(builtins, "exec", guarded(builtins.exec))
        patch.setattr(sp.parsing.sympy_parser, "parse_expr", forbidden)
        patch.setattr(sympify_module, "sympify", sympify_without_text)
        patch.setattr(sp, "sympify", sympify_without_text)
        yield calls


def test_language_builds_sympy_directly():
    with no_eval() as calls:
        parse_expression("log(N(x, mu, sigma)) + exp(-x**2/2) / sqrt(2*pi)")
    assert calls == []
    assert parse_expression("logN(x, mu, sigma)") == -sp.log(SIGMA) - sp.log(2 * sp.pi) / 2 \
        - (X - MU) ** 2 / (2 * SIGMA**2)
    assert parse_expression("N(x, mu, sigma)") == sp.exp(-(X - MU) ** 2 / (2 * SIGMA**2)) / (
        sp.sqrt(2 * sp.pi) * SIGMA)
    assert parse_expression("0.1 + 1e-5") == sp.Rational(10001, 100000)  # exact, no binary float
    assert parse_expression("pi + E + sqrt(4) + Abs(-3)") == sp.pi + sp.E + 5
    assert parse_expression("oo") is sp.oo
    assert parse_expression("x**0.5") == sp.sqrt(X)
    assert parse_expression("-x^2") == -(X**2) and parse_expression("2^3^2") == 2**9
    assert parse_expression("x^-1") == 1 / X and parse_expression("ln x") == sp.log(X)
    assert parse_expression("log sigma^2 + 1") == sp.log(SIGMA**2) + 1
    assert parse_expression("(" * 300 + "x" + ")" * 300) == X  # parentheses alone add no depth


def test_prml_density_takes_the_variance_after_the_bar():
    prml = parse_expression("N(x | mu, sigma^2)")
    assert sp.simplify(prml - parse_expression("N(x, mu, sigma)")) == 0
    assert sp.simplify(parse_expression("logN(x|mu, sigma^2)") - parse_expression("logN(x, mu, sigma)")) == 0
    context = Context()
    context.parse("N(x | mu, sigma)")
    assert any("read with variance sigma" in hint for hint in context.hints)
    context.parse("N(x, mu, sigma^2)")
    assert any("standard deviation sigma**2" in hint for hint in context.hints)


def test_bars_norms_and_subscripts():
    assert parse_expression("|x| + ||x||") == 2 * sp.Abs(X)
    assert parse_expression("x_{n}") == parse_expression("x_n")
    assert parse_expression("log |sigma_k|") == sp.log(sp.Symbol("sigma_k", positive=True))


def test_sums_products_and_counts():
    total = parse_expression("sum(x_n, n=1..N)")
    n, count = sp.Symbol("n", integer=True, positive=True), sp.Symbol("N", integer=True, positive=True)
    assert total == sp.Sum(sp.IndexedBase("x", real=True)[n], (n, 1, count))
    assert parse_expression("Sum(x_n, (n, 1, N))") == total
    assert count.is_integer and count.is_positive
    assert isinstance(parse_expression("prod(N(x_n | mu, sigma^2), n=1..N)"), sp.Product)
    left_out = parse_expression("sum(x_m, m=1..N, m != n)")
    assert left_out == sp.Sum(sp.IndexedBase("x", real=True)[sp.Symbol("m", integer=True, positive=True)],
                              (sp.Symbol("m", integer=True, positive=True), 1, count)) \
        - sp.Symbol("x_n", real=True)


def test_greek_names_and_default_signs():
    symbols = {s.name: s for s in parse_expression("sigma_j + s + s2 + mu + lam + pi_1").free_symbols}
    assert all(symbols[name].is_positive for name in ("sigma_j", "s", "s2", "pi_1"))  # pi_1: a weight
    assert all(symbols[name].is_real and symbols[name].is_positive is None for name in ("mu", "lam"))


@pytest.mark.parametrize(("texts", "name", "facts"), [
    (["x_n > 0"], "x_n", {"positive": True}),
    (["0 < x_n"], "x_n", {"positive": True}),
    (["x <= 0"], "x", {"nonpositive": True, "negative": None}),
    (["x >= 0, x != 0"], "x", {"positive": True}),
    (["d != 0"], "d", {"nonzero": True, "positive": None}),
    (["sigma < 0"], "sigma", {"negative": True}),  # the user overrides the default
    (["sigma != 0"], "sigma", {"nonzero": True, "positive": None}),
])
def test_sign_assumptions(texts, name, facts):
    symbol = Context(parse_assumptions(texts)).symbol(name)
    for fact, value in facts.items():
        assert getattr(symbol, f"is_{fact}") is value


def test_equality_assumptions_substitute():
    context = Context(parse_assumptions(["mu_j = x_n", "x_2 = x_1 + d", "d != 0"]))
    assert context.parse("N(x_n, mu_j, sigma)").free_symbols == {context.symbol("sigma")}
    assert context.parse("x_2 - x_1") == context.symbol("d")
    assert Context(parse_assumptions(["x >= 0", "x <= 0"])).parse("x + 1") == 1


@pytest.mark.parametrize(("texts", "needle"), [
    (["x > 1 >"], "NAME > 0"),
    (["x > 0", "x < 0"], "contradict"),
    (["x > 1", "x < -2"], "contradict"),
    (["mu = x", "x = mu + 1"], "in terms of itself"),
    (["mu = mu"], "in terms of itself"),
    (["x = 1", "x = 2"], "two values"),
    (["x = __import__('os')"], "a name starts with a letter"),
    (["x = open(y)"], "not an accepted function"),
    (["x.y > 0"], "'.' at column 2"),
    (["x + 1 = 0"], "name on one side"),
    (["\u03d6 > 0"], "U+03D6"),
])
def test_bad_assumptions(texts, needle):
    with pytest.raises(GmmMathError) as info:
        parse_assumptions(texts)
    assert needle in str(info.value)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_refused_fast_without_evaluating(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text, needle = HOSTILE[name]
    start = time.perf_counter()
    with no_eval() as calls, pytest.raises(GmmMathError) as info:
        parse_expression(text)
    assert time.perf_counter() - start < 1.0
    assert calls == []
    assert needle in str(info.value)
    assert "\n" not in str(info.value)
    assert not (tmp_path / "canary").exists()


def test_bounds_are_what_they_claim():
    assert parse_expression("x**1000") == sp.Symbol("x", real=True) ** 1000
    with pytest.raises(GmmMathError, match="exponent"):
        parse_expression("x**1001")
    assert parse_expression("1" * safety.MAX_INT_DIGITS) == int("1" * safety.MAX_INT_DIGITS)
    with pytest.raises(GmmMathError, match="digits"):
        parse_expression("1" * (safety.MAX_INT_DIGITS + 1))
    longest = "x+" * ((safety.MAX_LENGTH - 1) // 4) + "x"
    assert len(longest) <= safety.MAX_LENGTH
    parse_expression("(" + "+".join(["x"] * 90) + ")")
    with pytest.raises(GmmMathError, match="characters"):
        parse_expression("x" * (safety.MAX_LENGTH + 1))


def _outcome(text: str) -> str:
    """Parse; only the library's own error may escape, and a success is a SymPy expression."""
    try:
        result = parse_expression(text)
    except GmmMathError as err:
        assert str(err) and "\n" not in str(err)
        return "refused"
    assert isinstance(result, sp.Expr)
    assert not result.has(sp.zoo, sp.nan)
    return "parsed"


_ALPHABET = st.sampled_from(list("xyz019.eE+-*/()_, ^%@<>=![]{}'\"\\:;`~#&|") + [
    "**", "sigma", "mu", "pi", "oo", "exp(", "log(", "sqrt(", "Abs(", "N(", "logN(", "__", "lambda",
    "import", "\x00", "\t", "\n", "\u03c3", "\u2212", "\u200b", "9**9", "1e99", "os", ".system"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_fuzz_random_text(text):
    _outcome(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_arbitrary_unicode(text):
    _outcome(text)


_NAMES = st.sampled_from(["x", "mu", "sigma", "pi", "E", "oo", "e", "exp", "N", "os", "__import__",
                          "__class__", "open", "x_1", "lam"])
_LEAVES = st.one_of(
    _NAMES.map(lambda name: ast.Name(id=name, ctx=ast.Load())),
    st.one_of(st.integers(-10**3, 10**3), st.integers(-10**60, 10**60), st.floats(allow_nan=False),
              st.sampled_from([None, True, "s", b"b", 1j, ...])).map(lambda value: ast.Constant(value=value)),
    st.sampled_from(["lambda: 0", "[i for i in x]", "{1: 2}", "f'{x}'", "x if y else z", "(y := 1)",
                     "x.y", "x[1]", "a < b", "not x"]).map(lambda src: ast.parse(src, mode="eval").body),
)
_BINARY = [ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.BitXor, ast.FloorDiv, ast.Mod, ast.MatMult]
_UNARY = [ast.USub, ast.UAdd, ast.Not, ast.Invert]
_FUNCTIONS = ["exp", "log", "sqrt", "Abs", "N", "logN", "open", "eval", "getattr"]


def _extend(children):
    return st.one_of(
        st.builds(lambda op, left, right: ast.BinOp(left=left, op=op(), right=right),
                  st.sampled_from(_BINARY), children, children),
        st.builds(lambda op, operand: ast.UnaryOp(op=op(), operand=operand), st.sampled_from(_UNARY), children),
        st.builds(lambda name, args: ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=[]),
                  st.sampled_from(_FUNCTIONS), st.lists(children, max_size=4)),
        st.builds(lambda value: ast.Attribute(value=value, attr="__class__", ctx=ast.Load()), children),
        st.builds(lambda value: ast.Starred(value=value, ctx=ast.Load()), children).map(
            lambda star: ast.Call(func=ast.Name(id="exp", ctx=ast.Load()), args=[star], keywords=[])),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_LEAVES, _extend, max_leaves=25))
def test_fuzz_random_syntax_trees(tree):
    text = ast.unparse(ast.fix_missing_locations(ast.Expression(body=tree)))
    _outcome(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
def test_fuzz_assumptions(text):
    try:
        parse_assumptions([text])
    except GmmMathError:
        pass


def test_parsing_is_deterministic_across_contexts():
    """Two contexts give the same symbols: expressions parsed separately can be compared."""
    assert parse_expression("N(x, mu, sigma)") == parse_expression("N(x, mu, sigma)")


_VALID_LEAVES = st.one_of(
    st.sampled_from(["x", "mu", "sigma", "x_1", "pi", "E"]).map(lambda name: ast.Name(id=name, ctx=ast.Load())),
    st.integers(0, 12).map(lambda value: ast.Constant(value=value)),
    st.sampled_from([0.5, 0.25, 1e-3, 2.5]).map(lambda value: ast.Constant(value=value)),
)
_ARITY = {"exp": 1, "log": 1, "sqrt": 1, "Abs": 1, "N": 3, "logN": 3}


def _call(name, args):
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args[:_ARITY[name]], keywords=[])


def _valid_extend(children):
    return st.one_of(
        st.builds(lambda op, left, right: ast.BinOp(left=left, op=op(), right=right),
                  st.sampled_from([ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow]), children, children),
        st.builds(lambda operand: ast.UnaryOp(op=ast.USub(), operand=operand), children),
        st.builds(_call, st.sampled_from(sorted(_ARITY)), st.lists(children, min_size=3, max_size=3)),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_VALID_LEAVES, _valid_extend, max_leaves=12))
def test_fuzz_language_trees_parse_or_refuse_cleanly(tree):
    """Trees of the language itself: a clean refusal (bounds, 1/0) or a deterministic real-symbol result."""
    text = ast.unparse(ast.fix_missing_locations(ast.Expression(body=tree)))
    if _outcome(text) == "parsed":
        result = parse_expression(text)
        assert result == parse_expression(text)
        assert {symbol.name for symbol in result.free_symbols} <= {"x", "mu", "sigma", "x_1"}
        assert all(symbol.is_real for symbol in result.free_symbols)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_ALPHABET, st.sampled_from(["\n", "assume: ", "limit(", ", sigma, 0, +) = ", "= ", "#",
                                                     "let: f(v) = ", "f(", ", where ", " and ", "so ", "The x is ",
                                                     "$", "$$", "\\[", "\\begin{align*}", "\\end{align*}",
                                                     "&&", "\\text{where }", ", \\qquad ", "\\\\", "%",
                                                     "d/dmu_k ", "= 0", "=> ", "<=> ", "hence ", "\\Rightarrow ",
                                                     "and so\n", "Thus,\n", "where we have defined\n",
                                                     "let: N_k = ", "sum_k pi_k = 1\n", "gamma_nk("])),
                max_size=40).map("".join))
def test_fuzz_steps_files(text):
    from gmm_math.derivations.check.claims import plan_steps
    from gmm_math.derivations.check.conditions import plan_roles
    from gmm_math.derivations.check.document import read_document

    try:
        document = read_document(text)
        plan = plan_steps(document.text)
        assert all(1 <= document.origin(step.line) <= max(1, len(text.splitlines())) for step in plan)
        plan_roles(plan)
    except GmmMathError as err:
        assert "\n" not in str(err)


def test_limit_direction_respects_the_sign_of_the_variable():
    from gmm_math.derivations.check.claims import domain_direction

    sigma, x = sp.Symbol("sigma", positive=True), sp.Symbol("x", real=True)
    assert domain_direction(sigma, sp.Integer(0), "+-") == "+"
    assert domain_direction(x, sp.Integer(0), "+-") == "+-"
    assert domain_direction(sigma, sp.Integer(1), "-") == "-"
    with pytest.raises(GmmMathError, match="cannot approach 0 from below"):
        domain_direction(sigma, sp.Integer(0), "-")


_GRAMMAR_TOKENS = st.sampled_from([
    "x", "x_n", "x_{n}", "mu_k", "sigma", "sigma_1", "pi", "pi_k", "N", "K", "oo", "2", "0.5", "1e-3", "n", "m",
    "+", "-", "*", "/", "^", "**", "^T", "(", ")", ",", "|", "||", "=", "<=", ">=", "<", ">", "!=", "..",
    "log", "ln", "exp", "sqrt", "Abs", "det", "N(", "logN(", "sum(", "prod(", "Sum(", "Product(", "limit(",
    " ", "n=1..N", "m != n", "(n, 1, N)", "\\", "[", "_", "{", "}", "#", ":",
    "]", "[[a, b], [b, c]]", "[x_1, x_2]", "diag(", "d=1..D", "...", "sigma_d", "x_n_d", "I_D", "Sigma", "^(-1)",
    "D", "d",
    # issue 21: juxtaposition, scripted sums, markers, comments, approximately, and
    "sum_n ", "sum_{n=1}^N ", "sum_{j} ", "prod_k ", " x ", "2 ", "=>", "<=>", "so ", "hence ", " and ", "~=",
    "# c", "iff ", "lim_{sigma->0+} ", "->", "dir='+'", "\u03c3", "\u00b2", "\u2099", "\u2212", "\u221e",
    "d/dsigma", "d/dmu_k ", "diff(", "d(", ")/d(", "solve:", "lambda",
    # the reader's probe: a quantity, a space, a bracket; PRML's responsibility; d/dmu_k sum_n
    "gamma_nk (", "lambda (", "gamma(z_nk)", "gamma (z_{nk})", "d/dmu_k sum_n ", "0 = ", "sigma_k^2 = ",
    # the second reader: a sum after a juxtaposed factor, a subscripted name before a bracket, weight constraints
    "-2 sum_n ", "gamma_nk(", "sum_k pi_k = 1", "0 <= pi_k <= 1", "sum_{k=1}^K pi_k", "d/dsigma_k^2 ",
    "d/dsigma^2"])


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_GRAMMAR_TOKENS, max_size=30).map("".join))
def test_fuzz_the_grammar(text):
    """Every token soup ends in a tree or a one-line refusal, fast (the grammar alone, no SymPy)."""
    start = time.perf_counter()
    for rule in ("start", "line", "relations"):
        try:
            grammar.parse_tree(text, "expression", rule)
        except GmmMathError as err:
            assert str(err) and "\n" not in str(err)
            assert "invalid syntax" not in str(err)
    assert time.perf_counter() - start < 5.0  # a bound against runaway parsing (ms when idle), not a speed target


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_GRAMMAR_TOKENS, min_size=1, max_size=20).map("".join))
def test_fuzz_through_the_worker_ends_in_a_verdict_or_a_refusal(text):
    """Building SymPy objects may take long: the worker's time limit ends it."""
    import multiprocessing

    from gmm_math.numerics.check.runner import check_equal

    try:
        found = check_equal(text, "x", timeout=2)["report"]
    except GmmMathError as err:
        assert "\n" not in str(err)
    else:
        assert found["verdict"] in ("holds", "fails", "undecided")
    assert multiprocessing.active_children() == []
