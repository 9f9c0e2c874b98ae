"""Jupyter's rich display of the library's results: ``_repr_html_`` and ``_repr_latex_``.

Reached only through :class:`gmm_math.derivations.core.display.NotebookDisplay`, which imports this
module by name when a notebook shows a result. :func:`html` and :func:`latex` dispatch on the result's
class (by name, walking its bases, so a :class:`RemedyDerivation` renders as a :class:`Derivation` and
this module imports no result type). Every number shown is read from the object, formatted here and
never computed; maths is printed as MathML (HTML) or LaTeX by the library's printers.
"""

from __future__ import annotations

from html import escape

SHOWN_DIGITS = 12  # significant digits of the mpmath values in a table
MAX_ROWS = 40  # rows of an evaluation table shown; the rest are counted


def _dispatch(table: dict, obj) -> str | None:
    for cls in type(obj).__mro__:
        if cls.__name__ in table:
            return table[cls.__name__](obj)
    return None


def html(obj) -> str | None:
    """The HTML Jupyter shows for ``obj``, or None when there is none for its type."""
    return _dispatch(HTML, obj)


def latex(obj) -> str | None:
    """The LaTeX Jupyter shows for ``obj``, or None when there is none for its type."""
    return _dispatch(LATEX, obj)


def _prose(text: str) -> str:
    from gmm_math.derivations.printing import prose_text

    return escape(prose_text(text))


def _maths(expr) -> str:
    from gmm_math.derivations.printing import mathml

    return mathml(expr)


def _table(header, rows) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _header(obj) -> str:
    return f"<p><code>{escape(repr(obj))}</code></p>"


def derivation_html(d) -> str:
    """Title, assumptions, every step (prose and MathML), and the limit SymPy found."""
    import sympy as sp

    parts = [f"<div><h4>{_prose(d.title)}</h4>", _header(d)]
    if d.assumptions:
        parts.append("<ul>" + "".join(f"<li>{_prose(a)}</li>" for a in d.assumptions) + "</ul>")
    parts.append("<ol>")
    for step in d.steps:
        maths = "".join(_maths(e) for e in step.exprs)
        parts.append(f"<li><strong>{_prose(step.title)}</strong>: {_prose(step.text)}{maths}</li>")
    parts.append("</ol>")
    target = sp.log(d.objective_symbol)
    parts.append("<p>Result:</p>" + _maths(sp.Eq(sp.Limit(target, d.sigma, 0, "+"), d.limit_log_likelihood,
                                                  evaluate=False)))
    return "".join(parts) + "</div>"


def derivation_latex(d) -> str:
    """Every step's expressions in one ``aligned`` block, in the textbook's notation."""
    from gmm_math.derivations.printing import latex as to_latex, prose_latex

    # ASCII only (maths in $...$ inside \text), so a notebook exports to PDF through LaTeX
    lines = [rf"\text{{{prose_latex(s.title)}}}: & \; {to_latex(e)}" for s in d.steps for e in s.exprs]
    return "$\\begin{aligned}" + r"\\ ".join(lines) + "\\end{aligned}$"


def _mp(value) -> str:
    import mpmath

    return mpmath.nstr(value, SHOWN_DIGITS)


def _f64(value) -> str:
    return "non-finite" if value is None else repr(value)


