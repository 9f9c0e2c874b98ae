"""A whole file as a student writes it: a ``.tex`` document or a steps file, cut into the rows ``check steps`` reads.

Nothing is parsed here (only text is classified and cut, with regular expressions over bounded lines);
every row is parsed later, in the worker, under the time limit.

What is read (docs/check-language.md, "Reading a .tex file"):

- A **document** (a file with a display environment opened on a line of its own, or a preamble
  ``\\documentclass``/``\\begin{document}``): only the display blocks are maths, ``equation``,
  ``equation*``, ``align``, ``align*``, ``eqnarray*``, ``gather*``, ``multline*``, ``flalign``, ``alignat``,
  ``\\[ ... \\]`` and ``$$ ... $$`` (also ``aligned``/``split``/``gathered``); every other line is prose and
  is read as a comment, inline ``$...$`` included. A row of a display ends at ``\\\\``: a formula
  broken over several source lines (an open brace or parenthesis, or a trailing operator) is one row,
  reported on its first line.
- A **steps file**: every line is a row, except prose (a line of words, possibly with inline ``$...$``),
  which is a comment.
- In a row: ``&& ...`` (an annotation column) is a comment; ``\\text{where } S = EXPR`` (or ``, where S =
  EXPR`` or `` where S = EXPR`` in ASCII) becomes ``let: S = EXPR`` (and ``let: S > 0`` for a trailing ``> 0``); any other
  ``\\text{where ...}`` is dropped with a note suggesting ``let:``; two relations on one row separated by
  ``,``, ``\\quad``, ``\\qquad`` or ``and`` (``a = b, \\qquad N_k = \\sum_n \\gamma_{nk}``) are two rows.
- ``limit(...)`` or ``\\lim_{...} ...`` with its value on the next line (``= -oo``) is one limit row.
- ASCII limits as typed are rewritten to ``limit(EXPR, VAR, POINT)``: ``lim_{sigma->0+} EXPR``,
  ``Limit(...)``, ``dir='+'``, ``EXPR -> VALUE as sigma -> 0+``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gmm_math.derivations.check.latex import GREEK_RENAMED, closing_parenthesis
from gmm_math.derivations.core.errors import GmmMathError

MAX_SOURCE_LINES = 2000
MAX_ROW_LINES = 12  # source lines one display row may span
MAX_LINE = 4000  # characters of a source line the patterns here look at


@dataclass(frozen=True)
class Row:
    """One row ``check steps`` reads.

    Attributes
    ----------
    origin : the 1-based line of the file it comes from
    text : the text the step planner reads (a ``%`` comment, ``assume:``/``let:``, or a step)
    shown : the text reported for it (the source line, or the part of it this row is)
    note : a note for the student about what was read or ignored, else None
    """

    origin: int
    text: str
    shown: str
    note: str | None = None


@dataclass(frozen=True)
class Document:
    """The rows of a file; row ``n`` (1-based) of :attr:`text` is ``rows[n - 1]``."""

    rows: tuple[Row, ...]

    @property
    def text(self) -> str:
        return "\n".join(row.text for row in self.rows)

    def origin(self, number: int | None) -> int | None:
        """The file line of row ``number`` (None stays None)."""
        return None if number is None else self.rows[number - 1].origin

    def shown(self, number: int) -> str:
        return self.rows[number - 1].shown

    def note(self, number: int) -> str | None:
        return self.rows[number - 1].note


# ----------------------------------------------------------------------------------------------
# displays

_ENV = r"(?:equation|align|alignat|eqnarray|gather|multline|flalign|aligned|split|gathered)\*?"
_OPEN = re.compile(r"\s*(?:\\begin\{(?P<env>" + _ENV + r")\}(?:\{[0-9]{1,2}\})?|(?P<bracket>\\\[)|(?P<dollars>\$\$))")
_PREAMBLE = re.compile(r"\s*\\(documentclass|usepackage|begin\{document\}|end\{document\}|(sub)*section\*?|"
                       r"maketitle|title|author|date|paragraph|noindent|item|begin\{(itemize|enumerate|proof)\}|"
                       r"end\{(itemize|enumerate|proof)\}|newcommand|renewcommand|DeclareMathOperator|bibliography|"
                       r"textbf|emph|textit)")


def _closer(match: re.Match) -> re.Pattern:
    if match.group("env"):
        return re.compile(r"\\end\{" + re.escape(match.group("env")) + r"\}")
    return re.compile(r"\\\]") if match.group("bracket") else re.compile(r"\$\$")


def _stray_maths(line: str) -> bool:
    """A line of a document outside the displays that is still maths (``c = d``, ``&= x``): read, not skipped."""
    return "$" not in line and _has_relation(line) and not re.search(r"\\(?:text|emph|textbf|cite|ref)\b", line)


def _is_document(lines: list[str]) -> bool:
    for line in lines:
        if _PREAMBLE.match(line) and re.match(r"\s*\\(documentclass|begin\{document\})", line):
            return True
        opened = _OPEN.match(line)
        if opened and not _closer(opened).search(line, opened.end()):
            return True
    return False


# ----------------------------------------------------------------------------------------------
# prose

_INLINE = re.compile(r"(?<![\\$])\$(?!\$)([^$]{1,400})(?<!\\)\$(?!\$)")
_TEXT = re.compile(r"\\(?:text|textrm|mbox|intertext|textbf|emph)\s*\{[^{}]*\}")
_WORD = re.compile(r"(?<![\\A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_({])")
_SCRIPTS = re.compile(r"[_^]\s*\{[^{}]*\}|[_^]\s*[A-Za-z0-9]+|\\[A-Za-z]+\s*\{[^{}]*\}|\\[A-Za-z]+")
MATH_WORDS = frozenset({
    "log", "ln", "exp", "sqrt", "sum", "prod", "limit", "lim", "Limit", "det", "diag", "Abs", "logN", "Sum",
    "Product", "oo", "pi", "mu", "sigma", "gamma", "lambda", "lam", "eps", "epsilon", "alpha", "beta", "theta",
    "delta", "tau", "phi", "psi", "omega", "rho", "nu", "xi", "eta", "chi", "Sigma", "Pi", "Lambda", "Gamma",
    "Delta", "Omega", "so", "hence", "and", "iff", "thus", "therefore", "dir", "as", "var", "diff", "where",
})


# words that join two displays ("and so", "Thus,", "which gives"): a line of them alone is prose
CONNECTIVES = frozenset({
    "and", "so", "hence", "thus", "therefore", "then", "which", "gives", "giving", "that", "it", "follows", "we",
    "get", "obtain", "have", "find", "since", "because", "or", "equivalently", "rearranging",
    "substituting", "simplifying", "where", "with", "now", "finally", "also", "similarly", "but", "this", "yields",
    "implies", "is", "the", "same", "as", "in", "turn", "again", "expanding", "therefore", "consequently",
})
_WORDS_ONLY = re.compile(r"[A-Za-z][A-Za-z.,;:!?' ]{0,200}")


def _connective(stripped: str) -> bool:
    """A line of joining words only ('and so', 'Thus,', 'which gives', 'i.e.'), never a name or a formula."""
    words = re.findall(r"[A-Za-z]+", re.sub(r"\bi\.\s?e\.", " ", stripped))
    return bool(_WORDS_ONLY.fullmatch(stripped)) and bool(words or "i.e." in stripped) and all(
        word.lower() in CONNECTIVES for word in words)


def is_prose(line: str) -> bool:
    """Is this line words (a sentence, a heading ending in ':'), possibly with inline ``$...$``?"""
    stripped = line.strip()
    if not stripped or stripped.startswith(("assume:", "let:", "#", "%", "=", "<", ">", "&", "~", "!")):
        return False  # a line that starts with a relation continues a step
    if _connective(stripped):
        return True
    inline = _INLINE.findall(stripped)
    outside = _TEXT.sub(" ", _INLINE.sub(" ", stripped))
    outside = _SCRIPTS.sub(" ", outside)
    words = [word for word in _WORD.findall(outside) if word not in MATH_WORDS]
    if inline and outside.strip(" .,:;") and (words or not re.search(r"[=<>]", outside)):
        return True  # text around inline maths
    if len(words) >= 3 or len(words) >= 1 and stripped.endswith(":") and not re.search(r"[=<>]", outside):
        return True
    return len(words) >= 2 and not re.search(r"[=<>()^*/+\\]", outside)


# ----------------------------------------------------------------------------------------------
# rows


def _depth_changes(text: str) -> int:
    """Open brackets minus closed ones (braces, parentheses, brackets; \\left and \\right count once)."""
    text = re.sub(r"\\[{}\[\]\\]", "", text)
    opened = len(re.findall(r"[({\[]", text))
    closed = len(re.findall(r"[)}\]]", text))
    return opened - closed


_ROW_END = re.compile(r"\\\\(\[[^\]]{0,20}\])?\s*(%.*)?$")
_TRAILING_OPERATOR = re.compile(r"(?:[+\-=*/(]|\\cdot|\\times|&=|\\left[(\[]|\\frac)\s*(%.*)?$")


_LEADING_OPERATOR = re.compile(r"\s*(?:[+\-*/]|\\cdot|\\times)")


def _incomplete(text: str, following: str) -> bool:
    """Does a display row go on on the next source line (no ``\\\\`` yet, and an open bracket or an operator)?"""
    body = re.sub(r"(?<!\\)%.*$", "", text)
    if _ROW_END.search(text) or not body.strip():
        return False
    return _depth_changes(body) > 0 or bool(_TRAILING_OPERATOR.search(body.rstrip())) or \
        bool(_LEADING_OPERATOR.match(following))


_ANNOTATION_COLUMN = re.compile(r"(?<!\\)&&.*?(?=\\\\\s*(?:\[[^\]]*\])?\s*(?:%.*)?$|$)")
_WHERE = re.compile(r"(?P<lead>,?\s*(?:\\q?quad|\\[,;:]|~)*\s*)\\(?:text|textrm|mbox)\s*\{\s*(?P<word>where|with|"
                    r"and where|since)\b(?P<inner>[^{}]*)\}(?P<rest>.*)$")
_WHERE_ASCII = re.compile(r"(?P<lead>,?\s*)\b(?P<word>where|with)\s+(?P<rest>[A-Za-z\\].*)$")
GREEK_NAMES = ("alpha|beta|gamma|delta|epsilon|varepsilon|eta|theta|lambda|mu|nu|xi|pi|rho|sigma|tau|phi|varphi|chi|psi|"
          "omega|Sigma|Pi|Lambda|Gamma|Delta|Omega")
_LATEX_NAME = re.compile(r"\s*(?:\\(?:mathbf|boldsymbol|bm|mathrm)\s*\{\s*)?(?:\\(?P<greek>" + GREEK_NAMES +
                         r")(?![A-Za-z])|(?P<letter>[A-Za-z]))\s*\}?\s*(?:_\s*(?:\{(?P<braced>[A-Za-z0-9 ]{1,8})\}|"
                         r"(?P<single>[A-Za-z0-9])))?")
RELATION = re.compile(r"(?<![<>!=\\])(?:<=|>=|!=|=|<|>)(?!=)|\\(?:leq?|geq?|neq?|approx|simeq|leqslant|geqslant)"
                       r"(?![A-Za-z])")
_SEPARATOR = re.compile(r"(?:,\s*(?:\\q?quad\s*|\\[,;:]\s*|~\s*)*|(?:\\q?quad\s*)+|\s+and\s+|;\s*|\\text\{\s*and\s*\}\s*)"
                        r"(?:\\text\{\s*and\s*\}\s*(?:\\q?quad\s*)*)?")


def latex_name(text: str) -> tuple[str, int] | None:
    """The ASCII name a LaTeX name at the start of ``text`` spells (``\\gamma_{nk}`` -> ``gamma_nk``) and its length."""
    match = _LATEX_NAME.match(text)
    if not match:
        return None
    base = GREEK_RENAMED.get(match.group("greek") or "", match.group("greek") or match.group("letter"))
    sub = (match.group("braced") or match.group("single") or "").replace(" ", "")
    return (f"{base}_{sub}" if sub else base), match.end()


def top_level(text: str, pattern: re.Pattern) -> list[re.Match]:
    """Matches of ``pattern`` outside any bracket."""
    found, depth, position = [], 0, 0
    while position < len(text):
        if text.startswith(("\\{", "\\}", "\\[", "\\]", "\\\\"), position):
            position += 2
            continue
        match = pattern.match(text, position) if depth == 0 else None
        if match and match.end() > position:
            found.append(match)
            position = match.end()
            continue
        char = text[position]
        depth += 1 if char in "({[" else -1 if char in ")}]" else 0
        position += 1
    return found


def _has_relation(text: str) -> bool:
    return bool(top_level(text, RELATION))


def split_relations(text: str) -> list[str]:
    """Two relations on one row (``a = b, \\qquad c = d``; ``a = b and c = d``) as two texts; else ``[text]``."""
    pieces, start = [], 0
    for match in top_level(text, _SEPARATOR):
        before, after = text[start:match.start()], text[match.end():]
        if _has_relation(before) and _has_relation(after) and not _is_range(before, after) \
                and not _ANNOTATION_START.match(after):
            pieces.append(before)
            start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()] or [text]


_MARKER = re.compile(r"&?\s*\\(?:Rightarrow|Longrightarrow|implies|iff|Leftrightarrow|Longleftrightarrow|therefore)"
                     r"(?![A-Za-z])|\s(?:=>|<=>)\s|\s(?:so|hence|thus|therefore)\s")


def split_markers(text: str) -> list[str]:
    """``A \\implies B = C`` (a consequence inside a row) as two rows: ``A`` and ``\\implies B = C``."""
    cuts = [match.start() for match in top_level(text, _MARKER) if text[:match.start()].strip(" &")]
    if not cuts:
        return [text]
    starts = [0, *cuts]
    return [text[start:stop] for start, stop in zip(starts, [*cuts, len(text)], strict=True)
            if text[start:stop].strip(" &\\")]


def split_list(text: str) -> list[str]:
    """A comma (or ``and``) list of relations, cut at its top-level separators (``\\epsilon > 0, a > 0``)."""
    pieces, start = [], 0
    for match in top_level(text, re.compile(r",|\s+and\s+|\\text\{\s*and\s*\}")):
        pieces.append(text[start:match.start()])
        start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()] or [text]


_ANNOTATION_START = re.compile(r"\s*\\(?:text|textrm|mbox)\s*\{(?!\s*and\s*\})")


def _is_range(before: str, after: str) -> bool:
    """``n = 1, \\dots, N``-like tails are not relations of their own."""
    return bool(re.match(r"\s*(\\[lc]?dots|\.\.\.)", after))


def _where(text: str) -> tuple[str, list[str], str | None]:
    """A row without its where-clause, the ``let:`` texts it makes, and a note when it was dropped."""
    match = _WHERE.search(text)
    latex = match is not None
    if match is None:
        match = _top_level_where(text)
    if match is None:
        return text, [], None
    rest = (match.group("inner") if latex else "") + match.group("rest")
    rest = re.sub(r"\\\\\s*$|(?<!\\)%.*$|\\\]\s*$|\$\$\s*$", "", rest).strip().rstrip(".,")
    row = text[:match.start()]
    lets = _definitions(rest) or _facts(rest)
    if lets:
        return row, lets, None
    return row, [], (f"the text after '{match.group('word')}' was not read; to use a definition, write it on a "
                     f"line of its own as let: NAME = EXPR")


def _facts(text: str) -> list[str]:
    """``S > 0`` (a name, then only inequalities: ``\\text{where } S > 0``): the ``assume:`` row it states, else []."""
    named = latex_name(text)
    relations = top_level(text, RELATION)
    if named is None or not relations or text[named[1]:relations[0].start()].strip() \
            or any(relation.group(0) == "=" for relation in relations):
        return []
    return [f"assume: {text}"]


def _top_level_where(text: str) -> re.Match | None:
    if re.match(r"\s*(?:\\text\{\s*)?(where|with)\b", text) and "\\text" not in text[:12]:
        return _WHERE_ASCII.match(text)
    if "\\" in text:
        return None
    for match in top_level(text, re.compile(r"(?:,\s*|\s+)(?:where|with)\s+")):
        return _WHERE_ASCII.search(text, match.start())
    return None


def _definitions(text: str) -> list[str]:
    """``S = EXPR > 0`` -> ``["let: S = EXPR", "let: S > 0"]`` (empty when it is not ``NAME = EXPR``)."""
    named = latex_name(text)
    if named is None:
        return []
    name, length = named
    relations = top_level(text, RELATION)
    if not relations or relations[0].start() != len(text[:length].rstrip()) and text[length:relations[0].start()].strip():
        return []
    if relations[0].group(0) != "=":
        return []
    second = relations[1] if len(relations) > 1 else None
    value = text[relations[0].end():second.start() if second else len(text)].strip()
    if not value:
        return []
    lets = [f"let: {name} = {value}"]
    if second is not None:
        lets.append(f"let: {name} {_ascii_relation(second.group(0))} {text[second.end():].strip()}")
    return lets


def _ascii_relation(relation: str) -> str:
    return {"\\le": "<=", "\\leq": "<=", "\\ge": ">=", "\\geq": ">=", "\\ne": "!=", "\\neq": "!=",
            "\\leqslant": "<=", "\\geqslant": ">="}.get(relation, relation)


# ----------------------------------------------------------------------------------------------
# ASCII limits as typed

_NAME_TEXT = r"[A-Za-z][A-Za-z0-9]*(?:_(?:\{[A-Za-z0-9]+\}|[A-Za-z0-9]+))*"
_POINT_TEXT = r"[+-]?\s*(?:[0-9]+(?:\.[0-9]+)?|oo)\s*[+-]?"
_LIM_SCRIPT = re.compile(r"(?P<lead>\s*&?=?\s*)lim_\{?\s*(?P<var>" + _NAME_TEXT + r")\s*->\s*(?P<point>" + _POINT_TEXT +
                         r")\s*\}?\s*(?P<rest>.*)$")
_AS_TENDS = re.compile(r"(?P<lead>\s*&?=?\s*)(?P<expr>.+?)\s*->\s*(?P<value>[+-]?\s*(?:oo|[0-9]+(?:\.[0-9]+)?|"
                       + _NAME_TEXT + r"))\s+as\s+(?P<var>" + _NAME_TEXT + r")\s*->\s*(?P<point>" + _POINT_TEXT +
                       r")\s*$")
_DIRECTION = re.compile(r",\s*dir\s*=\s*(['\"])([+-])\1")
_ARROW_ARGUMENT = re.compile(r",\s*(" + _NAME_TEXT + r")\s*->\s*(" + _POINT_TEXT + r")\s*\)")
_QUOTED_SIDE = re.compile(r"(['\"])([+-])\1")


def ascii_limits(text: str) -> str:
    """ASCII limit forms as typed, rewritten as ``limit(EXPR, VAR, POINT) = VALUE`` (text only, nothing parsed)."""
    if "\\" in text:
        return text
    text = _equation(text)
    if "lim" not in text and "->" not in text and "Limit" not in text:
        return text
    text = re.sub(r"\bLimit\s*\(", "limit(", text)
    text = _DIRECTION.sub(r", \2", text)
    text = _QUOTED_SIDE.sub(r"\2", text)
    text = _ARROW_ARGUMENT.sub(lambda m: f", {m.group(1)}, {m.group(2).replace(' ', '')})", text)
    match = _LIM_SCRIPT.match(text)
    if match:
        rest = match.group("rest")
        relations = top_level(rest, RELATION)
        cut = relations[0].start() if relations else len(rest)
        point = match.group("point").replace(" ", "")
        return (f"{match.group('lead')}limit({rest[:cut].strip()}, {match.group('var')}, {point})"
                f"{' ' + rest[cut:].strip() if cut < len(rest) else ''}")
    match = _AS_TENDS.match(text)
    if match:
        point = match.group("point").replace(" ", "")
        return (f"{match.group('lead')}limit({match.group('expr').strip()}, {match.group('var')}, {point}) = "
                f"{match.group('value').replace(' ', '')}")
    return text


def _equation(text: str) -> str:
    """``Eq(A, B)`` (SymPy's printing of an equation) is ``A = B``."""
    match = re.match(r"\s*Eq\s*\(", text)
    if match is None or closing_parenthesis(text, match.end() - 1) != len(text.rstrip()) - 1:
        return text
    pieces = _split_top(text[match.end():len(text.rstrip()) - 1], ",")
    return f"{pieces[0].strip()} = {pieces[1].strip()}" if len(pieces) == 2 else text


_LIMIT_ROW = re.compile(r"\s*(?:&?=\s*)?(?:limit\s*\(|\\lim(?![a-z]))")
_VALUE_ROW = re.compile(r"\s*&?\s*=(?!=)")


def _open_limit(text: str) -> bool:
    """A limit row without its value (the value follows on the next row)?"""
    body = re.sub(r"\\\\\s*$|(?<!\\)%.*$", "", text).rstrip()
    if not _LIMIT_ROW.match(body):
        return False
    rest = re.sub(r"^\s*&?=\s*", "", body)
    return not _has_relation(rest.replace("\\to", "   ").replace("->", "  "))


# ----------------------------------------------------------------------------------------------
# the file


def _let_row(text: str) -> str:
    """``let:``/``assume:`` with a LaTeX name on the left: the name spelled in ASCII (the planner needs it)."""
    prefix, _, body = text.partition(":")
    if "\\" not in body and "and" not in body:
        return text
    body = re.sub(r"\s+and\s+|\s*\\text\{\s*and\s*\}\s*|\s*\\quad\s*", ", ", body) if "and" in body else body
    if prefix.strip().lower() == "let":
        named = latex_name(body)
        if named and "\\" in body[:named[1]]:
            name, length = named
            body = f" {name}{body[length:]}"
    return f"{prefix}:{body}"


_FUNCTION_LET = re.compile(r"\s*let:\s*(?P<name>[A-Za-z][A-Za-z0-9]*)\s*\(\s*(?P<params>[A-Za-z][A-Za-z0-9_]*"
                           r"(?:\s*,\s*[A-Za-z][A-Za-z0-9_]*){0,3})\s*\)\s*=\s*(?P<body>.+)$", re.IGNORECASE)
MAX_APPLICATIONS = 8  # function applications expanded in one row
MAX_EXPANDED = 2000  # characters of a row after applying functions (the parser's own bound)
_RESERVED_CALLS = frozenset({"log", "ln", "exp", "sqrt", "det", "sum", "prod", "N", "logN", "Abs", "limit", "diag",
                             "Sum", "Product", "Limit", "diff"})


@dataclass(frozen=True)
class Function:
    """A function the file defined, ``let: f(v) = BODY``: applied where ``f(...)`` is written below."""

    name: str
    params: tuple[str, ...]
    body: str

    def apply(self, row: str) -> str:
        """``row`` with each ``f(ARG)`` replaced by ``(BODY)`` with ARG for the parameter (text only, bounded)."""
        call = re.compile(r"(?<![A-Za-z0-9_\\])" + re.escape(self.name) + r"\s*\(")
        for _ in range(MAX_APPLICATIONS):
            match = call.search(row)
            if match is None or ("\\" in self.body) != ("\\" in row):
                return row
            close = closing_parenthesis(row, match.end() - 1)
            if close is None:
                return row
            arguments = [piece.strip() for piece in _split_top(row[match.end():close], ",")]
            if len(arguments) != len(self.params):
                return row
            body = self.body
            for param, argument in zip(self.params, arguments, strict=True):
                body = re.sub(r"(?<![A-Za-z0-9_\\])" + re.escape(param) + r"(?![A-Za-z0-9_])", f"({argument})", body)
            if len(row) + len(body) > MAX_EXPANDED:
                return row  # left as written: f(...) is then refused as an unknown function, never expanded further
            row = f"{row[:match.start()]}({body}){row[close + 1:]}"
        return row


def _split_top(text: str, separator: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for position, char in enumerate(text):
        depth += 1 if char in "([{" else -1 if char in ")]}" else 0
        if char == separator and depth == 0:
            pieces.append(text[start:position])
            start = position + 1
    return [*pieces, text[start:]]


def _function(line: str) -> Function | None:
    match = _FUNCTION_LET.match(line)
    if match is None or match.group("name") in _RESERVED_CALLS:
        return None
    params = tuple(param.strip() for param in match.group("params").split(","))
    return Function(match.group("name"), params, match.group("body").strip())


def _applied(functions: dict[str, Function], row: Row) -> Row:
    text = row.text
    for function in functions.values():
        text = function.apply(text)
    return row if text == row.text else Row(row.origin, text, row.shown, row.note)


def read_document(text: str, language: str = "auto") -> Document:
    """The rows of a file (:func:`_rows`), with the functions it defines (``let: f(v) = ...``) applied."""
    functions: dict[str, Function] = {}
    rows: list[Row] = []
    for row in _rows(text, language):
        function = _function(row.text)
        if function is not None:
            functions[function.name] = function
            rows.append(Row(row.origin, f"let: {function.name} = {function.body}", row.shown,
                            f"defines the function {function.name}({', '.join(function.params)}); "
                            f"{function.name}(...) below applies it"))
            continue
        rows.append(_applied(functions, row) if functions and not row.text.lstrip().startswith(("%", "#")) else row)
    return Document(tuple(rows))


def _rows(text: str, language: str = "auto") -> tuple[Row, ...]:
    """The rows of a file as ``check steps`` reads them (see the module docstring).

    Raises
    ------
    GmmMathError
        For a file of more than ``MAX_SOURCE_LINES`` lines.
    """
    from gmm_math.derivations.check.latex import steps_text

    if not isinstance(text, str):
        raise GmmMathError("the steps file must be text")
    lines = [line.rstrip("\r") for line in text.splitlines()]
    if len(lines) > MAX_SOURCE_LINES:
        raise GmmMathError(f"the file has {len(lines)} lines; at most {MAX_SOURCE_LINES} are accepted")
    if language == "ascii":
        return tuple(_ascii_rows(lines))
    document = _is_document(lines)
    rows: list[Row] = []
    closer: re.Pattern | None = None
    block: int | None = None  # the first row of the display just above, until prose follows it
    defining = False  # the prose just above announced definitions ("where we have defined"), until the display ends
    number = 0
    while number < len(lines):
        line = lines[number]
        origin = number + 1
        number += 1
        if len(line) > MAX_LINE:  # no pattern runs over it: the parser refuses it by its length
            rows.append(Row(origin, line, line))
            continue
        stripped = line.strip()
        lowered = stripped.lower()
        if closer is None:
            opened = _OPEN.match(line)
            if opened:
                block = len(rows)  # where a display above starts: a 'where' in the prose below defines for it
                inner_closer = _closer(opened)
                if not inner_closer.search(line, opened.end()):
                    closer = inner_closer
            elif not stripped or stripped.startswith(("#", "%")):
                rows.append(Row(origin, line, line))
                continue
            elif lowered.startswith(("assume:", "let:")):
                rows.append(Row(origin, _let_row(line), line))
                continue
            elif _PREAMBLE.match(line) or is_prose(line) or document and not _stray_maths(line):
                lets = _prose_definitions(line, rows[block:]) if block is not None else []
                if lets and block is not None:
                    rows[block:block] = [Row(origin, let, let, f"read from the 'where' of line {origin}, for the "
                                                               f"display above it") for let in lets]
                rows.append(Row(origin, "%" + line, line))
                block = None
                defining = bool(_ANNOUNCES.search(line)) and "$" not in line
                continue
        elif closer.search(line):
            closer = None
        # a row of maths; in a display, a formula broken over lines is one row
        row = line
        joined = [origin]
        while closer is not None and number < len(lines) and _incomplete(row, lines[number]) \
                and len(joined) < MAX_ROW_LINES and lines[number].strip() and \
                not lines[number].lstrip().startswith(("&=", "=", "%", "#", "\\end", "\\]", "$$", "assume:", "let:")):
            following = lines[number]
            if closer is not None and closer.search(following):
                closer = None
            row = f"{row} {following.strip()}"
            joined.append(number + 1)
            number += 1
        if _open_limit(ascii_limits(row)) and number < len(lines) and _VALUE_ROW.match(lines[number]):
            row = f"{row.rstrip()} {lines[number].strip()}"
            joined.append(number + 1)
            number += 1
        rows.extend(_math_rows(origin, row, line if len(joined) == 1 else row, language, defining))
        for later in joined[1:]:
            rows.append(Row(later, "%" + lines[later - 1], lines[later - 1],
                            f"read with line {origin} (one formula)"))
        defining = defining and closer is not None
    text_rows = steps_text("\n".join(row.text for row in rows), language).split("\n")
    if len(text_rows) != len(rows):  # a row that was a frame only keeps its count (steps_text maps lines 1:1)
        return tuple(rows)
    return tuple(Row(row.origin, new, row.shown, row.note) for row, new in zip(rows, text_rows, strict=True))


def _math_rows(origin: int, row: str, shown: str, language: str, defining: bool = False) -> list[Row]:
    """One math row: its annotation column dropped, its where-clause and second relation as rows of their own.

    ``defining``: the prose above announced definitions ('where we have defined'): ``NAME = EXPR`` is a ``let:``.
    """
    body = _ANNOTATION_COLUMN.sub(lambda match: " " * len(match.group(0)), row) if "&&" in row else row
    defined = _defined(origin, body) or (_announced(origin, body) if defining else [])
    if defined:
        return defined
    body = _DEFINES.sub(lambda match: "=".ljust(len(match.group(0))), body)
    body, lets, note = _where(body)
    body = ascii_limits(body)
    body, tends = _tends_to(body)
    note = tends if note is None else f"{note}; {tends}" if tends else note
    pieces = [part for piece in split_markers(body)
              for part in (split_relations(piece) if _has_relation(piece) else [piece])]
    if any(_notation(piece) for piece in pieces):
        return [Row(origin, "%" + row, shown, _NOTATION_NOTE)]
    if len(pieces) > 1:
        # each piece keeps the row's frames: a trailing \\ and a leading $$ are blanked by the reader anyway
        rows = [Row(origin, piece, piece.strip(), note if index == 0 else None) for index, piece in enumerate(pieces)]
    else:
        rows = [Row(origin, body, shown, note)]
    # a where-clause defines what its row uses: its let: rows come first
    return [*(Row(origin, let, let, "read from the 'where' of this line") for let in lets), *rows]


# a definition sign, N_k := ..., \coloneqq, \triangleq, \equiv, \stackrel{\text{def}}{=}: read as = (a line NAME = EXPR
# names NAME; \equiv, "identically equal" elsewhere, is = too)
_DEFINES = re.compile(r":=|\\(?:coloneqq|triangleq|eqqcolon|equiv)(?![A-Za-z])|\\(?:stackrel|overset)\s*\{(?:[^{}]|\{[^{}]*\}){0,30}\}"
                      r"\s*\{\s*=\s*\}")
# a row ending in 'tends to VALUE' with no variable named (= \frac{1}{\sqrt{2\pi}\sigma_j} \to \infty)
_TENDS_END = re.compile(r"\s*(?:\\to|\\rightarrow|\\longrightarrow|->)(?![A-Za-z])\s*(?P<value>[+-]?\s*(?:\\infty|oo|[0-9]+"
                        r"(?:\.[0-9]+)?))\s*[.,]?\s*(?:\\\\|\\\]|\$\$?)?\s*(?:(?<!\\)%.*)?$")


# prose that announces the display below as definitions: "where we have defined", "where", "we define", "with"
_ANNOUNCES = re.compile(r"(?:\b(?:where|with|here)|\bdefin(?:e|ed|ing)|\blet)\s*[:,]?\s*$", re.IGNORECASE)
_FRAMES = re.compile(r"^\s*(?:\\\[|\$\$)|(?:\\\]|\$\$)\s*$|\\(?:label|tag)\*?\{[^{}]{0,60}\}|\\nonumber|\\notag|"
                     r"\\\\\s*$|&")


# a probability of an event, p(z_k = 1 \mid \mathbf{x}) (PRML 9.10, 9.13), or an expectation \mathbb{E}[z_{nk}] (9.39)
_PROBABILITY = re.compile(r"\s*(?:\\Pr|p|P)\s*(?:\\left)?\(\s*[^()=]{1,80}=[^()]{1,200}(?:\\right)?\)\s*")
_EXPECTATION = re.compile(r"\s*(?:\\mathbb\s*\{\s*E\s*\}|\\mathrm\s*\{\s*E\s*\}|\\operatorname\s*\{\s*E\s*\}|E)"
                          r"\s*(?:_\s*\{[^{}]{0,60}\}|_[A-Za-z])?\s*(?:\\left)?\[[^\[\]]{1,200}(?:\\right)?\]\s*")
_NOTATION_NOTE = ("read as notation: a probability of an event or an expectation is a named quantity the checker does "
                  "not compute, so this line says what it names and is not checked")


def _notation(piece: str) -> bool:
    """Does a side of this relation only name a probability of an event or an expectation (PRML's notation)?"""
    body = _FRAMES.sub(" ", re.sub(_DEFINES, "=", piece)).strip().rstrip(".,")
    relations = top_level(body, RELATION)
    if not relations:
        return False
    sides = [body[:relations[0].start()], *(body[one.end():two.start() if two else len(body)]
                                            for one, two in zip(relations, [*relations[1:], None]))]
    return any(_PROBABILITY.fullmatch(side) or _EXPECTATION.fullmatch(side) for side in sides)


def _announced(origin: int, body: str) -> list[Row]:
    """``N_k = EXPR`` in a display that the prose above announced as definitions: its ``let:`` rows, else []."""
    lets = _definitions(_FRAMES.sub(" ", body).strip().rstrip(".,").strip())
    return [Row(origin, let, body.strip() if index == 0 else let, "read as a definition (the prose above says it "
                                                                  "defines)") for index, let in enumerate(lets)]


def _defined(origin: int, body: str) -> list[Row]:
    """``N_k := EXPR`` (a name, a definition sign, its value): the ``let:`` rows it makes, else []."""
    signs = top_level(body, _DEFINES)
    if len(signs) != 1:
        return []
    left = body[:signs[0].start()].strip().strip("&").strip()
    named = latex_name(left)
    if named is None or named[1] != len(left):
        return []
    value = re.sub(r"\\\\\s*$|(?<!\\)%.*$", "", body[signs[0].end():]).strip().strip("&").strip()
    lets = _definitions(f"{left} = {value}")
    return [Row(origin, let, let, "read as a definition (let:)") for let in lets]


_PROSE_WHERE = re.compile(r"^\s*(?:,\s*)?(?:where|with|in which|here)\b[^$]{0,60}?\$(?P<inline>[^$]{1,400})\$", re.IGNORECASE)


def _prose_definitions(line: str, block: list[Row]) -> list[str]:
    """PRML's '(9.17) where we have defined $N_k = \\sum_n \\gamma(z_{nk})$' after a display: the ``let:`` rows it
    makes for the display above, when the display uses the name and nothing in it defined the name; else []."""
    match = _PROSE_WHERE.match(line)
    if match is None or not block:
        return []
    lets = _definitions(match.group("inline").strip().rstrip(".,"))
    if not lets:
        return []
    name = lets[0].split()[1]
    used = any(name in plain_names(row.text) for row in block if not row.text.lstrip().startswith("let:"))
    return lets if used else []


def plain_names(text: str) -> set[str]:
    """The names a LaTeX or ASCII row spells (``\\mathbf{x}_{n}`` -> ``x_n``, ``N_k``), read by text only."""
    starts = re.finditer(r"(?<![A-Za-z])(?:\\[A-Za-z]+\s*\{\s*)?\\?[A-Za-z]", text)
    return {named[0] for match in starts if (named := latex_name(text[match.start():])) is not None}


def _tends_to(body: str) -> tuple[str, str | None]:
    """A row without a trailing ``\\to VALUE`` (checked without it), and the note that says so; else the row, None."""
    match = _TENDS_END.search(body)
    if match is None or not _has_relation(body[:match.start()]) or _depth_changes(body[:match.start()]) != 0:
        return body, None
    closing = re.search(r"\\\]|\$\$?", match.group(0))  # a frame closed after the value stays
    tail = re.sub(r"\s*\\\\\s*$", "", match.group(0)[:closing.start() if closing else None]).strip()
    note = (f"the trailing '{tail[:30]}' names no variable, so that limit was not checked; to check it, write it "
            f"on a line of its own as \\lim_{{\\sigma \\to 0^+}} EXPR = VALUE (or limit(EXPR, sigma, 0+) = VALUE)")
    return body[:match.start()] + (f" {closing.group(0)}" if closing else ""), note


def _ascii_rows(lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    number = 0
    while number < len(lines):
        line, origin = lines[number], number + 1
        number += 1
        if len(line) > MAX_LINE:  # no pattern runs over it: the parser refuses it by its length
            rows.append(Row(origin, line, line))
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "%")) or is_prose(line):
            rows.append(Row(origin, line if not stripped or stripped[0] in "#%" else "#" + line, line))
            continue
        if stripped.lower().startswith(("assume:", "let:")):
            rows.append(Row(origin, _let_row(line), line))
            continue
        row, joined = line, [origin]
        if _open_limit(ascii_limits(row)) and number < len(lines) and _VALUE_ROW.match(lines[number]):
            row = f"{row.rstrip()} {lines[number].strip()}"
            joined.append(number + 1)
            number += 1
        rows.extend(_math_rows(origin, row, line if len(joined) == 1 else row, "ascii"))
        for later in joined[1:]:
            rows.append(Row(later, "#" + lines[later - 1], lines[later - 1], f"read with line {origin}"))
    return rows
