"""Renderings of a :class:`~gmm_math.numerics.diagnose.report.DiagnoseReport`: text, JSON, Markdown, HTML.

Every number shown comes from the report (computed in numerics); this module only words and formats them.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from gmm_math.cli.em.report import collapse_sentence

if TYPE_CHECKING:
    from gmm_math.numerics.diagnose.report import DiagnoseReport


def _g(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.4g}"


def _rows(report: DiagnoseReport, rows) -> str:
    rows = list(rows)
    shown = ", ".join(report.table.row_label(r) for r in rows[:6])
    return shown + (f" and {len(rows) - 6} more" if len(rows) > 6 else "")


def data_lines(report: DiagnoseReport) -> list[str]:
    """Item 2: what in the data causes it."""
    f, names = report.findings, report.table.names
    lines = [f"affine rank {f.rank.exact} exactly, {f.rank.numerical} numerically (singular values of the centred "
             f"data above {f.rank.tolerance:.3g} x the largest), of D = {f.dim}"]
    for column in f.columns:
        name = names[column.column]
        if column.constant:
            lines.append(f"{name}: constant, every one of {f.n:,} rows equals {column.value:.17g}")
        else:
            lines.append(f"{name}: {column.count:,} of {f.n:,} rows equal {column.value:.17g}; those rows lie on the "
                         f"hyperplane {name} = {column.value:.17g}; the others are {_rows(report, column.rows)}")
    for flat in f.flats:
        lines.append(flat_sentence(report, flat))
    if f.duplicates:
        lines.append(f"{f.duplicated_rows:,} row(s) repeat an earlier one in {len(f.duplicates)} group(s); the largest: "
                     + "; ".join(f"{_rows(report, d.rows)} are equal (r = {d.multiplicity}, likelihood rate "
                                 f"sigma^-{d.multiplicity * f.dim})" for d in f.duplicates[:3]))
    if f.scale_ratio > 1e3:
        big, small = f.scale_columns
        lines.append(f"scales: the standard deviation of {names[big]} is {f.scale_ratio:.3g} times that of "
                     f"{names[small]}")
    for grid in f.grids:
        lines.append(f"{names[grid.column]}: {grid.distinct} distinct values on a grid of step {grid.step:.6g} "
                     "(rounded or grouped data: the likelihood's supremum is degenerate, Biernacki 2007)")
    p = f.parameters
    lines.append(f"N = {p.n:,} rows against {p.total} free parameters of K = {p.components} {report.covariance} "
                 f"components; each component needs D + 1 = {f.dim + 1} affinely independent points")
    return lines


FLAT_NAMES = {1: "line", 2: "plane"}


def _equation(names: tuple[str, ...], coefficients, constant) -> str:
    """'pressure = 3', 'z - x - 2 y = 5': one exact relation in the columns' names (coefficients to 10 digits)."""
    terms = []
    for j, a in enumerate(coefficients):
        if a:
            size = abs(float(a))
            sign = "-" if a < 0 else "+"
            terms.append(f" {sign} {'' if size == 1 else f'{size:.10g} '}{names[j]}")
    text = "".join(terms).strip()
    return (text[2:] if text.startswith("+ ") else "-" + text[2:]) + f" = {float(constant):.10g}"


def _runs(report: DiagnoseReport, runs) -> str:
    def one(first: int, last: int) -> str:
        if first == last:
            return report.table.row_label(first)
        lines = report.table.lines
        return f"rows {first}-{last}" + ("" if lines is None else f" (lines {int(lines[first])}-{int(lines[last])})")

    return ", ".join(one(a, b) for a, b in runs)


def flat_sentence(report: DiagnoseReport, flat) -> str:
    """'20 rows lie on the line y = 2, z = -1: rows 120-139 (lines 122-141)' (item 2's small subspaces)."""
    from gmm_math.numerics.diagnose.flats import RUNS

    name = FLAT_NAMES.get(flat.dim, f"{flat.dim}-dimensional flat")
    where = ", ".join(_equation(report.table.names, a, c) for a, c in flat.relations)
    how = "exactly" if flat.exact else f"to a relative distance of {flat.tolerance:.3g}, not exactly"
    more = " and more" if len(flat.runs) == RUNS else ""
    return (f"{flat.count:,} of {report.findings.n:,} rows lie on the {name} {where} ({how}; a {flat.dim}-dimensional "
            f"subspace of D = {report.findings.dim} holding at least D + 1 points, where a component can collapse): "
            f"{_runs(report, flat.runs)}{more}")


def spurious_ratio() -> float:
    from gmm_math.numerics.diagnose.report import SPURIOUS_RATIO

    return SPURIOUS_RATIO


