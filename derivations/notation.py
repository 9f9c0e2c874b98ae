"""Textbook notation (Bishop's PRML) for SymPy objects and for the prose around them: one printer, three outputs.

``pretty`` gives unicode text (π₁ 𝒩(xₘ | μₖ, Σₖ), (xₘ − μ)², L_ε), ``latex`` gives LaTeX for the documented
preamble (``article`` + ``amsmath``: no ``\\mathbb``), and Markdown uses ``latex`` inside ``$$`` blocks. The same
printers decide the order of terms (positive terms first: x_m − μ, not −μ + x_m) and the names of symbols.
``prose_latex`` / ``prose_text`` / ``prose_markdown`` turn the ASCII maths in step texts ("sigma -> 0+",
"sigma^2 I", "x_n") into inline maths or unicode; ``rows`` breaks a long relation into one term group per line.

Only cli/ and :meth:`Derivation._repr_latex_` call this module; it returns strings and never prints.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.pretty.stringpict import prettyForm, stringPict

from gmm_math.derivations.latex_mul import FastMulLatex, FastMulPretty

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


def _script(text: str, table: dict[str, str]) -> str | None:
    """``text`` in unicode sub/superscript characters, or None when one of them has none."""
    out = [table.get(c) for c in text]
    return None if None in out else "".join(out)


def _greek(word: str, latex: bool) -> str | None:
    word = ALIASES.get(word, word)
    if word in GREEK:
        return "\\" + word if latex else GREEK[word]
    return None


def name_latex(name: str) -> str:
    """LaTeX for a symbol name: greek words as letters, ``base_sub`` as a subscript (words upright)."""
    if name in SPECIAL:
        return SPECIAL[name][0]
    base, _, sub = name.partition("_")
    out = _greek(base, True) or (base if len(base) == 1 else rf"\mathrm{{{base}}}")
    if not sub:
        return out
    shown = SUBSCRIPT_WORDS.get(sub, (None,))[0] or _greek(sub, True) or (
        sub if len(sub) <= 2 or sub.isdigit() else rf"\mathrm{{{sub}}}")
    return f"{out}_{{{shown}}}"


def name_text(name: str) -> str:
    """Unicode for a symbol name: σ, π₁, L_ε, Δ_⊥, L_pen (a subscript word stays a word)."""
    if name in SPECIAL:
        return SPECIAL[name][1]
    base, _, sub = name.partition("_")
    out = _greek(base, False) or base
    return out + subscript_text(sub) if sub else out


def subscript_text(sub: str) -> str:
    """``sub`` as a unicode subscript when it is one letter, digits or a greek word, else ``_sub``."""
    word = SUBSCRIPT_WORDS.get(sub, (None, None))[1] or _greek(sub, False)
    if word is not None:
        return _script(word, SUB) or "_" + word
    short = len(sub) <= 2 or sub.isdigit()
    return (_script(sub, SUB) if short else None) or "_" + sub


def _bare(arg) -> bool:
    """Whether ``log`` of ``arg`` reads without parentheses: log σ, log π₁, log 2, log π."""
    return isinstance(arg, (sp.Symbol, sp.Indexed, sp.NumberSymbol)) or (arg.is_Integer and arg.is_positive)


def _is_normal(arg) -> bool:
    return type(arg).__name__ == "Normal"


def _ordered(terms: list) -> list:
    """Positive terms first (x_m − μ, C + log π₁ − log σ), otherwise SymPy's order."""
    return sorted(terms, key=lambda t: t.could_extract_minus_sign())


class _Order:
    def _as_ordered_terms(self, expr, order=None):
        return _ordered(list(super()._as_ordered_terms(expr, order=order)))


