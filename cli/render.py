"""Render a Derivation and its numeric check as text (rich), LaTeX, Markdown or JSON.

Every formula goes through the one printing home, :mod:`gmm_math.derivations.printing` (unicode for text,
LaTeX for LaTeX and Markdown). SymPy and mpmath are imported inside the functions: this module is loaded on
every command.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

# What a LaTeX fragment from ``to_latex`` needs: nothing beyond amsmath (no amssymb, no mathtools).
LATEX_PREAMBLE = "\\documentclass{article}\n\\usepackage{amsmath}\n"
# Width budget of one align* row, in columns of its unicode rendering (about 6 pt each; \textwidth is 345 pt).
LATEX_COLUMNS = 48
TEXT_INDENT = 4


def _mp_str(value, dps: int) -> str:
    import mpmath

    return mpmath.nstr(value, dps, min_fixed=-4, max_fixed=dps, strip_zeros=False)


def _number_latex(text: str) -> str:
    """A decimal string from :func:`_mp_str` as LaTeX, every digit kept (``1.5e+600`` -> ``1.5 \\times 10^{600}``)."""
    mantissa, _, exponent = text.partition("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}" if exponent else text


def _sigma_latex(text: str) -> str:
    mantissa, _, exponent = text.partition("e")
    return rf"10^{{{int(exponent)}}}" if mantissa == "1" and exponent else text


def _log_objective(derivation):
    import sympy as sp

    return sp.log(derivation.objective_symbol)


def objective_heading(derivation) -> str:
    """The numeric column's head in unicode: ``log L``, or ``log p (log posterior)`` for a remedied objective."""
    from gmm_math.derivations.printing import pretty

    head = pretty(_log_objective(derivation))
    return head if derivation.objective == "log-likelihood" else f"{head} ({derivation.objective})"


def to_dict(derivation, check) -> dict[str, Any]:
    """The JSON contract: case, objective, assumptions, steps, limit, leading_term, numeric_check, dps.

    ``limit.log_likelihood`` and ``numeric_check[].log_likelihood`` are of the objective that ``objective`` names
    (the log-likelihood itself, or a remedy's log posterior, penalised log-likelihood, ...).
    """
    from gmm_math.derivations.printing import latex

    return {
        "case": derivation.case,
        "title": derivation.title,
        "objective": derivation.objective,
        "assumptions": list(derivation.assumptions),
        "steps": [
            {"title": s.title, "text": s.text, "latex": r" \\ ".join(latex(e) for e in s.exprs),
             "sympy": [str(e) for e in s.exprs]}
            for s in derivation.steps
        ],
        "limit": {"likelihood": str(derivation.limit_likelihood),
                  "log_likelihood": str(derivation.limit_log_likelihood)},
        "leading_term": str(derivation.leading_term),
        "numeric_check": [{"sigma": s, "log_likelihood": _mp_str(v, check.dps)}
                          for s, v in zip(check.sigmas, check.values)],
        "numeric_trend_agrees": check.agrees,
        "dps": check.dps,
    }


def to_json(derivation, check) -> str:
    from gmm_math.cli.schema import json_text

    return json_text(to_dict(derivation, check)) + "\n"