def fit_lines(report: DiagnoseReport) -> list[str]:
    """Item 3: what happened in the fit."""
    lines = [f"starts: {report.starts_how}, n_init = {report.n_init}"]
    if report.sklearn_ran:
        lines.append("scikit-learn's own fit " + ("succeeded" if report.sklearn_error is None
                                                  else f"raised: {report.sklearn_error}"))
    n = report.findings.n
    for o in report.outcomes:
        for (component, rows), rank in zip(o.ill_defined, o.ill_defined_ranks):
            lines.append(f"start {o.start}: component {component + 1}'s start covariance is not positive definite "
                         f"in float64 (reg_covar {report.reg_covar:g} is below its rounding); it holds "
                         f"{_rows(report, rows)}, which span {rank} of {report.findings.dim} dimensions exactly")
        if o.ml is not None:
            for c in o.ml.collapses:
                lines.append(f"start {o.start}, maximum likelihood: " + collapse_sentence(c, n))
        if o.ridge is not None:
            lines.append(f"start {o.start}, with reg_covar {report.reg_covar:g}: smallest support {o.smallest_support}"
                         f" point(s), smallest eigenvalue {_g(o.smallest_eigenvalue)}"
                         + ("; degenerate" if o.degenerate else "")
                         + (f"; a spurious maximiser (a component on <= D + 1 = {report.findings.dim + 1} points, or an "
                            f"eigenvalue ratio below {spurious_ratio():g})" if o.spurious else ""))
    return lines


def fix_lines(report: DiagnoseReport) -> list[str]:
    """Item 4: what fixes it, computed."""
    if not report.regcovar:
        return ["the fit does not degenerate: no remedy was searched (use --remedies to compare them anyway)"]
    return reg_covar_lines(report) + remedy_lines(report)


def reg_covar_lines(report: DiagnoseReport) -> list[str]:
    """The two answers of the reg_covar grid, each said plainly, and which to use."""
    from gmm_math.numerics.diagnose.report import DEGENERATE_EIGEN_FACTOR

    dim = report.findings.dim
    healthy = (f"every start ends with every component on at least D + 1 = {dim + 1} points and with its smallest "
               f"eigenvalue above {DEGENERATE_EIGEN_FACTOR:g}x reg_covar")
    if report.recommended_reg_covar is not None:
        lines = [f"recommended_reg_covar = {report.recommended_reg_covar:g}: the smallest reg_covar on the decade grid "
                 f"with which {healthy}, so the data, not the ridge, shape every component"
                 + (", and scikit-learn's fit succeeds" if report.sklearn_ran else "") + ". Use this one."]
    else:
        lines = ["recommended_reg_covar: none on the decade grid (1e-12..1e0, then relative to the data's variance). "
                 f"It would be the smallest value with which {healthy}; at every value some start fails that test: "
                 f"a component keeps fewer than {dim + 1} points, or its points' variance in some direction is at most "
                 f"{DEGENERATE_EIGEN_FACTOR - 1:g}x reg_covar (a flat of the data: see the rows named above), so "
                 "reg_covar alone holds its covariance up. No reg_covar on the grid cures that; change the model or the data (the alternatives below)."]
    if report.sklearn_reg_covar is not None:
        lines.append(f"sklearn_reg_covar = {report.sklearn_reg_covar:g}: the smallest reg_covar on the grid with which "
                     "scikit-learn's own fit runs without raising. It stops the error, nothing more: a component "
                     "may still be degenerate, held up by reg_covar alone"
                     + (". Prefer recommended_reg_covar." if report.recommended_reg_covar is not None
                        else "; use it only if such a component is acceptable."))
    elif report.sklearn_ran:
        lines.append("sklearn_reg_covar: none, scikit-learn's fit raises at every reg_covar on the grid")
    return lines


def remedy_lines(report: DiagnoseReport) -> list[str]:
    """The remedies side by side, the other models, BIC per K."""
    lines = []
    if not report.remedies:
        lines.append("remedies side by side: not run, the first start is itself ill-defined in float64")
    for r in report.remedies:
        if r.error:
            lines.append(f"remedy {r.remedy}: refused ({r.error})")
        else:
            lines.append(f"remedy {r.remedy}: objective {_g(r.objective)}, smallest eigenvalue "
                         f"{_g(r.smallest_eigenvalue)}, smallest support {r.smallest_support}, collapses {r.collapses}, "
                         f"partition {'matches' if r.same_partition else 'differs from'} the reg_covar fit's")
    for a in report.alternatives:
        lines.append(f"{a.change}: scikit-learn's fit {'succeeds' if a.sklearn_ok else 'fails'}"
                     + (f", BIC {a.bic:.6g}" if a.bic is not None else ""))
    if report.bic:
        lines.append("BIC per K (scikit-learn's): " + ", ".join(f"K={k}: {_g(b)}" for k, b in report.bic))
    return lines


SECTIONS = (("What in the data causes it", data_lines), ("What happened in the fit", fit_lines),
            ("What fixes it", fix_lines))


