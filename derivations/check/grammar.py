"""The grammar of the checking language (``grammar.lark``, LALR(1)): text to a bounded tree, errors in the student's terms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

from gmm_math.derivations.check.latex import _lark as latex_tables
from gmm_math.derivations.check.document import GREEK_NAMES, ascii_limits
from gmm_math.derivations.check.latex import Reading, latex_to_ascii, respell_responsibility
from gmm_math.derivations.check.unicode import from_unicode
from gmm_math.derivations.check.safety import EXPECTED, Unreadable, check_size, check_text, quoted
from gmm_math.derivations.core.errors import GmmMathError

# what a token is, in the words of an error message
_TOKEN_WORDS = {
    "NAME": "the name", "NUMBER": "the number", "PREFIX": "the function", "LPAR": "'('", "RPAR": "')'",
    "COMMA": "','", "REL": "the relation", "POW": "the power", "PLUS": "'+'", "MINUS": "'-'",
    "STAR": "'*'", "SLASH": "'/'", "VBAR": "'|'", "$END": "the end",
}


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
        latex_tables()



def is_latex(text: str) -> bool:
    """LaTeX is recognised by a backslash, a braced exponent ``^{``, an alignment ``&`` or a ``$``."""
    if "\\" in text or "&" in text or "$" in text:
        return True
    return "^{" in _ASCII_BIG_SCRIPT.sub(" ", text)  # sum_{n=1}^{N} is the ASCII language's


_ASCII_BIG_SCRIPT = re.compile(r"(?<![A-Za-z\\])(sum|prod)_\{[^{}]*\}\^\{[^{}]*\}")


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
    typed = check_text(text, what)
    text = from_unicode(typed)
    if not is_latex(text):
        text = ascii_limits(text)  # Limit(..., dir='+') and Eq(A, B) as SymPy prints them; lim_{sigma->0+}
        text = respell_responsibility(text)  # gamma(z_nk): PRML's responsibility gamma_nk
    if text != typed and not is_latex(text):
        text = Reading(text, getattr(typed, "typed", typed))  # messages quote the Unicode as typed
    text = check_text(text, what, unicode=False)
    if language == "latex" or language == "auto" and is_latex(text):
        text = check_text(_latex_relations(text) if start == "relations" else latex_to_ascii(text), what)
    try:
        tree = _lark().parse(text, start=start)
    except lark.exceptions.UnexpectedInput as err:
        raise Unreadable(f"the {what} {quoted(text)}: {_explain(err, text)}",
                         getattr(err, "column", None)) from None
    check_size(tree, what)
    _spaced_products(tree, text, what)
    spaced = _spaced_quantity_calls(tree, text)
    if spaced != text:  # gamma_nk (x_n - mu_k): a product, read again with the space as * (same columns)
        tree = _lark().parse(spaced, start=start)
        check_size(tree, what)
        text = Reading(spaced, getattr(text, "typed", text)) if isinstance(text, Reading) else spaced
    return tree, text


# a quantity, never a function: a Greek name or a name with a subscript (gamma_nk, lambda, pi_k, N_k)
_QUANTITY = re.compile(rf"(?:(?:{GREEK_NAMES}|lam|eps)(?:_\S*)?|[A-Za-z][A-Za-z0-9]*_\S+)")


def _spaced_quantity_calls(tree: Any, text: str) -> str:
    """``gamma_nk (x_n - mu_k)`` and ``lambda (sum_j pi_j - 1)``: a quantity, a space, then one bracketed
    expression is a product, as a marker reads it (``f(x)``, ``L (sigma)``, ``N (x | mu, s)`` stay calls).
    Written with no space, ``gamma_nk(x_n - mu_k)``, a subscripted name before a bracketed sum or product (never a
    bare name: ``L_k(sigma)`` may be a quantity a line named) is a product too: a ``*`` is put in (the columns after
    it move by one). Returns the text with that space written as ``*``, or the text itself."""
    chars, insertions = list(text), []
    for node in tree.iter_subtrees():
        if str(node.data) != "call" or getattr(node.children[0], "type", "") != "NAME":
            continue
        name, arguments = node.children[0], node.children[1]
        end = name.end_pos
        opening = text.find("(", end)
        if opening < end or text[end:opening].strip() or not _QUANTITY.fullmatch(str(name)):
            continue
        if not is_tree(arguments, "arguments") or len(arguments.children) != 1 \
                or is_tree(arguments.children[0], "range", "exclude", "sided", "side", "ellipsis"):
            continue
        if opening > end:
            chars[opening - 1] = "*"
        elif "_" in str(name) and is_tree(arguments.children[0], *_COMPOUND):  # no known function has a "_"
            insertions.append(opening)
    for opening in sorted(insertions, reverse=True):
        chars.insert(opening, "*")
    return "".join(chars)


_COMPOUND = ("add", "sub", "mul", "div", "juxt", "neg", "pow")  # a bracketed sum or product, never a bare name


def _spaced_products(tree: Any, text: str, what: str) -> None:
    """A product written by juxtaposition needs a space (``2 x``) or a bracket (``2(x+1)``): ``2x``, ``1j``,
    ``0x1f`` are refused, never guessed."""
    for node in tree.iter_subtrees():
        if str(node.data) != "juxt":
            continue
        left, right = node.children
        end, start = left.meta.end_pos, right.meta.start_pos
        if end == start and text[end - 1:end].isalnum() and text[start:start + 1].isalnum():
            raise Unreadable(f"the {what} {quoted(text)}: '{text[start:start + 8].split()[0]}' at column {start + 1} "
                             f"follows another factor with no space; write * for products (2*x) or leave a "
                             f"space (2 x)", start + 1)


def _latex_relations(text: str) -> str:
    """``\\epsilon > 0, a > 0, b > a`` (an assume: list in LaTeX): each relation translated, joined by commas."""
    from gmm_math.derivations.check.document import split_list

    pieces = [latex_to_ascii(piece) for piece in split_list(text)]
    return Reading(", ".join(pieces), getattr(text, "typed", text))


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
    if kind in ("NAME", "NUMBER", "LPAR", "PREFIX", "VBAR") and before and (before[-1].isalnum() or before[-1] in ")|_"):
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


def source(tree: Any, text: str) -> str:
    """The text a subtree was parsed from."""
    meta = getattr(tree, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return text[meta.start_pos:meta.end_pos]
    return str(tree)


def is_tree(node: Any, *kinds: str) -> bool:
    return hasattr(node, "data") and str(node.data) in kinds


# ----------------------------------------------------------------------------------------------


def is_one(node: Any) -> bool:
    """Is the node the number literal 1?"""
    return is_tree(node, "number") and Fraction(str(node.children[0])) == 1