def latex_blocks(derivation, check, numbers: bool = True) -> list[str]:
    """The paragraphs and ``align*`` environments of :func:`to_latex`, in order (one per step, so that every
    step aligns on its own and no row is widened by another step's columns); ``numbers=False``: a handout,
    without the numeric check's table of ``check.dps``-digit values."""
    from gmm_math.derivations.printing import latex, prose_latex, rows

    out = [rf"\noindent\textbf{{{prose_latex(derivation.title)}}}",
           "\\begin{itemize}\n" + "\n".join(rf"\item {prose_latex(a)}" for a in derivation.assumptions)
           + "\n\\end{itemize}"]
    for number, step in enumerate(derivation.steps, 1):
        out.append(rf"\noindent\textbf{{{number}. {prose_latex(step.title)}.}} {prose_latex(step.text)}")
        if step.exprs:
            lead = _shared_lead(step.exprs)
            out.append(_align([row for e in step.exprs for row in rows(e, LATEX_COLUMNS, lead)]))
    if not numbers:
        return out
    log_obj = latex(_log_objective(derivation))
    out.append(rf"\noindent Objective: the {prose_latex(derivation.objective)} ${log_obj}$. "
               rf"Numeric check (mpmath, {check.dps} significant digits), ${log_obj}$ at:")
    # every digit printed: a 50-digit number and its label fit \textwidth in \small
    out.append("\\begingroup\\small\n" + _align(
        [rf"\sigma = {_sigma_latex(s)} &\colon\quad {_number_latex(_mp_str(v, check.dps))}"
         for s, v in zip(check.sigmas, check.values)]) + "\n\\endgroup")
    return out


def _shared_lead(exprs) -> int:
    """The alignment column of one ``align*``: its widest left side that fits a row at all."""
    from gmm_math.derivations.printing import lead_width

    return max([w for w in map(lead_width, exprs) if w <= LATEX_COLUMNS] or [0])


def _align(rows: list[str]) -> str:
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def to_latex(derivation, check, numbers: bool = True) -> str:
    """A LaTeX fragment (paragraphs and ``align*``) for ``article`` + ``amsmath``: see ``LATEX_PREAMBLE``;
    ``numbers=False`` leaves out the numeric check's digits (a handout)."""
    return ("% gmm-math: " + derivation.title + "\n% needs: \\documentclass{article} \\usepackage{amsmath}\n"
            + "\n\n".join(latex_blocks(derivation, check, numbers)) + "\n")


def latex_document(fragment: str) -> str:
    """A complete document around a fragment from :func:`to_latex`: the documented preamble, nothing more."""
    return LATEX_PREAMBLE + "\\begin{document}\n" + fragment + "\\end{document}\n"


MARKDOWN_BLOCK_START = re.compile(r"[-+*#>|=]|\d+[.)]")


def _markdown_safe(line: str) -> str:
    """A maths line that CommonMark cannot take for a list item, quote or heading: a leading ``-`` (or other
    block marker) is put in braces with the rest of its cell, which TeX reads the same."""
    if not MARKDOWN_BLOCK_START.match(line):
        return line
    cell, amp, rest = line.partition("&")
    return "{" + cell + "}" + amp + rest


def to_markdown(derivation, check) -> str:
    """CommonMark with ``$$`` display blocks (GitHub, KaTeX); prose in unicode notation, escaped."""
    from gmm_math.derivations.printing import latex, prose_markdown, rows

    out = [f"## {prose_markdown(derivation.title)}", "", "Assumptions:", ""]
    out += [f"- {prose_markdown(a)}" for a in derivation.assumptions]
    for number, step in enumerate(derivation.steps, 1):
        lead = _shared_lead(step.exprs)
        lines = " \\\\\n".join(_markdown_safe(row) for e in step.exprs for row in rows(e, LATEX_COLUMNS, lead))
        out += ["", f"### {number}. {prose_markdown(step.title)}", "", prose_markdown(step.text)]
        if lines:
            out += ["", "$$", r"\begin{aligned}", lines, r"\end{aligned}", "$$"]
    log_obj, sym = latex(_log_objective(derivation)), latex(derivation.objective_symbol)
    lim = r"\lim_{\sigma \to 0^+}"
    out += ["", f"Objective: the {prose_markdown(derivation.objective)}. Limits:", "", "$$",
            rf"{lim} {log_obj} = {latex(derivation.limit_log_likelihood)}, \qquad "
            rf"{lim} {sym} = {latex(derivation.limit_likelihood)},", "$$", "",
            "leading term", "", "$$", _markdown_safe(latex(derivation.leading_term)), "$$", "",
            f"Numeric check (mpmath, {check.dps} significant digits):", "",
            f"| σ | {prose_markdown(objective_heading(derivation))} |", "|---:|---:|"]
    out += [f"| {s} | {_mp_str(v, check.dps)} |" for s, v in zip(check.sigmas, check.values)]
    return "\n".join(out) + "\n"