def render_text(report: DiagnoseReport) -> str:
    out = [f"diagnose: N={report.findings.n}, D={report.findings.dim}, K={report.components}, {report.covariance} "
           f"covariances, reg_covar {report.reg_covar:g}, init {report.init}: the fit "
           + ("degenerates" if report.degenerate else "does not degenerate")]
    for title, lines in SECTIONS:
        out.append(f"\n{title}:")
        out.extend(f"  - {line}" for line in lines(report))
    return "\n".join(out)


def render_markdown(report: DiagnoseReport) -> str:
    out = [f"# diagnose: the fit {'degenerates' if report.degenerate else 'does not degenerate'}", ""]
    for title, lines in SECTIONS:
        out += [f"## {title}", ""] + [f"- {line}" for line in lines(report)] + [""]
    return "\n".join(out)


def render_html(report: DiagnoseReport) -> str:
    parts = [f"<h3>diagnose: the fit {'degenerates' if report.degenerate else 'does not degenerate'}</h3>"]
    for title, lines in SECTIONS:
        parts.append(f"<h4>{html.escape(title)}</h4><ul>"
                     + "".join(f"<li>{html.escape(line)}</li>" for line in lines(report)) + "</ul>")
    from gmm_math.cli.diagnose.plot import html_images

    parts += [f'<figure><img alt="{html.escape(alt)}" src="{uri}"></figure>' for alt, uri in html_images(report)]
    return "<div class='gmm-math-diagnose'>" + "".join(parts) + "</div>"


def as_payload(report: DiagnoseReport) -> dict:
    """The JSON contract of ``gmm-math diagnose --format json``."""
    from gmm_math.numerics.diagnose.report import DEGENERATE_EIGEN_FACTOR, SPURIOUS_RATIO

    f = report.findings
    return {
        "n": f.n, "dim": f.dim, "components": report.components, "covariance": report.covariance,
        "reg_covar": report.reg_covar, "init": report.init, "starts": report.starts_how,
        "degenerate": report.degenerate, "columns": list(report.table.names),
        "rank": {"exact": f.rank.exact, "numerical": f.rank.numerical, "tolerance": f.rank.tolerance},
        "duplicates": [{"rows": list(d.rows), "multiplicity": d.multiplicity} for d in f.duplicates],
        "near_constant_columns": [{"column": report.table.names[c.column], "value": c.value, "count": c.count,
                                   "other_rows": list(c.rows)} for c in f.columns],
        "flats": [{"dim": fl.dim, "count": fl.count, "runs": [list(r) for r in fl.runs], "exact": fl.exact,
                   "tolerance": fl.tolerance,
                   "equations": [{"coefficients": {report.table.names[j]: float(a) for j, a in enumerate(co) if a},
                                  "constant": float(c)} for co, c in fl.relations]} for fl in f.flats],
        "scale_ratio": f.scale_ratio,
        "grids": [{"column": report.table.names[g.column], "step": g.step, "distinct": g.distinct} for g in f.grids],
        "parameters": f.parameters.total,
        "sklearn_error": report.sklearn_error,
        "collapses": [c.as_dict() for c in report.collapses],
        "fits": [{"start": o.start, "degenerate": o.degenerate, "spurious": o.spurious,
                  "smallest_support": o.smallest_support, "smallest_eigenvalue": o.smallest_eigenvalue}
                 for o in report.outcomes],
        "spurious_criterion": {"max_support": f.dim + 1, "min_eigenvalue_ratio": SPURIOUS_RATIO},
        "ill_defined_starts": [{"start": o.start, "component": c, "rows": list(rows)}
                               for o in report.outcomes for c, rows in o.ill_defined],
        "recommended_reg_covar": report.recommended_reg_covar,
        "recommended_criterion": {"min_support": f.dim + 1, "eigenvalue_factor": DEGENERATE_EIGEN_FACTOR,
                                  "sklearn_must_succeed": report.sklearn_ran},
        "sklearn_reg_covar": report.sklearn_reg_covar,
        "reg_covar_grid": [{"reg_covar": t.reg_covar, "relative": t.relative, "degenerate_starts": t.degenerate_starts,
                            "sklearn_ok": t.sklearn_ok} for t in report.regcovar],
        "remedies": [{"remedy": r.remedy, "objective": r.objective, "error": r.error,
                      "smallest_eigenvalue": r.smallest_eigenvalue,
                      "smallest_support": r.smallest_support, "collapses": r.collapses,
                      "same_partition": r.same_partition} for r in report.remedies],
        "bic": [{"components": k, "bic": b} for k, b in report.bic],
    }


def as_json(report: DiagnoseReport) -> str:
    from gmm_math.cli.schema import json_text

    import math

    def clean(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return json_text(clean(as_payload(report)), allow_nan=False)


RENDERERS = {"text": render_text, "json": as_json, "md": render_markdown, "html": render_html}