class TextbookLatex(_Order, FastMulLatex):
    """LaTeX in PRML's notation, for ``article`` + ``amsmath`` (the identity is I, not \\mathbb{I})."""

    def _print_Symbol(self, expr, style="plain"):
        return name_latex(expr.name)

    _print_MatrixSymbol = _print_Symbol

    def _print_Identity(self, expr):
        return "I"

    def _print_IndexedBase(self, expr):
        return name_latex(expr.label.name)

    def _print_Indexed(self, expr):
        base = name_latex(expr.base.label.name)
        base = base if "_" not in base else "{" + base + "}"
        return base + "_{" + ",".join(self._print(i) for i in expr.indices) + "}"

    def _print_log(self, expr, exp=None):
        arg = expr.args[0]
        if _bare(arg) and exp is None:
            return r"\log " + self._print(arg)
        return super()._print_log(expr, exp)

    def _print_Mul(self, expr):
        normals = [a for a in expr.args if _is_normal(a)]
        rest = [a for a in expr.args if not _is_normal(a)]
        if not normals or not rest:
            return super()._print_Mul(expr)
        head = self._print(sp.Mul(*rest))
        return " ".join([head, *(self._print(a) for a in normals)])


class TextbookPretty(_Order, FastMulPretty):
    """Unicode text in PRML's notation: π₁ 𝒩(xₘ | μₖ, Σₖ), log π₁, λᵢ, L_ε."""

    def __init__(self, settings=None):
        super().__init__({"use_unicode": True, **(settings or {})})

    def _print_Symbol(self, e, bold_name=False):
        return prettyForm(name_text(e.name))

    _print_MatrixSymbol = _print_Symbol

    def _print_Identity(self, expr):
        return prettyForm("I")

    def _print_IndexedBase(self, expr):
        return prettyForm(name_text(expr.label.name))

    def _print_Indexed(self, expr):
        base = name_text(expr.base.label.name)
        indices = [str(i.label) if isinstance(i, sp.Idx) else str(i) for i in expr.indices]
        sub = _script("".join(indices), SUB) if all(len(i) == 1 for i in indices) else None
        return prettyForm(base + (sub if sub is not None else "_" + ",".join(indices).replace(" ", "")))

    def _print_Normal(self, expr):
        x, mean, cov = (self._print(a) for a in expr.args)
        body = prettyForm(*stringPict.next(x, " | ", mean, ", ", cov))
        return prettyForm(*prettyForm(*body.parens()).left("𝒩"), binding=prettyForm.FUNC)

    def _print_log(self, expr):
        arg = expr.args[0]
        if _bare(arg):
            return prettyForm("log " + self._print(arg).picture[0], binding=prettyForm.FUNC)
        return self._print_Function(expr)

    def _print_Mul(self, product):
        normals = [a for a in product.args if _is_normal(a)]
        rest = [a for a in product.args if not _is_normal(a)]
        if not normals or not rest:
            return super()._print_Mul(product)
        out = self._print(sp.Mul(*rest))
        for a in normals:
            out = prettyForm(*out.right(" ", self._print(a)))
        return prettyForm(*out.left(""), binding=prettyForm.MUL)


def latex(expr) -> str:
    """``expr`` in LaTeX (textbook notation).

    >>> x, mu = sp.IndexedBase("x"), sp.Symbol("mu")
    >>> print(latex((x[1] - mu)**2))
    \\left(x_{1} - \\mu\\right)^{2}
    >>> print(latex(sp.log(sp.IndexedBase("pi")[1]) + sp.Symbol("L_epsilon")))
    L_{\\epsilon} + \\log \\pi_{1}
    """
    return TextbookLatex().doprint(expr)


def pretty(expr, num_columns: int | None = None) -> str:
    """``expr`` as unicode text (textbook notation), wrapped by SymPy at ``num_columns`` when given.

    >>> pretty(sp.IndexedBase("lambda")[sp.Idx("i")] + sp.log(sp.Symbol("L_epsilon")))
    'log L_ε + λᵢ'
    >>> pretty(sp.Symbol('x') - sp.Symbol('mu'))
    'x − μ'
    """
    return unicode_minus(TextbookPretty({"num_columns": num_columns}).doprint(expr))


def unicode_minus(text: str) -> str:
    """SymPy's ASCII hyphen as the minus sign − (the pretty printer draws nothing else with a hyphen)."""
    return text.replace("-", "−")


