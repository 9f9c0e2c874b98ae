"""``gmm-math explain``: the whole answer, computed in one process and written as one document."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from gmm_math.cli.options import DataFile, DataText, Dps, Point, check_dps
from gmm_math.derivations.core.errors import GmmMathError


class ExplainFormat(str, Enum):
    text = "text"
    html = "html"
    md = "md"
    pdf = "pdf"
    json = "json"


# format -> (file suffix, file name inside an --out folder, writer module)
TARGETS = {"text": (".txt", "explain.txt", "text"), "html": (".html", "index.html", "html"),
           "md": (".md", "explain.md", "markdown"),
           "pdf": (".pdf", "explain.pdf", "latex"), "json": (".json", "explain.json", "document")}

STDOUT = "-"
STREAMED = ("text", "html")  # the formats without figure files beside them, which --out - can print
Out = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Output folder (html: DIR/index.html; md: DIR/explain.md + DIR/figures/*.png; pdf: "
    "DIR/explain.pdf; json: DIR/explain.json + figures; text: DIR/explain.txt), or a file with the format's "
    "suffix, or - for standard output (text, html). Default: explain/ (text: standard output).")]
FormatOpt = Annotated[ExplainFormat, typer.Option(
    "--format", "-f", help="text (the terminal, 80 columns), html (one self-contained page), md (GitHub "
    "Markdown), pdf (needs pdflatex), json.")]
Seed = Annotated[int, typer.Option("--seed", help="EM uses the first seed >= SEED whose run collapses; also "
                                   "seeds the checker's sample points.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines on stderr.")]
NoNumbers = Annotated[bool, typer.Option("--no-numbers", help="pdf: a handout, without the derivations' "
                                         "numeric checks (their 50-digit tables).")]


def target_path(out: Path | None, fmt: str) -> Path | None:
    """The file written: ``out`` itself when it has the format's suffix, else ``out/<name>``; None: stdout."""
    from gmm_math.cli.io import check_output_folder, is_device_or_fifo

    if out is None:
        out = Path(STDOUT) if fmt == "text" else Path("explain")
    if str(out) == STDOUT:
        if fmt not in STREAMED:
            raise GmmMathError(f"--out -: --format {fmt} writes figure files beside it; give a folder "
                               f"(--out - prints --format {' or '.join(STREAMED)})")
        return None
    suffix, name, _ = TARGETS[fmt]
    if out.suffix.lower() == suffix:
        return check_output_folder(out)
    if is_device_or_fifo(out):  # /dev/null, a FIFO: one document written through (md and json refuse below)
        if fmt in ("md", "json"):
            raise GmmMathError(f"--out {str(out)!r}: --format {fmt} writes figures beside the file; give a folder")
        return check_output_folder(out)
    if out.suffix and not out.is_dir():
        raise GmmMathError(f"--out {str(out)!r}: --format {fmt} writes a {suffix} file or a folder")
    return check_output_folder(out / name)


def _meta(story, fmt: str) -> str:
    from importlib.metadata import version

    return (f"Computed by gmm-math {version('gmm-math')} ({fmt}) on {story.data_label}, seed {story.seed}, "
            f"{story.dps} significant digits in mpmath. Every formula and number here was computed by the "
            "library when this page was made.")


def explain(
    out: Out = None,
    fmt: FormatOpt = ExplainFormat.html,
    data: DataText = None,
    data_file: DataFile = None,
    point: Point = 0,
    seed: Seed = 0,
    quiet: Quiet = False,
    dps: Dps = 50,
    no_numbers: NoNumbers = False,
) -> None:
    """The whole answer to "why does GMM maximum likelihood have singularities?" in one document, computed.

    Seven sections: the question and the likelihood; one Gaussian on a data point (L -> 0, rate -S/(2 sigma^2), a table to sigma = 1e-1000000); a mixture component on a data point (L -> infinity, rate -rD log sigma, the plot-limit picture, PRML Fig. 9.7); EM on seed-blobs walking into a collapse; the remedies (which bound the objective, which only guard the algorithm); degenerate data and the boundary view; the mu/sigma confusion diagnosed by `check limit`.

    Writes explain/index.html (one self-contained page: MathML, embedded SVG figures, a sigma slider, no network) unless --out/--format say otherwise, and prints where; --format text prints the answer in the terminal.
    """
    import importlib

    from gmm_math.derivations.core.data import load_dataset

    check_dps(dps)
    from gmm_math.cli.limits import EXPLAIN_ADDRESS_SPACE, check_address_space

    check_address_space(EXPLAIN_ADDRESS_SPACE, "explain")
    if seed < 0:
        raise GmmMathError(f"--seed must be a non-negative integer, got {seed}")
    if no_numbers and fmt is not ExplainFormat.pdf:
        raise GmmMathError(f"--no-numbers is for --format pdf (the handout); --format {fmt.value} keeps its numbers")
    target = target_path(out, fmt.value)
    writer = importlib.import_module(f"gmm_math.cli.explain.{TARGETS[fmt.value][2]}")
    if fmt is ExplainFormat.pdf:
        writer.require_engine()
    dataset = load_dataset(data, data_file)
    if dataset is None and point != 0:
        raise GmmMathError(f"--point {point} needs --data or --data-file (the example data use x_n = point 0)")
    if dataset is not None:
        dataset.check_point(point)

    from rich.console import Console

    from gmm_math.numerics.explain.build import build_story

    console = Console(stderr=True, highlight=False)

    def progress(done: int, total: int, title: str) -> None:
        if not quiet:
            console.print(f"[{done}/{total}] {title}", markup=False)

    story = build_story(dataset, point, seed=seed, dps=dps, progress=progress)
    if not quiet:
        drawn = "" if fmt is ExplainFormat.text else f" (figures: {', '.join(story.figure_keys())})"
        console.print(f"writing {fmt.value}{drawn}", markup=False)
    if target is None:  # sys.stdout, not typer.echo: click re-encodes an ASCII stdout as UTF-8, past the fallback
        import sys

        sys.stdout.write(writer.document(story, _meta(story, fmt.value)) if fmt is ExplainFormat.text
                         else writer.render(story, _meta(story, fmt.value)))
        sys.stdout.flush()
        return
    extra = {"numbers": False} if no_numbers else {}
    written = writer.write(story, target, _meta(story, fmt.value), **extra)
    typer.echo(f"wrote {written[0]}" + (f" and {len(written) - 1} figure(s) beside it" if len(written) > 1 else ""))
