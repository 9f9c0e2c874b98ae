"""Unicode as the tool prints it (σ, μₖ, 𝒩(x | μ, σ²), −, ·, ½, √, ∞, →, ≤), respelled in ASCII or LaTeX before parsing.

A character-by-character table, nothing more: the respelled text is then checked and parsed like any
other (``safety.check_text``, the lark grammars). A text with a backslash (LaTeX) gets LaTeX spellings
(``\\sigma``), any other text the ASCII language's (``sigma``); a character outside the table is refused
by ``check_text`` as before.
"""

from __future__ import annotations

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "η": "eta",
    "θ": "theta", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau",
    "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Σ": "Sigma", "Π": "Pi", "Λ": "Lambda",
    "Γ": "Gamma", "Δ": "Delta", "Ω": "Omega",
}
# (ASCII spelling, LaTeX spelling); a spelling that is a word is kept apart from letters and digits by spaces
_SYMBOLS = {
    "∑": ("sum", "\\sum"), "∏": ("prod", "\\prod"), "𝒩": ("N", "\\mathcal{N}"), "√": ("sqrt", "\\sqrt"),
    "−": ("-", "-"), "–": ("-", "-"), "·": ("*", "\\cdot"), "⋅": ("*", "\\cdot"), "×": ("*", "\\times"),
    "∞": ("oo", "\\infty"), "→": ("->", "\\to"), "≤": ("<=", "\\le"), "⩽": ("<=", "\\le"), "≥": (">=", "\\ge"),
    "⩾": (">=", "\\ge"), "≠": ("!=", "\\ne"), "≈": ("~=", "\\approx"), "⇒": ("=>", "\\Rightarrow"),
    "⟹": ("=>", "\\implies"), "⇔": ("<=>", "\\iff"), "⟺": ("<=>", "\\iff"), "∴": ("so", "\\therefore"),
    "½": ("(1/2)", "\\frac{1}{2}"), "¼": ("(1/4)", "\\frac{1}{4}"), "¾": ("(3/4)", "\\frac{3}{4}"),
    "‖": ("||", "\\|"), "∣": ("|", "\\mid"), "…": ("...", "\\dots"), "⋯": ("...", "\\cdots"),
    "\u00a0": (" ", " "), "\u2009": (" ", " "), "\u202f": (" ", " "), "\ufeff": ("", ""),
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ᵀ", "0123456789+-T", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ", "0123456789aeoxhklmnpstijruv", strict=True))
KNOWN = frozenset({*_GREEK, *_SYMBOLS, *_SUPERSCRIPTS, *_SUBSCRIPTS})


def from_unicode(text: str) -> str:
    """``text`` with the tool's Unicode spelled in ASCII (or LaTeX, when the text has a backslash).

    >>> from_unicode("−log(σ) − ½ log(2·π)")
    '-log(sigma) - (1/2) log(2*pi)'
    >>> from_unicode("𝒩(xₙ | μₖ, σₖ²)")
    'N(x_n | mu_k, sigma_k^2)'
    >>> from_unicode("σ → 0⁺")
    'sigma -> 0+'
    """
    if text.isascii():
        return text
    latex = "\\" in text
    out: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char in _SUBSCRIPTS or char in _SUPERSCRIPTS:
            table = _SUBSCRIPTS if char in _SUBSCRIPTS else _SUPERSCRIPTS
            end = position
            while end < len(text) and text[end] in table:
                end += 1
            run = "".join(table[item] for item in text[position:end])
            out.append(_script(run, table is _SUBSCRIPTS, latex))
            position = end
            continue
        spelled = _spelling(char, latex)
        if spelled is None:
            out.append(char)  # ASCII, or a character check_text refuses with its name
        else:
            word = spelled[-1:].isalnum() or spelled.endswith("}")
            before = "".join(out)[-1:]
            if (word or spelled[:1].isalpha()) and (before.isalnum() or before == "_") and not latex:
                out.append(" ")
            out.append(spelled)
            following = text[position + 1:position + 2]
            if word and following and (following.isascii() and following.isalnum() or
                                       following in _GREEK or following in _SYMBOLS and following not in "−–·⋅×"):
                out.append(" ")
        position += 1
    return "".join(out)


def _spelling(char: str, latex: bool) -> str | None:
    if char in _GREEK:
        name = _GREEK[char]
        return f"\\{name}" if latex else name
    if char in _SYMBOLS:
        return _SYMBOLS[char][1 if latex else 0]
    return None


def _script(run: str, subscript: bool, latex: bool) -> str:
    if subscript:
        return f"_{{{run}}}" if latex else f"_{run}"
    if not latex and run in ("+", "-"):
        return run  # 0⁺: the side of a limit point
    if latex:
        return f"^{{{run}}}"
    return f"^{run}" if run.isalnum() else f"^({run})"
