"""Does a checker message name only what the student wrote? (issue 21, "messages a novice can act on")

A message is read as a novice reads it: every identifier in it is either a word of the checker's own
prose (the words of its message templates: the string literals of the checker's modules), a standard
word (a function such as ``log`` or ``sum``, the counts N, K, D), a number, or a name the student wrote
(in the file as typed, or in its ASCII reading: ``\\mu_k`` is ``mu_k``, ``\\gamma(z_{nk})`` is
``gamma_nk``), or an instance of one (``mu_2`` where the student wrote ``mu_k``). A name with a
subscript is always a name, never a word of prose: ``gamma_n_k``, ``u_pi_1`` or ``_k`` are defects.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import Any

from gmm_math.derivations.check.grammar import is_latex
from gmm_math.derivations.check.latex import latex_to_ascii
from gmm_math.derivations.check.names import ALIASES
from gmm_math.derivations.check.unicode import from_unicode
from gmm_math.derivations.core.errors import GmmMathError

ROOT = Path(__file__).resolve().parents[1]
# the modules whose string literals are the checker's message templates
MESSAGE_MODULES = ("numerics/check", "derivations/check", "cli/check.py")
IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_\\])_?[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*")
STANDARD = frozenset({"log", "ln", "exp", "sqrt", "sum", "prod", "diff", "limit", "logN", "N", "K", "D", "oo", "pi",
                      "E", "LHS", "RHS", "abs", "det", "tr", "diag", "max", "min", "I", "I_D",
                      # SymPy's transformations named in "expand_log(LHS - RHS) = 0" (labels, not names)
                      "expand_log", "use_weight_sums"})
# never prose: the other spellings of a name (lam for lambda), SymPy's own class names and spellings
NEVER_PROSE = frozenset({*ALIASES, *ALIASES.values(), "Sum", "Product", "Dummy", "Symbol", "Indexed", "IndexedBase",
                         "Integral", "Limit", "Derivative", "zoo", "nan", "Rational", "Float", "Integer"})


@cache
def prose_words() -> frozenset[str]:
    """The words of the checker's messages: every word of a string literal (not a docstring) in its modules."""
    words: set[str] = set()
    for folder in MESSAGE_MODULES:
        path = ROOT / folder
        for source in ([path] if path.is_file() else sorted(path.glob("*.py"))):
            tree = ast.parse(source.read_text(encoding="utf-8"))
            documents = {id(node.body[0].value) for node in ast.walk(tree)
                         if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body
                         and isinstance(node.body[0], ast.Expr)}  # docstrings are not messages
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in documents:
                    words.update(re.findall(r"(?<![A-Za-z0-9_])[A-Za-z]+(?![A-Za-z0-9_])", node.value))
    return frozenset(words - NEVER_PROSE)


def _readings(text: str) -> str:
    """The file as typed, braces and backslashes dropped, plus the ASCII reading of each LaTeX or unicode line."""
    plain = re.sub(r"[{}\\]", "", text)
    read = [from_unicode(text)]
    for line in text.splitlines():
        if is_latex(line):
            try:
                read.append(latex_to_ascii(line))
            except GmmMathError:
                continue
    return "\n".join([plain, *read])


def written_names(text: str) -> tuple[set[str], set[str]]:
    """The names in the student's file (with the letters of their subscripts: ``k`` of ``mu_k``) and their bases."""
    names = set(IDENTIFIER.findall(_readings(text)))
    bases = {name.partition("_")[0] for name in names}
    return names | {char for name in names for char in name.partition("_")[2] if char.isalpha()}, bases


def foreign_names(message: str, text: str) -> list[str]:
    """The identifiers of ``message`` that the student did not write (empty: the message is in their names)."""
    names, bases = written_names(text)
    found = []
    for token in IDENTIFIER.findall(message):
        base, _, sub = token.partition("_")
        if token in names or token in STANDARD:
            continue
        if not sub and not token.startswith("_") and token in prose_words():
            continue
        if base in bases and sub and all(char.isdigit() or char in names for char in sub):
            continue  # an instance: mu_2 of mu_k, gamma_1,2 of gamma_nk, x_n of x_m (with n written)
        found.append(token)
    return found


def report_messages(report: dict[str, Any]) -> list[str]:
    """What the student reads of a report: each failing or undecided line's reason and the counterexample."""
    said = [line["reason"] for line in report["lines"]
            if line["reason"] and line["verdict"] not in ("unreadable",)]
    counter = report.get("counterexample") or {}
    said.extend(str(key) for key in (counter.get("point") or {}))
    said.extend(str(counter[key]) for key in ("condition", "limit", "claim") if counter.get(key))
    return said
