"""``diagnose --plot``: the data with the rows the diagnosis names marked, and the collapsing components'
weight and smallest eigenvalue against iteration on a log axis (every number from numerics.diagnose)."""

from __future__ import annotations

from pathlib import Path

from gmm_math.cli.plots.base import new_figure, save_figure


def save_plot(report, path: Path, dpi: int = 120) -> Path:
    from gmm_math.numerics.diagnose.report import marked_rows, traces

    X, names = report.table.X, report.table.names
    figure = new_figure(10.0, 4.2)
    left, right = figure.subplots(1, 2)
    y = X[:, 1] if X.shape[1] > 1 else X[:, 0] * 0
    left.scatter(X[:, 0], y, s=6, color="0.6", label="rows")
    rows = marked_rows(report)
    if rows.size:
        left.scatter(X[rows, 0], y[rows], s=40, facecolors="none", edgecolors="crimson", label="rows named")
    left.set_xlabel(names[0])
    left.set_ylabel(names[1] if X.shape[1] > 1 else "")
    left.set_title(f"the data (columns {names[0]}, {names[1] if X.shape[1] > 1 else '-'})")
    left.legend(loc="best", fontsize=8)
    for trace in traces(report):
        right.plot(trace.iterations, trace.log10_weight, marker="o", label=f"component {trace.component + 1}: log10 weight")
        right.plot(trace.iterations, trace.log10_min_eigenvalue, marker="s", linestyle="--",
                   label=f"component {trace.component + 1}: log10 smallest eigenvalue")
    right.set_xlabel("EM iteration (maximum likelihood, first start)")
    right.set_ylabel("log10")
    right.set_title("collapsing components" if traces(report) else "no collapse traced (see the report)")
    if traces(report):
        right.legend(loc="best", fontsize=7)
    return save_figure(figure, path, dpi, "--plot")
