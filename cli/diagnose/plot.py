"""``diagnose``'s pictures (``--plot`` and the HTML report): the data with the rows the diagnosis names
marked and the collapsing component's ellipse over the iterations (pairs of columns for D > 2); its weight
and smallest eigenvalue against iteration, in log10 (log-space values, beyond float64 where they underflow);
the remedies' outcomes side by side. Every number comes from numerics.diagnose; this module only draws."""

from __future__ import annotations

import base64
from pathlib import Path

from gmm_math.cli.plots.base import figure_bytes, new_figure, save_figure

PANEL = (3.6, 3.2)  # inches per panel
PICTURE_DPI = 100  # the HTML report's images


def draw_data(figure, report) -> None:
    """One panel per pair of columns: every row, the named rows ringed, each collapsing ellipse's track."""
    import numpy as np

    from gmm_math.numerics.diagnose.pictures import column_pairs, ellipse_tracks
    from gmm_math.numerics.diagnose.report import marked_rows

    X, names = report.table.X, report.table.names
    rows = marked_rows(report)
    pairs = column_pairs(X.shape[1])
    tracks = ellipse_tracks(report)
    for axes, (i, j) in zip(np.atleast_1d(figure.subplots(1, len(pairs))), pairs):
        y = X[:, j] if i != j else np.zeros(X.shape[0])
        axes.scatter(X[:, i], y, s=5, color="0.6", label="rows", rasterized=False)
        if rows.size:
            axes.scatter(X[rows, i], y[rows], s=40, facecolors="none", edgecolors="crimson", label="rows named")
        for track in (t for t in tracks if t.pair == (i, j)):
            count = len(track.iterations)
            for step, (iteration, outline) in enumerate(zip(track.iterations, track.outlines)):
                shade = 0.25 + 0.75 * (step + 1) / count
                axes.plot(outline[:, 0], outline[:, 1], color=(0.1, 0.3, 0.7, shade), linewidth=1.0,
                          label=(f"component {track.component + 1}, 2-sigma ellipse at iterations "
                                 f"{', '.join(map(str, track.iterations))}" if step == count - 1 else None))
        axes.set_xlabel(names[i])
        axes.set_ylabel(names[j] if i != j else "")
        axes.legend(loc="best", fontsize=6)
    figure.suptitle("the data, the rows the diagnosis names" + (" and the collapsing ellipses" if tracks else ""),
                    fontsize=10)


def draw_traces(figure, report) -> None:
    """log10 weight and log10 smallest eigenvalue of each collapsing component against iteration."""
    from gmm_math.numerics.diagnose.report import traces

    weight_axes, eigen_axes = figure.subplots(1, 2)
    found = traces(report)
    for trace in found:
        label = f"component {trace.component + 1}"
        weight_axes.plot(trace.iterations, trace.log10_weight, marker="o", markersize=3, label=label)
        eigen_axes.plot(trace.iterations, trace.log10_min_eigenvalue, marker="s", markersize=3, label=label)
    from matplotlib.ticker import MaxNLocator

    for axes, what in ((weight_axes, "weight"), (eigen_axes, "smallest covariance eigenvalue")):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("EM iteration (maximum likelihood)")
        axes.set_ylabel(f"log10 {what}")
        axes.set_title(f"log10 {what}" + ("" if found else ": no collapse"), fontsize=9)
        if found:
            axes.legend(loc="best", fontsize=7)
    figure.suptitle("the collapse, in log space (the last point is the exact M-step's value)", fontsize=10)


def draw_remedies(figure, report) -> None:
    """The remedies side by side: final objective, log10 smallest eigenvalue, smallest support."""
    import numpy as np

    from gmm_math.numerics.diagnose.pictures import remedy_bars

    bars = remedy_bars(report)
    panels = figure.subplots(1, 3)
    if bars is None:
        for axes in panels:
            axes.set_axis_off()
        figure.suptitle("remedies: not compared (the fit does not degenerate, or its start is ill-defined)",
                        fontsize=10)
        return
    at = np.arange(len(bars.names))
    colours = ["#1b6ca8" if same else "#e67e22" for same in bars.same_partition]
    for axes, values, title in ((panels[0], bars.objective, "final objective"),
                                (panels[1], bars.log10_smallest_eigenvalue, "log10 smallest eigenvalue"),
                                (panels[2], bars.smallest_support, "smallest support (points)")):
        axes.bar(at, np.nan_to_num(values, nan=0.0), color=colours)
        for x in at[np.isnan(values)]:  # refused, or collapsed to an eigenvalue of 0: no bar, said so
            axes.annotate("no value", (x, 0.0), ha="center", va="top", fontsize=7, rotation=90)
        axes.set_xticks(at, bars.names, rotation=45, fontsize=7)
        axes.set_title(title, fontsize=9)
    figure.suptitle("remedies from the same start (blue: same partition as the reg_covar fit; orange: differs)",
                    fontsize=10)


DRAWINGS = (("the data", draw_data, 3), ("the collapse", draw_traces, 2), ("the remedies", draw_remedies, 3))


def whole_figure(report):
    """All three rows of pictures in one figure (``--plot``)."""
    figure = new_figure(PANEL[0] * 3, PANEL[1] * len(DRAWINGS))
    for sub, (_, draw, _) in zip(figure.subfigures(len(DRAWINGS), 1), DRAWINGS):
        draw(sub, report)
    return figure


def save_plot(report, path: Path, dpi: int = 120) -> Path:
    return save_figure(whole_figure(report), path, dpi, "--plot")


def html_images(report) -> list[tuple[str, str]]:
    """(alt text, PNG data URI) per row of pictures, for the self-contained HTML report."""
    out = []
    for alt, draw, panels in DRAWINGS:
        figure = new_figure(PANEL[0] * panels, PANEL[1])
        draw(figure, report)
        data = base64.b64encode(figure_bytes(figure, "png", PICTURE_DPI)).decode("ascii")
        out.append((alt, f"data:image/png;base64,{data}"))
    return out
