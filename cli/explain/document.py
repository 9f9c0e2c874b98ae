"""``--format json``: the story as structured data (sections, blocks, derivation steps, figure paths)."""

from __future__ import annotations

import json
from pathlib import Path

from gmm_math.cli.explain.markdown import FIGURES


def _formula(block) -> dict:
    import sympy as sp

    return {"type": "formula", "caption": block.caption, "latex": [sp.latex(e) for e in block.exprs],
            "sympy": [str(e) for e in block.exprs]}


def _worked(block) -> dict:
    """``derive --format json``'s derivation, its prose (assumptions, step texts) in the page's unicode notation."""
    from gmm_math.cli.render import to_dict
    from gmm_math.derivations.printing import prose_text

    found = to_dict(block.derivation, block.check)
    found["assumptions"] = [prose_text(a) for a in found["assumptions"]]
    found["steps"] = [{**step, "text": prose_text(step["text"])} for step in found["steps"]]
    return {"type": "derivation", **found}


BLOCKS = {
    "Prose": lambda block: {"type": "prose", "text": block.text},
    "Formula": _formula,
    "Worked": _worked,
    "Table": lambda block: {"type": "table", "caption": block.caption, "header": list(block.header),
                            "rows": [list(r) for r in block.rows]},
    "FigureSlot": lambda block: {"type": "figure", "key": block.key, "caption": block.caption,
                                 "path": f"{FIGURES}/{block.key}.png"},
    "Slider": lambda block: {"type": "slider", "caption": block.caption, "start": block.start,
                             "stops": block.as_json()},
}


def as_dict(story, meta: str) -> dict:
    """The JSON contract: title, meta, seed, dps, data, sections[{number, key, title, blocks}], figures."""
    return {
        "title": story.title, "meta": meta, "seed": story.seed, "dps": story.dps, "data": story.data_label,
        "sections": [{"number": n, "key": s.key, "title": s.title,
                      "blocks": [BLOCKS[type(b).__name__](b) for b in s.blocks]}
                     for n, s in enumerate(story.sections, 1)],
        "figures": {key: f"{FIGURES}/{key}.png" for key in story.figure_keys()},
    }


def write(story, target: Path, meta: str) -> list[Path]:
    """``target`` (JSON) and the PNG figures in ``figures/`` beside it (paths in the JSON are relative)."""
    from gmm_math.cli.explain.figures import write_figures
    from gmm_math.cli.io import write_text, write_with_folder

    def build(staged: Path) -> list[Path]:
        written = list(write_figures(story, staged.parent / FIGURES, ".png").values())
        return [write_text(staged, json.dumps(as_dict(story, meta), indent=2, allow_nan=False) + "\n"), *written]

    return write_with_folder(target, FIGURES, build)
