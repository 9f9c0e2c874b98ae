"""The formulas `gmm-math derive` prints (JSON latex and sympy forms, text one-liners), paired for reading back."""

from __future__ import annotations

import json
import re

DERIVE_COMMANDS = (("single",), ("mixture",), ("degenerate",), ("em-step",), ("remedy", "ridge"), ("remedy", "map"),
                   ("remedy", "penalty"), ("remedy", "ratio"), ("remedy", "reparam"), ("remedy", "reset"))
# what the checker does not read back, and why (each a construct outside issue 21: derivatives are issue 20's)
NOT_READ = (
    (re.compile(r"Derivative|\\frac\{d\}|\\substack|Subs\("), "a derivative (issue 20, d/dNAME)"),
    (re.compile(r"[0-9]e-3[0-9][0-9]"), "a number beyond 1e-300 (refused by the size bounds)"),
    (re.compile(r"\\epsilon I|epsilon\*I|Determinant|\\begin\{matrix\}|Matrix\(|\\det\(I|det\(I|\(I - P\)|"
                r"\\left\|P|P\*\*"), "a general matrix (only c*I_D and written [[a, b], [b, c]] are matrix values)"),
    (re.compile(r"p\(Sigma|p_n\(Sigma|p\{\\left\(\\Sigma|p_\{n\}\{\\left\(\\Sigma"),
     "a function named on another line (p(Sigma_1)): read in a file that names it first"),
    (re.compile(r"^s\*$|s\^\{\*\}|\\star|s\*"), "the name s* (not a name of the language)"),
    (re.compile(r"'"), "a primed name (pi_1', s'): not a name of the language"),
    (re.compile(r"Normal\(|\\sum_\{x_"), "SymPy's Normal(...) and a sum over unequal points (printer forms)"),
    (re.compile(r"tau2|tr_S|log10|max_grid|\\mathrm\{log"), "the printer writes the symbol differently in its "
                                                              "LaTeX and SymPy forms (tau2 as \\tau^{2}, tr_S)"),
)
_RELATION = re.compile(r"(<=|>=|\\(?:leq|geq|le|ge)(?![A-Za-z])|(?<![<>!])=|<|>)")


def top_split(text: str, separators: re.Pattern | str) -> list[str]:
    """``text`` cut at the separators outside brackets."""
    pattern = re.compile(re.escape(separators)) if isinstance(separators, str) else separators
    out, depth, start, position = [], 0, 0, 0
    while position < len(text):
        char = text[position]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0:
            match = pattern.match(text, position)
            if match and match.end() > position:
                out.append(text[start:position])
                start = position = match.end()
                continue
        position += 1
    return [*out, text[start:]]


def formulas(report: dict) -> list[tuple[str, str]]:
    """(latex, sympy) pairs of every step of a derive JSON report, one equation each."""
    pairs = []
    for step in report.get("steps", []):
        latex = [piece.strip() for piece in top_split(step.get("latex") or "", "\\\\") if piece.strip()]
        sympy = [piece.strip() for piece in step.get("sympy", [])]
        if len(latex) == len(sympy):
            pairs.extend(zip(latex, sympy, strict=True))
    return pairs


def not_read(*texts: str) -> str | None:
    for pattern, why in NOT_READ:
        if any(pattern.search(text) for text in texts):
            return why
    return None


def sides(formula: str) -> list[str]:
    """The expressions of a formula, ``Eq(A, B)`` and relation chains cut into their sides."""
    match = re.fullmatch(r"Eq\((.*)\)", formula.strip())
    if match:
        return [piece.strip() for piece in top_split(match.group(1), ",")]
    return [piece.strip() for piece in top_split(formula, _RELATION) if piece.strip()]


def is_limit(formula: str) -> bool:
    return bool(re.match(r"\s*(Eq\()?\s*(Limit\(|\\lim)", formula))


def one_line_formulas(text: str) -> list[str]:
    """The one-line formulas of derive's text output: the 'A \u2192 B' lines of its "Result as" block."""
    found, inside = [], False
    for line in text.splitlines():
        if line.startswith("Result as"):
            inside = True
            continue
        if inside and line and not line.startswith(" "):
            break
        stripped = line.strip()
        if inside and re.fullmatch(r"[^:()\u2502\u2500,]+ \u2192 [^ ]+", stripped):
            found.append(stripped)
    return found


def derive_json(cli, command: tuple[str, ...]) -> dict:
    result = cli("derive", *command, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)
