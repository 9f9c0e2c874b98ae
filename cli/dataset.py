"""``gmm-math dataset``: write a built-in data set as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def format_csv(points) -> str:
    """CSV text, header ``x1,...,xD``, every value in shortest round-trip form (reads back bit for bit)."""
    dim = points.shape[1]
    header = ",".join(f"x{i + 1}" for i in range(dim))
    return "\n".join([header, *(",".join(repr(float(v)) for v in row) for row in points)]) + "\n"


def dataset(
    name: Annotated[str, typer.Argument(help="Data set name: seed-blobs.")],
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Write the CSV to this file; - or no --out: standard output. An existing device or FIFO "
                      "is written through, a symbolic link's target is replaced.")] = None,
) -> None:
    """Write a built-in data set as CSV (seed-blobs: the 500 stretched blobs of the classic GMM worked example)."""
    from gmm_math.cli.io import STDOUT, check_output_folder, write_text
    from gmm_math.numerics.datasets import load_named

    if out is not None and str(out) != STDOUT:
        check_output_folder(out)
    points = load_named(name)
    text = format_csv(points)
    if out is None or str(out) == STDOUT:
        write_text(STDOUT, text)
        return
    write_text(out, text)
    typer.echo(f"wrote {points.shape[0]} points in {points.shape[1]} dimensions to {out}")
