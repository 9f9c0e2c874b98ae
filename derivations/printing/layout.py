"""A long relation laid out in rows: ``align*`` rows (``lhs &= …``) for LaTeX, unicode rows for text; a long sum is
broken into groups of whole terms that fit a width."""

from __future__ import annotations

import textwrap

import sympy as sp
from sympy.printing.pretty.stringpict import prettyForm, stringPict

from gmm_math.derivations.printing.latex import latex
from gmm_math.derivations.printing.notation import positive_first
from gmm_math.derivations.printing.prose import prose_text
from gmm_math.derivations.printing.text import TextbookPretty, pretty, unicode_minus


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
    terms = positive_first(list(sp.Add.make_args(expr))) if isinstance(expr, sp.Add) else [expr]
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


def text_rows(expr, width: int, wide_indent: int) -> list[str]:
    """``expr`` in unicode, a long sum broken after its relation into rows of whole terms (``+ term``),
    continuation rows indented under the right-hand side (by ``wide_indent`` columns when the left side takes more
    than a third of ``width``); SymPy's own wrapping only for a single term wider than ``width``.
    """
    whole = pretty(expr)
    if max(map(len, whole.splitlines()), default=0) <= width:
        return whole.splitlines()
    lhs, op, rhs = relation_parts(expr)
    printer = TextbookPretty()
    head = None if lhs is None else prettyForm(*stringPict.next(printer._print(lhs), f" {TEXT_RELATION[op]} "))
    lead = 0 if head is None else head.width()
    indent = lead if lead <= width // 3 else wide_indent

    def shown(group):
        return pretty(as_sum(group))

    def fits(group, first):
        return (lead if first else indent + 2) + max(map(len, shown(group).splitlines())) <= width

    groups = term_groups(rhs, fits)
    out = []
    for number, group in enumerate(groups):
        term, sign = as_sum(group), "+ "
        if number and group[0].could_extract_minus_sign():  # "- term", not "-term", at the start of a row
            term, sign = as_sum([-group[0], *group[1:]]), "- "
        body = printer._print(term)
        if number == 0:
            pict = body if head is None else prettyForm(*stringPict.next(head, body))
        else:
            pict = prettyForm(*stringPict.next(" " * indent + sign, body))
        text = unicode_minus("\n".join(pict.picture))
        if max(map(len, text.splitlines())) > width:  # one term wider than the line: written in one line
            start = (pretty(lhs) + f" {TEXT_RELATION[op]} " if number == 0 and lhs is not None
                     else " " * indent + ("" if number == 0 else sign))
            text = "\n".join(textwrap.wrap(start + _linear(term), width, subsequent_indent=" " * (indent + 2),
                                            break_on_hyphens=False))
        out += text.splitlines()
    return out


def _linear(expr) -> str:
    """``expr`` on one line in the textbook's notation (log(π₁ ⋅ ... + ...)), for a term too wide to draw."""
    return prose_text(sp.sstr(expr))
