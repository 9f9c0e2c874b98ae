"""Input safety of the checking language: raw-text checks and every size bound, before and after parsing.

User text is never given to ``eval``, ``exec``, ``sympify`` or ``parse_expr``: it is checked raw here
(type, length, characters), parsed by a LALR(1) grammar (:mod:`.grammar`), its tree bounded here
(nodes, depth) and its numbers bounded while SymPy objects are built (:mod:`.builder`).
"""

from __future__ import annotations

import unicodedata
from typing import Any

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
EXPECTED = ("an expression built from numbers, names, + - * / ^ and exp, log, sqrt, Abs, N, logN, sum, prod, "
            "e.g. log(N(x_n | mu, sigma^2))")


def _known_unicode() -> frozenset[str]:
    from gmm_math.derivations.check.unicode import KNOWN

    return KNOWN


class Unreadable(GmmMathError):
    """A text outside the language; ``column`` (1-based) says where, when known."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


def check_text(text: object, what: str = "expression", unicode: bool = True) -> str:
    """Raw-text checks before any parsing: type, length, NUL bytes, non-ASCII and control characters.

    With ``unicode`` (the default), the characters the tool prints (σ, ², ₙ, −, ...; :mod:`.unicode`) are
    let through: the parser respells them in ASCII and checks the respelled text again without them.
    """
    if not isinstance(text, str):
        raise GmmMathError(f"the {what} must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise GmmMathError(f"the {what} has {len(text)} characters; at most {MAX_LENGTH} are accepted")
    if "\x00" in text:
        raise GmmMathError(f"the {what} contains a NUL byte at position {text.index(chr(0))}")
    for position, char in enumerate(text):
        if not char.isascii() and not (unicode and char in _known_unicode()):
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



def quoted(text: str) -> str:
    """A text quoted for a message: LaTeX input as typed (its translation keeps it as ``typed``), never its repr."""
    typed = getattr(text, "typed", None)
    shown = (typed if typed is not None else text).strip()
    return f"'{shown[:60]}'" if len(shown) <= 60 else f"'{shown[:57]}...'"  # as typed: no repr, no doubled \


def check_size(tree: Any, what: str) -> None:
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
