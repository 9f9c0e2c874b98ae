r"""``--format pdf``: a LaTeX article (amsmath, amssymb, graphicx, array, longtable) compiled with pdflatex.

Tables are longtables of paragraph columns that add up to the text width (they break across pages);
the PDF's title is set with pdfTeX's ``\pdfinfo`` (no hyperref needed).

The default OT1 encoding is kept (T1 would need the cm-super fonts or bitmap fonts made on the fly),
so ``<``, ``>`` and ``|`` in prose are set in maths.

Derivations use :func:`gmm_math.cli.render.to_latex` (the LaTeX route of ``derive``); prose is
escaped for text mode and its Unicode symbols become maths. pdflatex runs in a temporary folder
with a fixed SOURCE_DATE_EPOCH, so the same seed gives the same PDF.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from gmm_math.derivations.core.errors import GmmMathError

ENGINE = "pdflatex"
PREAMBLE = (r"\documentclass{article}" "\n" r"\usepackage[utf8]{inputenc}" "\n"
            r"\usepackage{amsmath,amssymb,graphicx,array,longtable}" "\n" r"\allowdisplaybreaks" "\n"
            r"\setlength\LTleft{0pt}\setlength\LTright{0pt plus 1fill}" "\n")
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


SUBSCRIPTS = dict(zip("\u2c7c\u2099\u2098\u2096\u2080\u2081\u2082\u2083", "jnmk0123"))
SUPERSCRIPTS = {"\u207a": "+", "\u1d40": "T", "\u00b2": "2", "\u00b3": "3", "\u207b": "-"}
MORE_SYMBOLS = {"\u2026": r"\ldots{}", "\u2260": r"$\neq$", "\u221a": r"$\surd$", "\u2211": r"$\sum$",
                "\u2013": "--", "\u00b7": r"$\cdot$", "\u00d7": r"$\times$", "\u22a5": r"$\perp$"}


def _char(char: str) -> str:
    if char in ESCAPES:
        return ESCAPES[char]
    if char in SUBSCRIPTS:
        return f"$_{{{SUBSCRIPTS[char]}}}$"
    if char in SUPERSCRIPTS:
        return f"$^{{{SUPERSCRIPTS[char]}}}$"
    found = SYMBOLS.get(char) or MORE_SYMBOLS.get(char)
    return found if found is not None else (char if ord(char) < 128 else "?")


def text(value: str) -> str:
    r"""Plain text for LaTeX text mode; characters without a mapping are dropped to '?'.

    Unicode maths becomes inline maths, a subscript after ``_`` (``L_ε``) included, and neighbouring maths
    pieces join into one (``$\mu$$_{j}$`` would be ``\mu`` then a display-maths toggle):

    >>> print(text("μⱼ and L_ε → 0⁺"))
    $\mu_{j}$ and $L_{\varepsilon}$ $\to$ 0$^{+}$
    """
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == "_" and i and value[i - 1].isalpha() and i + 1 < len(value) and not value[i + 1].isspace():
            inner = _char(value[i + 1])
            out[-1] = "$" + out[-1].strip("$") + "_{" + (inner.strip("$") if inner.startswith("$") else inner) + "}$"
            i += 2
            continue
        out.append(_char(char))
        i += 1
    return re.sub(r"(?<!\\)\$\$", "", "".join(out))


def _formula(block) -> str:
    from gmm_math.derivations.printing import latex

    lead = text(block.caption) + "\n" if block.caption else ""
    return lead + r"\begin{gather*}" + " \\\\\n".join(latex(e) for e in block.exprs) + r"\end{gather*}" + "\n"


def _cell(value: str) -> str:
    r"""A table cell: text, a long run of digits breakable every 6 (a narrow column folds it, never overflows).

    >>> _cell("0.701546590265159")
    '0.701546\\hspace{0pt}590265\\hspace{0pt}159'
    """
    return re.sub(r"(\d{6})(?=\d{3})", r"\1\\hspace{0pt}", text(value))


def _table(block) -> str:
    """A longtable of equal paragraph columns within the text width, its header repeated on every page."""
    count = len(block.header)
    width = rf"\dimexpr 0.97\linewidth/{count}-2\tabcolsep-0.4pt\relax"
    column = rf">{{\raggedright\arraybackslash\hspace{{0pt}}}}p{{{width}}}"
    spec = "|" + "|".join([column] * count) + "|"
    rows = [" & ".join(_cell(c) for c in row) + r" \\" for row in (block.header, *block.rows)]
    return (rf"\par\noindent\emph{{{text(block.caption)}}}\par\noindent"
            rf"{{\footnotesize\begin{{longtable}}{{{spec}}}\hline"
            + "\n" + rows[0] + r"\hline\endhead" + "\n" + "\n".join(rows[1:]) + "\n" + r"\hline\end{longtable}}" + "\n")


def pdf_title(title: str) -> str:
    r"""``\pdfinfo`` with the document's title (ASCII; parentheses balanced, as a PDF string needs).

    >>> print(pdf_title("Why (PRML 9.2.1)"))
    \ifdefined\pdfinfo\pdfinfo{/Title (Why (PRML 9.2.1)) /Creator (gmm-math)}\fi
    """
    plain = "".join(c for c in title if 32 <= ord(c) < 127 and c not in "\\{}%#$&^_~")
    if plain.count("(") != plain.count(")"):
        plain = plain.replace("(", "").replace(")", "")
    return rf"\ifdefined\pdfinfo\pdfinfo{{/Title ({plain}) /Creator (gmm-math)}}\fi"


def _worked(block, numbers: bool = True) -> str:
    from gmm_math.cli.render import to_latex

    return to_latex(block.derivation, block.check, numbers)


def _slider(block) -> str:
    from gmm_math.numerics.explain.slider import as_table

    return _table(as_table(block))


RENDERERS = {
    "Prose": lambda block: text(block.text) + "\n",
    "Slider": _slider,
    "Formula": _formula,
    "Worked": _worked,
    "Table": _table,
    "FigureSlot": lambda block: (r"\begin{figure}[htbp]\centering\includegraphics[width=\linewidth]{figures/"
                                 f"{block.key}.png}}\\caption{{{text(block.caption)}}}\\end{{figure}}\n"),
}


def document(story, meta: str, numbers: bool = True) -> str:
    """The LaTeX source; ``numbers=False``: a handout without the derivations' numeric-check digits."""
    body = [PREAMBLE, pdf_title(story.title), rf"\title{{{text(story.title)}}}\date{{}}", r"\begin{document}",
            r"\maketitle",
            text(meta), "", r"\tableofcontents"]
    for section in story.sections:
        body.append(rf"\section{{{text(section.title)}}}")
        body += [_worked(b, numbers) if type(b).__name__ == "Worked" else RENDERERS[type(b).__name__](b)
                 for b in section.blocks]
    return "\n\n".join(body) + "\n" + r"\end{document}" + "\n"


def write(story, target: Path, meta: str, numbers: bool = True) -> list[Path]:
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
        (folder / "explain.tex").write_text(document(story, meta, numbers), encoding="utf-8")
        env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
        for _ in range(2):
            run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "explain.tex"], cwd=folder,
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
            if run.returncode != 0:
                tail = run.stdout.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
                raise GmmMathError(f"{ENGINE} failed on the explain document: {tail[0]}")
        pdf = (folder / "explain.pdf").read_bytes()
    return [atomic_write(target, lambda path: path.write_bytes(pdf))]