def _bullet(console, text: str) -> None:
    """``  • text`` wrapped to the console, continuation lines under the text, not under the bullet."""
    width = max(40, min(console.width, 120))
    console.print(textwrap.fill(text, width, initial_indent="  • ", subsequent_indent="    "),
                  markup=False, highlight=False, soft_wrap=True)


def print_text(derivation, check, console) -> None:
    """Unicode pretty-printing with rich, wrapped to the console width."""
    from rich.table import Table

    from gmm_math.derivations.printing import pretty, prose_text, text_rows

    width = max(40, min(console.width, 120))
    console.print(prose_text(derivation.title), style="bold", markup=False, highlight=False)
    for a in derivation.assumptions:
        _bullet(console, prose_text(a))
    for number, step in enumerate(derivation.steps, 1):
        console.print()
        console.print(f"{number}. {prose_text(step.title)}", style="bold cyan", markup=False, highlight=False)
        console.print(prose_text(step.text), markup=False, highlight=False)
        for expr in step.exprs:
            rows = text_rows(expr, width - TEXT_INDENT, TEXT_INDENT)
            console.print("\n".join(" " * TEXT_INDENT + line for line in rows),
                          markup=False, highlight=False, soft_wrap=True)
    console.print()
    log_obj, sym = pretty(_log_objective(derivation)), pretty(derivation.objective_symbol)
    console.print("Result as σ → 0⁺", style="bold", markup=False, highlight=False)
    console.print(f"  objective: {log_obj}, the {derivation.objective}", markup=False, highlight=False)
    for label, expr in ((f"{log_obj} →", derivation.limit_log_likelihood), (f"{sym} →", derivation.limit_likelihood),
                        ("led by", derivation.leading_term)):
        _labelled(console, label, expr, width)
    table = Table(title=f"Numeric check (mpmath, {check.dps} significant digits)", title_justify="left")
    table.add_column("σ", justify="right")
    table.add_column(objective_heading(derivation), justify="right", overflow="fold")
    for s, v in zip(check.sigmas, check.values):
        table.add_row(s, _mp_str(v, check.dps))
    console.print(table)
    verdict = "agrees with" if check.agrees else "does NOT agree with"
    console.print(f"The trend {verdict} the symbolic limit of {log_obj} above.", highlight=False)


def _labelled(console, label: str, expr, width: int) -> None:
    """``label value`` on one line, or the label over an indented block when the value spans lines.

    An irrational finite number whose exact form spans lines is shown to 15 digits, marked as such.
    """
    import sympy as sp

    from gmm_math.derivations.printing import pretty, text_rows

    if expr.is_number and expr.is_finite and not expr.is_Rational and len(pretty(expr).splitlines()) > 1:
        lines = [f"{sp.N(expr, 15)}  (≈; the exact value is in --format json|latex)"]
    else:
        lines = text_rows(expr, width - 6, TEXT_INDENT)
    if len(lines) == 1:
        console.print(f"  {label} {lines[0]}", markup=False, highlight=False)
        return
    console.print(f"  {label}", markup=False, highlight=False)
    console.print("\n".join("      " + line for line in lines), markup=False, highlight=False, soft_wrap=True)


def render(derivation, check, fmt: str, console, numbers: bool = True) -> None:
    """Print in ``fmt``: text to the rich console, the others as plain text on stdout (``numbers=False``: the
    LaTeX handout, without the numeric check's digits)."""
    if fmt == "text":
        print_text(derivation, check, console)
        return
    if fmt == "latex":
        console.file.write(to_latex(derivation, check, numbers))
        return
    writers = {"markdown": to_markdown, "json": to_json}
    console.file.write(writers[fmt](derivation, check))
