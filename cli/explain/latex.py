"""``--format pdf``: a LaTeX article (amsmath, amssymb, graphicx, array) compiled with pdflatex.

The default OT1 encoding is kept (T1 would need the cm-super fonts or bitmap fonts made on the fly),
so ``<``, ``>`` and ``|`` in prose are set in maths.

Derivations use :func:`gmm_math.cli.render.to_latex` (the LaTeX route of ``derive``); prose is
escaped for text mode and its Unicode symbols become maths. pdflatex runs in a temporary folder
with a fixed SOURCE_DATE_EPOCH, so the same seed gives the same PDF.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from gmm_math.derivations.core.errors import GmmMathError

ENGINE = "pdflatex"
PREAMBLE = (r"\documentclass{article}" "\n" r"\usepackage[utf8]{inputenc}" "\n"
            r"\usepackage{amsmath,amssymb,graphicx,array}" "\n" r"\allowdisplaybreaks" "\n")
ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$",
           "{": r"\{", "}": r"\}", "^": r"$^\wedge$", "~": r"$\sim$", "<": "$<$", ">": "$>$", "|": "$|$"}
SYMBOLS = {"\u03c3": r"$\sigma$", "\u03bc": r"$\mu$", "\u03b5": r"$\varepsilon$", "\u03a3": r"$\Sigma$",
           "\u03c0": r"$\pi$", "\u2192": r"$\to$", "\u221e": r"$\infty$", "\u2248": r"$\approx$",
           "\u2212": "-", "\u00b2": r"$^2$", "\u2265": r"$\geq$", "\u2264": r"$\leq$", "\u201c": "``",
           "\u201d": "''", "\u2014": "---", "\u00a7": r"\S{}", "\u22c5": r"$\cdot$", "\u2099": r"$_n$",
           "\u2202": r"$\partial$", "\U0001d4a9": r"$\mathcal{N}$"}


def require_engine() -> str:
    """The pdflatex executable, or one clear error naming the missing program."""
    found = shutil.which(ENGINE)
    if found is None:
        raise GmmMathError(f"--format pdf needs {ENGINE}, which is not installed (for example: apt-get install "
                           "texlive-latex-base texlive-latex-recommended); --format html, md and json need nothing")
    return found


def text(value: str) -> str:
    """Plain text for LaTeX text mode; characters without a mapping are dropped to '?'."""
    out = []
    for char in value:
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif char in SYMBOLS:
            out.append(SYMBOLS[char])
        else:
            out.append(char if ord(char) < 128 else "?")
    return "".join(out)


def _formula(block) -> str:
    from gmm_math.derivations.printing import latex

    lead = text(block.caption) + "\n" if block.caption else ""
    return lead + r"\begin{gather*}" + " \\\\\n".join(latex(e) for e in block.exprs) + r"\end{gather*}" + "\n"


def _table(block) -> str:
    count = len(block.header)
    column = rf">{{\raggedright\arraybackslash}}p{{\dimexpr 0.97\linewidth/{count}-2\tabcolsep-0.4pt\relax}}"
    spec = "|" + "|".join([column] * count) + "|"
    rows = [" & ".join(text(c) for c in row) + r" \\" for row in (block.header, *block.rows)]
    return (rf"\par\noindent\emph{{{text(block.caption)}}}\par\noindent{{\footnotesize\begin{{tabular}}{{{spec}}}\hline"
            + "\n" + rows[0] + r"\hline" + "\n" + "\n".join(rows[1:]) + "\n" + r"\hline\end{tabular}}" + "\n")


def _worked(block) -> str:
    from gmm_math.cli.render import to_latex

    return to_latex(block.derivation, block.check)


RENDERERS = {
    "Prose": lambda block: text(block.text) + "\n",
    "Formula": _formula,
    "Worked": _worked,
    "Table": _table,
    "FigureSlot": lambda block: (r"\begin{figure}[htbp]\centering\includegraphics[width=\linewidth]{figures/"
                                 f"{block.key}.png}}\\caption{{{text(block.caption)}}}\\end{{figure}}\n"),
}


def document(story, meta: str) -> str:
    body = [PREAMBLE, rf"\title{{{text(story.title)}}}\date{{}}", r"\begin{document}", r"\maketitle",
            text(meta), "", r"\tableofcontents"]
    for section in story.sections:
        body.append(rf"\section{{{text(section.title)}}}")
        body += [RENDERERS[type(b).__name__](b) for b in section.blocks]
    return "\n\n".join(body) + "\n" + r"\end{document}" + "\n"


def write(story, target: Path, meta: str) -> list[Path]:
    """Compile the document in a temporary folder (twice, for the contents) and move the PDF to ``target``."""
    import os
    import subprocess
    import tempfile

    from gmm_math.cli.explain.figures import write_figures
    from gmm_math.cli.io import atomic_write

    engine = require_engine()
    with tempfile.TemporaryDirectory(prefix="gmm-math-explain-") as tmp:
        folder = Path(tmp)
        write_figures(story, folder / "figures", ".png")
        (folder / "explain.tex").write_text(document(story, meta), encoding="utf-8")
        env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
        for _ in range(2):
            run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "explain.tex"], cwd=folder,
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
            if run.returncode != 0:
                tail = run.stdout.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
                raise GmmMathError(f"{ENGINE} failed on the explain document: {tail[0]}")
        pdf = (folder / "explain.pdf").read_bytes()
    return [atomic_write(target, lambda path: path.write_bytes(pdf))]
