"""LaTeX input for ``gmm-math check``: a lark grammar (``latex.lark``) translated into the ASCII language.

Nothing is evaluated: the LaTeX text is checked (length, known commands only), parsed by a
LALR(1) grammar, its tree bounded, and each node rewritten as ASCII text that the ASCII
grammar then parses as usual. ``\\input``, ``\\def``, ``\\csname`` and any other command
outside the accepted list are refused before parsing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from gmm_math.derivations.check.parser import MAX_DEPTH, MAX_LENGTH, MAX_NODES, Unreadable

COMMANDS = frozenset({
    "frac", "dfrac", "sqrt", "exp", "log", "ln", "det", "left", "right", "cdot", "times", "mathcal", "sum",
    "prod", "lim", "to", "infty", "le", "leq", "ge", "geq", "leqslant", "geqslant", "ne", "neq", "mid",
    "lvert", "rvert", "lVert", "rVert", "quad", "qquad", "displaystyle", "textstyle",
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "eta", "theta", "lambda", "mu", "nu", "xi", "pi",
    "rho", "sigma", "tau", "phi", "varphi", "chi", "psi", "omega", "Sigma", "Pi", "Lambda", "Gamma", "Delta",
    "Omega", "operatorname", "mathrm", "text", "dots", "ldots", "cdots", "top",
})
_ENVIRONMENTS = re.compile(r"\\(begin|end)\{[pb]matrix\}")
_WORD_COMMANDS = re.compile(r"\\(operatorname|mathrm|text)\{(?!diag\})")
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_RENAMED = {"epsilon": "eps", "varepsilon": "eps", "varphi": "phi", "lambda": "lam"}
_RELATIONS = {"=": "=", "&=": "=", "<": "<", ">": ">", "&<": "<", "&>": ">", "\\le": "<=", "\\leq": "<=",
              "\\leqslant": "<=", "\\ge": ">=", "\\geq": ">=", "\\geqslant": ">=", "\\ne": "!=", "\\neq": "!="}
_SIMPLE_SUBSCRIPT = re.compile(r"[A-Za-z0-9]+")


@cache
def _lark() -> Any:
    import lark

    grammar = resources.files("gmm_math.derivations.check").joinpath("latex.lark").read_text()
    return lark.Lark(grammar, parser="lalr", maybe_placeholders=False)


def _check_commands(text: str) -> None:
    words = _WORD_COMMANDS.search(text)
    if words:
        raise Unreadable(f"\\{words.group(1)}{{...}} at column {words.start() + 1} is accepted only as "
                         f"\\{words.group(1)}{{diag}}", words.start() + 1)
    for match in _COMMAND.finditer(text):
        if match.group(1) in ("begin", "end") and _ENVIRONMENTS.match(text, match.start()):
            continue
        if match.group(1) not in COMMANDS:
            raise Unreadable(f"the LaTeX command \\{match.group(1)[:20]} at column {match.start() + 1} is not "
                             f"accepted (accepted: \\frac, \\sqrt, \\log, \\exp, \\sum, \\prod, \\lim, "
                             f"\\mathcal{{N}}, \\left( \\right), \\cdot, \\le, \\ge, Greek letters)",
                             match.start() + 1)


def _bounded(tree: Any) -> None:
    stack, count = [(tree, 1)], 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            raise Unreadable(f"the LaTeX text is nested more than {MAX_DEPTH} levels deep or has more than "
                             f"{MAX_NODES} parts")
        stack.extend((child, depth + 1) for child in getattr(node, "children", ()))


def latex_to_ascii(text: str) -> str:
    """Translate one LaTeX line (a relation chain or an expression) into the ASCII language.

    >>> latex_to_ascii(r"\\frac{1}{\\sqrt{2\\pi}\\sigma}")
    '1/(sqrt(2*pi)*sigma)'
    >>> latex_to_ascii(r"&\\le \\log \\mathcal{N}(x_n \\mid \\mu, \\sigma^2)")
    '<= log(N(x_n | mu, sigma^2))'
    """
    import lark

    if len(text) > MAX_LENGTH:
        raise Unreadable(f"the LaTeX text has {len(text)} characters; at most {MAX_LENGTH} are accepted")
    body = text.strip().removesuffix("\\\\").strip()
    _check_commands(body)
    body = read_bars(body)
    try:
        tree = _lark().parse(body)
    except lark.exceptions.UnexpectedInput as err:
        column = getattr(err, "column", None)
        at = f" at column {column}" if isinstance(column, int) and column > 0 else ""
        if isinstance(err, lark.exceptions.UnexpectedCharacters):
            char = body[err.pos_in_stream] if 0 <= err.pos_in_stream < len(body) else "?"
            raise Unreadable(f"the LaTeX character {char!r}{at} is not accepted here", column) from None
        token = getattr(err, "token", None)
        shown = "the end" if getattr(token, "type", "$END") == "$END" else repr(str(token))
        raise Unreadable(f"the LaTeX text cannot be read: {shown}{at} is not expected there "
                         f"(a missing brace or \\right?)", column) from None
    _bounded(tree)
    return _Ascii().visit(tree)


# ----------------------------------------------------------------------------------------------
# plain bars: | and \| are paired here, left to right, before the grammar sees them

_BAR_TOKEN = re.compile(r"\\left\\\||\\right\\\||\\left[(\[|.]|\\right[)\]|.]|\\\||\\[A-Za-z]+|\\.|\s+|.",
                        re.DOTALL)
_DENSITY_OPEN = re.compile(r"\\mathcal\s*\{\s*N\s*\}\s*(\\left\(|\()")
_OPERAND_END = re.compile(r"[A-Za-z0-9)}\]'.!]|\\right[)\]|]|\\right\\\||\\rvert|\\rVert|\\infty|\\[A-Za-z]+")
_OPERATOR_COMMANDS = frozenset({
    "frac", "dfrac", "sqrt", "exp", "log", "ln", "det", "cdot", "times", "mathcal", "sum", "prod", "lim", "to",
    "le", "leq", "ge", "geq", "leqslant", "geqslant", "ne", "neq", "mid", "lvert", "lVert", "quad", "qquad",
    "displaystyle", "textstyle", "left"})
_OPENERS = {"(": ")", "{": "}", "[": "]", "\\left(": "\\right)", "\\left[": "\\right]",
            "\\left|": "\\right|", "\\left\\|": "\\right\\|", "\\lvert": "\\rvert", "\\lVert": "\\rVert"}
_CLOSERS = frozenset(_OPENERS.values())
_PRODUCT_BREAKS = frozenset({"+", "-", "=", "<", ">", ",", "&", "/", "\\cdot", "\\times", "\\mid", "\\le",
                             "\\leq", "\\ge", "\\geq", "\\ne", "\\neq", "\\leqslant", "\\geqslant"})
_BARS = {"|": ("\\lvert", "\\rvert", "|"), "\\|": ("\\lVert", "\\rVert", "\\|")}


@dataclass
class _Group:
    """One bracket level: the plain bars open in it, whether it is N(...) and has its bar."""

    closer: str | None
    density: bool = False
    given: bool = False
    bars: list[str] = field(default_factory=list)
    closed_bar: bool = False  # a plain |...| was closed in the current product


def _ends_operand(token: str | None) -> bool:
    if token is None or not _OPERAND_END.fullmatch(token):
        return False
    return not (token.startswith("\\") and token[1:] in _OPERATOR_COMMANDS)


def read_bars(text: str) -> str:
    """Rewrite plain ``|`` and ``\\|`` as ``\\lvert``/``\\rvert``, ``\\lVert``/``\\rVert`` or the given bar ``\\mid``.

    Left to right, in each bracket level: a bar right after an operand closes the innermost
    open bar of its kind; inside ``\\mathcal{N}(...)`` the first bar after an operand with no bar
    open is the "given" bar; any other bar opens. A bar that would open right after an operand
    when a ``|...|`` was already closed in the same product (``|a|b|c|``: ``|a|*b*|c|`` or
    ``|a*|b|*c|``) is refused as ambiguous, never guessed.
    """
    if "|" not in text:
        return text
    out: list[str] = []
    groups = [_Group(None)]
    previous: str | None = None
    position = 0
    while position < len(text):
        density = _DENSITY_OPEN.match(text, position)
        if density:
            out.append(density.group(0))
            groups.append(_Group("\\right)" if density.group(1) == "\\left(" else ")", density=True))
            position, previous = density.end(), "("
            continue
        token = _BAR_TOKEN.match(text, position).group(0)
        column = position + 1
        position += len(token)
        if token.isspace():
            out.append(token)
            continue
        group = groups[-1]
        if token in _BARS:
            out.append(_bar(token, group, previous, column))
            previous = "\\rvert" if out[-1] in ("\\rvert ", "\\rVert ") else out[-1].strip()
            continue
        if token in _OPENERS:
            groups.append(_Group(_OPENERS[token]))
        elif token in _CLOSERS:
            _close(groups, token, column)
        elif token in _PRODUCT_BREAKS:
            group.closed_bar = False
        if token == "\\mid":
            group.given = True
        out.append(token)
        previous = token
    while len(groups) > 1 and not groups[-1].bars:
        groups.pop()
    if groups[-1].bars:
        raise Unreadable(f"the bar {groups[-1].bars[-1]!r} opened in the LaTeX text is never closed")
    return "".join(out)


def _bar(token: str, group: _Group, previous: str | None, column: int) -> str:
    opening, closing, kind = _BARS[token]
    after_operand = _ends_operand(previous)
    if after_operand and group.bars and group.bars[-1] == kind:
        group.bars.pop()
        group.closed_bar = True
        return f"{closing} "
    if token == "|" and after_operand and group.density and not group.given and not group.bars:
        group.given, group.closed_bar = True, False
        return " \\mid "
    if after_operand and group.closed_bar:
        raise Unreadable(f"the bar {kind!r} at column {column} is ambiguous: it could close an outer |...| or "
                         f"open a new one (as in |a|b|c|); write \\lvert ... \\rvert (or \\left| ... \\right|) "
                         f"for each absolute value, or \\cdot between the factors", column)
    group.bars.append(kind)
    return f" {opening} "


def _close(groups: list[_Group], token: str, column: int) -> None:
    group = groups[-1]
    if group.bars:
        raise Unreadable(f"the bar {group.bars[-1]!r} opened before column {column} is not closed inside its "
                         f"brackets", column)
    if len(groups) > 1 and group.closer == token:
        groups.pop()


class _Ascii:
    """Rewrites a LaTeX tree as ASCII text, bottom-up (the tree is bounded, so recursion is too)."""

    def visit(self, node: Any) -> str:
        if not hasattr(node, "data"):
            return str(node)
        handler = _HANDLERS.get(str(node.data))
        if handler is None:
            raise Unreadable(f"the LaTeX construct {node.data} is not accepted")
        return handler(self, node)

    def parts(self, node: Any) -> list[str]:
        return [self.visit(child) for child in node.children if hasattr(child, "data") or _is_value(child)]


def _is_value(token: Any) -> bool:
    return getattr(token, "type", "") in ("NUMBER", "NUMBER_DIGIT", "LETTER", "GREEK", "FUNC", "BIG", "CALLNAME",
                                          "DOTS")


def _greek(token: str) -> str:
    name = token.lstrip("\\")
    return _RENAMED.get(name, name)


def _line(self: _Ascii, node: Any) -> str:
    out = []
    for child in node.children:
        if hasattr(child, "data") and str(child.data) == "rel":
            out.append(_RELATIONS["".join(str(token) for token in _tokens(child)).lstrip("&") or "="])
        else:
            out.append(self.visit(child))
    return " ".join(out)


def _tokens(node: Any) -> list[str]:
    found = []
    for child in node.children:
        found.extend(_tokens(child) if hasattr(child, "data") else [str(child)])
    return found


def _subscript(self: _Ascii, node: Any) -> str:
    base, script = self.visit(node.children[0]), self.visit(node.children[1]).strip("()")
    if not _SIMPLE_SUBSCRIPT.fullmatch(script) or not _SIMPLE_SUBSCRIPT.fullmatch(base):
        raise Unreadable(f"the subscript {script[:20]!r} of {base[:20]!r} must be letters or digits, e.g. x_{{n}}")
    return f"{base}_{script}"


def _func(self: _Ascii, node: Any) -> str:
    name = {"\\ln": "log"}.get(str(node.children[0]), str(node.children[0]).lstrip("\\"))
    return f"{name}({self.visit(node.children[1])})"


def _density(self: _Ascii, node: Any) -> str:
    inner = node.children[0]
    arguments = inner.children[0] if str(inner.data) == "density" else inner
    x, mu, spread = (self.visit(child) for child in arguments.children if hasattr(child, "data") or _is_value(child))
    return f"N({x} | {mu}, {spread})" if str(arguments.data) == "given" else f"N({x}, {mu}, {spread})"


def _big(self: _Ascii, node: Any) -> str:
    operator = "sum" if str(node.children[0]) == "\\sum" else "prod"
    values = [child for child in node.children[1:] if hasattr(child, "data") or _is_value(child)]
    kind = str(node.data)
    if kind == "big_range":
        index, low, high, body = (self.visit(child) for child in values)
        return f"{operator}({body}, {index}={low}..{high})"
    if kind == "big_except":
        index, other, body = (self.visit(child) for child in values)
        return f"{operator}({body}, {index}=1..N, {index} != {other})"
    index, body = (self.visit(child) for child in values)
    return f"{operator}({body}, {index}=1..N)"


def _limit(self: _Ascii, node: Any) -> str:
    var, point, body = node.children
    tokens = "".join(_tokens(point)).replace("\\infty", "oo").replace("{", "").replace("}", "").replace("^", "")
    return f"limit({self.visit(body)}, {self.visit(var)}, {tokens})"


_HANDLERS: dict[str, Callable[[_Ascii, Any], str]] = {
    "start": lambda self, node: self.visit(node.children[0]),
    "line": _line,
    "number": lambda self, node: str(node.children[0]),
    "letter": lambda self, node: str(node.children[0]),
    "greek": lambda self, node: _greek(str(node.children[0])),
    "infinity": lambda self, node: "oo",
    "group": lambda self, node: f"({self.parts(node)[0]})",
    "add": lambda self, node: "{} + {}".format(*self.parts(node)),
    "sub": lambda self, node: "{} - {}".format(self.parts(node)[0], _w(self.parts(node)[1])),
    "neg": lambda self, node: "-{}".format(_w(self.parts(node)[0])),
    "pos": lambda self, node: "{}".format(*self.parts(node)),
    "juxt": lambda self, node: "*".join(_w(part) for part in self.parts(node)),
    "mul": lambda self, node: "*".join(_w(part) for part in self.parts(node)),
    "div": lambda self, node: "/".join(_w(part) for part in self.parts(node)),
    "pow": lambda self, node: "^".join(_w(part) for part in self.parts(node)),
    "subscript": _subscript,
    "frac": lambda self, node: "/".join(_w(part) for part in self.parts(node)),
    "sqrt": lambda self, node: "sqrt({})".format(*self.parts(node)),
    "root": lambda self, node: "({1})^(1/({0}))".format(*self.parts(node)),
    "func": _func,
    "density": _density,
    "call": lambda self, node: f"{node.children[0]}({', '.join(self.parts(node)[1:])})",
    "abs": lambda self, node: "|{}|".format(*self.parts(node)),
    "norm": lambda self, node: "||{}||".format(*self.parts(node)),
    "big_range": _big,
    "big_except": _big,
    "big_all": _big,
    "limit": _limit,
    "diag": lambda self, node: f"diag({', '.join(self.parts(node))})",
    "dots": lambda self, node: "...",
    "top": lambda self, node: "T",
    "matrix": lambda self, node: "[{}]".format(", ".join(f"[{row}]" for row in self.parts(node))),
    "matrix_row": lambda self, node: ", ".join(self.parts(node)),
}


def _closes_at_end(text: str, start: int) -> bool:
    depth = 0
    for position in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        if depth == 0:
            return position == len(text) - 1
    return False


def _w(text: str) -> str:
    """Parenthesize unless the text is one atom (a name, a number, a call or a group)."""
    if _ATOM.fullmatch(text):
        return text
    call = _CALL.match(text)
    if call and _closes_at_end(text, call.end() - 1):
        return text
    return f"({text})"


_ATOM = re.compile(r"[A-Za-z0-9_.]+|\|[^|]*\|")
_CALL = re.compile(r"[A-Za-z][A-Za-z0-9_]*\(|\(")
