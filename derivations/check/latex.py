"""LaTeX input for ``gmm-math check``: a lark grammar (``latex.lark``) translated into the ASCII language.

Nothing is evaluated: the LaTeX text is checked (length, known commands only), parsed by a
LALR(1) grammar, its tree bounded, and each node rewritten as ASCII text that the ASCII
grammar then parses as usual. ``\\input``, ``\\def``, ``\\csname`` and any other command
outside the accepted list are refused before parsing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from gmm_math.derivations.check.safety import MAX_DEPTH, MAX_LENGTH, MAX_NODES, Unreadable

COMMANDS = frozenset({
    "frac", "dfrac", "tfrac", "sqrt", "exp", "log", "ln", "det", "left", "right", "cdot", "times", "mathcal", "sum",
    "prod", "lim", "to", "rightarrow", "longrightarrow", "cdots", "dots", "ldots", "infty",
    "le", "leq", "ge", "geq", "leqslant", "geqslant", "ne", "neq", "mid",
    "lvert", "rvert", "lVert", "rVert", "quad", "qquad", "displaystyle", "textstyle",
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "eta", "theta", "lambda", "mu", "nu", "xi", "pi",
    "rho", "sigma", "tau", "phi", "varphi", "chi", "psi", "omega", "Sigma", "Pi", "Lambda", "Gamma", "Delta",
    "Omega", "operatorname", "mathrm", "text", "dots", "ldots", "cdots", "top", "partial", "nabla",
    "approx", "simeq", "doteq", "Rightarrow", "Longrightarrow", "implies", "therefore", "iff", "Leftrightarrow",
    "Longleftrightarrow", "downarrow", "searrow", "uparrow", "nearrow",
})
# spellings read as another of the same length (columns stay those of the line as typed)
_RESPELLED = (
    (re.compile(r"\\middle\s*(?:\||\\vert(?![A-Za-z]))"), lambda m: "\\mid".ljust(len(m.group(0)))),
    (re.compile(r"\\left\\vert(?![A-Za-z])"), lambda m: "\\left|".ljust(len(m.group(0)))),
    (re.compile(r"\\right\\vert(?![A-Za-z])"), lambda m: "\\right|".ljust(len(m.group(0)))),
    (re.compile(r"\\vert(?![A-Za-z])"), lambda m: "|".ljust(len(m.group(0)))),
    (re.compile(r"\\Vert(?![A-Za-z])"), lambda m: "\\|".ljust(len(m.group(0)))),
    # an upright d in a derivative, \frac{\mathrm{d}}{\mathrm{d}\mu} (also \operatorname{d}): the d of d/d\mu
    (re.compile(r"(?<=\{)\s*\\(?:mathrm|operatorname)\s*\{\s*d\s*\}"), lambda m: "d".ljust(len(m.group(0)))),
    # Q_{\perp}: the subscript "perp", as the tool prints the normal part
    (re.compile(r"(?<=_\{)\s*\\perp\s*(?=\})"), lambda m: "perp".ljust(len(m.group(0)))),
)
# PRML's responsibility gamma(z_nk) is the quantity gamma_nk, not gamma times z_nk: \gamma(z_{nk}),
# \gamma\left( z_{n k} \right), \gamma\bigl(\mathbf{z}_{nk}\bigr) (sizes and bold already blanked), gamma(z_nk)
_RESPONSIBILITY = re.compile(r"(?P<gamma>\\gamma|(?<![A-Za-z0-9_\\])gamma)(?![A-Za-z])\s*(?:\\left\s*)?\(\s*z\s*_\s*"
                             r"(?:\{(?P<braced>\s*[A-Za-z0-9](?:\s*[A-Za-z0-9]){0,7}\s*)\}|(?P<bare>[A-Za-z0-9]{1,8}))"
                             r"\s*(?:\\right\s*)?\)")


def respell_responsibility(text: str) -> str:
    r"""PRML's ``\gamma(z_{nk})`` as ``\gamma_{nk}`` and ASCII ``gamma(z_nk)`` as ``gamma_nk``, padded to the same
    length (columns stay those of the line as typed); the one place either spelling is read.

    >>> print(respell_responsibility(r"\gamma\left( z_{n k} \right) x_n"))
    \gamma_{nk}                  x_n
    >>> respell_responsibility("gamma(z_nk)*x_n")
    'gamma_nk   *x_n'
    """
    def spelled(match: re.Match) -> str:
        index = "".join((match.group("braced") or match.group("bare")).split())
        name = f"\\gamma_{{{index}}}" if match.group("gamma").startswith("\\") else f"gamma_{index}"
        return name.ljust(len(match.group(0)))

    return _RESPONSIBILITY.sub(spelled, text) if "gamma" in text else text

_MATRIX_ENVIRONMENTS = re.compile(r"\\(begin|end)\{[pb]matrix\}")
_WORD_COMMANDS = re.compile(r"\\(operatorname|mathrm|text)\{(?!diag\})(?![A-Za-z][A-Za-z0-9]{0,15}\})")
_COMMAND = re.compile(r"\\([A-Za-z]+)")
GREEK_RENAMED: dict[str, str] = {}  # read as spelled (\\lambda is lambda): names.ALIASES makes lambda and lam one name
_RELATIONS = {"\\approx": "~=", "\\simeq": "~=", "\\doteq": "~=", "=": "=", "&=": "=", "<": "<", ">": ">", "&<": "<", "&>": ">", "\\le": "<=", "\\leq": "<=",
              "\\leqslant": "<=", "\\ge": ">=", "\\geq": ">=", "\\geqslant": ">=", "\\ne": "!=", "\\neq": "!="}
_SIMPLE_SUBSCRIPT = re.compile(r"[A-Za-z0-9]+")


@cache
def _lark() -> Any:
    import lark

    grammar = resources.files("gmm_math.derivations.check").joinpath("latex.lark").read_text()
    return lark.Lark(grammar, parser="lalr", maybe_placeholders=False, propagate_positions=True)


def _check_commands(text: str) -> None:
    words = _WORD_COMMANDS.search(text)
    if words:
        raise Unreadable(f"\\{words.group(1)}{{...}} at column {words.start() + 1} is accepted only as "
                         f"\\{words.group(1)}{{diag}} or around a name of letters (\\mathrm{{reset}})", words.start() + 1)
    for match in _COMMAND.finditer(text):
        if match.group(1) in ("begin", "end") and _MATRIX_ENVIRONMENTS.match(text, match.start()):
            continue
        if match.group(1) not in COMMANDS and match.group(1) in _COMMAND_HINTS:
            raise Unreadable(_COMMAND_HINTS[match.group(1)].format(command=match.group(0),
                                                                   at=f" at column {match.start() + 1}"),
                             match.start() + 1)
        if match.group(1) not in COMMANDS:
            raise Unreadable(f"the LaTeX command \\{match.group(1)[:20]} at column {match.start() + 1} is not "
                             f"accepted (accepted: \\frac, \\sqrt, \\log, \\exp, \\sum, \\prod, \\lim, "
                             f"\\mathcal{{N}}, \\left( \\right), \\cdot, \\le, \\ge, Greek letters)",
                             match.start() + 1)


def _bounded(tree: Any) -> None:
    stack, count = [(tree, 1)], 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            raise Unreadable(f"the LaTeX text is nested more than {MAX_DEPTH} levels deep or has more than "
                             f"{MAX_NODES} parts")
        stack.extend((child, depth + 1) for child in getattr(node, "children", ()))


def latex_to_ascii(text: str) -> str:
    """Translate one LaTeX line (a relation chain or an expression) into the ASCII language.

    Frames and decorations are blanked first (:func:`unframe`), so columns in messages are
    those of the line as typed.

    >>> latex_to_ascii(r"\\frac{1}{\\sqrt{2\\pi}\\sigma}")
    '1/(sqrt(2*pi)*sigma)'
    >>> latex_to_ascii(r"&\\le \\log \\mathcal{N}(x_n \\mid \\mu, \\sigma^2)")
    '<= log(N(x_n | mu, sigma^2))'
    >>> latex_to_ascii(r"$\\frac{N}{2}\\ln 2\\pi$.")
    '(N/2)*log(2*pi)'
    """
    import lark

    if len(text) > MAX_LENGTH:
        raise Unreadable(f"the LaTeX text has {len(text)} characters; at most {MAX_LENGTH} are accepted")
    body = unframe(text)
    if not body.strip():
        raise Unreadable("the LaTeX line holds only frames or labels ($, \\[, \\begin{aligned}, \\label{...}); "
                         "there is nothing to check")
    body = respell(body)
    _check_commands(body)
    body = read_bars(body)
    try:
        tree = _lark().parse(body)
    except lark.exceptions.UnexpectedInput as err:
        raise _unreadable(err, body) from None
    _bounded(tree)
    return Reading(_Ascii(body).visit(tree), text)


def respell(body: str) -> str:
    """``\\middle|``, ``\\vert``, ``\\Vert``, ``\\mathrm{d}`` and PRML's ``\\gamma(z_{nk})`` in the spelling the grammar reads
    (same length)."""
    for pattern, spelled in _RESPELLED:
        body = pattern.sub(spelled, body)
    return respell_responsibility(body)


class Reading(str):
    """The ASCII reading of a LaTeX text; ``typed`` keeps the LaTeX, so that messages quote what was typed."""

    typed: str

    def __new__(cls, ascii_text: str, typed: str) -> Reading:
        reading = super().__new__(cls, ascii_text)
        reading.typed = typed
        return reading

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return str(self), self.typed


def _unreadable(err: Any, body: str) -> Unreadable:
    """A lark error in LaTeX terms: the command or character as typed (never a Python repr)."""
    import lark

    column = getattr(err, "column", None)
    at = f" at column {column}" if isinstance(column, int) and column > 0 else ""
    if isinstance(err, lark.exceptions.UnexpectedCharacters):
        position = err.pos_in_stream
        command = _COMMAND.match(body, position) if 0 <= position < len(body) else None
        if command:
            return Unreadable(_COMMAND_HINTS.get(command.group(1), "the LaTeX command {command}{at} is not accepted "
                                                 "here").format(command=command.group(0), at=at), column)
        char = body[position] if 0 <= position < len(body) else "?"
        return Unreadable(f"the LaTeX character '{char}'{at} is not accepted here", column)
    token = getattr(err, "token", None)
    if getattr(token, "type", "$END") == "$END":
        return Unreadable(f"the LaTeX text cannot be read: it ends too early{at} (a missing closing brace, "
                          f"parenthesis or \\right?)",
                          column)
    command = _COMMAND.fullmatch(str(token))
    if command and command.group(1) in _COMMAND_HINTS:
        return Unreadable(_COMMAND_HINTS[command.group(1)].format(command=command.group(0), at=at), column)
    value = str(token)
    hint = _TOKEN_HINTS.get(value, "(a missing brace or \\right?)" if value in ("}", ")", "]") or
                            value.startswith("\\right") else "")
    return Unreadable(f"the LaTeX text cannot be read: '{value}'{at} is not expected there{hint and ' '}{hint}",
                      column)


_TOKEN_HINTS = {
    ",": "(a comma separates the arguments of \\mathcal{N}(x \\mid \\mu, \\sigma^2); two relations on one row are "
         "read as two lines when a comma or \\qquad separates them: a = b, \\qquad c = d)",
    "&": "(an alignment mark & goes right before a relation, as in &=; an annotation column && \\text{...} is a "
         "comment)",
    "=": "(a relation separates whole expressions; a sum's range is written \\sum_{n=1}^{N})",
}


_SUM_HINT = ("{command}{at} (the middle of a written-out sum) has no meaning here; write the sum with its "
             "index, e.g. \\sum_{{n=1}}^{{N}} x_n for x_1 + \\cdots + x_N")
_COMMAND_HINTS = {
    "cdots": _SUM_HINT, "dots": _SUM_HINT, "ldots": _SUM_HINT,
    "to": "{command}{at} is accepted only inside \\lim_{{\\sigma \\to 0^+}}; a row that says 'tends to' cannot be "
          "checked: write the limit as \\lim_{{\\sigma \\to 0^+}} EXPR = VALUE",
    "left": "{command}{at} must be followed by (, [, \\{{ or | and closed by the matching \\right",
    "right": "{command}{at} must be followed by ), ], \\}} or | and match a \\left before it",
}
_COMMAND_HINTS["rightarrow"] = _COMMAND_HINTS["longrightarrow"] = _COMMAND_HINTS["to"]
_COMMAND_HINTS.update({
    "propto": "{command}{at} (proportional to) states no value to check; write the constant out, e.g. "
              "\\pi_k = \\frac{{N_k}}{{N}}",
    "mathbb": "{command}{at}: an expectation or a set is not a value the checker computes; write the sum it "
              "stands for, e.g. \\sum_{{k=1}}^{{K}} \\gamma(z_{{nk}}) z_{{nk}}",
    "in": "{command}{at} (a member of a set) is not checked; state the assumption as assume: x > 0",
})


# ----------------------------------------------------------------------------------------------
# frames and decorations, blanked by spaces so that columns stay those of the text as typed

_ENVIRONMENTS = r"(?:align|aligned|alignat|alignedat|eqnarray|gather|gathered|equation|split|multline)\*?"
_ROW_END = re.compile(r"(\\\\(\[[^\]\\]{0,20}\])?|(?<!\\)%.*)\s*$")
_FRAME = re.compile(r"\\(?:begin|end)\{" + _ENVIRONMENTS + r"\}(?:\{[0-9]{1,2}\})?|^\s*\$\$?|\$\$?(?=[\s,.]*$)|\\\[|\\\]"
                    r"|\ufeff")
_WORD = re.compile(r"\\(?:nonumber|notag|limits|displaystyle|textstyle|[Bb]igg?[lrm]?|rm)(?![A-Za-z])")
# PRML's updated value, \mu_k^{\text{new}} (9.24-9.26), is the quantity itself: ^{new} (also \mathrm, \rm, \textrm) is
# blanked, and ^{2,\mathrm{new}} is ^{2}
_NEW = re.compile(r"\^\s*\{\s*(?:\\(?:text|textrm|mathrm|rm)\s*\{?\s*)?new\s*\}?\s*\}"
                  r"|(?<=[0-9])\s*,\s*(?:\\(?:text|textrm|mathrm|rm)\s*\{?\s*)?new\s*\}?(?=\s*\})")
_ANNOTATION = re.compile(r"(?<!\\)(,\s*)?\\q?quad\s*\\(?:text|textrm|mbox)\s*\{.*$"
                         r"|(?<!\\)(,\s*)?(\\q?quad\s*)?\\forall(?![A-Za-z]).*$")  # \quad \forall k: an annotation
_DROPPED = re.compile(r"\\(?:label|tag|text|textrm|textnormal|mbox|intertext)(?![A-Za-z])\s*\{")
# decorations read as the plain name: bold vectors, and \hat{\mu}_k, \bar{x}, \tilde{x} (an estimate is its quantity)
_BOLD = re.compile(r"\\(?:mathbf|boldsymbol|bm|hat|widehat|bar|overline|tilde|widetilde|mathit|mathsf|boxed|"
                   r"underbrace|overbrace)(?![A-Za-z])\s*")
_BRACE_NOTE = re.compile(r"\s*[_^]\s*\{")  # the label of \underbrace{X}_{...}: a comment
_AFTER_RELATION = re.compile(r"(?:=|<|>|\\(?:leqslant|leq|le|geqslant|geq|ge|neq|ne)(?![A-Za-z]))\s*(&)")
# an alignment & before the row's first expression (& \sum_n ... = 0, \Longrightarrow\quad & \mu_k = ...): no relation follows it
_LEADING_AMPERSAND = re.compile(r"^\s*(?:&\s*)?(?:\\(?:Rightarrow|Longrightarrow|implies|therefore|iff|Leftrightarrow|"
                                r"Longleftrightarrow)(?![A-Za-z])(?:\s*\\q?quad(?![A-Za-z])|\s*\\[,;:!])*)?\s*(&)(?!\s*(?:[=<>&]|"
                                r"\\(?:leqslant|leq|le|geqslant|geq|ge|neq|ne|approx|simeq|doteq)(?![A-Za-z])))")
_TRAILING_PUNCTUATION = re.compile(r"(?<!\\)[,.]\s*$")


def unframe(text: str) -> str:
    """The LaTeX line with frames and decorations replaced by spaces (same length, same columns).

    Blanked: a trailing ``\\\\`` (and ``\\\\[2pt]``), a ``%`` comment, an annotation ending the row
    (``\\quad \\text{for } n = 1, \\dots, N``: ``\\quad`` or ``\\qquad`` then ``\\text{``, to the end),
    ``$`` and ``$$`` opening or closing the line (a ``$`` inside it is refused), ``\\[``, ``\\]``,
    ``\\begin{...}``/``\\end{...}`` of align(ed), alignat, eqnarray, gather(ed), equation, split and
    multline (starred too), ``\\nonumber``, ``\\notag``, ``\\limits``, ``\\big(`` sizes, ``\\label{...}``,
    ``\\tag{...}``, ``\\text{...}`` (with its content), the second ``&`` of eqnarray's ``&=&``, a BOM,
    and a ``,`` or ``.`` ending the row. ``\\mathbf{x}``, ``\\boldsymbol{\\mu}``, ``\\bm{x}`` keep their
    content: PRML's bold vectors are read as the plain name.
    """
    chars = list(text)

    def blank(start: int, stop: int) -> None:
        chars[start:stop] = " " * (stop - start)

    for pattern in (_ROW_END, _ANNOTATION, _FRAME, _NEW, _WORD):
        for match in pattern.finditer("".join(chars)):
            blank(match.start(), match.end())
    for match in _DROPPED.finditer("".join(chars)):
        closing = _closing_brace(chars, match.end() - 1)
        if closing is None:
            raise Unreadable(f"the brace of {match.group(0).rstrip('{ ')} at column {match.start() + 1} is never "
                             f"closed", match.start() + 1)
        blank(match.start(), closing + 1)
    for match in _BOLD.finditer("".join(chars)):
        closing = _closing_brace(chars, match.end()) if match.end() < len(chars) else None
        blank(match.start(), match.end())
        if closing is not None:
            blank(match.end(), match.end() + 1)
            blank(closing, closing + 1)
            note = _BRACE_NOTE.match("".join(chars), closing + 1) if "brace" in match.group(0) else None
            end = _closing_brace(chars, note.end() - 1) if note else None
            if end is not None:
                blank(closing + 1, end + 1)
    for match in (*_AFTER_RELATION.finditer("".join(chars)), *_LEADING_AMPERSAND.finditer("".join(chars))):
        blank(match.start(1), match.end(1))
    match = _TRAILING_PUNCTUATION.search("".join(chars))
    if match:
        blank(match.start(), match.end())
    return "".join(chars)


def _closing_brace(chars: list[str], start: int) -> int | None:
    """The index of the brace closing the one at ``start`` (None: not a brace, or never closed)."""
    if chars[start] != "{":
        return None
    depth = 0
    for position in range(start, len(chars)):
        if chars[position] == "{" and (position == 0 or chars[position - 1] != "\\"):
            depth += 1
        elif chars[position] == "}" and chars[position - 1] != "\\":
            depth -= 1
            if depth == 0:
                return position
    return None


def is_frame(line: str) -> bool:
    """Does the line hold only frames, labels and decorations (``\\begin{aligned}``, ``$$``, ``\\[``)?"""
    try:
        return bool(line.strip()) and not unframe(line).strip()
    except Unreadable:
        return False


def steps_text(text: str, language: str = "auto") -> str:
    """A steps file with its LaTeX frames blanked line by line, for classifying the lines.

    A line that holds only a frame (``\\begin{aligned}``, ``$$``, ``\\[``) becomes a ``%`` comment;
    frames around a row are blanked so that ``$$\\lim_{...}`` is seen as a limit line. ASCII lines
    (``language`` "ascii", or "auto" and no LaTeX frame) are kept as they are.
    """
    if language == "ascii":
        return text
    return "\n".join(_steps_line(line) for line in text.splitlines())


def _steps_line(line: str) -> str:
    if not line.strip() or line.lstrip().startswith(("#", "%")) or not _LATEX_MARK.search(line):
        return line
    if is_frame(line):
        return "%" + line
    lead = _LEADING_FRAMES.match(line)
    if not lead:
        return line
    rest = " " * lead.end() + line[lead.end():]
    # a row whose only LaTeX was its frame ($$ x = y $$) stays LaTeX: \, is a thin space
    return rest if _LATEX_MARK.search(rest.replace("$", "")) else "\\," + rest[min(lead.end(), 2):]


_LEADING_FRAMES = re.compile(r"\s*(?:(?:\$\$?|\\\[|\\begin\{" + _ENVIRONMENTS + r"\}(?:\{[0-9]{1,2}\})?)\s*)+")
_LATEX_MARK = re.compile(r"[\\$&]|\^\{|\ufeff")


# ----------------------------------------------------------------------------------------------
# plain bars: | and \| are paired here, left to right, before the grammar sees them

_BAR_TOKEN = re.compile(r"\\left\\\||\\right\\\||\\left[(\[|.]|\\right[)\]|.]|\\\||\\[A-Za-z]+|\\.|\s+|.",
                        re.DOTALL)
# where a plain bar may be the "given" bar: N(x | ...) and the conditionals p(X | ...) of a named left side
_DENSITY_OPEN = re.compile(r"(?:\\mathcal\s*\{\s*N\s*\}\s*|(?<![A-Za-z\\])[LQJFp])(\\left\(|\()")
_OPERAND_END = re.compile(r"[A-Za-z0-9)}\]'.!]|\\right[)\]|]|\\right\\\||\\rvert|\\rVert|\\infty|\\[A-Za-z]+")
_OPERATOR_COMMANDS = frozenset({
    "frac", "dfrac", "sqrt", "exp", "log", "ln", "det", "cdot", "times", "mathcal", "sum", "prod", "lim", "to",
    "le", "leq", "ge", "geq", "leqslant", "geqslant", "ne", "neq", "mid", "lvert", "lVert", "quad", "qquad",
    "displaystyle", "textstyle", "left"})
_OPENERS = {"(": ")", "{": "}", "[": "]", "\\left(": "\\right)", "\\left[": "\\right]",
            "\\left|": "\\right|", "\\left\\|": "\\right\\|", "\\lvert": "\\rvert", "\\lVert": "\\rVert"}
_CLOSERS = frozenset(_OPENERS.values())
_PRODUCT_BREAKS = frozenset({"+", "-", "=", "<", ">", ",", "&", "/", "\\cdot", "\\times", "\\mid", "\\le",
                             "\\leq", "\\ge", "\\geq", "\\ne", "\\neq", "\\leqslant", "\\geqslant"})
_BARS = {"|": ("\\lvert", "\\rvert", "|"), "\\|": ("\\lVert", "\\rVert", "\\|")}


@dataclass
class _Group:
    """One bracket level: the plain bars open in it, whether it is N(...) and has its bar."""

    closer: str | None
    density: bool = False
    given: bool = False
    bars: list[str] = field(default_factory=list)
    closed_bar: bool = False  # a plain |...| was closed in the current product


def _ends_operand(token: str | None) -> bool:
    if token is None or not _OPERAND_END.fullmatch(token):
        return False
    return not (token.startswith("\\") and token[1:] in _OPERATOR_COMMANDS)


def read_bars(text: str) -> str:
    """Rewrite plain ``|`` and ``\\|`` as ``\\lvert``/``\\rvert``, ``\\lVert``/``\\rVert`` or the given bar ``\\mid``.

    Left to right, in each bracket level: a bar right after an operand closes the innermost
    open bar of its kind; inside ``\\mathcal{N}(...)`` (and a conditional ``p(X | ...)``) the first bar after an operand with no bar
    open is the "given" bar; any other bar opens. A bar that would open right after an operand
    when a ``|...|`` was already closed in the same product (``|a|b|c|``: ``|a|*b*|c|`` or
    ``|a*|b|*c|``) is refused as ambiguous, never guessed.
    """
    if "|" not in text:
        return text
    out: list[str] = []
    groups = [_Group(None)]
    previous: str | None = None
    position = 0
    while position < len(text):
        density = _DENSITY_OPEN.match(text, position)
        if density:
            out.append(density.group(0))
            groups.append(_Group("\\right)" if density.group(1) == "\\left(" else ")", density=True))
            position, previous = density.end(), "("
            continue
        token = _BAR_TOKEN.match(text, position).group(0)
        column = position + 1
        position += len(token)
        if token.isspace():
            out.append(token)
            continue
        group = groups[-1]
        if token in _BARS:
            out.append(_bar(token, group, previous, column))
            previous = "\\rvert" if out[-1] in ("\\rvert ", "\\rVert ") else out[-1].strip()
            continue
        if token in _OPENERS:
            groups.append(_Group(_OPENERS[token]))
        elif token in _CLOSERS:
            _close(groups, token, column)
        elif token in _PRODUCT_BREAKS:
            group.closed_bar = False
        if token == "\\mid":
            group.given = True
        out.append(token)
        previous = token
    while len(groups) > 1 and not groups[-1].bars:
        groups.pop()
    if groups[-1].bars:
        raise Unreadable(f"the bar {groups[-1].bars[-1]!r} opened in the LaTeX text is never closed")
    return "".join(out)


def _bar(token: str, group: _Group, previous: str | None, column: int) -> str:
    opening, closing, kind = _BARS[token]
    after_operand = _ends_operand(previous)
    if after_operand and group.bars and group.bars[-1] == kind:
        group.bars.pop()
        group.closed_bar = True
        return f"{closing} "
    if token == "|" and after_operand and group.density and not group.given and not group.bars:
        group.given, group.closed_bar = True, False
        return " \\mid "
    if after_operand and group.closed_bar:
        raise Unreadable(f"the bar {kind!r} at column {column} is ambiguous: it could close an outer |...| or "
                         f"open a new one (as in |a|b|c|); write \\lvert ... \\rvert (or \\left| ... \\right|) "
                         f"for each absolute value, or \\cdot between the factors", column)
    group.bars.append(kind)
    return f" {opening} "


def _close(groups: list[_Group], token: str, column: int) -> None:
    group = groups[-1]
    if group.bars:
        raise Unreadable(f"the bar {group.bars[-1]!r} opened before column {column} is not closed inside its "
                         f"brackets", column)
    if len(groups) > 1 and group.closer == token:
        groups.pop()


class _Ascii:
    """Rewrites a LaTeX tree as ASCII text, bottom-up (the tree is bounded, so recursion is too)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.naming: Any = None  # the left side of a line "NAME = ...", which p(X \\mid ...) may name
        self.differentiated = 0  # > 0 inside the numerator of \\frac{\\partial F}{\\partial x}: p(X \\mid ...) is named

    def typed(self, node: Any) -> str:
        """The LaTeX a subtree was parsed from, as typed (for messages)."""
        meta = getattr(node, "meta", None)
        if meta is not None and not getattr(meta, "empty", True):
            return self.body[meta.start_pos:meta.end_pos].strip()
        return str(node)

    def visit(self, node: Any) -> str:
        if not hasattr(node, "data"):
            return _greek(str(node)) if getattr(node, "type", "") == "GREEK" else str(node)
        handler = _HANDLERS.get(str(node.data))
        if handler is None:
            raise Unreadable(f"the LaTeX construct {node.data} is not accepted")
        return handler(self, node)

    def parts(self, node: Any) -> list[str]:
        return [self.visit(child) for child in node.children if hasattr(child, "data") or _is_value(child)]


def _is_value(token: Any) -> bool:
    return getattr(token, "type", "") in ("NUMBER", "NUMBER_DIGIT", "LETTER", "GREEK", "FUNC", "BIG", "CALLNAME",
                                          "DOTS")


def _greek(token: str) -> str:
    name = token.lstrip("\\")
    return GREEK_RENAMED.get(name, name)


_MARKERS = {"CONSEQUENCE": "=>", "EQUIVALENCE": "<=>"}


def _line(self: _Ascii, node: Any) -> str:
    children = node.children
    if children and _is(children[0], "marker"):
        token = next(child for child in children[0].children if getattr(child, "type", "") in _MARKERS)
        rest = _line(self, type(node)(node.data, children[1:], node.meta))
        return f"{_MARKERS[token.type]} {rest}"
    if len(children) >= 2 and not _is(children[0], "rel") and "".join(_tokens(children[1])).lstrip("&") == "=":
        self.naming = children[0]
    out = []
    for child in node.children:
        if hasattr(child, "data") and str(child.data) == "rel":
            written = "".join(str(token) for token in _tokens(child)).lstrip("&") or "="
            out.append(_RELATIONS[written])
        else:
            out.append(self.visit(child))
    return " ".join(out)


def _tokens(node: Any) -> list[str]:
    found = []
    for child in node.children:
        found.extend(_tokens(child) if hasattr(child, "data") else [str(child)])
    return found


def _subscript(self: _Ascii, node: Any) -> str:
    base, script = (_letter_as_typed(self, child).strip("()") for child in node.children)
    written = [token for token in _tokens(node.children[1]) if token not in ("{", "}")]
    if len(written) > 1 and all(_SIMPLE_SUBSCRIPT.fullmatch(token) for token in written):
        script = "".join(written)  # x_{nk}: two indices written side by side, not a product n*k
    if not _SIMPLE_SUBSCRIPT.fullmatch(script) or not _SIMPLE_SUBSCRIPT.fullmatch(base):
        raise Unreadable(f"the subscript '{self.typed(node.children[1])}' of '{self.typed(node.children[0])}' must be "
                         f"letters or digits, e.g. x_{{n}} or \\sigma_{{k}}")
    return f"{base}_{script}"


def _letter_as_typed(self: _Ascii, node: Any) -> str:
    """A name part: the letter ``e`` stays ``e`` in ``x_e`` (elsewhere a bare ``e`` is Euler's number)."""
    return str(node.children[0]) if _is(node, "letter") else self.visit(node)


def _is(node: Any, *kinds: str) -> bool:
    return hasattr(node, "data") and str(node.data) in kinds


def _func(self: _Ascii, node: Any) -> str:
    return _applied(node.children[0], self.visit(node.children[1]))


def _applied(function: Any, argument: str) -> str:
    name = {"\\ln": "log"}.get(str(function), str(function).lstrip("\\"))
    if argument.startswith("(") and _closes_at_end(argument, 0):
        argument = argument[1:-1]
    return f"{name}({argument})"


def _call_given(self: _Ascii, node: Any) -> str:
    """``p(X \\mid \\pi, \\mu)``: only as a named left side (``\\ln p(X \\mid \\pi) = ...``), else refused."""
    naming = self.naming
    if self.differentiated:
        return str(node.children[0])  # the quantity a line above named (\\ln p(X \\mid \\pi) = ...)
    parts = self.parts(node)
    if node is not naming and not (_is(naming, "func") and naming.children[1] is node):
        likelihood = _likelihood(parts[1], parts[2:])
        if likelihood is None:
            raise Unreadable(f"{self.typed(node)[:40]} (a quantity given others) has no value of its own here; it may "
                             f"only name a left side, as in \\ln p(X \\mid \\pi, \\mu, \\Sigma) = EXPR")
        return likelihood
    return f"{node.children[0]}({parts[1]} | {', '.join(parts[2:])})"


def _likelihood(data: str, given: list[str]) -> str | None:
    """PRML's likelihood of the data set ``X`` written as ``p(X | pi, mu, Sigma)`` (9.14) or ``p(X | mu, sigma^2)``
    (1.53) on a right side: the product over the points it stands for; None for any other conditional."""
    if not re.fullmatch(r"[A-Z]", data):
        return None
    point = f"{data.lower()}_n"
    spreads = {"sigma^2": "sigma{}^2", "sigma": "sigma{}^2", "Sigma": "Sigma{}"}
    if len(given) == 2 and given[0] == "mu" and given[1] in spreads:
        return f"prod(N({point} | mu, {spreads[given[1]].format('')}), n=1..N)"
    if len(given) == 3 and given[:2] == ["pi", "mu"] and given[2] in spreads:
        return f"prod(sum(pi_j*N({point} | mu_j, {spreads[given[2]].format('_j')}), j=1..K), n=1..N)"
    return None


def _letter(self: _Ascii, node: Any) -> str:
    return "E" if str(node.children[0]) == "e" else str(node.children[0])


def _pow(self: _Ascii, node: Any) -> str:
    base, exponent = node.children
    if _is(base, "letter") and str(base.children[0]) == "e":
        return f"exp({self.visit(exponent)})"
    return "^".join(_w(self.visit(child), powers=False) for child in node.children)


_PRODUCT = {"juxt": "*", "mul": "*", "div": "/"}
_STOPS = ("func", "big_range", "big_except", "big_all")


def _product(self: _Ascii, node: Any) -> str:
    """A product chain; an unparenthesised function argument takes the juxtaposed factors after it.

    ``\\log 2\\pi`` is log(2 pi) and ``\\frac{N}{2}\\log 2\\pi \\sigma`` is N/2 log(2 pi sigma): the argument
    of ``\\log``, ``\\ln``, ``\\exp``, ``\\det`` written without parentheses extends over the factors written
    next to it, up to an explicit ``\\cdot``, ``\\times``, ``*`` or ``/``, the next function or ``\\sum``/``\\prod``,
    or the end of the product (``+``, ``-``, a relation, a closing brace). An argument in parentheses or
    bars, ``\\log(2)\\pi`` or ``\\ln\\left|\\Sigma\\right| x``, ends at its closing delimiter.
    """
    factors, operators = _flat_product(node)
    pieces: list[str] = []
    index = 0
    while index < len(factors):
        factor, operator = factors[index], operators[index]
        index += 1
        if _is(factor, "func") and _open_argument(factor.children[1]):
            run = [self.visit(factor.children[1])]
            while index < len(factors) and operators[index] == "juxt" and not _is(factors[index], *_STOPS):
                run.append(self.visit(factors[index]))
                index += 1
            text = _applied(factor.children[0], "*".join(_w(part) for part in run))
        else:
            text = self.visit(factor)
        pieces.append(text if not pieces else f"{_PRODUCT[operator]}{_w(text)}")
    if len(pieces) == 1:
        return pieces[0]
    return _w(pieces[0]) + "".join(pieces[1:])


def _flat_product(node: Any) -> tuple[list[Any], list[str]]:
    """The factors of a left-nested product chain and the operator before each (the first: "")."""
    factors, operators = [], []
    while _is(node, *_PRODUCT):
        factors.append(node.children[-1])
        operators.append(str(node.data))
        node = node.children[0]
    factors.append(node)
    operators.append("")
    return factors[::-1], operators[::-1]


def _open_argument(argument: Any) -> bool:
    """Is a function argument written without parentheses (so that it extends over juxtaposed factors)?"""
    base = argument.children[0] if _is(argument, "pow") else argument
    return not _is(base, "group", "abs", "norm", "big_range", "big_except", "big_all")


def _density(self: _Ascii, node: Any) -> str:
    inner = node.children[0]
    arguments = inner.children[0] if str(inner.data) == "density" else inner
    x, mu, spread = (self.visit(child) for child in arguments.children if hasattr(child, "data") or _is_value(child))
    return f"N({x} | {mu}, {spread})" if str(arguments.data) == "given" else f"N({x}, {mu}, {spread})"


def _big(self: _Ascii, node: Any) -> str:
    operator = "sum" if str(node.children[0]) == "\\sum" else "prod"
    values = [child for child in node.children[1:] if hasattr(child, "data") or _is_value(child)]
    kind = str(node.data)
    if kind == "big_range":
        index, low, high, body = (self.visit(child) for child in values)
        return f"{operator}({body}, {index}={low}..{high})"
    if kind == "big_except":
        index, other, body = (self.visit(child) for child in values)
        return f"{operator}({body}, {index}=1..N, {index} != {other})"
    from gmm_math.derivations.check.names import INDEX_RANGES  # the textbook's letters: \sum_j runs to K

    index, body = (self.visit(child) for child in values)
    return f"{operator}({body}, {index}=1..{INDEX_RANGES.get(index, 'N')})"


def _limit_arrow(self: _Ascii, node: Any) -> str:
    """``\\lim_{\\sigma \\downarrow 0}``: from above; ``\\uparrow``: from below."""
    arrow = next(str(child) for child in node.children if getattr(child, "type", "") == "ARROW_SIDE")
    var, point, body = (child for child in node.children if hasattr(child, "data"))
    side = "+" if arrow.lstrip("\\") in ("downarrow", "searrow") else "-"
    value = "".join(_tokens(point)).replace("\\infty", "oo")
    return f"limit({self.visit(body)}, {self.visit(var)}, {value}{side})"


def _limit(self: _Ascii, node: Any) -> str:
    var, point, body = (child for child in node.children if hasattr(child, "data"))
    tokens = "".join(_tokens(point)).replace("\\infty", "oo").replace("{", "").replace("}", "").replace("^", "")
    return f"limit({self.visit(body)}, {self.visit(var)}, {tokens})"


def _derivative(self: _Ascii, node: Any) -> str:
    """Every written derivative as diff(F, x); the gradient \\nabla_x in D dimensions too (an isotropic
    density depends on x through ||x - mu||^2, read as a square; a diagonal one through its components)."""
    parts = [child for child in node.children if hasattr(child, "data")]
    if str(node.data) == "derivative_quotient":
        self.differentiated += 1
        try:
            body = self.visit(parts[0])
        finally:
            self.differentiated -= 1
        variable = self.visit(parts[1])
    else:
        variable, body = self.visit(parts[0]), self.visit(parts[1])
    return f"diff({body}, {variable})"


_HANDLERS: dict[str, Callable[[_Ascii, Any], str]] = {
    "calligraphic": lambda self, node: str(node.children[0]),  # \\mathcal{L}, a Lagrangian: the name L
    "derivative_frac": _derivative,
    "derivative_quotient": _derivative,
    "derivative_sub": _derivative,
    "start": lambda self, node: self.visit(node.children[0]),
    "line": _line,
    "number": lambda self, node: str(node.children[0]),
    "letter": _letter,
    "word": lambda self, node: {"e": "E"}.get(re.sub(r"^\\[a-z]+\{|\}$", "", str(node.children[0])),
                                              re.sub(r"^\\[a-z]+\{|\}$", "", str(node.children[0]))),
    "pow_sub": lambda self, node: "{}^{}".format(
        _subscript(self, type(node)("subscript", [node.children[0], node.children[2]], node.meta)),
        _w(self.visit(node.children[1]), powers=False)),
    "greek": lambda self, node: _greek(str(node.children[0])),
    "infinity": lambda self, node: "oo",
    "group": lambda self, node: f"({self.parts(node)[0]})",
    "add": lambda self, node: "{} + {}".format(*self.parts(node)),
    "sub": lambda self, node: "{} - {}".format(self.parts(node)[0], _w(self.parts(node)[1])),
    "neg": lambda self, node: "-{}".format(_w(self.parts(node)[0])),
    "pos": lambda self, node: "{}".format(*self.parts(node)),
    "juxt": _product,
    "mul": _product,
    "div": _product,
    "pow": _pow,
    "subscript": _subscript,
    "frac": lambda self, node: "/".join(_w(part) for part in self.parts(node)),
    "sqrt": lambda self, node: "sqrt({})".format(*self.parts(node)),
    "root": lambda self, node: "({1})^(1/({0}))".format(*self.parts(node)),
    "func": _func,
    "density": _density,
    "call": lambda self, node: f"{node.children[0]}({', '.join(self.parts(node)[1:])})",
    "call_given": _call_given,
    "abs": lambda self, node: "|{}|".format(*self.parts(node)),
    "norm": lambda self, node: "||{}||".format(*self.parts(node)),
    "big_range": _big,
    "big_except": _big,
    "big_all": _big,
    "limit": _limit,
    "limit_arrow": _limit_arrow,
    "diag": lambda self, node: f"diag({', '.join(self.parts(node))})",
    "dots": lambda self, node: "...",
    "top": lambda self, node: "T",
    "matrix": lambda self, node: "[{}]".format(", ".join(f"[{row}]" for row in self.parts(node))),
    "matrix_row": lambda self, node: ", ".join(self.parts(node)),
}


def _closes_at_end(text: str, start: int) -> bool:
    return closing_parenthesis(text, start) == len(text) - 1


def closing_parenthesis(text: str, start: int) -> int | None:
    depth = 0
    for position in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        if depth == 0:
            return position
    return None


def _w(text: str, powers: bool = True) -> str:
    """Parenthesize unless the text is one atom (a name, a number, a call or a group).

    With ``powers``, a power of two atoms (``sigma^2``) counts as one too: it is an operand of a
    product, quotient or negation, where ``^`` binds tighter; never as a base or an exponent.
    """
    if _ATOM.fullmatch(text) or powers and _POWER.fullmatch(text):
        return text
    call = _CALL.match(text)
    if call:
        close = closing_parenthesis(text, call.end() - 1)
        if close == len(text) - 1 or powers and close is not None and _EXPONENT.fullmatch(text[close + 1:]):
            return text
    return f"({text})"


_ATOM = re.compile(r"[A-Za-z0-9_.]+|\|[^|]*\|")
_POWER = re.compile(r"[A-Za-z0-9_.]+\^[A-Za-z0-9_.]+")
_EXPONENT = re.compile(r"\^[A-Za-z0-9_.]+")
_CALL = re.compile(r"[A-Za-z][A-Za-z0-9_]*\(|\(")
