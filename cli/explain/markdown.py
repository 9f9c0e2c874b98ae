"""GitHub-flavoured Markdown: ``$$`` maths, GFM tables, relative PNG links (figures/KEY.png)."""

from __future__ import annotations

from pathlib import Path

FIGURES = "figures"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _table(caption: str, header, rows) -> list[str]:
    lines = [f"*{_cell(caption)}*", "", "| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows] + [""]


def _formula(block) -> list[str]:
    from gmm_math.derivations.printing import latex

    lines = [block.caption, ""] if block.caption else []
    for expr in block.exprs:
        lines += ["$$", latex(expr), "$$", ""]
    return lines


def _worked(block) -> list[str]:
    """render.to_markdown's derivation, its headings moved one level down (it sits inside a section)."""
    from gmm_math.cli.render import to_markdown

    text = to_markdown(block.derivation, block.check)
    return ["#" + line if line.startswith("#") else line for line in text.splitlines()] + [""]


def _prose(block) -> list[str]:
    """A paragraph (a quotation as a block quote) in the textbook's notation."""
    from gmm_math.derivations.printing import prose_markdown

    return [("> " if block.text.startswith("\u201c") else "") + prose_markdown(block.text), ""]


RENDERERS = {
    "Prose": _prose,
    "Formula": _formula,
    "Worked": _worked,
    "Table": lambda block: _table(block.caption, block.header, block.rows),
    "FigureSlot": lambda block: [f"![{_cell(block.caption)}]({FIGURES}/{block.key}.png)", "",
                                 f"*{_cell(block.caption)}*", ""],
}


def document(story, meta: str) -> str:
    lines = [f"# {story.title}", "", meta, "", "## Contents", ""]
    lines += [f"{n}. [{s.title}](#{s.key})" for n, s in enumerate(story.sections, 1)] + [""]
    for number, section in enumerate(story.sections, 1):
        lines += [f'<a id="{section.key}"></a>', "", f"## {number}. {section.title}", ""]
        for block in section.blocks:
            lines += RENDERERS[type(block).__name__](block)
    return "\n".join(lines).rstrip() + "\n"


def write(story, target: Path, meta: str) -> list[Path]:
    """``target`` (Markdown) and the PNG figures in ``figures/`` beside it."""
    from gmm_math.cli.explain.figures import write_figures
    from gmm_math.cli.io import write_text

    written = list(write_figures(story, target.parent / FIGURES, ".png").values())
    return [write_text(target, document(story, meta)), *written]
