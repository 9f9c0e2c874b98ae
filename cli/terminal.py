"""Output a terminal cannot encode is transliterated, never a ``UnicodeEncodeError``.

With ``PYTHONIOENCODING=ascii`` (or cp1252, or a C locale) standard output and error get an error
handler that writes σ as ``sigma``, → as ``->``, ∞ as ``infinity`` and box-drawing as ``+-|``: the
automatic fallback at the CLI's output boundary (no option needed; UTF-8 terminals are untouched).
"""

from __future__ import annotations

import codecs
import unicodedata

HANDLER = "gmm-math-ascii"
GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "Δ": "Delta", "ε": "eps", "λ": "lambda",
         "μ": "mu", "ν": "nu", "π": "pi", "ρ": "rho", "σ": "sigma", "Σ": "Sigma", "τ": "tau", "φ": "phi",
         "χ": "chi", "ψ": "psi", "ω": "omega", "θ": "theta", "η": "eta", "ξ": "xi", "κ": "kappa", "ζ": "zeta",
         "Γ": "Gamma", "Λ": "Lambda", "Π": "Pi", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega", "Θ": "Theta"}
SIGNS = {"→": "->", "←": "<-", "∞": "infinity", "−": "-", "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~", "…": "...",
         "“": '"', "”": '"', "‘": "'", "’": "'", "—": "--", "–": "-", "⋅": "*", "·": "*", "×": "x", "√": "sqrt",
         "∑": "sum", "∏": "prod", "∂": "d", "•": "*", "§": "S.", "𝒩": "N", "ⅈ": "i", "ℯ": "e", "‖": "||",
         "⊥": "perp", "ⱼ": "_j", "⁺": "+", "⁻": "-", "ᵀ": "^T", "±": "+-", "°": " deg", "\u2009": " ",
         "\u00a0": " ", "⎛": "(", "⎜": "|", "⎝": "(", "⎞": ")", "⎟": "|", "⎠": ")", "⎡": "[", "⎢": "|",
         "⎣": "[", "⎤": "]", "⎥": "|", "⎦": "]", "⎧": "{", "⎨": "{", "⎩": "{", "⎪": "|", "⎫": "}", "⎬": "}",
         "⎭": "}", "╲": "\\", "╱": "/", "‾": "-", "▕": "|", "▏": "|", "∫": "S", "⌠": "S", "⌡": "S"}


def _box(char: str) -> str | None:
    """Box drawing (rich's panels and tables, SymPy's fraction bars) as ``+``, ``-`` or ``|``."""
    if not 0x2500 <= ord(char) <= 0x257F:
        return None
    name = unicodedata.name(char, "")
    if "HORIZONTAL" in name and "VERTICAL" not in name and "AND" not in name:
        return "-"
    if "VERTICAL" in name and "HORIZONTAL" not in name and "AND" not in name:
        return "|"
    return "+"


def transliterate(char: str) -> str:
    """One character in ASCII.

    >>> "".join(map(transliterate, "σ → ∞, xₙ, π₁, σ²"))
    'sigma -> infinity, x_n, pi_1, sigma^2'
    """
    if ord(char) < 128:
        return char
    found = GREEK.get(char) or SIGNS.get(char) or _box(char)
    if found is not None:
        return found
    decomposed = unicodedata.normalize("NFKC", char)
    name = unicodedata.name(char, "")
    if decomposed.isascii() and decomposed:
        return ("_" if "SUBSCRIPT" in name else "^" if "SUPERSCRIPT" in name else "") + decomposed
    if decomposed != char and all(ord(c) < 128 or c in GREEK for c in decomposed):
        return "".join(transliterate(c) for c in decomposed)
    return "?"


def _handle(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(transliterate(c) for c in error.object[error.start:error.end]), error.end


codecs.register_error(HANDLER, _handle)


def ascii_fallback(*streams) -> None:
    """Give every stream whose encoding cannot write ``σ → ∞`` the transliterating error handler."""
    for stream in streams:
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "σ → ∞ ⎛".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors=HANDLER)
