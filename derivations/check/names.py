"""Name rules of the checking language: which names are accepted, which are counts, indices, weights, positive."""

from __future__ import annotations

import re

import sympy as sp

from gmm_math.derivations.check.functions import BIG_OPERATORS, FUNCTIONS, SPECIAL
from gmm_math.derivations.check.safety import MAX_NAME_LENGTH
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.printing.text import DECIMALS, POWER

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*")
# positive: standard deviations, weights, q_k (a distribution over k, the EM bound), and N_k (a component's
# effective count, a sum of responsibilities: N_k, N_1, never negative)
_POSITIVE_NAME = re.compile(r"(sigma|s|pi|q)(_\w+|\d+)?|N_([a-z]|\d+)")
_POSITIVE_BASES = frozenset({"sigma", "s", "pi", "q"})
_WEIGHT_BASES = frozenset({"pi", "q"})  # mixing weights pi_k, and q_k, a distribution over k (the EM bound)
COUNTS = frozenset({"N", "K", "D", "M"})
INDEX_LETTERS = frozenset("ijklmn")
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E, "oo": sp.oo}
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
# the textbook's index letters (PRML): i, m, n run over the N points; j, k, l over the K components;
# d over the D dimensions. A sum written without its range (sum_j, \sum_{j}) runs over the letter's range.
INDEX_RANGES = {"i": "N", "m": "N", "n": "N", "j": "K", "k": "K", "l": "K", DIMENSION_LETTER: "D"}
KEYWORDS = {
    "so": "begins a consequence (so x = ...)", "hence": "begins a consequence (hence x = ...)",
    "therefore": "begins a consequence", "thus": "begins a consequence", "iff": "begins an equivalence",
    "and": "joins assumptions or relations (assume: a > 0 and b > 0)", "where": "introduces a definition "
    "(where S = ...; or let: S = ...)", "as": "is part of 'EXPR -> VALUE as sigma -> 0+'",
}


# Python's words are not names of the language (nothing is ever run; a product "x if y" is a slip)
PYTHON_WORDS = frozenset({"for", "in", "if", "else", "elif", "import", "from", "def", "class", "return", "not", "or",
                          "is", "while", "yield", "await", "async", "global", "nonlocal", "None", "True", "False",
                          "exec", "eval", "print", "open", "lambda_", "del", "pass", "raise", "try", "except"})


# one name per letter: epsilon, varepsilon and eps are one name, as are lambda and lam, phi and varphi (it is
# read as the short spelling, and printed back as the student spelled it: :func:`written_spellings`)
ALIASES = {"epsilon": "eps", "varepsilon": "eps", "lambda": "lam", "varphi": "phi"}
_UNICODE_SPELLINGS = {"ε": "epsilon", "ϵ": "epsilon", "λ": "lambda", "φ": "phi", "ϕ": "varphi"}
_SPELLING = re.compile("(?<![A-Za-z])(" + "|".join(sorted({*ALIASES, *ALIASES.values()}, key=len, reverse=True))
                       + ")(?![A-Za-z])|[" + "".join(_UNICODE_SPELLINGS) + "]")


_DECIMAL = re.compile(r"(?<![A-Za-z_])\d*\.\d")


def written_spellings(text: str) -> dict[str, str]:
    """How the student spelled each name :data:`ALIASES` reads as one (its first spelling in ``text``), the
    power operator (``**`` when the file writes no ``^``) and numbers (decimals, when the file writes one).

    The LaTeX ``\\lambda`` is spelled ``lambda``, the unicode ``λ`` likewise (messages quote a line in its
    ASCII reading).

    >>> written_spellings(r"\\frac{N_k}{\\pi_k} + \\lambda = 0, L_varepsilon, eps")
    {'lam': 'lambda', 'eps': 'varepsilon'}
    """
    found: dict[str, str] = {}
    for match in _SPELLING.finditer(text):
        word = match.group(1) or _UNICODE_SPELLINGS[match.group(0)]
        found.setdefault(ALIASES.get(word, word), word)
    if "**" in text and "^" not in text:
        found[POWER] = "**"  # a file that writes powers x**2 reads them so
    if _DECIMAL.search(text):
        found[DECIMALS] = "decimal"  # a file that writes 0.25 reads a number 1/4 as 0.25
    return {name: word for name, word in found.items() if name != word}


def normal_name(name: str) -> str:
    """``x_{n}`` -> ``x_n``; ``epsilon_k`` -> ``eps_k``, ``L_epsilon`` -> ``L_eps`` (:data:`ALIASES`)."""
    name = name.replace("{", "").replace("}", "")
    if not any(alias in name for alias in ALIASES):
        return name
    return "_".join(ALIASES.get(part, part) for part in name.split("_"))


def default_sign(name: str) -> frozenset[int]:
    return frozenset({1}) if _POSITIVE_NAME.fullmatch(name) else frozenset({-1, 0, 1})


def check_name(name: str) -> str:
    """Validate a symbol name (letters, digits, single underscores)."""
    name = normal_name(name) if isinstance(name, str) else name
    if not isinstance(name, str) or not _NAME.fullmatch(name) or len(name) > MAX_NAME_LENGTH:
        raise GmmMathError(f"{str(name)[:40]!r} is not an accepted name (expected letters, digits and single "
                           f"underscores, starting with a letter, at most {MAX_NAME_LENGTH} characters, "
                           f"e.g. x_n, mu_k, sigma)")
    if name in CONSTANTS:
        raise GmmMathError(f"{name!r} is a constant, not a variable")
    if name in PYTHON_WORDS:
        raise GmmMathError(f"{name!r} is not a name of the checking language (it reads formulas, never code); "
                           f"write * for products")
    if name in KEYWORDS:
        raise GmmMathError(f"the word {name!r} is a keyword, not a name: it {KEYWORDS[name]}")
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

