"""One self-contained HTML page: MathML maths, SVG figures as data URIs, no network, readable at phone width."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"  # the page can load nothing
STYLE = """
body{margin:0;font:17px/1.55 Georgia,'DejaVu Serif',serif;color:#1d1d1d;background:#fdfdfb}
main{max-width:46rem;margin:0 auto;padding:1rem 1.1rem 4rem}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.3rem;margin-top:2.4rem;border-bottom:1px solid #ddd}
h3{font-size:1.1rem}h4{font-size:1rem;margin:1.1rem 0 .3rem}
.meta{color:#555;font-size:.9rem}nav ol{padding-left:1.4rem}
.eq{overflow-x:auto;overflow-y:hidden;padding:.2rem 0}math[display=block]{margin:.35rem 0}
.derivation{border-left:3px solid #1b6ca8;padding-left:.8rem;margin:1rem 0}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;vertical-align:top}
caption{caption-side:top;text-align:left;font-style:italic;padding:.2rem 0}
td.num{font-family:'DejaVu Sans Mono',monospace;text-align:right;white-space:nowrap}
figure{margin:1.2rem 0}figure img{width:100%;height:auto;background:#fff}
figcaption{font-size:.9rem;color:#444}
blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid #aaa;font-style:italic}
"""


def _text(text: str) -> str:
    """Prose in the textbook's notation (sigma -> 0+ as σ → 0⁺, x_n as xₙ), HTML-escaped."""
    from gmm_math.derivations.printing import prose_text

    return escape(prose_text(text))


def _p(text: str) -> str:
    return f"<p>{_text(text)}</p>"


def _equations(exprs) -> str:
    from gmm_math.derivations.printing import mathml

    return "".join(f'<div class="eq">{mathml(e)}</div>' for e in exprs)


def _table(caption: str, header, rows, numeric: bool = False) -> str:
    cls = ' class="num"' if numeric else ""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{cls if i else ''}>{escape(c)}</td>" for i, c in enumerate(row))
                   + "</tr>" for row in rows)
    return (f'<div class="scroll"><table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _worked(block) -> str:
    import mpmath
    import sympy as sp

    from gmm_math.numerics.explain.remedy_story import log_objective, shown

    d, check = block.derivation, block.check
    parts = [f'<div class="derivation"><h3>{_text(d.title)}</h3>']
    if d.assumptions:
        parts.append("<ul>" + "".join(f"<li>{_text(a)}</li>" for a in d.assumptions) + "</ul>")
    for number, step in enumerate(d.steps, 1):
        parts.append(f"<h4>{number}. {_text(step.title)}</h4>{_p(step.text)}{_equations(step.exprs)}")
    target = log_objective(d)
    parts.append("<h4>Result as \u03c3 \u2192 0+</h4>" + _equations((
        sp.Eq(sp.Limit(target, d.sigma, 0, "+"), shown(d.limit_log_likelihood)),
        sp.Eq(sp.Limit(target.args[0], d.sigma, 0, "+"), shown(d.limit_likelihood)))))
    rows = tuple((s, mpmath.nstr(v, min(check.dps, 20))) for s, v in zip(check.sigmas, check.values))
    parts.append(_table(f"Numeric check: the same objective in mpmath ({check.dps} significant digits; 20 shown)",
                        ("\u03c3", "log of the objective"), rows, numeric=True))
    verdict = "agrees with" if check.agrees else "does NOT agree with"
    parts.append(_p(f"The trend {verdict} the symbolic limit.") + "</div>")
    return "".join(parts)


def _figure(block, images: dict[str, bytes]) -> str:
    data = base64.b64encode(images[block.key]).decode("ascii")
    return (f'<figure id="figure-{escape(block.key)}"><img alt="{escape(block.caption)}" '
            f'src="data:image/svg+xml;base64,{data}"><figcaption>{escape(block.caption)}</figcaption></figure>')


def _prose(block) -> str:
    text = block.text
    if text.startswith("\u201c") and text.endswith("\u201d"):
        return f"<blockquote>{_text(text)}</blockquote>"
    return _p(text)


RENDERERS = {
    "Prose": lambda block, images: _prose(block),
    "Formula": lambda block, images: (_p(block.caption) if block.caption else "") + _equations(block.exprs),
    "Worked": lambda block, images: _worked(block),
    "Table": lambda block, images: _table(block.caption, block.header, block.rows),
    "FigureSlot": _figure,
}


def page(story, images: dict[str, bytes], meta: str) -> str:
    """The whole page; ``images`` maps figure keys to SVG bytes."""
    toc = "".join(f'<li><a href="#{s.key}">{escape(s.title)}</a></li>' for s in story.sections)
    body = []
    for number, section in enumerate(story.sections, 1):
        blocks = "".join(RENDERERS[type(b).__name__](b, images) for b in section.blocks)
        body.append(f'<section id="{section.key}"><h2>{number}. {escape(section.title)}</h2>{blocks}</section>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            f"<title>{escape(story.title)}</title><style>{STYLE}</style></head><body><main>"
            f"<h1>{escape(story.title)}</h1><p class=\"meta\">{escape(meta)}</p>"
            f"<nav><h2>Contents</h2><ol>{toc}</ol></nav>{''.join(body)}</main></body></html>\n")


def write(story, target: Path, meta: str) -> list[Path]:
    """Draw the figures as SVG (in a temporary folder), embed them, write ``target`` atomically."""
    import tempfile

    from gmm_math.cli.explain.figures import write_figures
    from gmm_math.cli.io import write_text

    with tempfile.TemporaryDirectory(prefix="gmm-math-explain-") as tmp:
        images = {key: path.read_bytes() for key, path in write_figures(story, Path(tmp), ".svg").items()}
    return [write_text(target, page(story, images, meta))]