def relation_parts(expr) -> tuple[sp.Basic | None, str, sp.Basic]:
    """(lhs, relation operator as LaTeX, rhs); lhs is None for an expression that is not a relation."""
    if isinstance(expr, sp.core.relational.Relational):
        op = {"==": "=", ">=": r"\geq", "<=": r"\leq", ">": ">", "<": "<", "!=": r"\neq"}[expr.rel_op]
        return expr.lhs, op, expr.rhs
    return None, "", expr


TEXT_RELATION = {"=": "=", r"\geq": "≥", r"\leq": "≤", ">": ">", "<": "<", r"\neq": "≠", "": ""}


def term_groups(expr, fits) -> list[list[sp.Expr]]:
    """The terms of the sum ``expr`` in printing order, greedily grouped so that ``fits(group, first)`` holds.

    A term that does not fit alone gets a group of its own.
    """
    terms = _ordered(list(sp.Add.make_args(expr))) if isinstance(expr, sp.Add) else [expr]
    groups: list[list[sp.Expr]] = [[]]
    for term in terms:
        trial = groups[-1] + [term]
        if groups[-1] and not fits(trial, len(groups) == 1):
            groups.append([term])
        else:
            groups[-1] = trial
    return groups


def as_sum(group: list[sp.Basic]) -> sp.Basic:
    """The terms of one row as one unevaluated sum (a lone term, which may be any object, as itself)."""
    return group[0] if len(group) == 1 else sp.Add(*group, evaluate=False)


def group_latex(group: list[sp.Expr], first: bool) -> str:
    """One row of a broken sum: later rows start with a binary + or −."""
    text = latex(as_sum(group))
    if first:
        return text
    return "{}" + text if text.startswith("-") else "{}+ " + text


def lead_width(expr) -> int:
    """Columns left of the alignment point in ``expr``'s rows (its left side and relation; 0 without one)."""
    lhs, _, _ = relation_parts(expr)
    return 0 if lhs is None else _width(lhs) + 3


def rows(expr, budget: int, lead: int | None = None) -> list[str]:
    """``expr`` as ``align*`` rows (``lhs &= …``): a long sum is broken into rows of at most ``budget``
    columns of its unicode rendering (a proxy for its printed width), continuation rows indented by ``\\quad``.

    ``lead`` is the width of the alignment column (default: this left side's; pass the widest left side of the
    rows that share one ``align*``). A left side wider than ``budget`` that is a log of a sum (or its limit) is
    broken inside the log's parentheses instead.
    """
    lhs, op, rhs = relation_parts(expr)
    broken = _broken_log(lhs, budget) if lhs is not None and _width(lhs) + 3 > budget else None
    if broken:  # the relation and the right side go on rows of their own
        lead = 2
    head = "" if lhs is None or broken else latex(lhs) + " "
    lead = lead_width(expr) if lead is None else lead

    def fits(group, first):
        return lead + (0 if first else 4) + _width(as_sum(group)) <= budget

    groups = term_groups(rhs, fits)
    first = group_latex(groups[0], True)
    out = [*(broken or []), f"{head}&{op} {first}" if op else f"&{first}"]
    for group in groups[1:]:
        wide = len(group) == 1 and not fits(group, False)
        sign = "{}- " if group[0].could_extract_minus_sign() else "{}+ "
        split = _broken_log(group[0], budget - 4, start=r"\quad " + sign) if wide and sign == "{}+ " else None
        out += split or [rf"&\quad {group_latex(group, False)}"]
    return out


def _broken_log(term, budget: int, start: str = "") -> list[str] | None:
    """Rows of ``log(sum)`` or ``Limit(log(sum))`` broken inside fixed-size parentheses (``\\biggl( … \\biggr)``
    may span rows), the first row starting with ``start``; None when it is not of that form or does not break."""
    prefix, inner = "", term
    if isinstance(term, sp.Limit):
        marker = sp.Symbol("X")
        prefix = latex(sp.Limit(marker, *term.args[1:])).removesuffix("X")
        inner = term.args[0]
    if not (isinstance(inner, sp.log) and isinstance(inner.args[0], sp.Add)):
        return None
    groups = term_groups(inner.args[0], lambda group, first: 8 + _width(as_sum(group)) <= budget)
    if len(groups) == 1:
        return None
    out = [rf"&{start}{prefix}\log\biggl({group_latex(groups[0], True)}"]
    out += [rf"&\qquad {group_latex(g, False)}" for g in groups[1:]]
    out[-1] += r"\biggr)"
    return out


