"""The one printing home: SymPy objects (and the ASCII maths in step prose) to strings, in PRML's notation.

One printer class per target, each with ``_print_<Class>`` methods as in :mod:`sympy.printing`:

- text: :class:`~.text.TextbookPretty` (unicode: π₁ 𝒩(xₘ | μₖ, Σₖ), (xₘ − μ)², L_ε) via :func:`pretty`, and
  :class:`~.text.StudentPrinter` (plain ASCII as a student writes it: x_n, sum(f, n=1..N)) via :func:`student_text`;
- LaTeX: :class:`~.latex.TextbookLatex` via :func:`latex`, for ``article`` + ``amsmath`` (no ``\\mathbb``);
  its products are split by :class:`~.latex_mul.FastMulLatex`, SymPy's own output without its slow constancy test;
- MathML: :class:`~.mathml.TextbookMathML` via :func:`mathml`, presentation markup for the HTML page.

Shared by them: the notation itself (:mod:`.notation`: symbol names, positive terms first), a long relation as
``align*`` rows (:mod:`.layout`), and step prose to inline maths, unicode or Markdown (:mod:`.prose`).
Everything here is pure: it returns strings and never writes; the CLI does the writing.
"""

from __future__ import annotations

from gmm_math.derivations.printing.latex import latex, latex_text
from gmm_math.derivations.printing.layout import TEXT_RELATION, lead_width, relation_parts, rows, text_rows
from gmm_math.derivations.printing.mathml import mathml
from gmm_math.derivations.printing.prose import prose_latex, prose_markdown, prose_text
from gmm_math.derivations.printing.text import pretty, student_text, unicode_minus

__all__ = [
    "TEXT_RELATION", "latex", "latex_text", "lead_width", "mathml", "pretty", "prose_latex", "prose_markdown",
    "prose_text", "relation_parts", "rows", "student_text", "text_rows", "unicode_minus",
]
