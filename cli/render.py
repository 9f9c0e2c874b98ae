"""Render a Derivation and its numeric check as text (rich), LaTeX, Markdown or JSON.

SymPy and mpmath are imported inside the functions: this module is loaded on every command.
"""

from __future__ import annotations

from typing import Any


def _mp_str(value, dps: int) -> str:
    import mpmath

    return mpmath.nstr(value, dps, min_fixed=-4, max_fixed=dps, strip_zeros=False)


def _latex_line(expr) -> str:
    """One align* line: the relation symbol gets the alignment point."""
    import sympy as sp

    if isinstance(expr, sp.core.relational.Relational):
        rel = sp.latex(expr.func(sp.Symbol("A"), sp.Symbol("B"), evaluate=False)).split("A", 1)[1].rsplit("B", 1)[0]
        return f"{sp.latex(expr.lhs)} &{rel.strip()} {sp.latex(expr.rhs)}"
    return f"&{sp.latex(expr)}"


def _sigma_latex(text: str) -> str:
    mantissa, _, exponent = text.partition("e")
    return rf"10^{{{int(exponent)}}}" if mantissa == "1" and exponent else text


def to_dict(derivation, check) -> dict[str, Any]:
    """The JSON contract: case, assumptions, steps, limit, leading_term, numeric_check, dps."""
    import sympy as sp

    return {
        "case": derivation.case,
        "title": derivation.title,
        "assumptions": list(derivation.assumptions),
        "steps": [
            {"title": s.title, "text": s.text, "latex": r" \\ ".join(sp.latex(e) for e in s.exprs),
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


def to_latex(derivation, check) -> str:
    """A LaTeX fragment: one ``align*`` environment (needs amsmath)."""
    import sympy as sp

    from gmm_math.derivations.result import _latex_text

    body = [rf"\intertext{{\textbf{{{_latex_text(derivation.title)}}}}}"]
    body += [rf"\intertext{{Assumption: {_latex_text(a)}.}}" for a in derivation.assumptions]
    for number, step in enumerate(derivation.steps, 1):
        body.append(rf"\intertext{{\textbf{{{number}. {_latex_text(step.title)}.}} {_latex_text(step.text)}}}")
        body.append(" \\\\\n".join(_latex_line(e) for e in step.exprs) + r" \\")
    body.append(rf"\intertext{{Numeric check (mpmath, {check.dps} significant digits):}}")
    body.append(" \\\\\n".join(
        rf"\log L\big|_{{\sigma = {_sigma_latex(s)}}} &= {sp.latex(sp.Float(_mp_str(v, 15), 15))}"
        for s, v in zip(check.sigmas, check.values)))
    return ("% gmm-math: " + derivation.title + "\n\\begin{align*}\n" + "\n".join(body) + "\n\\end{align*}\n")


def to_markdown(derivation, check) -> str:
    """Markdown with ``$$`` display blocks that GitHub renders."""
    import sympy as sp

    out = [f"## {derivation.title}", "", "Assumptions:", ""]
    out += [f"- {a}" for a in derivation.assumptions]
    for number, step in enumerate(derivation.steps, 1):
        lines = r" \\ ".join(_latex_line(e) for e in step.exprs)
        out += ["", f"### {number}. {step.title}", "", step.text, "", "$$", rf"\begin{{aligned}}{lines}\end{{aligned}}", "$$"]
    out += ["", f"Limits: $\\lim_{{\\sigma\\to 0^+}} \\log L = {sp.latex(derivation.limit_log_likelihood)}$, "
            f"$\\lim_{{\\sigma\\to 0^+}} L = {sp.latex(derivation.limit_likelihood)}$; "
            f"leading term ${sp.latex(derivation.leading_term)}$.", "",
            f"Numeric check (mpmath, {check.dps} significant digits):", "", "| sigma | log L |", "|---|---|"]
    out += [f"| {s} | {_mp_str(v, check.dps)} |" for s, v in zip(check.sigmas, check.values)]
    return "\n".join(out) + "\n"


def print_text(derivation, check, console) -> None:
    """Unicode pretty-printing with rich, wrapped to the console width."""
    import sympy as sp
    from rich.table import Table

    width = max(40, min(console.width, 120))
    console.print(f"[bold]{derivation.title}[/bold]")
    for a in derivation.assumptions:
        console.print(f"  • {a}", highlight=False)
    for number, step in enumerate(derivation.steps, 1):
        console.print(f"\n[bold cyan]{number}. {step.title}[/bold cyan]")
        console.print(step.text, highlight=False)
        for expr in step.exprs:
            pretty = sp.pretty(expr, use_unicode=True, num_columns=width - 4)
            console.print("\n".join("    " + line for line in pretty.splitlines()), markup=False, highlight=False,
                          soft_wrap=True)
    console.print()
    console.print("[bold]Result as σ → 0+[/bold]")
    for label, expr in (("log L →", derivation.limit_log_likelihood), ("L →", derivation.limit_likelihood),
                        ("led by", derivation.leading_term)):
        if expr.is_number and expr.is_finite and not expr.is_Rational and len(sp.pretty(expr).splitlines()) > 1:
            _labelled(console, label, f"{sp.N(expr, 15)}  (≈; the exact value is in --format json|latex)")
        else:
            _labelled(console, label, sp.pretty(expr, use_unicode=True, num_columns=width - 12))
    table = Table(title=f"Numeric check (mpmath, {check.dps} significant digits)", title_justify="left")
    table.add_column("σ", justify="right")
    table.add_column("log L", justify="right", overflow="fold")
    for s, v in zip(check.sigmas, check.values):
        table.add_row(s, _mp_str(v, check.dps))
    console.print(table)
    verdict = "agrees with" if check.agrees else "does NOT agree with"
    console.print(f"The trend {verdict} the symbolic limit of log L above.", highlight=False)


def _labelled(console, label: str, pretty: str) -> None:
    """``label value`` on one line, or the label over an indented block when the value spans lines."""
    lines = pretty.splitlines()
    if len(lines) == 1:
        console.print(f"  {label} {lines[0]}", markup=False, highlight=False)
        return
    console.print(f"  {label}", markup=False, highlight=False)
    console.print("\n".join("      " + line for line in lines), markup=False, highlight=False)


def render(derivation, check, fmt: str, console) -> None:
    """Print in ``fmt``: text to the rich console, the others as plain text on stdout."""
    if fmt == "text":
        print_text(derivation, check, console)
        return
    writers = {"latex": to_latex, "markdown": to_markdown, "json": to_json}
    console.file.write(writers[fmt](derivation, check))