def _width(expr) -> int:
    return max((len(line) for line in pretty(expr).splitlines()), default=0)


# --- prose: ASCII maths in step texts -> inline LaTeX maths / unicode ---------------------------------------

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<word>\d+-[A-Za-z]+|[A-Za-z]+(?:-[A-Za-z]+)*'s|[A-Za-z]+\(s\)|[A-Za-z]+(?:-[A-Za-z]+)+)  # 1-D, log-likelihood, EM's
  | (?P<ident>[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)?)
  | (?P<zero>0\+(?![\w(]))                                       # 0+ as in sigma -> 0+
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<op>->|>=|<=|!=|\|\||\.\.|[=<>+\-*/^|])
  | (?P<open>\()
  | (?P<close>\))
  | (?P<other>.)
""", re.VERBOSE)
FUNCTIONS = {"log": r"\log", "exp": r"\exp", "det": r"\det", "tr": r"\operatorname{tr}", "sup": r"\sup",
             "sqrt": r"\sqrt", "IW": r"\mathrm{IW}", "IG": r"\mathrm{IG}", "lim": r"\lim", "sum": r"\sum"}
TEXT_FUNCTIONS = {"sqrt": "√", "sum": "∑"}
WEAK_LETTERS = {"a", "A"}  # English articles unless they stand next to maths
OPS_LATEX = {"->": r"\to", ">=": r"\geq", "<=": r"\leq", "!=": r"\neq", "||": r"\|", "|": r"\mid", "..": r"\dots",
             "*": r"\cdot"}
OPS_TEXT = {"->": "→", ">=": "≥", "<=": "≤", "!=": "≠", "||": "‖", "-": "−", "..": "…", "*": "⋅"}


def _tokens(text: str) -> list[list]:
    """[kind, text, is_maths] triples; kind is a group name of ``_TOKEN`` (idents refined to fn/strong/weak)."""
    out = []
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "word" and _greek(value.split("-")[0], True) and "-" in value:  # sigma-dependent
            head, _, tail = value.partition("-")
            out += [["strong", head, True], ["word", "-" + tail, False]]
            continue
        if kind == "ident":
            base, _, sub = value.partition("_")
            if value in SPECIAL:
                kind = "strong"
            elif value in FUNCTIONS or (base in FUNCTIONS and sub):
                kind = "fn"
            elif value in WEAK_LETTERS:
                kind = "weak"
            elif value in SPECIAL or len(base) == 1 or _greek(base, True) or base in ALIASES:
                kind = "strong"
            else:
                kind = "word"
        out.append([kind, value, kind in ("strong", "zero", "op")])
    return out


def _neighbour_at(tokens, i, step) -> int | None:
    """The index of the nearest non-space token before (step -1) or after (step 1) token ``i``."""
    j = i + step
    while 0 <= j < len(tokens) and tokens[j][0] == "space":
        j += step
    return j if 0 <= j < len(tokens) else None


def _neighbour(tokens, i, step):
    j = _neighbour_at(tokens, i, step)
    return None if j is None else tokens[j]


def _mark(tokens) -> None:
    """Decide which tokens are maths: strong tokens and operators are; numbers, weak letters, commas, function
    names and parentheses are when their neighbours are; a word directly inside a function's parentheses too."""
    _mark_parens(tokens)
    changed = True
    while changed:
        changed = False
        for i, tok in enumerate(tokens):
            if tok[2] or tok[0] not in ("number", "weak", "fn", "other"):
                continue
            prev, nxt = _neighbour(tokens, i, -1), _neighbour(tokens, i, 1)
            if tok[0] == "fn":
                ok = nxt is not None and (nxt[2] or nxt[0] in ("open", "fn", "number"))
            elif tok[0] == "other":
                ok = tok[1] == "," and prev is not None and nxt is not None and prev[2] and nxt[2]
            else:  # a number or "a": next to maths, or before ", <maths>" (with a, q > 0)
                comma = _neighbour_at(tokens, i, 1) if nxt is not None and nxt[1] == "," else None
                after = None if comma is None else _neighbour(tokens, comma, 1)
                ok = any(t is not None and t[2] and t[1] != "," for t in (prev, nxt)) or bool(after and after[2])
            if ok:
                tok[2] = changed = True


