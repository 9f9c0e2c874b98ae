"""PRML's notation, shared by every printer: symbol names (greek words as letters, ``base_sub`` as a subscript, the
special names) in LaTeX and unicode, and the order of terms (positive terms first: x_m − μ, not −μ + x_m)."""

from __future__ import annotations

import sympy as sp

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ",
    "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
ALIASES = {"eps": "epsilon", "lam": "lambda"}
SUB = dict(zip("0123456789aehijklmnoprstuvx+-=()βγρφχ", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₊₋₌₍₎ᵦᵧᵨᵩᵪ"))
SUP = dict(zip("0123456789+-=()niTD*", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀᴰ*"))
SUBSCRIPT_WORDS = {"perp": (r"\perp", "⊥")}
# Symbol names that are not "base_sub": name -> (LaTeX, text)
SPECIAL = {
    "tau2": (r"\tau^{2}", "τ²"), "r2": (r"r^{2}", "r²"), "two_pi": (r"2 \pi", "2π"), "s*": (r"s^{*}", "s*"),
    "tr_S": (r"\operatorname{tr} S_{x}", "tr Sₓ"), "det(S)": (r"\det S", "det S"),
    "det(I - P)": (r"\det(I - P)", "det(I − P)"), "Q''(s*)": (r"Q''(s^{*})", "Q''(s*)"),
    "q - p_n": (r"q - p_{n}", "q − pₙ"),
}


def script(text: str, table: dict[str, str]) -> str | None:
    """``text`` in unicode sub/superscript characters, or None when one of them has none."""
    out = [table.get(c) for c in text]
    return None if None in out else "".join(out)


def greek(word: str, latex: bool) -> str | None:
    """``word`` (or its alias) as a greek letter: ``\\word`` in LaTeX, the letter in unicode; None when not greek."""
    word = ALIASES.get(word, word)
    if word in GREEK:
        return "\\" + word if latex else GREEK[word]
    return None


def name_latex(name: str) -> str:
    """LaTeX for a symbol name: greek words as letters, ``base_sub`` as a subscript (words upright)."""
    if name in SPECIAL:
        return SPECIAL[name][0]
    base, _, sub = name.partition("_")
    out = greek(base, True) or (base if len(base) == 1 else rf"\mathrm{{{base}}}")
    if not sub:
        return out
    shown = SUBSCRIPT_WORDS.get(sub, (None,))[0] or greek(sub, True) or (
        sub if len(sub) <= 2 or sub.isdigit() else rf"\mathrm{{{sub}}}")
    return f"{out}_{{{shown}}}"


def name_text(name: str) -> str:
    """Unicode for a symbol name: σ, π₁, L_ε, Δ_⊥, L_pen (a subscript word stays a word)."""
    if name in SPECIAL:
        return SPECIAL[name][1]
    base, _, sub = name.partition("_")
    out = greek(base, False) or base
    return out + subscript_text(sub) if sub else out


def subscript_text(sub: str) -> str:
    """``sub`` as a unicode subscript when it is one letter, digits or a greek word, else ``_sub``."""
    word = SUBSCRIPT_WORDS.get(sub, (None, None))[1] or greek(sub, False)
    if word is not None:
        return script(word, SUB) or "_" + word
    short = len(sub) <= 2 or sub.isdigit()
    return (script(sub, SUB) if short else None) or "_" + sub


def reads_bare(arg) -> bool:
    """Whether ``log`` of ``arg`` reads without parentheses: log σ, log π₁, log 2, log π."""
    return isinstance(arg, (sp.Symbol, sp.Indexed, sp.NumberSymbol)) or (arg.is_Integer and arg.is_positive)


def is_normal(arg) -> bool:
    """Whether ``arg`` is a Gaussian density 𝒩(x | μ, Σ) (written after the other factors of a product)."""
    return type(arg).__name__ == "Normal"


def normals_last(product) -> tuple[list, list]:
    """A product's factors split into (the others, its Gaussian densities), each in SymPy's order: π₁ 𝒩(x | μ, Σ)."""
    return [a for a in product.args if not is_normal(a)], [a for a in product.args if is_normal(a)]


def positive_first(terms: list) -> list:
    """Positive terms first (x_m − μ, C + log π₁ − log σ), otherwise SymPy's order."""
    return sorted(terms, key=lambda t: t.could_extract_minus_sign())


class PositiveFirst:
    """A printer mixin: a sum's terms in :func:`positive_first` order."""

    def _as_ordered_terms(self, expr, order=None):
        return positive_first(list(super()._as_ordered_terms(expr, order=order)))
