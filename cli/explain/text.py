"""``--format text``: the whole answer for a terminal, 80 columns, on standard output (or into a file).

Rendered with rich (no colour) into a string: prose wrapped, maths in unicode as ``derive`` prints it,
tables that fold their cells to fit, and for each figure where to see it.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

WIDTH = 80
INDENT = 4


def _wrap(text: str, indent: str = "") -> str:
    from gmm_math.derivations.printing import prose_text

    return textwrap.fill(prose_text(text), WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False, break_long_words=True)


def _prose(block, console) -> None:
    quoted = block.text.startswith("\u201c")
    console.print(_wrap(block.text, "  " if quoted else ""), markup=False, highlight=False, soft_wrap=True)
    console.print()


def _formula(block, console) -> None:
    from gmm_math.cli.render import TEXT_INDENT
    from gmm_math.derivations.printing import text_rows

    if block.caption:
        console.print(_wrap(block.caption), markup=False, highlight=False, soft_wrap=True)
    for expr in block.exprs:
        console.print()
        console.print("\n".join(" " * INDENT + line for line in text_rows(expr, WIDTH - INDENT, TEXT_INDENT)),
                      markup=False, highlight=False, soft_wrap=True)
    console.print()


def _table(caption: str, header, rows, console) -> None:
    from rich import box
    from rich.table import Table

    from gmm_math.derivations.printing import prose_text

    table = Table(box=box.SQUARE, show_lines=False, width=min(WIDTH, console.width), pad_edge=False)
    for name in header:
        table.add_column(prose_text(name), overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(_wrap(caption), markup=False, highlight=False, soft_wrap=True)
    console.print(table)
    console.print()


def _worked(block, console) -> None:
    from gmm_math.cli.render import print_text

    print_text(block.derivation, block.check, console)
    console.print()


def _figure(block, console) -> None:
    console.print(_wrap(f"[Figure: {block.caption} It is drawn in the other formats, e.g. gmm-math explain "
                        f"--format html.]"), markup=False, highlight=False, soft_wrap=True)
    console.print()


def _slider(block, console) -> None:
    from gmm_math.numerics.explain.slider import as_table

    table = as_table(block)
    _table(table.caption, table.header, table.rows, console)


RENDERERS = {
    "Prose": _prose,
    "Formula": _formula,
    "Worked": _worked,
    "Table": lambda block, console: _table(block.caption, block.header, block.rows, console),
    "FigureSlot": _figure,
    "Slider": _slider,
}


def _heading(text: str, rule: str) -> str:
    return text + "\n" + rule * min(len(text), WIDTH)


def document(story, meta: str) -> str:
    """The whole story as text lines of at most ``WIDTH`` columns (rich, no colour, no markup)."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=WIDTH, color_system=None, force_terminal=False, highlight=False,
                      legacy_windows=False, emoji=False)
    console.print(_heading(story.title, "="), markup=False)
    console.print(_wrap(meta), markup=False, soft_wrap=True)
    console.print()
    for number, section in enumerate(story.sections, 1):
        console.print(f"{number}. {section.title}", markup=False)
    for number, section in enumerate(story.sections, 1):
        console.print()
        console.print(_heading(f"{number}. {section.title}", "-"), markup=False)
        console.print()
        for block in section.blocks:
            RENDERERS[type(block).__name__](block, console)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip().splitlines()) + "\n"


def write(story, target: Path, meta: str) -> list[Path]:
    """``target`` (a .txt file), written atomically; standard output is handled by the command."""
    from gmm_math.cli.io import write_text

    return [write_text(target, document(story, meta))]