def evaluation_html(table) -> str:
    """The header numbers (S, sigma*, the symbolic limits) and one row per sigma, as ``gmm-math evaluate``."""
    facts = [("N", table.n), ("D", table.dim), ("K", table.components), ("x_n", f"point {table.point}"),
             ("r (points at x_n)", table.multiplicity), ("S", table.S), ("sigma*", _mp(table.sigma_star)),
             ("log L at sigma*", _mp(table.loglik_at_sigma_star)), ("digits", table.dps)]
    facts += [(f"lim log L ({name}), SymPy", value) for name, value in table.limits.items()]
    facts += [(f"{name} tends to", value) for name, value in table.rate_limits.items()]
    header = ("log10 sigma", "log L single (mpmath)", "log L mixture (mpmath)", "float64 single",
              "float64 mixture", "float64 flags")
    shown = table.rows[:MAX_ROWS]
    rows = [(_mp(r.log10_sigma), _mp(r.log_likelihood_single), _mp(r.log_likelihood_mixture),
             _f64(r.float64_single), _f64(r.float64_mixture), ", ".join(r.float64_flags) or "-") for r in shown]
    more = len(table.rows) - len(shown)
    tail = f"<p>... and {more} more rows (<code>.rows</code>)</p>" if more > 0 else ""
    return (f"<div>{_header(table)}{_table(('', 'value'), facts)}{_table(header, rows)}{tail}</div>")


def _vector(values) -> str:
    return "(" + ", ".join(f"{float(v):.6g}" for v in values) + ")"


def fit_html(result) -> str:
    """How the run ended and the last parameters: one row per component (0-based, as the attributes)."""
    last = result.history[-1] if result.history else None
    header = ("component", "weight", "mean", "smallest covariance eigenvalue", "effective count")
    rows = [(k, f"{float(result.weights[k]):.6g}", _vector(result.means[k]),
             "" if last is None else f"{float(last.min_eigenvalues[k]):.6g}",
             "" if last is None else f"{float(last.effective_counts[k]):.6g}") for k in range(len(result.weights))]
    facts = [("iterations", result.n_iter), ("converged", result.converged),
             ("log-likelihood", f"{result.log_likelihood[-1]:.10g}"), ("remedy", result.remedy),
             ("init", result.init), ("covariance", result.covariance), ("seed", result.seed),
             ("restarts", result.restarts), ("collapses handled by the remedy", len(result.events))]
    c = result.collapse
    if c is not None:
        facts.append(("collapse", f"component {c.component} on point {c.point_index} {_vector(c.point)} at "
                                  f"iteration {c.iteration}, weight {c.weight:.6g}, smallest eigenvalue "
                                  f"{c.min_eigenvalue:.3g}"))
    return f"<div>{_header(result)}{_table(('', 'value'), facts)}{_table(header, rows)}</div>"


def story_html(story) -> str:
    """The document ``gmm-math explain`` writes, section by section (figures by caption: draw them with the CLI)."""
    from gmm_math.cli.explain.html import RENDERERS

    renderers = {**RENDERERS, "FigureSlot": lambda block, images: f"<p><em>[figure: {escape(block.caption)}]</em></p>"}
    body = [f"<h3>{escape(story.title)}</h3>", _header(story)]
    for number, section in enumerate(story.sections, 1):
        blocks = "".join(renderers[type(b).__name__](b, {}) for b in section.blocks)
        body.append(f"<details><summary>{number}. {escape(section.title)}</summary>{blocks}</details>")
    return "<div>" + "".join(body) + "</div>"


def check_html(result) -> str:
    """A check's headline, then (steps) one row per line: number, verdict, the line as written, why."""
    report = result.report
    body = [_header(result), f"<p>{escape(result.headline)}</p>"]
    if report.lines is not None:
        rows = [(line.line, line.verdict.value, line.text, line.reason or "") for line in report.lines
                if line.verdict.value != "comment"]
        body.append(_table(("line", "verdict", "text", "why"), rows))
    elif report.cases:
        body.append(_table(("case", "limit"), [(case.condition or "always", case.limit) for case in report.cases]))
    return "<div>" + "".join(body) + "</div>"


def diagnose_html(report) -> str:
    """The diagnose report's own HTML page (cli/diagnose/render.py), as the notebook shows it."""
    from gmm_math.cli.diagnose.render import render_html

    return render_html(report)


HTML = {"Derivation": derivation_html, "EvaluationTable": evaluation_html, "FitResult": fit_html,
        "Story": story_html, "CheckResult": check_html, "DiagnoseReport": diagnose_html}
LATEX = {"Derivation": derivation_latex}