def _mark_parens(tokens) -> None:
    """A parenthesised group is maths when it follows a function name, an identifier or ``^`` directly, or when
    everything in it is maths; in a function's parentheses, words are maths too (``log(peak + rest)``)."""
    stack = []
    for i, tok in enumerate(tokens):
        if tok[0] == "open":
            stack.append(i)
        elif tok[0] == "close" and stack:
            start = stack.pop()
            before = tokens[start - 1] if start else None
            inner = tokens[start + 1:i]
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            first = next((t for t in inner if t[0] != "space"), None)
            spaced = _neighbour(tokens, start, -1)
            applied = before is not None and (before[0] in ("fn", "strong", "close") or before[1] == "^")
            applied = applied or (after is not None and after[1] == "^") or (  # P (x_m - mean), sum_m (...)
                spaced is not None and spaced[0] in ("fn", "strong") and first is not None and first[0] == "strong"
                and any(t[0] == "op" for t in inner))
            all_maths = (before is None or before[0] in ("space", "op", "other")) and any(
                t[0] in ("strong", "op") for t in inner) and all(
                t[0] in ("space", "strong", "op", "number", "weak", "zero", "fn", "open", "close")
                or t[1] == "," for t in inner)
            if applied or all_maths:
                for t in (tokens[start], tok, *inner):
                    if t[0] != "space" and (t[0] != "other" or t[1] == ","):
                        t[2] = True
                if before is not None and before[0] == "fn":
                    before[2] = True


def _runs(tokens):
    """Alternating (is_maths, tokens) runs; spaces between maths tokens belong to the maths run."""
    runs: list[tuple[bool, list]] = []
    for i, tok in enumerate(tokens):
        maths = tok[2]
        if tok[0] == "space":
            prev, nxt = _neighbour(tokens, i, -1), _neighbour(tokens, i, 1)
            maths = bool(prev and nxt and prev[2] and nxt[2])
        if runs and runs[-1][0] == maths:
            runs[-1][1].append(tok)
        else:
            runs.append((maths, [tok]))
    return runs


LATEX_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$",
                      "{": r"\{", "}": r"\}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
                      "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}


def latex_text(text: str) -> str:
    """Escape plain text for LaTeX text mode (\\text, \\intertext, \\textbf) with the default OT1 encoding."""
    return "".join(LATEX_TEXT_ESCAPES.get(c, c) for c in text)


def _maths_latex(tokens) -> str:
    out, i = [], 0
    while i < len(tokens):
        kind, value, _ = tokens[i]
        if kind == "op" and value == "^":
            sup, i = _superscript(tokens, i + 1)
            last = next((piece for piece in reversed(out) if piece.strip()), "")
            chained = "^" in last  # x^2^3, 0+^2: a second superscript needs a base
            out.append(("{}" if chained else "") + "^{" + _maths_latex(sup) + "}")
            continue
        if kind == "fn" and value == "sqrt":
            if i + 1 < len(tokens) and tokens[i + 1][0] == "open":
                inner, i = _group(tokens, i + 1)
                out.append(r"\sqrt{" + _maths_latex(inner) + "}")
            else:
                out.append(r"\surd")
                i += 1
            continue
        if kind == "strong" and value == "N" and i + 1 < len(tokens) and tokens[i + 1][0] == "open":
            out.append(r"\mathcal{N}")
        else:
            out.append(_LATEX_TOKEN.get(kind, latex_text)(value))
        i += 1
    return _join_tex(out)


def _join_tex(pieces: list[str]) -> str:
    """Concatenate TeX pieces, with a space where a control word would run into a letter (``\\mid n``)."""
    text = ""
    for piece in pieces:
        if re.search(r"\\[A-Za-z]+$", text) and piece[:1].isalpha():
            text += " "
        text += piece
    return text


