"""Step prose: the ASCII maths in step texts ("sigma -> 0+", "sigma^2 I", "x_n") as inline LaTeX maths, unicode
text or escaped Markdown; the words around it stay words."""

from __future__ import annotations

import re

from gmm_math.derivations.printing.latex import latex_text
from gmm_math.derivations.printing.notation import (
    ALIASES, SPECIAL, SUP, greek, name_latex, name_text, script, subscript_text,
)

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
        if kind == "word" and greek(value.split("-")[0], True) and "-" in value:  # sigma-dependent
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
            elif value in SPECIAL or len(base) == 1 or greek(base, True) or base in ALIASES:
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


def _walk(tokens, piece, join) -> str:
    """The maths run ``tokens`` printed by ``piece(tokens, i, out) -> (text, next i)`` (which may take several
    tokens: an exponent, a function's parentheses), the pieces joined by ``join``."""
    out, i = [], 0
    while i < len(tokens):
        text, i = piece(tokens, i, out)
        out.append(text)
    return join(out)


def _opens(tokens, i: int) -> bool:
    """Whether token ``i`` exists and is an opening parenthesis."""
    return i < len(tokens) and tokens[i][0] == "open"


def _maths_latex(tokens) -> str:
    return _walk(tokens, _latex_piece, _join_tex)


def _latex_piece(tokens, i: int, out: list[str]) -> tuple[str, int]:
    kind, value, _ = tokens[i]
    if kind == "op" and value == "^":
        sup, after = _superscript(tokens, i + 1)
        last = next((piece for piece in reversed(out) if piece.strip()), "")
        chained = "^" in last  # x^2^3, 0+^2: a second superscript needs a base
        return ("{}" if chained else "") + "^{" + _maths_latex(sup) + "}", after
    if kind == "fn" and value == "sqrt":
        if not _opens(tokens, i + 1):
            return r"\surd", i + 1
        inner, after = _group(tokens, i + 1)
        return r"\sqrt{" + _maths_latex(inner) + "}", after
    if kind == "strong" and value == "N" and _opens(tokens, i + 1):
        return r"\mathcal{N}", i + 1
    return _LATEX_TOKEN.get(kind, latex_text)(value), i + 1


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
    return _walk(tokens, _text_piece, "".join)


def _text_piece(tokens, i: int, out: list[str]) -> tuple[str, int]:
    kind, value, _ = tokens[i]
    if kind == "op" and value == "^":
        sup, after = _superscript(tokens, i + 1)
        raw = "".join(t[1] for t in sup).replace(" ", "")
        shown = _maths_text(sup)
        return script(raw, SUP) or ("^" + shown if len(sup) == 1 else "^(" + shown + ")"), after
    if kind == "fn" and value == "sqrt" and i + 2 < len(tokens) and _opens(tokens, i + 1):
        inner, after = _group(tokens, i + 1)
        shown = _maths_text(inner)
        return "√" + (shown if len(inner) == 1 else "(" + shown + ")"), after
    if kind == "strong" and value == "N" and _opens(tokens, i + 1):
        return "𝒩", i + 1
    return _TEXT_TOKEN.get(kind, str)(value), i + 1


_TEXT_TOKEN = {
    "strong": lambda v: name_text(ALIASES.get(v, v)), "fn": lambda v: _fn_text(v), "zero": lambda v: "0⁺",
    "op": lambda v: ", …, " if v == ".." else OPS_TEXT.get(v, v),
}


def _fn_text(value: str) -> str:
    base, _, sub = value.partition("_")
    return TEXT_FUNCTIONS.get(base, base) + (subscript_text(sub) if sub else "")


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