_LATEX_TOKEN = {
    "space": lambda v: " ", "zero": lambda v: "0^+", "number": str, "open": str, "close": str,
    "op": lambda v: ", \\dots, " if v == ".." else OPS_LATEX.get(v, v),
    "fn": lambda v: _fn_latex(v), "strong": lambda v: name_latex(ALIASES.get(v, v)), "weak": str,
    "word": lambda v: rf"\mathrm{{{latex_text(v)}}}",
}


def _fn_latex(value: str) -> str:
    base, _, sub = value.partition("_")
    return FUNCTIONS[base] + (f"_{{{name_latex(sub)}}}" if sub else "")


def _group(tokens, i):
    """The tokens inside the parentheses opening at ``i`` and the index after the closing one."""
    depth, j = 0, i
    while j < len(tokens):
        depth += {"open": 1, "close": -1}.get(tokens[j][0], 0)
        if depth == 0:
            return tokens[i + 1:j], j + 1
        j += 1
    return tokens[i + 1:], len(tokens)


def _superscript(tokens, i):
    """The exponent after ``^``: a parenthesised group, or an optional minus and one token."""
    if i < len(tokens) and tokens[i][0] == "open":
        return _group(tokens, i)
    j = i + 1 if i < len(tokens) and tokens[i][1] == "-" else i
    return tokens[i:j + 1], j + 1


def _maths_text(tokens) -> str:
    out, i = [], 0
    while i < len(tokens):
        kind, value, _ = tokens[i]
        if kind == "op" and value == "^":
            sup, i = _superscript(tokens, i + 1)
            inner = _maths_text(sup)
            raw = "".join(t[1] for t in sup).replace(" ", "")
            out.append(_script(raw, SUP) or ("^" + inner if len(sup) == 1 else "^(" + inner + ")"))
            continue
        if kind == "fn" and value == "sqrt" and i + 2 < len(tokens) and tokens[i + 1][0] == "open":
            inner, i = _group(tokens, i + 1)
            shown = _maths_text(inner)
            out.append("√" + (shown if len(inner) == 1 else "(" + shown + ")"))
            continue
        if kind == "strong" and value == "N" and i + 1 < len(tokens) and tokens[i + 1][0] == "open":
            out.append("𝒩")
        elif kind == "strong":
            out.append(name_text(ALIASES.get(value, value)))
        elif kind == "fn":
            base, _, sub = value.partition("_")
            out.append(TEXT_FUNCTIONS.get(base, base) + (subscript_text(sub) if sub else ""))
        elif kind == "zero":
            out.append("0⁺")
        elif kind == "op":
            out.append(", …, " if value == ".." else OPS_TEXT.get(value, value))
        else:
            out.append(value)
        i += 1
    return "".join(out)


def _prose(text: str, maths, plain) -> str:
    tokens = _tokens(text)
    _mark(tokens)
    return "".join(maths(run) if is_maths else plain("".join(t[1] for t in run)) for is_maths, run in _runs(tokens))


def prose_latex(text: str) -> str:
    """Step prose for LaTeX text mode: words escaped, the maths in it as ``$...$``.

    >>> print(prose_latex("let sigma -> 0+ with covariance sigma^2 I (a data point), 100% sure"))
    let $\\sigma \\to 0^+$ with covariance $\\sigma^{2} I$ (a data point), 100\\% sure
    """
    return _prose(text, lambda run: "$" + _maths_latex(run).strip() + "$", latex_text)


def prose_text(text: str) -> str:
    """Step prose with its maths in unicode.

    >>> prose_text("pi_1 > 0 and sigma -> 0+ at x_n; components 2..K")
    'π₁ > 0 and σ → 0⁺ at xₙ; components 2, …, K'
    """
    return _prose(text, _maths_text, lambda s: s)


MARKDOWN_ESCAPES = {c: "\\" + c for c in "\\`*_[]<>|#$"}


def prose_markdown(text: str) -> str:
    """Step prose for CommonMark: unicode maths (as :func:`prose_text`), Markdown's special characters escaped."""
    return "".join(MARKDOWN_ESCAPES.get(c, c) for c in prose_text(text))
